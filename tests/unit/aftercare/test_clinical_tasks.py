"""What settles a task the episode of care raised: a plan activated, a review that moved the next
review past the due date, the note signed."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from services.aftercare.domain.clinical_tasks import note_task, review_due_task, settlement

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
DUE = date(2026, 11, 20)


def review_task(kind="review", status="open"):
    task = review_due_task({"kind": kind, "due_date": DUE, "plan_id": "tp-1", "trigger": None}, "t-1", NOW, {})
    return {**task, "status": status}


def facts(**treatment):
    return {"treatment": treatment}


def test_the_kind_of_the_due_names_the_task():
    assert (review_task("initial_plan")["kind"], review_task("review")["kind"]) == ("treatment_plan",
                                                                                    "treatment_plan_review")


def test_nothing_recorded_settles_nothing():
    assert settlement(review_task(), {}) is None


def test_a_first_plan_is_settled_by_the_first_activation():
    later = datetime(2026, 11, 25, tzinfo=timezone.utc)
    activated = {"tp-2": later, "tp-1": NOW.replace(day=21)}
    assert settlement(review_task("initial_plan"), facts(activated=activated)) == {"treatment_plan_id": "tp-1"}


def test_a_review_is_settled_by_the_earliest_review_that_set_the_next_one_after_its_due_date():
    reviews = {"rev-old": {"reviewed_on": date(2026, 10, 21), "next_review_date": DUE},
               "rev-2": {"reviewed_on": date(2026, 11, 24), "next_review_date": date(2026, 12, 24)},
               "rev-1": {"reviewed_on": date(2026, 11, 21), "next_review_date": date(2026, 12, 21)}}
    assert settlement(review_task(), facts(reviews=reviews)) == {"review_id": "rev-1"}


def test_a_completed_task_is_settled_by_nothing_more():
    assert settlement(review_task(status="completed"), facts(activated={"tp-1": NOW})) is None


def test_a_note_task_is_due_the_day_the_note_fell_due_at_the_site_and_settled_by_its_signature():
    overdue = {"note_id": "note-1", "author_role": "clinician", "session_id": "s-1",
               "due_at": datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)}
    task = note_task(overdue, "t-2", NOW, ZoneInfo("America/Chicago"), {})
    assert task["due_date"] == date(2026, 11, 23)
    assert settlement(task, facts(signed_notes={"note-1": NOW})) == {"signed_note_id": "note-1"}
