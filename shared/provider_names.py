"""How a provider's name typed by a clinician travels in an event: as a *name code*.

Events carry codes, never text a person wrote (CONTRACT.md). Yet a discharge's step-down provider
is often a name a clinician types in intake ("Lakeside Counseling Center, LLC"), while the
directory it must resolve to is aftercare's. Both services apply the rule kept here: the name is
folded (case, accents, apostrophes, punctuation and spacing ignored: the directory matches names
in that form) and digested into ``name:<32 hex digits>``. Intake puts that code in its event and
keeps the typed name in its own record; aftercare finds the directory entry whose name has that
code. The digest is not a secret (anyone may fold and digest a name); it only keeps the name's
text out of the event.
"""
import hashlib
import re
import unicodedata

NAME_CODE = re.compile(r"^name:[0-9a-f]{32}$")
# What names a directory entry by itself, and so travels as given: an entry's id (a UUID), an NPI
# (npi:1234567893 or the ten digits) or a name code already made.
DIRECTORY_CODE = re.compile(r"^(?:[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}|(?:npi:)?\d{10}|name:[0-9a-f]{32})$",
                            re.IGNORECASE)


def fold_name(name: str) -> str:
    """The form names are matched and searched by: case folded, accents dropped, apostrophes
    removed, every other run of punctuation or spacing one space. ``"St. Mary's  Clinic"`` and
    ``"st-marys clinic"`` fold alike (``"st marys clinic"``). A name of punctuation only keeps its
    punctuation (case folded, spacing collapsed): it is still a name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    plain = re.sub(r"['\u2019`]", "", plain)
    folded = " ".join(re.sub(r"[\W_]+", " ", plain).split())
    return folded or " ".join(name.casefold().split())


def name_code(name: str) -> str:
    """The code of a name: equal for two names that fold alike, and only then (to a 128-bit digest)."""
    return "name:" + hashlib.sha256(fold_name(name).encode("utf-8")).hexdigest()[:32]


def is_name_code(reference: str) -> bool:
    return bool(NAME_CODE.match(reference))


def provider_code(reference: str) -> str:
    """What an event carries for the provider a clinician gave: a directory code (an entry id, an
    NPI, a name code) as given, lower-cased; anything else is a typed name, carried as its name code."""
    reference = reference.strip()
    return reference.lower() if DIRECTORY_CODE.match(reference) else name_code(reference)
