"""Closed-loop referrals to the next level of care: the step-down one made with the plan, more by
staff; and each referral's packet for the receiving provider."""
from flask import Response, request
from flask_smorest import Blueprint

from services.aftercare.api.gateway import on_behalf_of
from services.aftercare.api.packet_page import render_packet
from services.aftercare.api.schemas import (
    Packet,
    PacketQuery,
    Referral,
    ReferralCreate,
    ReferralQuery,
    ReferralTransition,
)
from services.aftercare.use_cases import packets, referrals
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
from shared.http.other_services import callers_gateway
from shared.http.pagination import page_of

CONSENT_REQUIRED = ("A substance-use program's records (42 CFR Part 2) and no active consent covering the "
                    "provider for treatment: problem type .../problems/consent-required.")
# Two media types for one answer: flask-smorest documents one, so both are written out here.
PACKET_ANSWERS = {"description": "The packet as JSON; with `Accept: text/html`, the printable page.",
                  "content": {"application/json": {"schema": Packet},
                              "text/html": {"schema": {"type": "string"},
                                            "example": "<!doctype html><html lang=\"en\">...</html>"}}}

blp = Blueprint("referrals", __name__, url_prefix="/v1/referrals",
                description="Referrals tracked created → sent → accepted → scheduled → completed, or declined "
                            "(a re-referral task follows) or cancelled.")


@blp.route("", methods=["GET"])
@blp.arguments(ReferralQuery, location="query")
@blp.response(200, Referral(many=True))
@blp.paginate()
def list_referrals(query, pagination_parameters):
    """The site's referrals, oldest first, filtered by plan or status."""
    return page_of(store().referrals, {"site_id": current_site_id(), **query},
                   [("created_at", 1), ("_id", 1)], pagination_parameters)


@blp.route("", methods=["POST"])
@blp.arguments(ReferralCreate)
@blp.response(201, Referral)
def create_referral(fields):
    """Add a referral to a plan (emits aftercare.referral.created). The provider is a directory entry
    (``provider_id``), or a name typed by a clinician (``provider_name``), matched in the directory by
    its folded name or added to it."""
    return referrals.add_referral(store(), request_cause(), fields["plan_id"], fields["level_of_care"],
                                  provider=fields.get("provider"), provider_id=fields.get("provider_id"),
                                  provider_name=fields.get("provider_name"))


@blp.route("/<referral_id>", methods=["GET"])
@blp.response(200, Referral)
@blp.alt_response(404, description="No such referral at this site.")
def get_referral(referral_id):
    """One referral with its history."""
    return find_at_site(store().referrals, referral_id, "referral")


@blp.route("/<referral_id>/transitions", methods=["POST"])
@blp.arguments(ReferralTransition)
@blp.response(200, Referral)
@blp.alt_response(404, description="No such referral at this site.")
@blp.alt_response(409, description="The referral cannot move from its status to the one asked; or, to send it, "
                                   + CONSENT_REQUIRED)
def transition_referral(fields, referral_id):
    """Move a referral to its next status (emits aftercare.referral.updated); ``reason`` is required
    to decline, and a decline opens a re_referral task. Sending discloses the patient to the
    provider: for a substance-use program it needs an active Part 2 consent covering the provider
    (409 consent-required), and it is written to the accounting of disclosures. Completing counts
    as a follow-up visit with that provider."""
    return referrals.move_referral(store(), request_cause(), current_site(), referral_id, fields["to"],
                                   note=fields.get("note"), reason=fields.get("reason"), on_behalf_of=on_behalf_of())


@blp.route("/<referral_id>/packet", methods=["GET"])
@blp.arguments(PacketQuery, location="query")
@blp.response(200, Packet)
@blp.doc(responses={"200": PACKET_ANSWERS})
@blp.alt_response(404, description="No such referral at this site.")
@blp.alt_response(409, description=CONSENT_REQUIRED)
def referral_packet(query, referral_id):
    """The referral packet for the receiving provider: identity, program and dates, diagnoses, the
    aftercare plan and follow-up appointment, relapse-prevention and safety plans, the reconciled
    medications and those stopped during the program, and the unmet objectives carried over; for a
    substance-use program the 42 CFR 2.32 notice and the consent's scope. Parts other services own
    are read from their APIs with your key; one that cannot be read is listed as missing, with why.
    Each production is written to the accounting of disclosures."""
    packet = packets.referral_packet(store(), request_cause(), current_site(), referral_id, callers_gateway(),
                                     view=query["view"], on_behalf_of=on_behalf_of())
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return Response(render_packet(packet), mimetype="text/html")
    return packet
