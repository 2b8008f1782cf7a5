"""iCalendar feeds of a group's meetings and of a patient's sessions and appointments."""
from typing import NamedTuple

from services.scheduling.domain.calendar_feed import (
    appointment_items,
    group_meeting_items,
    render_ics,
    session_items,
)
from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases.groups import find_group
from shared import clock
from shared.errors import NotFound
from shared.sites import Site


class Feed(NamedTuple):
    body: bytes  # text/calendar
    filename: str


def group_calendar(store: SchedulingStore, site: Site, group_id: str) -> Feed:
    """The group's meetings around today (none once archived), under the group's name."""
    group = find_group(store, site, group_id)
    items = group_meeting_items(group, site.today(), site.timezone)
    return Feed(render_ics(group["name"], items, dtstamp=clock.now()), f"group-{group_id}.ics")


def patient_calendar(store: SchedulingStore, site: Site, patient_id: str) -> Feed:
    """Every session and appointment of the patient at the site, in time order; cancelled ones marked."""
    query = {"site_id": site.id, "patient_id": patient_id}
    schedules, appointments = store.schedules.find(query), store.appointments.find(query)
    if not schedules and not appointments:
        raise NotFound(f"No schedule or appointment for patient {patient_id} at this site.")
    items = sorted(session_items(schedules) + appointment_items(appointments), key=lambda item: item["starts_at"])
    return Feed(render_ics("IOP sessions and appointments", items, dtstamp=clock.now()), "sessions.ics")
