"""Scheduling rules without I/O: groups, session generation, waiting lists, attendance, follow-up, calendar feeds."""
