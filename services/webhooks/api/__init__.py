"""HTTP entry points of the webhooks service."""
