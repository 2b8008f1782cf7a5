"""Pure rules of webhooks: URLs, signing, the retry schedule, endpoints and deliveries."""
