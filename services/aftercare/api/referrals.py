"""Closed-loop referrals to the next level of care: the step-down one made with the plan, more by staff."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import Referral, ReferralCreate, ReferralQuery, ReferralTransition
from services.aftercare.use_cases import referrals
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
from shared.http.pagination import page_of

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
    """Add a referral to a plan (emits aftercare.referral.created)."""
    return referrals.add_referral(store(), request_cause(), fields["plan_id"], fields["level_of_care"],
                                  fields.get("provider"))


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
@blp.alt_response(409, description="The referral cannot move from its status to the one asked.")
def transition_referral(fields, referral_id):
    """Move a referral to its next status (emits aftercare.referral.updated); ``reason`` is required
    to decline, and a decline opens a re_referral task."""
    return referrals.move_referral(store(), request_cause(), current_site(), referral_id, fields["to"],
                                   note=fields.get("note"), reason=fields.get("reason"))
