"""The suicide-risk pathway as aftercare follows it.

A positive screen (intake.risk.flagged: PHQ-9 item 9 above 0, or a C-SSRS screen of moderate or
high risk) opens a same-day ``safety_screening`` task. That task can be completed only when both
are on record for the patient, each on or after the day of the screen that opened it:

- a **risk level**: the C-SSRS screener's triage (``none``, ``low``, ``moderate``, ``high``), from a
  risk flag that carries one or from intake.assessment.recorded of the C-SSRS (whose severity is
  its risk level). A PHQ-9 flag carries none: it asks for the C-SSRS;
- a **safety plan**: the patient's current Stanley-Brown plan (intake.safety_plan.recorded, the
  highest version heard of).

Aftercare keeps one record per patient (``patient_safety``): every screen by assessment id and
every safety plan version by id, so that any order of arrival, and any redelivery, ends in the
same record; the current plan is the highest version, whichever arrived last. Days are the site's.
"""
from datetime import date, datetime

from services.aftercare.domain import tasks as task_rules
from shared.errors import Conflict
from shared.events.codes import RISK_LEVELS

SAFETY_SCREENING = "safety_screening"
# Instruments whose severity is a suicide-risk level (intake: "a screen ... its severity the risk
# level it triages").
RISK_SCREEN_INSTRUMENTS = ("C-SSRS",)


class SafetyAssessmentRequired(Conflict):
    """A safety_screening task completed without a risk level or a safety plan recorded on or after
    its screen (409, problem type .../problems/safety-assessment-required)."""

    title = "Safety assessment required"


def screen_of(payload: dict, occurred_at: datetime, day: date) -> dict:
    """A screen as kept (``payload``: intake.risk.flagged's; ``day``: the site's day it happened)."""
    level = payload.get("risk_level")
    return {"instrument": payload["instrument"], "risk_level": level if level in RISK_LEVELS else None,
            "enrollment_id": payload.get("enrollment_id"), "screened_on": day, "screened_at": occurred_at}


def leveled_assessment(payload: dict, occurred_at: datetime, day: date) -> dict | None:
    """The screen an intake.assessment.recorded is, when its instrument triages risk; else None."""
    if payload["instrument"] not in RISK_SCREEN_INSTRUMENTS or payload["severity"] not in RISK_LEVELS:
        return None
    return screen_of({**payload, "risk_level": payload["severity"]}, occurred_at, day)


def screen_recorded(record: dict, assessment_id: str, screen: dict) -> dict | None:
    """The record's change for a screen (None when known already). A screen heard of twice (a C-SSRS
    raises both events) keeps the level either one carried."""
    screens = record.get("screens") or {}
    known = screens.get(assessment_id)
    if known is not None and (known.get("risk_level") or screen["risk_level"] is None):
        return None
    return {"screens": {**screens, assessment_id: screen}}


def safety_plan_of(payload: dict, occurred_at: datetime, day: date) -> dict:
    """A safety plan version as kept (``payload``: intake.safety_plan.recorded's)."""
    return {"version": payload["version"], "enrollment_id": payload.get("enrollment_id"),
            "assessment_id": payload.get("assessment_id"), "recorded_on": day, "recorded_at": occurred_at}


def safety_plan_recorded(record: dict, safety_plan_id: str, plan: dict) -> dict | None:
    """The record's change for a safety plan version (None when known already)."""
    plans = record.get("safety_plans") or {}
    if safety_plan_id in plans:
        return None
    return {"safety_plans": {**plans, safety_plan_id: plan}}


def current_safety_plan(record: dict | None) -> dict | None:
    """The plan in force: the highest version heard of, as ``{safety_plan_id, version, recorded_on}``."""
    plans = (record or {}).get("safety_plans") or {}
    if not plans:
        return None
    plan_id = max(plans, key=lambda key: (plans[key]["version"], plans[key]["recorded_at"], key))
    return {"safety_plan_id": plan_id, "version": plans[plan_id]["version"], "recorded_on": plans[plan_id]["recorded_on"]}


def latest_risk_level(record: dict | None, since: date | None = None) -> dict | None:
    """The latest screen that recorded a risk level (on or after ``since`` when given), as
    ``{assessment_id, instrument, risk_level, screened_on}``."""
    screens = {key: screen for key, screen in ((record or {}).get("screens") or {}).items()
               if screen.get("risk_level") is not None and (since is None or screen["screened_on"] >= since)}
    if not screens:
        return None
    assessment_id = max(screens, key=lambda key: (screens[key]["screened_at"], key))
    screen = screens[assessment_id]
    return {"assessment_id": assessment_id, "instrument": screen["instrument"], "risk_level": screen["risk_level"],
            "screened_on": screen["screened_on"]}


def screen_source(event_source: dict, day: date) -> dict:
    """A safety_screening task's source: the event, and the site's day of its screen."""
    return {**event_source, "screened_on": day}


def screened_on(task: dict) -> date:
    """The day of the screen that opened a safety_screening task (a task opened before the day was
    kept in its source falls due that very day)."""
    return (task.get("source") or {}).get("screened_on") or task["due_date"]


def completion_evidence(task: dict, record: dict | None) -> dict:
    """What a safety_screening task is completed on: ``{risk_assessment, safety_plan}``, both
    recorded on or after its screen. SafetyAssessmentRequired names what is missing."""
    since = screened_on(task)
    risk = latest_risk_level(record, since)
    plan = current_safety_plan(record)
    if plan is not None and plan["recorded_on"] < since:
        plan = None
    missing = [what for what, found in (("a risk level (C-SSRS screen)", risk),
                                        ("a safety plan (POST /intake/v1/patients/{id}/safety-plans)", plan))
               if found is None]
    if missing:
        raise SafetyAssessmentRequired(
            f"This safety screening can be completed only once {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} recorded for the patient on or after the screen of "
            f"{since.isoformat()}; nothing was changed.")
    return {"risk_assessment": risk, "safety_plan": plan}


def complete_screening(task: dict, record: dict | None, now: datetime, actor: str, note: str | None = None):
    """Complete a safety_screening task with the risk level and safety plan it rests on, kept on the
    task; a task no longer active is refused as any task is (illegal transition)."""
    if task["status"] not in task_rules.ACTIVE_STATUSES:
        return task_rules.complete(task, now, actor, note)
    return task_rules.complete({**task, **completion_evidence(task, record)}, now, actor, note)
