"""The medication service."""
