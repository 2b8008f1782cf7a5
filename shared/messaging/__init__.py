"""RabbitMQ (or the embedded filesystem transport) used as RabbitMQ's reliability guide says (ARCHITECTURE.md §4)."""
