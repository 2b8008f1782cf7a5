"""Embedded defaults: what `make run` uses when no MongoDB or RabbitMQ URL is configured."""
