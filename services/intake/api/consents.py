"""Part 2 consents (42 CFR §2.31): recorded from the signed form, revoked in writing, read with their status."""
from flask_smorest import Blueprint

from services.intake.api.schemas import (
    CONSENT_CREATE_RULES,
    CONSENT_EXAMPLES,
    Consent,
    ConsentCreate,
    ConsentQuery,
    ConsentRevocation,
    all_of,
)
from services.intake.use_cases import consents
from shared.http.current import current_site, request_cause, store
from shared.http.pagination import page_of_list

blp = Blueprint("consents", __name__, url_prefix="/v1",
                description="Written consents to disclose substance-use records (42 CFR Part 2, §2.31), which "
                            "aftercare checks before each disclosure.")


@blp.route("/patients/<patient_id>/consents", methods=["POST"])
@blp.arguments(ConsentCreate)
@blp.doc(**all_of(ConsentCreate, *CONSENT_CREATE_RULES, examples=CONSENT_EXAMPLES))
@blp.response(201, Consent)
@blp.alt_response(404, description="No such patient at this site.")
@blp.alt_response(422, description="Invalid fields, or terms that do not fit together: one recipient or a class "
                                   "of recipients, one expiry date or event, `purpose_detail` with `other` only, "
                                   "an expiry not before the signature nor today, a signature not after today.")
def grant_consent(fields, patient_id):
    """Record the patient's signed consent with its §2.31 elements: what (`scope`), to whom
    (`recipient_id` or `recipient_class`), why (`purpose`), until when (`expires_on` or
    `expiry_event`), signed by whom and when (`signature`). Answers it `active` and emits
    intake.consent.granted (ids and codes only), from which aftercare allows its disclosures."""
    return consents.grant(store(), request_cause(), current_site(), patient_id, fields)


@blp.route("/patients/<patient_id>/consents", methods=["GET"])
@blp.arguments(ConsentQuery, location="query")
@blp.response(200, Consent(many=True))
@blp.alt_response(404, description="No such patient at this site.")
@blp.paginate()
def list_consents(query, patient_id, pagination_parameters):
    """The patient's consents, most recently signed first, with their status as of the site's today."""
    return page_of_list(consents.of_patient(store(), current_site(), patient_id, query.get("status")),
                        pagination_parameters)


@blp.route("/consents/<consent_id>", methods=["GET"])
@blp.response(200, Consent)
@blp.alt_response(404, description="No such consent at this site.")
def get_consent(consent_id):
    """One consent with its status as of the site's today (another site's consent is a 404)."""
    return consents.get(store(), current_site(), consent_id)


@blp.route("/consents/<consent_id>/revoke", methods=["POST"])
@blp.arguments(ConsentRevocation, required=False)
@blp.response(200, Consent)
@blp.alt_response(404, description="No such consent at this site.")
@blp.alt_response(409, description="The consent is already revoked or has expired.")
@blp.alt_response(422, description="A `revoked_on` before the signature or after the site's today.")
def revoke_consent(fields, consent_id):
    """Record the patient's written revocation (§2.31(a)(6)): the consent is `revoked` from now on
    and intake.consent.revoked tells aftercare, whose next disclosure under it is refused.
    Disclosures already made in reliance on it stay made."""
    return consents.revoke(store(), request_cause(), current_site(), consent_id, fields)
