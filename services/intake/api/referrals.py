"""Inbound referrals: received, screened, accepted, admitted, or declined with a reason."""
from flask_smorest import Blueprint

from services.intake.api.schemas import (
    REFERRAL_CREATE_RULES,
    REFERRAL_TRANSITION_RULES,
    Referral,
    ReferralCreate,
    ReferralQuery,
    ReferralTransition,
    body_rules,
)
from services.intake.use_cases import referrals
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("referrals", __name__, url_prefix="/v1/referrals",
                description="Inbound referrals, from first contact to admission or decline.")


@blp.route("", methods=["POST"])
@blp.arguments(ReferralCreate)
@blp.doc(**body_rules(ReferralCreate, **REFERRAL_CREATE_RULES))
@blp.response(201, Referral)
@blp.alt_response(422, description="Invalid fields, or `patient_id` names no patient of this site.")
def receive_referral(fields):
    """Record a referral in status ``received`` (emits intake.referral.received).

    Name the person either by ``patient_id`` (an existing patient of the site) or by ``patient``
    (demographics of someone who is not a patient yet)."""
    return referrals.receive(store(), request_cause(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(ReferralQuery, location="query")
@blp.response(200, Referral(many=True))
@blp.paginate()
def list_referrals(query, pagination_parameters):
    """The site's referrals, newest first, filtered by status or urgency."""
    selector = {"site_id": current_site_id(), **query}
    return page_of(store().referrals, selector, [("received_at", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<referral_id>", methods=["GET"])
@blp.response(200, Referral)
def get_referral(referral_id):
    """One referral with its status history."""
    return find_at_site(store().referrals, referral_id, "referral")


@blp.route("/<referral_id>/transitions", methods=["POST"])
@blp.arguments(ReferralTransition)
@blp.doc(**body_rules(ReferralTransition, **REFERRAL_TRANSITION_RULES))
@blp.response(200, Referral)
@blp.alt_response(409, description="The move is not allowed from the referral's status, or the MRN "
                                   "belongs to a patient with another birth date.")
@blp.alt_response(422, description="Invalid fields, a decline without a reason, or an MRN the referral "
                                   "contradicts, or none where the referral has none.")
def transition_referral(fields, referral_id):
    """Move a referral: received → screening → accepted → admitted, or → declined with a reason
    (emits intake.referral.updated).

    Accepting registers the patient, or links the patient already registered under the MRN at
    the site (same birth date required). Admitting creates the enrollment exactly as
    POST /v1/enrollments does (emits intake.enrollment.admitted)."""
    return referrals.move(store(), request_cause(), current_site(), referral_id, fields)
