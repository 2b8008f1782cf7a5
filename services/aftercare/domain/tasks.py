"""Case-management tasks: their kinds, their life cycle, the history every move leaves behind and
the events others hear of.

A task is a plain dict, as the store keeps it:
``{_id, site_id, patient_id, enrollment_id, plan_id, kind, owner_role, due_date, status, assignee,
source, created_at, completed_at, history}``. The functions here never mutate the task they are
given; they return an updated copy, and a move returns it with the events it causes.
"""
from collections import Counter
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from shared.business_days import BusinessCalendar
from shared.errors import Invalid, StateMachine
from shared.events.aftercare import task_completed, task_created
from shared.events.registry import DomainEvent

# Made by a plan template when an enrollment ends.
PLAN_TASK_KINDS = (
    "follow_up_appointment",
    "step_down_referral",
    "relapse_prevention_plan",
    "medication_handoff",
    "outreach",
    "obtain_consent",  # a substance-use program's plan whose step-down provider no consent covers yet
    "closing",  # the one task of a plan after a death: close the record, tell the care team
)
# Raised by events and sweeps during or after the program.
EVENT_TASK_KINDS = (
    "safety_screening",  # intake.risk.flagged: C-SSRS and a safety plan, the same day
    "prescriber_review",  # medication.side_effect.reported with a severe side effect
    "re_referral",  # a referral was declined
    "referral_follow_up",  # a referral was not accepted in time
    "follow_up_escalation",  # the follow-up visit was not attended by its due date
    "treatment_plan",  # treatment.plan.review_due (initial_plan): the first plan is due
    "treatment_plan_review",  # treatment.plan.review_due (review): the plan in force is due for review
    "session_note",  # treatment.note.overdue: a session's note is still unsigned
    "intensity_review",  # scheduling.intensity.below_minimum: a week's attended hours fell short
    "re_measurement",  # intake.measurement.overdue: a re-measurement the program's cadence asked for was missed
)
TASK_KINDS = PLAN_TASK_KINDS + EVENT_TASK_KINDS

# ``cancelled`` belongs to the task contract (lists filter on it) though no command cancels a task yet.
STATUSES = ("open", "assigned", "completed", "cancelled")
# Statuses in which a task still asks something of someone.
ACTIVE_STATUSES = frozenset({"open", "assigned"})

MACHINE = StateMachine(
    "task",
    {
        "open": {"assigned", "completed", "cancelled"},
        "assigned": {"completed", "open", "cancelled"},
        "completed": {"open"},
        "cancelled": {"open"},
    },
)

# Owner and due rule of the tasks that events raise. Safety-critical ones fall due the same
# calendar day: risk does not wait for a business day. Data, so that a site may replace it.
FOLLOW_ON_TASKS = {
    "outreach": {"owner_role": "case_manager", "due": {"calendar_days": 0}},
    "safety_screening": {
        "owner_role": "clinician",
        "due": {"calendar_days": 0},
        "content": {
            "steps": [
                {"key": "c_ssrs", "title": "Columbia Suicide Severity Rating Scale (C-SSRS) screening"},
                {"key": "safety_plan", "title": "Safety plan written or reviewed with the patient"},
            ],
            "crisis_line": "988",
        },
    },
    "prescriber_review": {"owner_role": "prescriber", "due": {"calendar_days": 0}},
    "re_referral": {"owner_role": "case_manager", "due": {"business_days": 2}},
    "referral_follow_up": {"owner_role": "case_manager", "due": {"business_days": 1}},
    # Business days 0: today when the site is open, else its next open day.
    "follow_up_escalation": {"owner_role": "case_manager", "due": {"business_days": 0}},
    "obtain_consent": {"owner_role": "case_manager", "due": {"business_days": 1}},
    # A short week is case management's to look into with the patient before the next one ends.
    "intensity_review": {"owner_role": "case_manager", "due": {"business_days": 1}},
    # Already late when raised: today when the site is open, else its next open day.
    "re_measurement": {"owner_role": "case_manager", "due": {"business_days": 0}},
}

