"""The site's provider directory: the organisations it refers patients to.

An entry holds the organisation's name, its NPI (National Provider Identifier), the levels of care
it offers, its address and phone, the payers it accepts and whether it takes electronic referrals.
A referral names an entry by its id. Clinicians also type names (a discharge's step-down provider,
a referral's ``provider_name``): a typed name matches an entry of the site by its *folded* name
(case, accents, punctuation and spacing ignored) or becomes a new entry, so a name is never
refused for its spaces or its capitals. A name typed in intake arrives as its name code
(``shared.provider_names``): every entry keeps the codes of the names it has had (``name_codes``),
and an unknown code becomes a placeholder entry, named after the code, for staff to complete.

A provider is a plain dict as the store keeps it; functions return new dicts.
"""
import re
from datetime import datetime

from shared.errors import Invalid
from shared.events.codes import LEVELS_OF_CARE
from shared.provider_names import fold_name, name_code

# An NPI is 10 digits whose last is a Luhn check digit computed over the card-issuer prefix 80840
# followed by the first nine digits (CMS, "Requirements for NPI check digit").
NPI_PREFIX = "80840"
NPI_SHAPE = re.compile(r"^\d{10}$")
# How a code names an NPI (an event's step_down.provider_id, a referral's ``provider``): npi:1234567893.
NPI_REFERENCE = re.compile(r"^(?:npi:)?(\d{10})$", re.IGNORECASE)

# What made an entry: staff filling the directory, a name someone typed, or a code (an NPI) seen in an event.
CREATED_FROM = ("directory", "typed_name", "reference")
EDITABLE = ("name", "npi", "levels_of_care", "address", "phone", "accepted_payers", "accepts_electronic_referrals")


