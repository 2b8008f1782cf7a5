"""Intake's application layer: one module per aggregate. Each function takes the store, the
cause (for commands) and its input, reads the clock through shared.clock or the site, and
writes each change with the events the domain decided on in one write."""
