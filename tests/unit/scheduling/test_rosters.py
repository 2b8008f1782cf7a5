from datetime import UTC, datetime, timedelta

from services.scheduling.domain.rosters import Roster, fill_free_seats, join, leave

NOON = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
EMPTY = Roster([], [])


def entry(enrollment_id, minutes=0):
    return {"enrollment_id": enrollment_id, "patient_id": f"p-{enrollment_id}", "joined_at": NOON + timedelta(minutes=minutes)}


def ids(entries):
    return [item["enrollment_id"] for item in entries]


def test_a_newcomer_takes_a_free_seat():
    assert join(EMPTY, 2, "a", "p-a", NOON).placement_of("a") == "enrolled"


def test_a_newcomer_to_a_full_group_waits():
    assert join(Roster([entry("a")], []), 1, "b", "p-b", NOON).placement_of("b") == "waitlisted"


def test_a_newcomer_does_not_take_a_seat_someone_is_waiting_for():
    roster = Roster([], [entry("a")])
    assert join(roster, 1, "b", "p-b", NOON).placement_of("b") == "waitlisted"


def test_joining_twice_changes_nothing():
    once = join(EMPTY, 1, "a", "p-a", NOON)
    assert join(once, 1, "a", "p-a", NOON + timedelta(hours=1)) == once


def test_leaving_removes_the_enrollment_from_either_list():
    roster = Roster([entry("a")], [entry("b")])
    assert leave(leave(roster, "a"), "b") == EMPTY


def test_a_free_seat_goes_to_whoever_waited_longest():
    roster = Roster([], [entry("late", minutes=5), entry("early", minutes=1)])
    seated, promoted = fill_free_seats(roster, 1)
    assert (ids(seated.members), ids(seated.waiting_list), ids(promoted)) == (["early"], ["late"], ["early"])


def test_no_seat_is_filled_beyond_capacity():
    seated, promoted = fill_free_seats(Roster([entry("a")], [entry("b")]), 1)
    assert (ids(seated.members), promoted) == (["a"], [])
