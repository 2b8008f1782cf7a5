"""iCalendar feeds of a group's meetings and of a patient's sessions and appointments, read with the
site key or through a subscribable calendar link (domain/calendar_links.py).

A link is created for one feed of the caller's site; its token is made here, answered once and
stored only as its digest. Reading a feed through a link finds the link by the digest of the
presented token: the link names the site and the feed, so the address needs no key.
"""
import secrets
import uuid
from typing import NamedTuple

from services.scheduling.domain import calendar_links as rules
from services.scheduling.domain.calendar_feed import group_feed, patient_feed
from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases import Page, no_events
from services.scheduling.use_cases.groups import find_group
from services.scheduling.use_cases.patients import is_patient_of_site
from shared import clock
from shared.cause import Cause
from shared.errors import Invalid, NotFound
from shared.sites import Site, Sites

LINK_FILTERS = ("feed", "feed_id", "status")
TOKEN_BYTES = 32


class Feed(NamedTuple):
    body: bytes  # text/calendar
    filename: str


def _patient_documents(store: SchedulingStore, site: Site, patient_id: str) -> tuple[list[dict], list[dict]]:
    query = {"site_id": site.id, "patient_id": patient_id}
    return store.schedules.find(query), store.appointments.find(query)


def group_calendar(store: SchedulingStore, site: Site, group_id: str) -> Feed:
    """The group's meetings around today (none once archived), under the group's name."""
    group = find_group(store, site, group_id)
    return Feed(group_feed(group, site.today(), site.timezone, clock.now()), f"group-{group_id}.ics")


def patient_calendar(store: SchedulingStore, site: Site, patient_id: str) -> Feed:
    """Every session and appointment of the patient at the site, in time order; cancelled ones marked."""
    schedules, appointments = _patient_documents(store, site, patient_id)
    if not schedules and not appointments:
        raise NotFound(f"No schedule or appointment for patient {patient_id} at this site.")
    return Feed(patient_feed(schedules, appointments, clock.now()), "appointments.ics")


# --- subscribable links ---------------------------------------------------------------------------

def create_calendar_link(store: SchedulingStore, cause: Cause, site: Site, feed: str, feed_id: str) -> tuple[dict, str]:
    """A link to one feed of the site (a group of the site, a patient of the site: Invalid on ``id``
    otherwise), and its token, which is answered once and never stored."""
    if feed == rules.GROUP:
        if store.groups.find_one({"_id": feed_id, "site_id": site.id}, projection={"_id": 1}) is None:
            raise Invalid({"id": ["No such group at this site."]})
    elif not is_patient_of_site(store, site, feed_id):
        raise Invalid({"id": ["No such patient at this site."]})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = rules.new_link(link_id=str(uuid.uuid4()), site_id=site.id, feed=feed, feed_id=feed_id, token=token,
                          now=clock.now(), by=cause.actor)
    return store.calendar_links.insert(link, cause=cause), token


def list_calendar_links(store: SchedulingStore, site: Site, filters: dict, page: Page) -> list[dict]:
    """The site's links, newest first, by feed, feed id and status."""
    query = {"site_id": site.id, **{name: filters[name] for name in LINK_FILTERS if name in filters}}
    return page(store.calendar_links, query, [("created_at", -1), ("_id", 1)])


def get_calendar_link(store: SchedulingStore, site: Site, link_id: str) -> dict:
    link = store.calendar_links.find_one({"_id": link_id, "site_id": site.id})
    if link is None:
        raise NotFound(f"No calendar link {link_id} at this site.")
    return link


def revoke_calendar_link(store: SchedulingStore, cause: Cause, site: Site, link_id: str) -> dict:
    """Revoke a link: its address answers 404 from now on. Revoking again changes nothing."""
    now = clock.now()
    link = store.calendar_links.modify({"_id": link_id, "site_id": site.id},
                                       lambda current: no_events(rules.link_revoked(current, now, cause.actor)), cause)
    if link is None:
        raise NotFound(f"No calendar link {link_id} at this site.")
    return link


def subscribed_calendar(store: SchedulingStore, sites: Sites, token: str) -> tuple[Feed, dict]:
    """The feed a token opens, and its link; NotFound for an unknown or revoked token (the same answer)."""
    link = store.calendar_links.find_one({"token_digest": rules.token_digest(token)})
    if not rules.opens(link) or link["site_id"] not in sites:
        raise NotFound("No calendar at this address.")
    site = sites.get(link["site_id"])
    if link["feed"] == rules.GROUP:
        group = store.groups.find_one({"_id": link["feed_id"], "site_id": site.id})
        if group is None:
            raise NotFound("No calendar at this address.")
        return Feed(group_feed(group, site.today(), site.timezone, clock.now()), "group.ics"), link
    schedules, appointments = _patient_documents(store, site, link["feed_id"])
    return Feed(patient_feed(schedules, appointments, clock.now()), "appointments.ics"), link
