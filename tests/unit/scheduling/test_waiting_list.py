from datetime import UTC, datetime, timedelta

import pytest

from services.scheduling.domain.waiting_list import WaitingListEntry, next_from_waiting_list, place_patient

NOON = datetime(2026, 2, 2, 12, 0, tzinfo=UTC)


def test_a_patient_is_enrolled_while_a_seat_is_free():
    assert place_patient(enrolled_count=9, capacity=10) == "enrolled"


def test_a_patient_is_waitlisted_when_the_group_is_full():
    assert place_patient(enrolled_count=10, capacity=10) == "waitlisted"


def test_a_group_over_capacity_still_waitlists():
    assert place_patient(enrolled_count=11, capacity=10) == "waitlisted"


def test_a_newcomer_does_not_take_a_free_seat_from_someone_already_waiting():
    assert place_patient(enrolled_count=9, capacity=10, waiting_count=1) == "waitlisted"


def test_a_capacity_below_one_is_a_programming_error():
    with pytest.raises(ValueError):
        place_patient(enrolled_count=0, capacity=0)


def test_the_longest_waiting_entry_is_next_whatever_the_list_order():
    first = WaitingListEntry("e-first", NOON)
    later = WaitingListEntry("e-later", NOON + timedelta(minutes=5))
    assert next_from_waiting_list([later, first]) == first


def test_entries_that_joined_at_the_same_instant_are_taken_in_list_order():
    appended_first, appended_second = WaitingListEntry("b", NOON), WaitingListEntry("a", NOON)
    assert next_from_waiting_list([appended_first, appended_second]) == appended_first


def test_an_empty_waiting_list_has_nobody_next():
    assert next_from_waiting_list([]) is None
