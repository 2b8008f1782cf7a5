from datetime import date, time, timedelta

import pytest

from services.scheduling.domain.attendance import (
    ATTENDANCE_STATUSES,
    AttendanceRecord,
    attended_hours_by_week,
    check_status,
    current_streak,
    escalation_due,
)
from services.scheduling.domain.groups import GroupSlot
from services.scheduling.domain.schedule import generate_sessions
from shared.errors import Invalid

MONDAY = date(2026, 2, 2)
GROUP_SESSIONS = generate_sessions(MONDAY, MONDAY + timedelta(days=13), "America/Chicago",
                                   GroupSlot(("mon", "wed", "fri"), time(9, 0), 180), None, None)


def history(*statuses):
    """Chronological (session_id, status) pairs with ids s1, s2, ..."""
    return [(f"s{number}", status) for number, status in enumerate(statuses, start=1)]


def test_the_four_attendance_statuses():
    assert ATTENDANCE_STATUSES == ("present", "absent", "excused", "late")


def test_a_known_status_is_accepted():
    assert check_status("late") == "late"


def test_an_unknown_status_is_refused_on_the_status_field():
    with pytest.raises(Invalid) as raised:
        check_status("sick")
    assert list(raised.value.errors) == ["status"]


def test_present_and_late_count_as_attended_hours():
    records = [AttendanceRecord(GROUP_SESSIONS[0], "present"), AttendanceRecord(GROUP_SESSIONS[1], "late")]
    assert attended_hours_by_week(records) == {MONDAY: 6.0}


def test_absent_and_excused_sessions_add_no_hours():
    records = [AttendanceRecord(GROUP_SESSIONS[0], "absent"), AttendanceRecord(GROUP_SESSIONS[1], "excused")]
    assert attended_hours_by_week(records) == {}


def test_attended_hours_are_grouped_by_local_week():
    records = [AttendanceRecord(session, "present") for session in GROUP_SESSIONS]
    assert attended_hours_by_week(records) == {MONDAY: 9.0, MONDAY + timedelta(weeks=1): 9.0}


def absences_in_a_row(*statuses) -> int:
    streak = current_streak(history(*statuses))
    return streak.absences if streak else 0


def test_trailing_absences_make_the_streak():
    assert absences_in_a_row("present", "absent", "absent") == 2


def test_an_excused_session_neither_counts_nor_breaks_the_streak():
    assert absences_in_a_row("absent", "excused", "absent") == 2


def test_a_present_session_breaks_the_streak():
    assert absences_in_a_row("absent", "absent", "present") == 0


def test_a_late_arrival_breaks_the_streak():
    assert absences_in_a_row("absent", "late", "absent") == 1


def test_an_empty_history_has_no_streak():
    assert current_streak([]) is None


def test_the_current_streak_is_named_by_its_first_unexcused_absence():
    streak = current_streak(history("present", "excused", "absent", "excused", "absent"))
    assert (streak.opened_by, streak.absences) == ("s3", 2)


def test_two_consecutive_unexcused_absences_are_due_for_escalation():
    assert escalation_due(history("present", "absent", "absent"), threshold=2) == "s2"


def test_a_single_absence_is_not_due():
    assert escalation_due(history("present", "absent"), threshold=2) is None


def test_absences_separated_by_attendance_are_not_due():
    assert escalation_due(history("absent", "present", "absent"), threshold=2) is None


def test_an_escalated_streak_is_not_escalated_again_on_a_third_absence():
    assert escalation_due(history("absent", "absent", "absent"), threshold=2, already_escalated={"s1"}) is None


def test_an_excused_session_recorded_after_escalation_escalates_nothing_new():
    assert escalation_due(history("absent", "absent", "excused"), threshold=2, already_escalated={"s1"}) is None


def test_a_new_streak_after_attendance_escalates_again():
    statuses = history("absent", "absent", "present", "absent", "absent")
    assert escalation_due(statuses, threshold=2, already_escalated={"s1"}) == "s4"


def test_absences_around_an_excused_session_are_consecutive():
    assert escalation_due(history("absent", "excused", "absent"), threshold=2) == "s1"


def test_excused_sessions_alone_are_never_due():
    assert escalation_due(history("excused", "excused", "excused"), threshold=2) is None


def test_a_site_threshold_of_three_is_not_reached_by_two_absences():
    assert escalation_due(history("absent", "absent"), threshold=3) is None


def test_a_site_threshold_of_three_fires_on_the_third_absence():
    assert escalation_due(history("absent", "absent", "absent"), threshold=3) == "s1"


def test_a_threshold_below_one_is_a_programming_error():
    with pytest.raises(ValueError):
        escalation_due(history("absent"), threshold=0)
