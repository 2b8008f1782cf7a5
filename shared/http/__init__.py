"""HTTP plumbing every service API shares: the app factory, errors, auth, idempotency, audit, health."""