def luhn_check_digit(payload: str) -> int:
    """The digit that makes ``payload`` + digit pass the Luhn check."""
    total = 0
    # From the right of the payload, every other digit (starting with the rightmost) is doubled.
    for position, character in enumerate(reversed(payload)):
        digit = int(character)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of 80840 + the first nine."""
    return isinstance(npi, str) and bool(NPI_SHAPE.match(npi)) and luhn_check_digit(NPI_PREFIX + npi[:9]) == int(npi[9])


def display_name(name: str) -> str:
    """A typed name as kept: white space trimmed and collapsed, nothing else changed."""
    return " ".join(name.split())


def npi_in(reference: str) -> str | None:
    """The NPI a reference code names (``npi:1234567893`` or the ten digits), when it is a valid one."""
    match = NPI_REFERENCE.match(reference.strip())
    return match.group(1) if match and is_valid_npi(match.group(1)) else None


def new_provider(site_id: str, provider_id: str, fields: dict, now: datetime,
                 created_from: str = "directory") -> dict:
    """A directory entry from ``fields`` (the request's, or what a typed name or code gives)."""
    _check(fields)
    if created_from not in CREATED_FROM:
        raise ValueError(f"created_from must be one of {CREATED_FROM}")
    provider = {
        "_id": provider_id,
        "site_id": site_id,
        "name": display_name(fields["name"]),
        "npi": fields.get("npi"),
        "levels_of_care": list(dict.fromkeys(fields.get("levels_of_care") or [])),
        "address": fields.get("address"),
        "phone": fields.get("phone"),
        "accepted_payers": list(fields.get("accepted_payers") or []),
        "accepts_electronic_referrals": bool(fields.get("accepts_electronic_referrals", False)),
        "created_from": created_from,
        "created_at": now,
        "updated_at": now,
    }
    provider["name_folded"] = fold_name(provider["name"])
    provider["name_codes"] = [name_code(provider["name"])]
    return provider


def provider_from_reference(site_id: str, provider_id: str, reference: str, level_of_care: str | None,
                            now: datetime, typed: bool) -> dict:
    """The entry a reference makes when nothing in the directory matches it: a typed name becomes
    the entry's name; an NPI code an entry named after it, for staff to complete."""
    npi = None if typed else npi_in(reference)
    fields = {"name": f"NPI {npi}" if npi else reference, "npi": npi,
              "levels_of_care": [level_of_care] if level_of_care else []}
    return new_provider(site_id, provider_id, fields, now,
                        created_from="typed_name" if typed else "reference")


def provider_from_name_code(site_id: str, provider_id: str, code: str, level_of_care: str | None,
                            now: datetime) -> dict:
    """The placeholder a name code no entry has makes: the name it stands for stays in intake's
    discharge record, so the entry is named after the code until staff (or a referral typing the
    same name, see :func:`named_placeholder`) give it the name."""
    provider = new_provider(site_id, provider_id, {"name": placeholder_name(code),
                                                   "levels_of_care": [level_of_care] if level_of_care else []},
                            now, created_from="reference")
    return {**provider, "name_codes": [code]}


PLACEHOLDER_PREFIX = "Provider named at discharge ("


def placeholder_name(code: str) -> str:
    return f"{PLACEHOLDER_PREFIX}{code})"


def needs_details(provider: dict) -> bool:
    """An entry staff still have to complete before a referral can reach it: no phone and no
    address, or still named after the code a discharge named it by. Asked of the store by
    :data:`NEEDS_DETAILS`, the same rule as a query."""
    unreachable = provider.get("phone") is None and provider.get("address") is None
    return unreachable or provider["name"].startswith(PLACEHOLDER_PREFIX)


# The rule as queries, each spelled the one way MongoDB and the stand-in answer alike (checked on
# every shape of entry in tests/integration/aftercare): "missing or null" as ``$in: [None]`` (a bare
# None inside ``$or`` misses explicit nulls on the stand-in), and the complement positively, by
# type and a negative lookahead (the stand-in mishandles ``$nor`` and ``$ne: None``, and has no ``$not``).
NEEDS_DETAILS = {"$or": [{"phone": {"$in": [None]}, "address": {"$in": [None]}},
                         {"name": {"$regex": "^" + re.escape(PLACEHOLDER_PREFIX)}}]}
COMPLETE = {"$or": [{"phone": {"$type": "string"}}, {"address": {"$type": "object"}}],
            "name": {"$regex": "^(?!" + re.escape(PLACEHOLDER_PREFIX) + ")"}}


def named_placeholder(provider: dict, typed_name: str, now: datetime) -> tuple[dict, list] | None:
    """The changes that give a placeholder the name its code stands for (as :func:`changed_provider`
    gives them); None for any other entry."""
    codes = provider.get("name_codes") or []
    if not codes or provider["name_folded"] != fold_name(placeholder_name(codes[0])):
        return None
    return {"name": display_name(typed_name), "name_folded": fold_name(typed_name), "updated_at": now}, []


def changed_provider(provider: dict, changes: dict, now: datetime) -> tuple[dict, list] | None:
    """The fields a PATCH changes (None when it changes nothing); the folded name follows the name."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid({field: ["Cannot be changed."] for field in sorted(unknown)})
    merged = {**provider, **changes}
    _check(merged)
    fields = {key: value for key, value in changes.items() if provider.get(key) != value}
    if "name" in fields:
        fields["name"] = display_name(fields["name"])
        fields["name_folded"] = fold_name(fields["name"])
        # The codes of its former names stay: a discharge naming the entry as it was typed then still finds it.
        former = provider.get("name_codes") or [name_code(provider["name_folded"])]
        fields["name_codes"] = list(dict.fromkeys([*former, name_code(fields["name"])]))
    if "levels_of_care" in fields:
        fields["levels_of_care"] = list(dict.fromkeys(fields["levels_of_care"]))
    if not fields:
        return None
    fields["updated_at"] = now
    return fields, []


def search_selector(site_id: str, level_of_care: str | None = None, name: str | None = None,
                    incomplete: bool | None = None) -> dict:
    """The query of a directory search: entries offering a level of care, whose folded name
    contains the folded ``name`` (a prefix is contained too); with ``incomplete``, only the entries
    that need details (True) or only those that do not (False)."""
    selector: dict = {"site_id": site_id}
    if incomplete is not None:
        selector = {**selector, **(NEEDS_DETAILS if incomplete else COMPLETE)}
    if level_of_care:
        selector["levels_of_care"] = {"$in": [level_of_care]}  # an element of the list (see store.py)
    if name is not None and fold_name(name):
        selector["name_folded"] = {"$regex": re.escape(fold_name(name))}
    return selector


def _check(fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["Must hold more than white space."]
    npi = fields.get("npi")
    if npi is not None and not is_valid_npi(npi):
        errors["npi"] = ["Not a valid NPI: 10 digits whose last is the Luhn check digit (prefix 80840)."]
    levels = fields.get("levels_of_care") or []
    if any(level not in LEVELS_OF_CARE for level in levels):
        errors["levels_of_care"] = [f"Each must be one of {', '.join(LEVELS_OF_CARE)}."]
    if errors:
        raise Invalid(errors)
