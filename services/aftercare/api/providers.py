"""The site's provider directory: the organisations its referrals go to."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import Provider, ProviderCreate, ProviderQuery, ProviderUpdate
from services.aftercare.domain.providers import search_selector
from services.aftercare.use_cases import providers
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("providers", __name__, url_prefix="/v1/providers",
                description="The site's referral directory: name, NPI, levels of care, address, phone, payers.")

EXAMPLE = {"name": "Lakeside Counseling", "npi": "1234567893", "levels_of_care": ["outpatient_therapy", "psychiatry"],
           "address": {"line1": "2100 Lake Street, Suite 300", "city": "Minneapolis", "state": "MN",
                       "postal_code": "55408"},
           "phone": "+1 612 555 0142", "accepted_payers": ["Medicaid", "BlueCross"], "accepts_electronic_referrals": True}


@blp.route("", methods=["POST"])
@blp.arguments(ProviderCreate, example=EXAMPLE)
@blp.response(201, Provider)
@blp.alt_response(409, description="A provider of this name (folded) or NPI is already in the directory.")
def register_provider(fields):
    """Add an organisation to the site's directory; its NPI's check digit is verified (422 on npi)."""
    return providers.register_provider(store(), request_cause(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(ProviderQuery, location="query")
@blp.response(200, Provider(many=True))
@blp.paginate()
def list_providers(query, pagination_parameters):
    """The site's directory by name, filtered by a level of care offered, by part of the name
    (case, accents, punctuation and spacing ignored: `lake` finds "Lakeside Counseling") and by
    whether staff still have to complete the entry (`needs_details=true`: the entries a discharge or
    a typed name made, with no phone or address yet or still named after a code)."""
    selector = search_selector(current_site_id(), query.get("level_of_care"), query.get("name"),
                               incomplete=query.get("needs_details"))
    return page_of(store().providers, selector, [("name_folded", 1), ("_id", 1)], pagination_parameters)


@blp.route("/<provider_id>", methods=["GET"])
@blp.response(200, Provider)
@blp.alt_response(404, description="No such provider in this site's directory.")
def get_provider(provider_id):
    """One directory entry."""
    return find_at_site(store().providers, provider_id, "provider")


@blp.route("/<provider_id>", methods=["PATCH"])
@blp.arguments(ProviderUpdate, example={"phone": "+1 612 555 0199", "accepts_electronic_referrals": False})
@blp.response(200, Provider)
@blp.alt_response(404, description="No such provider in this site's directory.")
@blp.alt_response(409, description="Another entry has this name (folded) or NPI.")
def update_provider(fields, provider_id):
    """Correct a directory entry: only the fields sent change (e.g. complete one a typed name made)."""
    return providers.update_provider(store(), request_cause(), provider_id, fields)
