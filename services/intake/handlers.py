"""Events intake consumes: none yet (intake is where the workflows start)."""
HANDLERS: dict = {}
