"""Groups defined, edited and archived, and their seats, on the in-memory store."""
from datetime import date

import pytest

from services.scheduling.use_cases import groups, schedules
from shared.errors import Conflict, Invalid, NotFound
from tests.unit.scheduling.support import admission, create_group, event_cause


def all_pages(documents, query, sort):
    return documents.find(query, sort=sort)


def admit(store, site, group_id) -> dict:
    admitted = admission(group_id)
    schedules.schedule_admission(store, event_cause(), site, admitted)
    return admitted


def test_a_new_group_keeps_its_weekdays_in_calendar_order_and_reads_back_its_instants(store, cause, site, pinned_clock):
    group = create_group(store, cause, site, weekdays=["fri", "mon"])
    stored = groups.find_group(store, site, group["_id"])
    assert (stored["weekdays"], stored["created_at"], stored["archived_at"]) == (["mon", "fri"], pinned_clock, None)


def test_an_invalid_definition_is_refused_field_by_field(store, cause, site):
    with pytest.raises(Invalid) as refused:
        create_group(store, cause, site, weekdays=["funday"], capacity=0)
    assert set(refused.value.errors) == {"weekdays", "capacity"}


def test_an_edit_changes_the_group_and_reads_back_with_its_types(store, cause, site, pinned_clock):
    group = create_group(store, cause, site)
    groups.update_group(store, cause, site, group["_id"], {"name": "Afternoon skills", "start_time": "13:00"})
    [listed] = groups.list_groups(store, site, {}, all_pages)
    assert (listed["name"], listed["start_time"], listed["updated_at"]) == ("Afternoon skills", "13:00", pinned_clock)


def test_a_larger_capacity_seats_the_waiting_patient_with_group_sessions(store, cause, site):
    group = create_group(store, cause, site, capacity=1)
    admit(store, site, group["_id"])
    waiting = admit(store, site, group["_id"])
    edited = groups.update_group(store, cause, site, group["_id"], {"capacity": 2})
    schedule = schedules.get_schedule(store, site, waiting["enrollment_id"])
    assert (len(edited["members"]), edited["waiting_list"]) == (2, [])
    assert (schedule["group_placement"], schedule["session_count"]) == ("enrolled", 36)


def test_a_capacity_below_the_seats_taken_is_refused(store, cause, site):
    group = create_group(store, cause, site, capacity=2)
    admit(store, site, group["_id"])
    admit(store, site, group["_id"])
    with pytest.raises(Invalid) as refused:
        groups.update_group(store, cause, site, group["_id"], {"capacity": 1})
    assert list(refused.value.errors) == ["capacity"]


def test_an_archived_group_cannot_be_changed(store, cause, site):
    group = create_group(store, cause, site)
    groups.archive_group(store, cause, site, group["_id"])
    with pytest.raises(Conflict):
        groups.update_group(store, cause, site, group["_id"], {"name": "New"})


def test_a_group_with_patients_cannot_be_archived(store, cause, site):
    group = create_group(store, cause, site)
    admit(store, site, group["_id"])
    with pytest.raises(Conflict):
        groups.archive_group(store, cause, site, group["_id"])


def test_archiving_twice_keeps_the_first_archive_instant(store, cause, site, pinned_clock):
    group = create_group(store, cause, site)
    groups.archive_group(store, cause, site, group["_id"])
    again = groups.archive_group(store, cause, site, group["_id"])
    assert again["archived_at"] == pinned_clock


def test_active_and_archived_groups_are_listed_apart(store, cause, site):
    kept, archived = create_group(store, cause, site), create_group(store, cause, site)
    groups.archive_group(store, cause, site, archived["_id"])
    active = groups.list_groups(store, site, {"archived": False}, all_pages)
    only_archived = groups.list_groups(store, site, {"archived": True}, all_pages)
    assert ([group["_id"] for group in active], [group["_id"] for group in only_archived]) == (
        [kept["_id"]], [archived["_id"]])


def test_another_sites_group_is_not_found(store, cause, site, other_site):
    group = create_group(store, cause, site)
    with pytest.raises(NotFound):
        groups.update_group(store, cause, other_site, group["_id"], {"name": "Mine"})


def test_the_session_roster_lists_who_is_booked_into_a_meeting(store, cause, site):
    group = create_group(store, cause, site)
    first, second = admit(store, site, group["_id"]), admit(store, site, group["_id"])
    meeting = groups.session_roster(store, site, group["_id"], date(2026, 12, 9))
    assert meeting["starts_at"].isoformat() == "2026-12-09T15:00:00+00:00"
    assert sorted(attendee["enrollment_id"] for attendee in meeting["attendees"]) == sorted(
        [first["enrollment_id"], second["enrollment_id"]])

