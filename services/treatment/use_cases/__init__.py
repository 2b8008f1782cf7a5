"""Treatment's application layer: each function takes its input, the cause (or site) and the store."""