DUE_RULE_KEYS = ("calendar_days", "business_days")

# Who the history of a fulfilled task names: the service noticed the fact, whoever reported it.
FULFILLED_BY = "aftercare"


@dataclass(frozen=True)
class Subject:
    """Whom a task is about and where it belongs: copied onto the task and into its events."""

    site_id: str
    patient_id: str
    enrollment_id: str | None = None
    # None for a task raised during the program, before any plan exists.
    plan_id: str | None = None

    @classmethod
    def of_plan(cls, plan: dict) -> "Subject":
        return cls(plan["site_id"], plan["patient_id"], plan["enrollment_id"], plan["_id"])

    @classmethod
    def of_referral(cls, referral: dict) -> "Subject":
        return cls(referral["site_id"], referral["patient_id"], referral["enrollment_id"], referral["plan_id"])


def due_rule_errors(rule) -> list[str]:
    """What is wrong with a due rule such as ``{"business_days": 2}``; empty when it is sound."""
    if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in DUE_RULE_KEYS:
        return ["must have exactly one of 'calendar_days' or 'business_days'"]
    count = next(iter(rule.values()))
    # bool is an int in Python; True days is a typo, not a count.
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return ["the number of days must be a whole number of 0 or more"]
    return []


def due_date(rule: dict, start: date, calendar: BusinessCalendar) -> date:
    """The date a due rule gives when counted from ``start`` (a discharge, an event's day)."""
    errors = due_rule_errors(rule)
    if errors:
        raise Invalid({"due": errors})
    if "calendar_days" in rule:
        return start + timedelta(days=rule["calendar_days"])
    return calendar.add_business_days(start, rule["business_days"])


def new_task(kind: str, due_date: date, owner_role: str, task_id: str, now: datetime, source=None) -> dict:
    """A fresh open task, not yet about anyone (see :func:`open_task`). ``source`` says what
    raised it (e.g. ``{"event_type": ..., "event_id": ...}``) and is stored as given."""
    errors = {}
    if kind not in TASK_KINDS:
        errors["kind"] = [f"must be one of {', '.join(TASK_KINDS)}"]
    if not isinstance(owner_role, str) or not owner_role:
        errors["owner_role"] = ["must be a non-empty role name"]
    if isinstance(due_date, datetime) or not isinstance(due_date, date):
        errors["due_date"] = ["must be a date"]
    if errors:
        raise Invalid(errors)
    _require_aware(now)
    return {
        "_id": task_id,
        "kind": kind,
        "owner_role": owner_role,
        "due_date": due_date,
        "status": "open",
        "assignee": None,
        "source": source,
        "created_at": now,
        "completed_at": None,
        "history": [],
    }


def follow_on_task(kind: str, today: date, calendar: BusinessCalendar, task_id: str, now: datetime,
                   source=None) -> dict:
    """A task raised by an event, with the owner and due date that FOLLOW_ON_TASKS gives its kind."""
    if kind not in FOLLOW_ON_TASKS:
        raise Invalid({"kind": [f"must be one of {', '.join(FOLLOW_ON_TASKS)}"]})
    rule = FOLLOW_ON_TASKS[kind]
    task = new_task(kind, due_date(rule["due"], today, calendar), rule["owner_role"], task_id, now, source)
    if "content" in rule:
        task["content"] = deepcopy(rule["content"])
    return task


def open_task(subject: Subject, task: dict) -> tuple[dict, list[DomainEvent]]:
    """The task about ``subject``, with the aftercare.task.created its creation causes."""
    opened = {**task, **asdict(subject)}
    return opened, [task_created(**_payload(opened))]


def assign(task: dict, assignee: str, now: datetime, actor: str) -> tuple[dict, list[DomainEvent]]:
    """Give an open task to one person; ``assignee`` is a staff id, never a name."""
    if not isinstance(assignee, str) or not assignee:
        raise Invalid({"assignee": ["must be a non-empty staff id"]})
    updated = _move(task, "assigned", now, actor, note=None)
    updated["assignee"] = assignee
    # Kept in the entry so the audit shows who held the task, even after it changes hands.
    updated["history"][-1]["assignee"] = assignee
    return updated, []


