"""Treatment's settings in the sites file, under the key ``treatment``, read here and checked when a
process starts (a mistake stops it with the site named, instead of failing each event that needs it).

Every key is optional; an absent one keeps its default::

    "treatment": {
        "required_signatures": ["clinician", "patient"],   # who signs a plan before it is active
        "supervisor_signature": false,                     # true adds "supervisor" to them
        "adolescent_programs": ["adolescent"],             # programs where a guardian signs for the patient
        "first_plan_due_days": 7,                          # days after admission the first plan is due
        "review_interval_days": 30,                        # the longest time between two reviews
        "note_signing_hours": 72,                          # hours after a session its note is due signed
        "note_format": "DAP"                               # the form of a new note: DAP, BIRP or SOAP
    }
"""
from dataclasses import dataclass

from services.treatment.domain.notes import FORMATS
from services.treatment.domain.plans import SIGNER_ROLES
from shared.sites import Site, Sites, SitesFileError

OPTION = "treatment"


@dataclass(frozen=True)
class TreatmentSettings:
    required_signatures: tuple[str, ...] = ("clinician", "patient")
    supervisor_signature: bool = False
    adolescent_programs: tuple[str, ...] = ("adolescent",)
    first_plan_due_days: int = 7
    review_interval_days: int = 30
    note_signing_hours: int = 72
    note_format: str = "DAP"

    def signatures_for(self, program: str | None) -> tuple[str, ...]:
        """The roles that sign a plan of ``program``: a guardian signs for the patient of an
        adolescent program, and a supervisor too where the site requires it."""
        guardian = program in self.adolescent_programs
        roles = ["guardian" if guardian and role == "patient" else role for role in self.required_signatures]
        if self.supervisor_signature:
            roles.append("supervisor")
        return tuple(dict.fromkeys(roles))


KEYS = ("required_signatures", "supervisor_signature", "adolescent_programs", "first_plan_due_days",
        "review_interval_days", "note_signing_hours", "note_format")
DEFAULTS = TreatmentSettings()


def settings_for(site: Site) -> TreatmentSettings:
    """The site's treatment settings, defaults where it sets none (checked at start)."""
    given = site.options.get(OPTION) or {}
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in given.items() if key in KEYS}
    return TreatmentSettings(**values)


def check_site_settings(sites: Sites) -> None:
    """Refuse, naming the site and the key, the first treatment setting that could not work."""
    for site in sites.all():
        given = site.options.get(OPTION)
        if given is None:
            continue
        if not isinstance(given, dict):
            raise SitesFileError(f"site '{site.id}': {OPTION} must be an object")
        for message in _faults(given):
            raise SitesFileError(f"site '{site.id}': {OPTION}.{message}")


def _faults(given: dict) -> list[str]:
    faults = [f"{key}: not a setting (known: {', '.join(KEYS)})" for key in given if key not in KEYS]
    roles = given.get("required_signatures", list(DEFAULTS.required_signatures))
    if not _strings(roles) or not roles or not set(roles) <= set(SIGNER_ROLES) - {"guardian"}:
        faults.append("required_signatures: a non-empty list of clinician, patient, supervisor")
    if not isinstance(given.get("supervisor_signature", False), bool):
        faults.append("supervisor_signature: true or false")
    if not _strings(given.get("adolescent_programs", [])):
        faults.append("adolescent_programs: a list of program codes")
    for key, least in (("first_plan_due_days", 1), ("review_interval_days", 1), ("note_signing_hours", 1)):
        value = given.get(key, least)
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            faults.append(f"{key}: a whole number, at least {least}")
    if given.get("note_format", DEFAULTS.note_format) not in FORMATS:
        faults.append(f"note_format: one of {', '.join(FORMATS)}")
    return faults


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
