"""Case-management tasks: every legal and illegal move, the history it leaves, event-raised tasks."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.aftercare.domain.tasks import (
    FOLLOW_ON_TASKS,
    TASK_KINDS,
    Subject,
    assign,
    complete,
    follow_on_task,
    fulfil,
    new_task,
    open_task,
    reopen,
)
from shared.business_days import BusinessCalendar
from shared.errors import IllegalTransition, Invalid

NOW = datetime(2025, 5, 23, 15, 0, tzinfo=timezone(timedelta(hours=-5)))
LATER = NOW + timedelta(hours=2)
DUE = date(2025, 5, 26)
SATURDAY = date(2025, 5, 24)
WEEKDAYS_ONLY = BusinessCalendar()


TASK_ID = "task-1"
SUBJECT = Subject("mpls", "pat-1", "enr-1", "plan-1")


def task_in(status, assignee=None):
    task, _ = open_task(SUBJECT, new_task("outreach", DUE, "case_manager", TASK_ID, NOW))
    return {**task, "status": status, "assignee": assignee}


# Each move as the function that makes it, given a task; a move returns the task and its events.
MOVES = {
    "assigned": lambda task: assign(task, "staff-7", LATER, "staff-1")[0],
    "completed": lambda task: complete(task, LATER, "staff-1")[0],
    "open": lambda task: reopen(task, LATER, "staff-1", "needs another try")[0],
}
# No command cancels a task (a cancelled one may still be reopened).
LEGAL = [
    ("open", "assigned"),
    ("open", "completed"),
    ("assigned", "completed"),
    ("assigned", "open"),
    ("completed", "open"),
    ("cancelled", "open"),
]
ILLEGAL = [(current, to) for current in (*MOVES, "cancelled") for to in MOVES if (current, to) not in LEGAL]


# --- a new task --------------------------------------------------------------------------


def test_a_new_task_is_open_unassigned_and_has_no_history():
    task = new_task("safety_screening", DUE, "clinician", TASK_ID, NOW, source={"event_id": "e-1"})
    assert task == {
        "_id": "task-1",
        "kind": "safety_screening",
        "owner_role": "clinician",
        "due_date": DUE,
        "status": "open",
        "assignee": None,
        "source": {"event_id": "e-1"},
        "created_at": NOW,
        "completed_at": None,
        "history": [],
    }


@pytest.mark.parametrize("kind", TASK_KINDS)
def test_every_task_kind_can_be_created(kind):
    assert new_task(kind, DUE, "case_manager", TASK_ID, NOW)["kind"] == kind


def test_a_task_of_an_unknown_kind_is_refused():
    with pytest.raises(Invalid) as refused:
        new_task("yoga", DUE, "case_manager", TASK_ID, NOW)
    assert list(refused.value.errors) == ["kind"]


def test_a_task_due_at_an_instant_rather_than_a_date_is_refused():
    with pytest.raises(Invalid) as refused:
        new_task("outreach", NOW, "case_manager", TASK_ID, NOW)
    assert list(refused.value.errors) == ["due_date"]


def test_a_task_without_an_owner_role_is_refused():
    with pytest.raises(Invalid) as refused:
        new_task("outreach", DUE, "", TASK_ID, NOW)
    assert list(refused.value.errors) == ["owner_role"]


# --- moves -------------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "to"), LEGAL)
def test_a_legal_move_changes_the_status(current, to):
    assert MOVES[to](task_in(current, assignee="staff-7" if current == "assigned" else None))["status"] == to


@pytest.mark.parametrize(("current", "to"), ILLEGAL)
def test_an_illegal_move_is_refused_as_a_conflict(current, to):
    with pytest.raises(IllegalTransition):
        MOVES[to](task_in(current))


@pytest.mark.parametrize(("current", "to"), LEGAL)
def test_every_move_leaves_a_history_entry_of_who_moved_it_when_and_from_where(current, to):
    entry = MOVES[to](task_in(current))["history"][-1]
    assert (entry["at"], entry["by"], entry["from"], entry["to"]) == (LATER, "staff-1", current, to)


def test_a_move_leaves_the_task_it_was_given_unchanged():
    task = task_in("open")
    complete(task, LATER, "staff-1", note="called, booked")
    assert (task["status"], task["history"]) == ("open", [])


def test_history_keeps_every_move_in_order():
    task, _ = assign(task_in("open"), "staff-7", LATER, "staff-1")
    task, _ = complete(task, LATER, "staff-7")
    task, _ = reopen(task, LATER, "staff-1", "patient did not show")
    assert [(e["from"], e["to"]) for e in task["history"]] == [("open", "assigned"), ("assigned", "completed"), ("completed", "open")]


def test_assigning_names_the_assignee_on_the_task():
    assert MOVES["assigned"](task_in("open"))["assignee"] == "staff-7"


def test_assigning_records_the_assignee_in_the_history():
    assert MOVES["assigned"](task_in("open"))["history"][-1]["assignee"] == "staff-7"


def test_assigning_tells_no_other_service():
    assert assign(task_in("open"), "staff-7", LATER, "staff-1")[1] == []


def test_assigning_needs_an_assignee():
    with pytest.raises(Invalid) as refused:
        assign(task_in("open"), "", LATER, "staff-1")
    assert list(refused.value.errors) == ["assignee"]


def test_completing_records_when():
    done, _ = complete(task_in("assigned", "staff-7"), LATER, "staff-7")
    assert done["completed_at"] == LATER


def test_completing_with_a_note_keeps_the_note_in_the_history():
    done, _ = complete(task_in("open"), LATER, "staff-1", note="booked for Tuesday")
    assert done["history"][-1]["note"] == "booked for Tuesday"


def test_completing_without_a_note_leaves_no_note_key():
    done, _ = complete(task_in("open"), LATER, "staff-1")
    assert "note" not in done["history"][-1]


def test_completing_keeps_the_assignee_who_did_it():
    done, _ = complete(task_in("assigned", "staff-7"), LATER, "staff-7")
    assert done["assignee"] == "staff-7"


def test_completing_tells_other_services_which_task_of_whom_is_done():
    _, [event] = complete(task_in("open"), LATER, "staff-1")
    assert (event.event_type, event.payload) == ("aftercare.task.completed", {
        "task_id": "task-1", "patient_id": "pat-1", "enrollment_id": "enr-1", "plan_id": "plan-1",
        "kind": "outreach", "due_date": "2025-05-26"})


def test_reopening_needs_a_reason():
    with pytest.raises(Invalid) as refused:
        reopen(task_in("completed"), LATER, "staff-1", "  ")
    assert list(refused.value.errors) == ["reason"]


def test_reopening_keeps_the_reason_as_the_history_note():
    reopened, _ = reopen(task_in("cancelled"), LATER, "staff-1", "patient called back")
    assert reopened["history"][-1]["note"] == "patient called back"


def test_reopening_a_completed_task_clears_its_completion():
    done, _ = complete(task_in("assigned", "staff-7"), NOW, "staff-7")
    reopened, _ = reopen(done, LATER, "staff-1", "visit was missed")
    assert reopened["completed_at"] is None


def test_reopening_hands_the_task_back_to_the_open_pool():
    reopened, _ = reopen(task_in("assigned", "staff-7"), LATER, "staff-7", "on leave")
    assert reopened["assignee"] is None


def test_a_move_needs_an_actor():
    with pytest.raises(Invalid) as refused:
        complete(task_in("open"), LATER, "")
    assert list(refused.value.errors) == ["actor"]


def test_a_move_at_an_instant_without_an_offset_is_a_programming_error():
    with pytest.raises(ValueError):
        complete(task_in("open"), datetime(2025, 5, 23, 17, 0), "staff-1")


# --- tasks that events raise -------------------------------------------------------------


def test_a_safety_screening_is_due_the_same_day_even_on_a_saturday():
    task = follow_on_task("safety_screening", SATURDAY, WEEKDAYS_ONLY, TASK_ID, NOW)
    assert (task["due_date"], task["owner_role"]) == (SATURDAY, "clinician")


def test_a_safety_screening_asks_for_the_c_ssrs_and_a_safety_plan():
    task = follow_on_task("safety_screening", SATURDAY, WEEKDAYS_ONLY, TASK_ID, NOW)
    assert [step["key"] for step in task["content"]["steps"]] == ["c_ssrs", "safety_plan"]


def test_a_prescriber_review_after_a_severe_side_effect_is_due_the_same_day():
    task = follow_on_task("prescriber_review", SATURDAY, WEEKDAYS_ONLY, TASK_ID, NOW)
    assert (task["due_date"], task["owner_role"]) == (SATURDAY, "prescriber")


def test_an_absence_outreach_is_due_the_same_day():
    assert follow_on_task("outreach", date(2025, 5, 21), WEEKDAYS_ONLY, TASK_ID, NOW)["due_date"] == date(2025, 5, 21)


def test_a_follow_up_escalation_raised_on_a_saturday_is_due_on_monday():
    assert follow_on_task("follow_up_escalation", SATURDAY, WEEKDAYS_ONLY, TASK_ID, NOW)["due_date"] == date(2025, 5, 26)


def test_a_re_referral_from_a_friday_is_due_two_business_days_later():
    assert follow_on_task("re_referral", date(2025, 5, 23), WEEKDAYS_ONLY, TASK_ID, NOW)["due_date"] == date(2025, 5, 27)


def test_a_referral_follow_up_from_a_friday_is_due_the_next_business_day():
    assert follow_on_task("referral_follow_up", date(2025, 5, 23), WEEKDAYS_ONLY, TASK_ID, NOW)["due_date"] == date(2025, 5, 26)


def test_an_event_raised_task_keeps_its_source():
    source = {"event_type": "intake.risk.flagged", "event_id": "e-9"}
    assert follow_on_task("safety_screening", SATURDAY, WEEKDAYS_ONLY, TASK_ID, NOW, source)["source"] == source


def test_a_plan_only_kind_cannot_be_raised_by_an_event():
    with pytest.raises(Invalid):
        follow_on_task("medication_handoff", SATURDAY, WEEKDAYS_ONLY, TASK_ID, NOW)


def test_the_event_raised_tasks_are_all_known_kinds():
    assert set(FOLLOW_ON_TASKS) <= set(TASK_KINDS)


# --- a task about someone, and facts that fulfil it ----------------------------------------


def test_an_opened_task_names_whom_it_is_about_and_announces_itself():
    task, [event] = open_task(SUBJECT, new_task("outreach", DUE, "case_manager", TASK_ID, NOW))
    assert (task["site_id"], task["patient_id"], task["enrollment_id"], task["plan_id"]) == ("mpls", "pat-1", "enr-1", "plan-1")
    assert (event.event_type, event.payload["task_id"], event.payload["due_date"]) == ("aftercare.task.created", "task-1", "2025-05-26")


def test_a_fact_that_fulfils_an_active_task_is_attached_and_completes_it_in_the_services_name():
    fulfilled, [event] = fulfil(task_in("assigned", "staff-7"), {"reconciliation_id": "rec-1"}, LATER)
    assert (fulfilled["status"], fulfilled["reconciliation_id"], fulfilled["history"][-1]["by"]) == (
        "completed", "rec-1", "aftercare")
    assert event.event_type == "aftercare.task.completed"


def test_the_same_fact_again_changes_nothing():
    fulfilled, _ = fulfil(task_in("open"), {"reconciliation_id": "rec-1"}, LATER)
    assert fulfil(fulfilled, {"reconciliation_id": "rec-1"}, LATER) is None


def test_a_fact_reaching_a_task_staff_closed_is_attached_without_a_move():
    closed, _ = complete(task_in("open"), NOW, "staff-1")
    attached, events = fulfil(closed, {"reconciliation_id": "rec-1"}, LATER)
    assert (attached["reconciliation_id"], len(attached["history"]), events) == ("rec-1", 1, [])