def complete(task: dict, now: datetime, actor: str, note: str | None = None) -> tuple[dict, list[DomainEvent]]:
    """Complete an active task: the one move other services hear of (aftercare.task.completed)."""
    updated = _move(task, "completed", now, actor, note)
    updated["completed_at"] = now
    return updated, [task_completed(**_payload(updated))]


def reopen(task: dict, now: datetime, actor: str, reason: str) -> tuple[dict, list[DomainEvent]]:
    """Put a task back in the open pool: a completed or cancelled one, or an assigned one that
    its assignee hands back. Open means unassigned, so the assignee is cleared."""
    _require_text("reason", reason)
    updated = _move(task, "open", now, actor, reason)
    updated["assignee"] = None
    updated["completed_at"] = None
    return updated, []


def fulfil(task: dict, attachment: dict, now: datetime) -> tuple[dict, list[DomainEvent]] | None:
    """Something another service reported fulfilled the task (an attended visit, a reconciliation,
    a referral sent): attach it, and complete the task if it is still active.

    None when that very fact is attached already: re-applying it changes nothing, so a redelivery
    does not complete again a task that staff reopened on purpose."""
    if all(task.get(key) == value for key, value in attachment.items()):
        return None
    attached = {**task, **attachment}
    if task["status"] not in ACTIVE_STATUSES:
        return attached, []
    return complete(attached, now, FULFILLED_BY)


def settles_re_measurement(task: dict, instrument: str, recorded_on: date) -> bool:
    """Whether an assessment of ``instrument`` recorded on ``recorded_on`` (a site day) is the
    re-measurement ``task`` asks for: the same instrument, on or after the day it was due."""
    source = task.get("source") or {}
    due = source.get("measurement_due_date")
    return (task["kind"] == "re_measurement" and source.get("instrument") == instrument and due is not None
            and recorded_on >= date.fromisoformat(str(due)))


def _payload(task: dict) -> dict:
    return {"task_id": task["_id"], "patient_id": task["patient_id"], "enrollment_id": task["enrollment_id"],
            "plan_id": task["plan_id"], "kind": task["kind"], "due_date": task["due_date"]}


def _move(task: dict, to: str, now: datetime, actor: str, note: str | None) -> dict:
    _require_aware(now)
    _require_text("actor", actor)
    MACHINE.check(task["status"], to)
    updated = deepcopy(task)
    entry = {"at": now, "by": actor, "from": task["status"], "to": to}
    if note is not None:
        entry["note"] = note
    updated["status"] = to
    updated["history"].append(entry)
    return updated


def _require_text(field: str, value) -> None:
    if not isinstance(value, str) or not value.strip():
        raise Invalid({field: ["is required"]})


def _require_aware(now: datetime) -> None:
    # Instants are stored in UTC; a naive one would be read in the wrong zone.
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")


def report_entries(task: dict) -> dict[date, dict]:
    """What a task puts in the task report's days (``shared.day_rollups``): on its due day, its
    kind while it is active (open or assigned), nothing (``None``) once it is not."""
    return {task["due_date"]: {f"active.{task['_id']}": task["kind"] if task["status"] in ACTIVE_STATUSES else None}}


def report_day_counts(day: dict) -> dict:
    """A due day's active tasks: in all (``active``, which the report selects days by) and per kind."""
    kinds = Counter(kind for kind in (day.get("active") or {}).values() if kind)
    return {"active": sum(kinds.values()), "by_kind": dict(kinds)}


def counts_from_days(days: Iterable[dict], today: date) -> dict[str, dict]:
    """``{kind: {"open": n, "overdue": n}}`` over due days as :func:`report_day_counts` gives them:
    every active task is open, and overdue when due before ``today``."""
    counts: dict[str, dict] = {}
    for day in days:
        for kind, count in (day.get("by_kind") or {}).items():
            row = counts.setdefault(kind, {"open": 0, "overdue": 0})
            row["open"] += count
            row["overdue"] += count if day["date"] < today else 0
    return counts
