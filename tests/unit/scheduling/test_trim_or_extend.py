from datetime import date, time

from services.scheduling.domain.groups import GroupSlot
from services.scheduling.domain.schedule import generate_sessions, trim_or_extend

CHICAGO = "America/Chicago"
GROUP = GroupSlot(("mon", "wed", "fri"), time(9, 0), 180)
START, PLANNED_END = date(2026, 2, 2), date(2026, 3, 1)  # four weeks, Monday to Sunday
EXISTING = generate_sessions(START, PLANNED_END, CHICAGO, GROUP)


def move_end(new_end, existing=EXISTING):
    return trim_or_extend(existing, start_date=START, old_end_date=PLANNED_END, new_end_date=new_end,
                          timezone=CHICAGO, group=GROUP)


def test_shortening_cancels_exactly_the_sessions_after_the_new_end():
    change = move_end(date(2026, 2, 15))
    assert change.to_cancel == [s for s in EXISTING if s.local_date > date(2026, 2, 15)]


def test_shortening_adds_nothing():
    assert move_end(date(2026, 2, 15)).to_add == []


def test_a_discharge_date_as_the_new_end_keeps_that_days_sessions():
    discharge = date(2026, 2, 18)  # a Wednesday
    assert all(s.local_date > discharge for s in move_end(discharge).to_cancel)


def test_extending_adds_the_sessions_after_the_old_end_up_to_the_new_end():
    change = move_end(date(2026, 3, 15))
    expected = [s for s in generate_sessions(START, date(2026, 3, 15), CHICAGO, GROUP) if s.local_date > PLANNED_END]
    assert change.to_add == expected


def test_extending_cancels_nothing():
    assert move_end(date(2026, 3, 15)).to_cancel == []


def test_extending_keeps_the_fortnightly_medication_rhythm_of_the_start_date():
    check_ins = [s.local_date for s in move_end(date(2026, 3, 15)).to_add if s.kind == "medication_check_in"]
    assert check_ins == [date(2026, 3, 5)]  # Feb 5, Feb 19, then Mar 5 - not Mar 12


def test_applying_the_same_extension_twice_adds_nothing_the_second_time():
    first = move_end(date(2026, 3, 15))
    assert move_end(date(2026, 3, 15), existing=EXISTING + first.to_add).to_add == []


def test_an_unchanged_end_date_changes_nothing():
    change = move_end(PLANNED_END)
    assert (change.to_cancel, change.to_add) == ([], [])
