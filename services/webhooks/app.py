"""The webhooks API: ``gunicorn 'services.webhooks.app:create_app()'``."""
from services.webhooks.api import deliveries, endpoints
from services.webhooks.bootstrap import bootstrap
from shared.context import ServiceContext
from shared.http.service_app import create_service_app

DESCRIPTION = """Signed webhooks: a site's events delivered to the HTTPS endpoints the site registers.

**What is sent.** Every event of the caller's site whose type an endpoint names (or every event,
with `"*"`) is POSTed to it as the event envelope, exactly one shape for every event:
`{event_id, event_type, event_version, occurred_at, site_id, correlation_id, causation_id,
producer, payload}`. Payloads carry ids and codes only, never names, contact details or notes.
`POST /endpoints/{id}/test` sends a `webhooks.endpoint.tested` event in the same envelope.

**Signatures** follow the Standard Webhooks specification (standardwebhooks.com): the headers
`webhook-id` (the delivery's id, the same on every retry: use it to drop duplicates),
`webhook-timestamp` (seconds since the epoch) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`
over `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the bytes of the `whsec_` secret). Any
Standard Webhooks library verifies them, e.g. in Python
`standardwebhooks.Webhook(secret).verify(body, headers)`. The secret is shown once, in the answer
that registers the endpoint or rotates its secret. After a rotation the previous secret keeps
signing next to the new one (two signatures, space-separated) for `overlap_hours` (default 24).

**Retries.** A delivery is tried at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h,
until an attempt is answered 2xx; when an attempt fails 24 hours or more after the first one, the
delivery is marked `failed`. Redirects are not followed. Every attempt is logged with its status
code, latency and kind of error. Failed deliveries can be retried one by one
(`POST /deliveries/{id}/retry`) or all at once (`POST /endpoints/{id}/retry-failed`).

**Addresses.** An endpoint URL must be https and resolve to public addresses only, checked at
registration and before every attempt (loopback, private, link-local and reserved ones are
refused with 422 on `url`). Sending never slows a clinical workflow: the worker records deliveries
from the events and sends them in the background with a 5 s timeout."""


def create_app(config: dict | None = None, context: ServiceContext | None = None):
    return create_service_app(
        context or bootstrap(),
        title="IOP webhooks",
        description=DESCRIPTION,
        blueprints=[endpoints.blp, deliveries.blp],
        config=config,
    )
