"""Request and answer schemas of the webhooks API; the OpenAPI spec is built from these.

Request schemas check each field's form (422 field by field); the rules that need the network or
the contract (the URL's addresses, known event types) are the use cases' and the domain's.
"""
from marshmallow import Schema, fields, validate

from services.webhooks.domain.deliveries import ERROR_KINDS, STATUSES
from services.webhooks.domain.endpoints import MAX_SECRET_OVERLAP, SECRET_OVERLAP
from services.webhooks.domain.urls import MAX_URL_LENGTH
from shared.http.fields import Answer, ClinicalInstant, Uuid

EVENT_TYPE = validate.Regexp(r"^(\*|[a-z_]+\.[a-z_]+\.[a-z_]+)$", error="Must be an event type, or '*'.")
EVENT_TYPE_NAME = validate.Regexp(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$", error="Must be an event type.")


class EndpointCreate(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=MAX_URL_LENGTH), metadata={
        "description": "Where the site's events are POSTed: https, resolving to public addresses only.",
        "example": "https://partner.example.org/iop/webhooks"})
    event_types = fields.List(
        fields.String(validate=EVENT_TYPE), required=True, validate=validate.Length(min=1, max=100),
        metadata={"description": "Event types to receive (CONTRACT.md, Events), or `[\"*\"]` for every event of "
                                 "the site.", "example": ["intake.enrollment.completed", "aftercare.plan.created"]})
    description = fields.String(allow_none=True, validate=validate.Length(max=200), metadata={
        "description": "What the endpoint is for, for the site's staff; never sent anywhere.",
        "example": "Care-coordination platform"})
    active = fields.Boolean(metadata={"description": "A paused endpoint (false) gets no new deliveries. Default true."})


class EndpointUpdate(EndpointCreate):
    """Every field of the creation, each optional."""


class SigningSecret(Answer):
    created_at = ClinicalInstant()
    expires_at = ClinicalInstant(allow_none=True, metadata={
        "description": "When this secret stops signing (a rotated-out secret); null for the current one."})


class Endpoint(Answer):
    id = fields.UUID(attribute="_id")
    url = fields.String()
    description = fields.String(allow_none=True)
    event_types = fields.List(fields.String())
    active = fields.Boolean()
    signing_secrets = fields.List(fields.Nested(SigningSecret), attribute="secrets", metadata={
        "description": "The secrets that sign deliveries, newest first: when each was made and stops signing. "
                       "The secrets themselves are shown only once, when made."})
    created_at = ClinicalInstant()
    created_by = fields.String()
    updated_at = ClinicalInstant()


class EndpointWithSecret(Endpoint):
    secret = fields.String(metadata={
        "description": "The signing secret (Standard Webhooks `whsec_...`). Shown in this answer only: store it now.",
        "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})


class EndpointQuery(Schema):
    active = fields.Boolean()


class SecretRotation(Schema):
    overlap_hours = fields.Integer(
        load_default=int(SECRET_OVERLAP.total_seconds() // 3600),
        validate=validate.Range(min=0, max=int(MAX_SECRET_OVERLAP.total_seconds() // 3600)),
        metadata={"description": "How long the previous secret keeps signing next to the new one. Default 24."})


class Attempt(Answer):
    at = ClinicalInstant()
    status_code = fields.Integer(allow_none=True, metadata={"description": "The receiver's status; null when none came."})
    latency_ms = fields.Integer()
    error = fields.String(allow_none=True, validate=validate.OneOf(ERROR_KINDS), metadata={
        "description": "Why the attempt failed; null when it was answered 2xx."})


class Delivery(Answer):
    id = fields.UUID(attribute="_id", metadata={"description": "Also the `webhook-id` header of every attempt."})
    endpoint_id = fields.UUID()
    event_id = fields.UUID()
    event_type = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    attempt_count = fields.Integer()
    attempts = fields.List(fields.Nested(Attempt), metadata={"description": "The latest 50 attempts, oldest first."})
    next_attempt_at = ClinicalInstant(allow_none=True)
    created_at = ClinicalInstant()
    delivered_at = ClinicalInstant(allow_none=True)
    failed_at = ClinicalInstant(allow_none=True)


class DeliveryQuery(Schema):
    endpoint_id = Uuid()
    status = fields.String(validate=validate.OneOf(STATUSES))
    event_type = fields.String(validate=EVENT_TYPE_NAME)


class Retried(Answer):
    retried = fields.Integer(metadata={"description": "How many failed deliveries are due again now."})
