"""Sites (tenants) and their API keys, read from IOP_SITES_FILE (CONTRACT.md, Sites and keys).

Keys are only ever held as SHA-256 hex digests; a presented key is hashed and looked up.
"""
import hashlib
import hmac
import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from shared import clock
from shared.business_days import WEEKDAYS, BusinessCalendar
from shared.programs import Program, ProgramCatalogError, parse_catalog


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    timezone: str
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    absence_escalation_threshold: int = 2
    # Free-form per-site settings a service may read (e.g. aftercare plan template overrides).
    options: dict = field(default_factory=dict)
    # The site's program catalog (shared/programs.py): every service checks program codes here.
    programs: dict[str, Program] = field(default_factory=lambda: parse_catalog(None))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        """The calendar day it is now at the site, which is what clinical due dates count from."""
        return clock.now().astimezone(self.zone).date()


@dataclass(frozen=True)
class Principal:
    """Who is calling: a clinician key of one site, or an operator key that spans every site."""

    role: str
    label: str
    site_id: str | None = None
    # The SHA-256 digest of the key: what rate limits count by (a label may name several keys).
    digest: str = ""

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"


class SitesFileError(ValueError):
    pass


class Sites:
    def __init__(self, sites: dict[str, Site], keys: dict[str, Principal]):
        self._sites = sites
        self._keys = keys

    def __contains__(self, site_id: str) -> bool:
        return site_id in self._sites

    def get(self, site_id: str) -> Site:
        return self._sites[site_id]

    def all(self) -> list[Site]:
        return list(self._sites.values())

    def authenticate(self, presented_key: str) -> Principal | None:
        digest = hashlib.sha256(presented_key.encode()).hexdigest()
        # Compare against every digest in constant time so timing does not reveal near misses.
        found = None
        for known, principal in self._keys.items():
            if hmac.compare_digest(known, digest):
                found = principal
        return found


def load_sites(path: Path) -> Sites:
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise SitesFileError(f"cannot read sites file {path}: {exc}") from exc
    sites: dict[str, Site] = {}
    keys: dict[str, Principal] = {}
    for entry in raw.get("sites", []):
        site = _parse_site(entry)
        if site.id in sites:
            raise SitesFileError(f"site '{site.id}' is listed twice")
        sites[site.id] = site
        for key in entry.get("api_keys", []):
            role = key.get("role", "clinician")
            if role != "clinician":
                raise SitesFileError(f"site '{site.id}': key role must be 'clinician', got '{role}'")
            _add_key(keys, key, Principal(role=role, label=key.get("label", ""), site_id=site.id))
    for key in raw.get("operators", []):
        _add_key(keys, key, Principal(role="operator", label=key.get("label", "")))
    if not sites:
        raise SitesFileError(f"sites file {path} lists no site")
    return Sites(sites, keys)


def _parse_site(entry: dict) -> Site:
    missing = [key for key in ("id", "name", "timezone") if key not in entry]
    if missing:
        raise SitesFileError(f"a site lacks {', '.join(missing)}")
    site_id, name, timezone = entry["id"], entry["name"], entry["timezone"]
    try:
        ZoneInfo(timezone)
    except Exception as exc:  # ZoneInfoNotFoundError, or a malformed name
        raise SitesFileError(f"site '{site_id}': unknown timezone '{timezone}'") from exc
    weekdays = entry.get("business_days", list(WEEKDAYS[:5]))
    if not set(weekdays) <= set(WEEKDAYS) or not weekdays:
        raise SitesFileError(f"site '{site_id}': business_days must name weekdays like 'mon'")
    calendar = BusinessCalendar(
        open_weekdays=frozenset(weekdays),
        holidays=frozenset(date.fromisoformat(day) for day in entry.get("holidays", [])),
    )
    try:
        programs = parse_catalog(entry.get("programs"))
    except ProgramCatalogError as error:
        raise SitesFileError(f"site '{site_id}': {error}") from error
    known = {"id", "name", "timezone", "api_keys", "business_days", "holidays", "absence_escalation_threshold",
             "programs"}
    return Site(
        id=site_id,
        name=name,
        timezone=timezone,
        calendar=calendar,
        absence_escalation_threshold=int(entry.get("absence_escalation_threshold", 2)),
        options={k: v for k, v in entry.items() if k not in known},
        programs=programs,
    )


def _add_key(keys: dict[str, Principal], key: dict, principal: Principal) -> None:
    digest = str(key.get("sha256", "")).lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise SitesFileError(f"key '{principal.label}' must be a SHA-256 hex digest")
    if digest in keys:
        raise SitesFileError(f"key '{principal.label}' is listed twice")
    keys[digest] = replace(principal, digest=digest)
