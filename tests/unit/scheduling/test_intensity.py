"""Attended hours per week against the program's weekly minimum: which weeks are judged, and what is raised."""
from datetime import UTC, date, datetime, timedelta

from services.scheduling.domain.intensity import attended_minutes, weeks_below_minimum, weeks_to_judge

MONDAY = date(2026, 12, 7)  # the admission's week
SECOND_MONDAY = MONDAY + timedelta(weeks=1)
NINE_HOURS = 540


def session(day: date, status: str = "present", hours: int = 3, kind: str = "group") -> dict:
    starts_at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=15)
    return {"id": f"{kind}-{day}", "kind": kind, "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=hours),
            "local_date": day, "status": status}


def schedule(*sessions, start=MONDAY, end=MONDAY + timedelta(weeks=8, days=-1), ended=None, **fields) -> dict:
    return {"enrollment_id": "e1", "patient_id": "p1", "program": "mh-adult", "start_date": start,
            "planned_end_date": end, "status": "ended" if ended else "active",
            "ended": {"date": ended, "outcome": "other"} if ended else None,
            "sessions": list(sessions) or [session(MONDAY, "scheduled")], **fields}


def week_of(monday: date, *statuses: str) -> list[dict]:
    """Monday, Wednesday and Friday meetings of three hours with these statuses."""
    return [session(monday + timedelta(days=2 * index), status) for index, status in enumerate(statuses)]


def nine_hours(program: str) -> int:
    return {"adolescent": 360}.get(program, NINE_HOURS)


def raised(document: dict, today: date) -> list[dict]:
    outcome = weeks_below_minimum(document, today, nine_hours)
    return [] if outcome is None else [event.payload for event in outcome[1]]


# --- which weeks are judged ---------------------------------------------------------------------------

def test_the_week_of_admission_is_never_judged():
    assert weeks_to_judge(schedule(), SECOND_MONDAY + timedelta(days=7)) == [SECOND_MONDAY]


def test_a_week_is_judged_only_once_it_is_over():
    assert weeks_to_judge(schedule(), SECOND_MONDAY + timedelta(days=6)) == []


def test_the_week_of_discharge_and_the_weeks_after_it_are_not_judged():
    left_on_wednesday = schedule(ended=SECOND_MONDAY + timedelta(weeks=1, days=2))
    assert weeks_to_judge(left_on_wednesday, SECOND_MONDAY + timedelta(weeks=4)) == [SECOND_MONDAY]


def test_a_discharge_on_a_sunday_leaves_that_full_week_judged():
    left_on_sunday = schedule(ended=SECOND_MONDAY + timedelta(days=6))
    assert weeks_to_judge(left_on_sunday, SECOND_MONDAY + timedelta(weeks=3)) == [SECOND_MONDAY]


def test_no_week_after_the_planned_end_is_judged():
    two_weeks = schedule(end=SECOND_MONDAY + timedelta(days=6))
    assert weeks_to_judge(two_weeks, SECOND_MONDAY + timedelta(weeks=3)) == [SECOND_MONDAY]


def test_weeks_that_ended_more_than_four_weeks_ago_are_no_longer_judged():
    today = SECOND_MONDAY + timedelta(weeks=6)
    assert weeks_to_judge(schedule(), today)[0] == SECOND_MONDAY + timedelta(weeks=2)


def test_a_schedule_without_sessions_is_not_judged():
    assert weeks_to_judge({**schedule(), "sessions": []}, SECOND_MONDAY + timedelta(weeks=2)) == []


# --- attended minutes ---------------------------------------------------------------------------------

def test_only_sessions_marked_present_count_as_attended():
    statuses = week_of(SECOND_MONDAY, "present", "late", "absent")
    document = schedule(*statuses, session(SECOND_MONDAY + timedelta(days=1), "excused"),
                        session(SECOND_MONDAY + timedelta(days=3), "scheduled"))
    assert attended_minutes(document, SECOND_MONDAY) == 180


def test_every_kind_of_session_attended_counts():
    document = schedule(session(SECOND_MONDAY, hours=1, kind="individual_therapy"),
                        session(SECOND_MONDAY + timedelta(days=3), hours=1, kind="medication_check_in"))
    assert attended_minutes(document, SECOND_MONDAY) == 120


# --- what is raised --------------------------------------------------------------------------------------

def test_a_finished_week_below_the_minimum_raises_its_attended_and_minimum_minutes():
    document = schedule(*week_of(SECOND_MONDAY, "present", "present", "absent"))
    assert raised(document, SECOND_MONDAY + timedelta(days=7)) == [{
        "enrollment_id": "e1", "patient_id": "p1", "program": "mh-adult", "week_start": "2026-12-14",
        "attended_minutes": 360, "minimum_minutes": NINE_HOURS}]


def test_a_week_that_reaches_the_minimum_raises_nothing():
    document = schedule(*week_of(SECOND_MONDAY, "present", "present", "present"))
    assert raised(document, SECOND_MONDAY + timedelta(days=7)) == []


def test_a_week_is_raised_once():
    document = schedule(*week_of(SECOND_MONDAY, "absent", "absent", "absent"))
    changes, _ = weeks_below_minimum(document, SECOND_MONDAY + timedelta(days=7), nine_hours)
    assert changes == {"intensity_below_minimum_weeks": [SECOND_MONDAY]}
    assert weeks_below_minimum({**document, **changes}, SECOND_MONDAY + timedelta(days=14), nine_hours)[0] == {
        "intensity_below_minimum_weeks": [SECOND_MONDAY, SECOND_MONDAY + timedelta(weeks=1)]}


def test_a_week_is_judged_against_the_program_in_force_at_its_end():
    stepped_down = schedule(*week_of(SECOND_MONDAY, "present", "present", "absent"), program="adolescent",
                            program_changes=[{"program": "adolescent", "previous_program": "mh-adult",
                                              "effective_date": SECOND_MONDAY + timedelta(days=6)}])
    stepped_down_later = {**stepped_down, "program_changes": [
        {**stepped_down["program_changes"][0], "effective_date": SECOND_MONDAY + timedelta(days=7)}]}
    today = SECOND_MONDAY + timedelta(days=7)
    assert (raised(stepped_down, today), [event["program"] for event in raised(stepped_down_later, today)]) == (
        [], ["mh-adult"])
