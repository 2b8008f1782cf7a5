"""Treatment's HTTP API: one blueprint per resource."""
