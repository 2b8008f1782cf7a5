"""The webhooks service: a site's events delivered, signed, to the endpoints it registers."""
