"""The plan's follow-up as its recorded facts say, and which windows a sweep finds overdue."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from services.aftercare.follow_through import follow_up_from_facts
from services.aftercare.plans import NO_FOLLOW_UP_YET
from services.aftercare.sweeps import overdue_windows
from shared.http.fields import stored_instant

CHICAGO = ZoneInfo("America/Chicago")


def plan(**follow_up):
    return {"discharge_date": "2026-10-26", "follow_up": {**NO_FOLLOW_UP_YET, **follow_up}}


def test_the_first_visit_after_the_discharge_day_meets_the_follow_up():
    facts = {"visits": {"a": "2026-10-26", "b": "2026-11-03", "c": "2026-10-30"}}
    follow_up = follow_up_from_facts(plan(), facts, CHICAGO)
    assert (follow_up["met_on"], follow_up["visits"]) == ("2026-10-30", ["2026-10-26", "2026-10-30", "2026-11-03"])


def test_a_visit_on_the_discharge_day_alone_meets_nothing():
    assert follow_up_from_facts(plan(), {"visits": {"a": "2026-10-26"}}, CHICAGO)["met_on"] is None


def test_the_booked_day_is_the_sites_day_not_the_utc_one():
    facts = {"visits": {}, "booking": {"appointment_id": "appt-1", "late": 0,
                                       "starts_at": datetime(2026, 10, 30, 2, 0, tzinfo=timezone.utc)}}
    follow_up = follow_up_from_facts(plan(), facts, CHICAGO)
    assert (follow_up["due_date"], follow_up["late"]) == ("2026-10-29", False)


def test_without_a_booking_the_seven_day_window_is_due_on_day_seven():
    assert overdue_windows(plan(), date(2026, 11, 3)) == [(7, date(2026, 11, 2))]


def test_a_late_booking_moves_the_seven_day_due_date_to_its_day():
    assert overdue_windows(plan(due_date="2026-11-05"), date(2026, 11, 3)) == []


def test_a_window_already_raised_is_not_raised_again():
    assert overdue_windows(plan(overdue={"7": "2026-11-02"}), date(2026, 11, 3)) == []


def test_after_day_thirty_both_windows_are_overdue():
    assert overdue_windows(plan(), date(2026, 11, 26)) == [(7, date(2026, 11, 2)), (30, date(2026, 11, 25))]


def test_a_met_follow_up_has_no_overdue_window():
    assert overdue_windows(plan(met_on="2026-11-10"), date(2026, 11, 26)) == []


def test_an_instant_read_back_as_a_naive_string_is_utc():
    assert stored_instant("2026-11-26 21:38:15.976000") == datetime(2026, 11, 26, 21, 38, 15, 976000, tzinfo=timezone.utc)
