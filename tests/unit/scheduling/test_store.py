"""Scheduling's store: every day, instant and boolean of every document reads back as such, whatever
form the database returned it in (the stand-in gives a ``$set`` instant back as a naive string)."""
from datetime import date, datetime, timedelta, timezone

from services.scheduling.store import SchedulingStore
from services.scheduling.use_cases import appointments, attendance, calendars, patients, schedules
from services.scheduling.use_cases.intensity import sweep_intensity
from shared.store import BOOKKEEPING, encode
from tests.in_memory import as_the_stand_in_returns, strings_like_days, typed
from tests.unit.scheduling.support import MONDAY, admission, create_group, discharge, event_cause


def without_bookkeeping(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in BOOKKEEPING}


def a_whole_episode(store, cause, site, context) -> dict:
    """Every kind of write this round added: a registration, a re-plan, attendance, the sweep, a
    booking by staff, a link made and revoked, a discharge."""
    group = create_group(store, cause, site)
    admitted = admission(group["_id"])
    patients.record_patient(store, event_cause(), site, {"patient_id": admitted["patient_id"]})
    schedules.schedule_admission(store, event_cause(), site, admitted)
    schedules.change_level_of_care(store, event_cause(), site, {
        "enrollment_id": admitted["enrollment_id"], "patient_id": admitted["patient_id"], "program": "op-adult",
        "previous_program": "mh-adult", "effective_date": MONDAY + timedelta(weeks=2),
        "planned_end_date": MONDAY + timedelta(weeks=9)})
    first = schedules.list_sessions(store, site, admitted["enrollment_id"], {})[0]
    attendance.record_session_attendance(store, cause, site, admitted["enrollment_id"], first["id"], "present")
    sweep_intensity(store, context.sites, "scheduling", MONDAY + timedelta(weeks=3))
    appointments.book_appointment(store, cause, site, {
        "patient_id": admitted["patient_id"], "kind": "other", "duration_minutes": 30,
        "starts_at": datetime(2027, 1, 20, 20, 0, tzinfo=timezone.utc)})
    link, _ = calendars.create_calendar_link(store, cause, site, "patient", admitted["patient_id"])
    calendars.revoke_calendar_link(store, cause, site, link["_id"])
    schedules.end_schedule(store, event_cause(), site, discharge(admitted, outcome="death"))
    return admitted


def test_no_day_is_left_as_a_string_in_any_document_of_a_whole_episode(store, cause, site, context):
    a_whole_episode(store, cause, site, context)
    for collection in SchedulingStore.COLLECTIONS:
        for document in getattr(store, collection).find({}):
            assert strings_like_days(without_bookkeeping(document)) == [], collection


def test_what_the_stand_in_returns_after_a_set_reads_back_typed(store, cause, site, context):
    a_whole_episode(store, cause, site, context)
    for collection, codec in SchedulingStore.COLLECTIONS.items():
        for document in getattr(store, collection).find({}):
            stand_in = as_the_stand_in_returns(encode(without_bookkeeping(document)))
            assert typed(codec.decode(stand_in)) == typed(without_bookkeeping(document)), collection


def test_a_re_planned_schedule_keeps_its_changes_and_raised_weeks_as_dates(store, cause, site, context):
    admitted = a_whole_episode(store, cause, site, context)
    schedule = store.schedules.find_one({"_id": admitted["enrollment_id"]})
    assert isinstance(schedule["program_changes"][0]["effective_date"], date)
    assert isinstance(schedule["program_changes"][0]["applied_at"], datetime)
    assert schedule["intensity_below_minimum_weeks"] == [MONDAY + timedelta(weeks=1), MONDAY + timedelta(weeks=2)]
    assert isinstance(schedule["sessions"][0]["updated_at"], datetime)
