"""Scheduling's collections and their indexes."""
OUTBOX_COLLECTIONS: list[str] = []

INDEXES: dict = {}
