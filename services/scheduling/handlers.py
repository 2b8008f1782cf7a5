"""Events scheduling consumes, each mapped to one handler ``handler(event, context)``."""
HANDLERS: dict = {}
