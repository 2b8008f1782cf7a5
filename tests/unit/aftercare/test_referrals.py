"""Referrals to the next level of care: every legal and illegal move, declines, late acceptance."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.aftercare.domain.referrals import (
    STATUSES,
    acceptance_deadline,
    acceptance_overdue,
    follow_on,
    mark_task,
    new_referral,
    owes_re_referral,
    transition,
)
from shared.business_days import BusinessCalendar
from shared.errors import IllegalTransition, Invalid
from shared.events.codes import LEVELS_OF_CARE

CENTRAL = timezone(timedelta(hours=-5))
NOW = datetime(2025, 5, 19, 10, 0, tzinfo=CENTRAL)  # a Monday
LATER = NOW + timedelta(hours=3)
WEEKDAYS_ONLY = BusinessCalendar()


PLAN = {"_id": "plan-1", "site_id": "mpls", "enrollment_id": "enr-1", "patient_id": "pat-1", "program": "sud-adult"}


def referral_in(status, **fields):
    referral, _ = new_referral(PLAN, "outpatient_therapy", "ref-1", NOW)
    return {**referral, "status": status, **fields}


def sent_on(moment):
    return referral_in("sent", sent_at=moment)


LEGAL = [
    ("created", "sent"),
    ("created", "cancelled"),
    ("sent", "accepted"),
    ("sent", "declined"),
    ("sent", "cancelled"),
    ("accepted", "scheduled"),
    ("accepted", "declined"),
    ("accepted", "cancelled"),
    ("scheduled", "completed"),
    ("scheduled", "cancelled"),
]
ILLEGAL = [(current, to) for current in STATUSES for to in STATUSES if (current, to) not in LEGAL]


def move(current, to):
    # A reason only where one is taken, so that each test fails for the move alone.
    reason = "no openings this quarter" if to in ("declined", "cancelled") else None
    return transition(referral_in(current), to, LATER, "staff-1", reason=reason)


# --- a new referral ----------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS_OF_CARE)
def test_a_referral_can_go_to_every_level_of_care(level):
    referral, _ = new_referral(PLAN, level, "ref-1", NOW)
    assert referral["level_of_care"] == level


def test_a_new_referral_starts_created_with_no_history():
    referral, _ = new_referral(PLAN, "psychiatry", "ref-1", NOW, provider="Prairie Clinic", provider_id="prov-3")
    assert referral == {
        "_id": "ref-1",
        "site_id": "mpls",
        "plan_id": "plan-1",
        "enrollment_id": "enr-1",
        "patient_id": "pat-1",
        "level_of_care": "psychiatry",
        "provider": "Prairie Clinic",
        "provider_id": "prov-3",
        "program": "sud-adult",
        "status": "created",
        "created_at": NOW,
        "history": [],
    }


def test_a_referral_to_an_unknown_level_of_care_is_refused():
    with pytest.raises(Invalid) as refused:
        new_referral(PLAN, "spa", "ref-1", NOW)
    assert list(refused.value.errors) == ["level_of_care"]


def test_a_new_referral_is_announced_with_the_plans_ids():
    _, [event] = new_referral(PLAN, "psychiatry", "ref-1", NOW)
    assert (event.event_type, event.payload) == ("aftercare.referral.created", {
        "referral_id": "ref-1", "plan_id": "plan-1", "enrollment_id": "enr-1", "patient_id": "pat-1",
        "level_of_care": "psychiatry", "status": "created"})


# --- moves -------------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "to"), LEGAL)
def test_a_legal_move_changes_the_status(current, to):
    updated, _ = move(current, to)
    assert updated["status"] == to


@pytest.mark.parametrize(("current", "to"), ILLEGAL)
def test_an_illegal_move_is_refused_as_a_conflict(current, to):
    with pytest.raises(IllegalTransition):
        move(current, to)


@pytest.mark.parametrize(("current", "to"), LEGAL)
def test_every_move_records_when_the_referral_reached_its_new_status(current, to):
    updated, _ = move(current, to)
    assert updated[f"{to}_at"] == LATER


@pytest.mark.parametrize(("current", "to"), LEGAL)
def test_every_move_leaves_a_history_entry_of_who_moved_it_when_and_from_where(current, to):
    updated, _ = move(current, to)
    entry = updated["history"][-1]
    assert (entry["at"], entry["by"], entry["from"], entry["to"]) == (LATER, "staff-1", current, to)


@pytest.mark.parametrize(("current", "to"), LEGAL)
def test_every_move_is_announced_with_the_status_it_left(current, to):
    _, [event] = move(current, to)
    assert (event.event_type, event.payload["status"], event.payload["previous_status"]) == (
        "aftercare.referral.updated", to, current)


def test_the_whole_happy_path_leaves_four_history_entries():
    referral = referral_in("created")
    for to in ("sent", "accepted", "scheduled", "completed"):
        referral, _ = transition(referral, to, LATER, "staff-1")
    assert [entry["to"] for entry in referral["history"]] == ["sent", "accepted", "scheduled", "completed"]


def test_a_move_leaves_the_referral_it_was_given_unchanged():
    referral = referral_in("created")
    transition(referral, "sent", LATER, "staff-1")
    assert (referral["status"], referral["history"]) == ("created", [])


def test_a_note_is_kept_in_the_history():
    updated, _ = transition(referral_in("created"), "sent", LATER, "staff-1", note="faxed")
    assert updated["history"][-1]["note"] == "faxed"


def test_a_move_to_an_unknown_status_is_invalid_rather_than_a_conflict():
    with pytest.raises(Invalid) as refused:
        transition(referral_in("created"), "lost", LATER, "staff-1")
    assert list(refused.value.errors) == ["to"]


def test_a_move_needs_an_actor():
    with pytest.raises(Invalid) as refused:
        transition(referral_in("created"), "sent", LATER, " ")
    assert list(refused.value.errors) == ["actor"]


def test_a_move_at_an_instant_without_an_offset_is_a_programming_error():
    with pytest.raises(ValueError):
        transition(referral_in("created"), "sent", datetime(2025, 5, 19, 10, 0), "staff-1")


# --- declines ----------------------------------------------------------------------------


@pytest.mark.parametrize("current", ["sent", "accepted"])
def test_declining_without_a_reason_is_refused(current):
    with pytest.raises(Invalid) as refused:
        transition(referral_in(current), "declined", LATER, "staff-1")
    assert list(refused.value.errors) == ["reason"]


def test_declining_keeps_the_reason_on_the_referral():
    updated, _ = transition(referral_in("sent"), "declined", LATER, "staff-1", reason="not in network")
    assert updated["decline_reason"] == "not in network"


def test_declining_keeps_the_reason_in_the_history():
    updated, _ = transition(referral_in("sent"), "declined", LATER, "staff-1", reason="not in network")
    assert updated["history"][-1]["reason"] == "not in network"


@pytest.mark.parametrize("current", ["sent", "accepted"])
def test_declining_asks_for_a_re_referral_task(current):
    declined, _ = transition(referral_in(current), "declined", LATER, "staff-1", reason="waitlist closed")
    assert owes_re_referral(declined) is True


@pytest.mark.parametrize(("current", "to"), [pair for pair in LEGAL if pair[1] != "declined"])
def test_no_other_move_asks_for_a_follow_on_task(current, to):
    moved, _ = move(current, to)
    assert owes_re_referral(moved) is False


def test_a_declined_referral_marked_with_its_re_referral_task_owes_none_any_more():
    declined, _ = transition(referral_in("sent"), "declined", LATER, "staff-1", reason="waitlist closed")
    changes, events = mark_task(declined, "re_referral", "task-9")
    assert (owes_re_referral({**declined, **changes}), events) == (False, [])


def test_marking_the_same_task_twice_changes_nothing():
    assert mark_task(referral_in("declined", re_referral_task_id="task-9"), "re_referral", "task-9") is None


def test_the_re_referral_task_names_the_referral_it_replaces_and_whom_it_is_about():
    task, [event] = follow_on(referral_in("declined"), "re_referral", date(2025, 5, 23), WEEKDAYS_ONLY, "task-9", LATER)
    assert (task["_id"], task["plan_id"], task["patient_id"], task["due_date"]) == ("task-9", "plan-1", "pat-1", date(2025, 5, 27))
    assert task["source"] == {"referral_id": "ref-1", "level_of_care": "outpatient_therapy"}
    assert event.event_type == "aftercare.task.created"


def test_cancelling_may_give_a_reason():
    updated, _ = transition(referral_in("created"), "cancelled", LATER, "staff-1", reason="patient moved")
    assert updated["history"][-1]["reason"] == "patient moved"


def test_a_reason_on_a_forward_move_is_refused():
    with pytest.raises(Invalid) as refused:
        transition(referral_in("sent"), "accepted", LATER, "staff-1", reason="they had room")
    assert list(refused.value.errors) == ["reason"]


# --- acceptance overdue ------------------------------------------------------------------
# Sent on Monday 2025-05-19: five business days later is Monday 2025-05-26.


def test_a_sent_referral_is_on_time_through_the_fifth_business_day():
    assert acceptance_overdue(sent_on(NOW), date(2025, 5, 26), WEEKDAYS_ONLY) is False


def test_a_sent_referral_is_overdue_the_day_after_the_fifth_business_day():
    assert acceptance_overdue(sent_on(NOW), date(2025, 5, 27), WEEKDAYS_ONLY) is True


def test_a_holiday_gives_the_provider_one_more_day_to_accept():
    memorial_day_closed = BusinessCalendar(holidays=frozenset({date(2025, 5, 26)}))
    assert acceptance_overdue(sent_on(NOW), date(2025, 5, 27), memorial_day_closed) is False


def test_the_number_of_business_days_to_accept_can_be_changed():
    assert acceptance_overdue(sent_on(NOW), date(2025, 5, 22), WEEKDAYS_ONLY, business_days=2) is True


def test_the_deadline_counts_from_the_day_sent_in_the_sites_own_timezone():
    late_monday_evening = datetime(2025, 5, 19, 23, 30, tzinfo=CENTRAL)  # already Tuesday in UTC
    assert acceptance_deadline(sent_on(late_monday_evening), WEEKDAYS_ONLY) == date(2025, 5, 26)


@pytest.mark.parametrize("status", ["accepted", "scheduled", "completed", "declined", "cancelled"])
def test_a_referral_that_has_been_answered_or_closed_is_never_overdue(status):
    assert acceptance_overdue(referral_in(status, sent_at=NOW), date(2025, 7, 1), WEEKDAYS_ONLY) is False


def test_a_referral_not_yet_sent_is_not_waiting_for_acceptance():
    assert acceptance_overdue(referral_in("created"), date(2025, 7, 1), WEEKDAYS_ONLY) is False
