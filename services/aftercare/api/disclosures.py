"""The accounting of disclosures: every time a patient's records left the program, and how."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import Disclosure, DisclosureQuery
from shared.http.auth import current_site_id
from shared.http.current import store
from shared.http.pagination import page_of

blp = Blueprint("disclosures", __name__, url_prefix="/v1/disclosures",
                description="The accounting of disclosures (42 CFR Part 2, HIPAA): what, to whom, when, under which "
                            "consent, by whom.")


@blp.route("", methods=["GET"])
@blp.arguments(DisclosureQuery, location="query")
@blp.response(200, Disclosure(many=True))
@blp.paginate()
def list_disclosures(query, pagination_parameters):
    """The site's disclosures, newest first, of one patient (``patient_id``) or one referral: each
    referral sent, packet produced and medication list printed for another provider."""
    return page_of(store().disclosures, {"site_id": current_site_id(), **query},
                   [("disclosed_at", -1), ("_id", 1)], pagination_parameters)
