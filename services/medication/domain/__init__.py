"""Medication rules with no I/O: orders and their history, check-ins and adherence, discharge reconciliation."""
