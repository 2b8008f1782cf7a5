"""The site's provider directory: staff add and correct entries; referrals and discharges name them.

A name typed by a clinician, or a code an event carries (an NPI, a directory id), is *resolved*:
the entry it names, else the entry whose folded name matches, else a new entry made from it. The
unique index on (site, folded name) makes two concurrent resolutions of one new name one entry.
"""
import logging
import uuid

from pymongo.errors import DuplicateKeyError

from services.aftercare.domain import providers as provider_rules
from services.aftercare.store import AftercareStore
from shared import clock
from shared.cause import Cause
from shared.errors import Conflict, Invalid, NotFound
from shared.provider_names import is_name_code, name_code

log = logging.getLogger(__name__)


def register_provider(store: AftercareStore, cause: Cause, fields: dict) -> dict:
    """A new directory entry; 409 when its name (folded) or its NPI is in the directory already."""
    provider = provider_rules.new_provider(cause.site_id, str(uuid.uuid4()), fields, clock.now())
    _refuse_a_second_npi(store, cause.site_id, provider["npi"], None)
    try:
        return store.providers.insert(provider)
    except DuplicateKeyError:
        raise _same_name(store, cause.site_id, provider["name_folded"]) from None


def update_provider(store: AftercareStore, cause: Cause, provider_id: str, changes: dict) -> dict:
    """Correct an entry (PATCH): only the fields given change."""
    if changes.get("npi"):
        _refuse_a_second_npi(store, cause.site_id, changes["npi"], provider_id)
    now = clock.now()
    try:
        provider = store.providers.modify({"_id": provider_id, "site_id": cause.site_id},
                                          lambda current: provider_rules.changed_provider(current, changes, now))
    except DuplicateKeyError:
        raise _same_name(store, cause.site_id, provider_rules.fold_name(changes["name"])) from None
    if provider is None:
        raise NotFound(f"No provider {provider_id} in this site's directory.")
    return provider


def directory_entry(store: AftercareStore, site_id: str, provider_id: str, field: str = "provider_id") -> dict:
    """The site's entry a request names by id; an unknown id (or another site's) is a 422 on ``field``."""
    provider = store.providers.find_one({"_id": provider_id, "site_id": site_id})
    if provider is None:
        raise Invalid({field: ["No such provider in this site's directory."]})
    return provider


def resolve_provider(store: AftercareStore, site_id: str, reference: str | None, level_of_care: str | None = None,
                     typed: bool = False) -> dict | None:
    """The directory entry ``reference`` names: by id, NPI or name code (a code, unless ``typed``),
    else by folded name, else a new entry made from it. None for an empty reference."""
    if reference is None or not provider_rules.fold_name(reference):
        return None
    if not typed and is_name_code(reference):
        return _by_name_code(store, site_id, reference) or _added(store, provider_rules.provider_from_name_code(
            site_id, str(uuid.uuid4()), reference, level_of_care, clock.now()))
    npi = None if typed else provider_rules.npi_in(reference)
    if not typed:
        found = store.providers.find_one({"_id": reference, "site_id": site_id})
        if found is None and npi:
            found = store.providers.find_one({"site_id": site_id, "npi": npi})
        if found is not None:
            return found
    folded = provider_rules.fold_name(f"NPI {npi}" if npi else reference)
    found = store.providers.find_one({"site_id": site_id, "name_folded": folded})
    if found is not None:
        return found
    if typed:  # the name a discharge named by its code, and so perhaps a placeholder waiting for it
        found = _by_name_code(store, site_id, name_code(reference))
        if found is not None:
            return _named(store, found, reference)
    return _added(store, provider_rules.provider_from_reference(site_id, str(uuid.uuid4()), reference, level_of_care,
                                                                clock.now(), typed=typed))


def _by_name_code(store: AftercareStore, site_id: str, code: str) -> dict | None:
    found = store.providers.find_one({"site_id": site_id, "name_codes": {"$in": [code]}})
    if found is not None:
        return found
    # Entries written before name codes existed have none: their folded names give them.
    return next((entry for entry in store.providers.find({"site_id": site_id})
                 if "name_codes" not in entry and name_code(entry["name_folded"]) == code), None)


def _named(store: AftercareStore, placeholder: dict, typed_name: str) -> dict:
    """The placeholder given the name a clinician typed; any other entry as it is."""
    now = clock.now()
    try:
        named = store.providers.modify(
            {"_id": placeholder["_id"], "site_id": placeholder["site_id"]},
            lambda current: provider_rules.named_placeholder(current, typed_name, now))
    except DuplicateKeyError:  # the name was given to another entry a moment ago
        return placeholder
    return named or placeholder


def _added(store: AftercareStore, provider: dict) -> dict:
    try:
        store.providers.insert(provider)
        log.info("provider %s added to the directory from a %s", provider["_id"], provider["created_from"])
        return provider
    except DuplicateKeyError:  # made a moment ago by a concurrent resolution of the same name
        return store.providers.find_one({"site_id": provider["site_id"], "name_folded": provider["name_folded"]})


def _refuse_a_second_npi(store: AftercareStore, site_id: str, npi: str | None, provider_id: str | None) -> None:
    if npi is None:
        return
    other = store.providers.find_one({"site_id": site_id, "npi": npi})
    if other is not None and other["_id"] != provider_id:
        raise Conflict(f"NPI {npi} is already in the directory as provider {other['_id']}.")


def _same_name(store: AftercareStore, site_id: str, folded: str) -> Conflict:
    other = store.providers.find_one({"site_id": site_id, "name_folded": folded})
    return Conflict(f"A provider of this name is already in the directory: {other['_id'] if other else 'unknown'}.")
