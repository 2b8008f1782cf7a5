"""Medication's application layer: each function takes its input, the cause and the store."""
