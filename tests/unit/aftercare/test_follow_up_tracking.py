"""The plan's follow-up as its recorded facts say, and which windows are overdue and flagged."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from services.aftercare.domain.follow_up import (
    NO_FOLLOW_UP_YET,
    booked_appointment,
    flag_overdue,
    follow_up_from_facts,
    is_later,
    overdue_windows,
)

CHICAGO = ZoneInfo("America/Chicago")


def plan(**follow_up):
    return {"_id": "plan-1", "enrollment_id": "enr-1", "patient_id": "pat-1", "discharge_date": date(2026, 10, 26),
            "outcome": "completed", "follow_up": {**NO_FOLLOW_UP_YET, **follow_up}}


def test_the_first_visit_after_the_discharge_day_meets_the_follow_up():
    facts = {"visits": {"a": date(2026, 10, 26), "b": date(2026, 11, 3), "c": date(2026, 10, 30)}}
    follow_up = follow_up_from_facts(plan(), facts, CHICAGO)
    assert (follow_up["met_on"], follow_up["visits"]) == (
        date(2026, 10, 30), [date(2026, 10, 26), date(2026, 10, 30), date(2026, 11, 3)])


def test_a_visit_on_the_discharge_day_alone_meets_nothing():
    assert follow_up_from_facts(plan(), {"visits": {"a": date(2026, 10, 26)}}, CHICAGO)["met_on"] is None


def test_the_booked_day_is_the_sites_day_not_the_utc_one():
    facts = {"visits": {}, "booking": {"appointment_id": "appt-1", "late": False,
                                       "starts_at": datetime(2026, 10, 30, 2, 0, tzinfo=timezone.utc)}}
    follow_up = follow_up_from_facts(plan(), facts, CHICAGO)
    assert (follow_up["due_date"], follow_up["late"]) == (date(2026, 10, 29), False)


def test_a_cancelled_booking_no_longer_answers_for_the_follow_up():
    facts = {"booking": {"appointment_id": "appt-1", "late": False,
                         "starts_at": datetime(2026, 10, 30, 15, 0, tzinfo=timezone.utc)},
             "cancelled": {"appt-1": datetime(2026, 10, 28, 9, 0, tzinfo=timezone.utc)}}
    follow_up = follow_up_from_facts(plan(), facts, CHICAGO)
    assert (follow_up["appointment_id"], follow_up["due_date"], booked_appointment(follow_up)) == (None, None, None)


def test_the_facts_keep_the_overdue_windows_already_raised():
    assert follow_up_from_facts(plan(overdue={"7": date(2026, 11, 2)}), {}, CHICAGO)["overdue"] == {"7": date(2026, 11, 2)}


def test_an_older_fact_is_not_later_than_a_newer_one_whatever_the_arrival():
    older = {"appointment_id": "appt-1", "occurred_at": datetime(2026, 10, 26, 9, tzinfo=timezone.utc)}
    newer = {"appointment_id": "appt-2", "occurred_at": datetime(2026, 10, 27, 9, tzinfo=timezone.utc)}
    assert (is_later(older, newer, "appointment_id"), is_later(newer, older, "appointment_id")) == (False, True)


def test_without_a_booking_the_seven_day_window_is_due_on_day_seven():
    assert overdue_windows(plan(), date(2026, 11, 3)) == [(7, date(2026, 11, 2))]


def test_a_late_booking_moves_the_seven_day_due_date_to_its_day():
    assert overdue_windows(plan(due_date=date(2026, 11, 5)), date(2026, 11, 3)) == []


def test_a_window_already_raised_is_not_raised_again():
    assert overdue_windows(plan(overdue={"7": date(2026, 11, 2)}), date(2026, 11, 3)) == []


def test_after_day_thirty_both_windows_are_overdue():
    assert overdue_windows(plan(), date(2026, 11, 26)) == [(7, date(2026, 11, 2)), (30, date(2026, 11, 25))]


def test_a_met_follow_up_has_no_overdue_window():
    assert overdue_windows(plan(met_on=date(2026, 11, 10)), date(2026, 11, 26)) == []


def test_flagging_a_window_overdue_announces_it_with_its_due_date():
    changes, [event] = flag_overdue(plan(), 7, date(2026, 11, 2))
    assert changes == {"follow_up.overdue.7": date(2026, 11, 2)}
    assert (event.event_type, event.payload) == ("aftercare.follow_up.overdue", {
        "plan_id": "plan-1", "enrollment_id": "enr-1", "patient_id": "pat-1", "window_days": 7, "due_date": "2026-11-02"})


def test_a_window_flagged_already_is_not_flagged_again():
    assert flag_overdue(plan(overdue={"7": date(2026, 11, 2)}), 7, date(2026, 11, 2)) is None
