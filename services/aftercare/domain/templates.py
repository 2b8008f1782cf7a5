"""Aftercare plan templates: which tasks a discharge starts, who owns them and when they fall due.

Templates are data (JSON-able dicts) so that a site can change them in its configuration
without a code change. A template looks like::

    {"name": "step_down",
     "tasks": [{"kind": "follow_up_appointment", "owner_role": "scheduler",
                "due": {"calendar_days": 7}},
               {"kind": "relapse_prevention_plan", "owner_role": "clinician",
                "due": {"business_days": 1}, "content": {"sections": [...]}}, ...]}

``due`` counts from the discharge date, either in calendar days or in the site's business days
(``{"business_days": 0}`` is the discharge day when the site is open, else its next open day).
``content`` is optional and copied onto the task as it is.

A template collection maps an outcome to its template; ``"*"`` serves every outcome not listed.
Site overrides map a program, then an outcome, to a whole template (no merging: what a site
writes is what its patients get); ``"*"`` stands for any program or any outcome.

Two outcomes have plans of their own. ``transferred`` is continuation of care: the transfer plan
hands the patient to the receiving program (the step-down referral and the medication handoff),
with no outreach. ``death`` gets the closing plan, one ``closing`` task and nothing else: no
outreach, no follow-up, no referral work. No site template replaces it (a site may not write one
for ``death``, and ``"*"`` does not reach it): a family must never get a "we missed you" call.
"""
from collections.abc import Callable
from copy import deepcopy
from datetime import date, datetime

from services.aftercare.domain.tasks import TASK_KINDS, due_date, due_rule_errors, new_task
from shared.business_days import BusinessCalendar
from shared.errors import Invalid
from shared.events.codes import COMPLETED, OUTCOMES

ANY = "*"

CRISIS_LINE = "988"

RELAPSE_PREVENTION_SECTIONS = [
    {"key": "warning_signs", "title": "Warning signs", "prompt": "Thoughts, feelings and situations that signal a slip", "items": []},
    {"key": "coping_strategies", "title": "Coping strategies", "prompt": "What helps when the warning signs show", "items": []},
    {"key": "people_and_places", "title": "People and places", "prompt": "Who to call and where to go for support", "items": []},
    {"key": "crisis_line", "title": "Crisis line", "prompt": "Call or text 988, the Suicide & Crisis Lifeline, any time", "items": [CRISIS_LINE]},
]

STEP_DOWN = {
    "name": "step_down",
    "tasks": [
        # The follow-up counts within 7 calendar days (iop_follow_up); scheduling books a business day inside it.
        {"kind": "follow_up_appointment", "owner_role": "scheduler", "due": {"calendar_days": 7}},
        {"kind": "step_down_referral", "owner_role": "case_manager", "due": {"business_days": 2}},
        {
            "kind": "relapse_prevention_plan",
            "owner_role": "clinician",
            "due": {"business_days": 1},
            "content": {"sections": RELAPSE_PREVENTION_SECTIONS},
        },
        {"kind": "medication_handoff", "owner_role": "prescriber", "due": {"business_days": 3}},
    ],
}

RE_ENGAGEMENT = {
    "name": "re_engagement",
    "tasks": [
        {"kind": "outreach", "owner_role": "case_manager", "due": {"business_days": 1}},
        {"kind": "medication_handoff", "owner_role": "prescriber", "due": {"business_days": 3}},
    ],
}

TRANSFER = {
    "name": "transfer",
    "tasks": [
        {"kind": "step_down_referral", "owner_role": "case_manager", "due": {"business_days": 1}},
        {"kind": "medication_handoff", "owner_role": "prescriber", "due": {"business_days": 3}},
    ],
}

CLOSING = {
    "name": "closing",
    "tasks": [
        {
            "kind": "closing",
            "owner_role": "case_manager",
            "due": {"business_days": 1},
            "content": {"steps": [
                {"key": "close_record", "title": "Close the record and the open case-management work"},
                {"key": "tell_the_care_team", "title": "Tell the care team and any provider the patient was referred to"},
                {"key": "cancel_appointments", "title": "Cancel the patient's remaining appointments and referrals"},
            ]},
        },
    ],
}

TRANSFERRED = "transferred"
DEATH = "death"

DEFAULT_TEMPLATES = {COMPLETED: STEP_DOWN, TRANSFERRED: TRANSFER, DEATH: CLOSING, ANY: RE_ENGAGEMENT}


def choose_template(templates: dict, site_overrides: dict | None, program: str, outcome: str) -> dict:
    """The template for a discharge, most specific first: the site's (program, outcome), its
    (program, any outcome), its (any program, outcome), its (any, any), then the collection's
    outcome and its ``"*"``; a death always gets the closing plan. Returns a copy, so the caller
    may change it freely."""
    if outcome not in OUTCOMES:
        raise Invalid({"outcome": [f"must be one of {', '.join(OUTCOMES)}"]})
    if outcome == DEATH:
        return deepcopy(CLOSING)
    overrides = site_overrides or {}
    for program_key, outcome_key in ((program, outcome), (program, ANY), (ANY, outcome), (ANY, ANY)):
        template = overrides.get(program_key, {}).get(outcome_key)
        if template is not None:
            return deepcopy(template)
    template = templates.get(outcome, templates.get(ANY))
    if template is None:
        raise LookupError(f"no aftercare template for outcome '{outcome}' and no '*' template")
    return deepcopy(template)


def build_plan_tasks(template: dict, discharge_date: date, calendar: BusinessCalendar,
                     task_id_of: Callable[[str], str], now: datetime) -> list[dict]:
    """The open tasks of a new plan, their due dates counted from the discharge date; ``task_id_of``
    gives each task's id from its kind (a plan has one task of each kind)."""
    validate_template(template)
    tasks = []
    for spec in template["tasks"]:
        due = due_date(spec["due"], discharge_date, calendar)
        task = new_task(spec["kind"], due, spec["owner_role"], task_id_of(spec["kind"]), now)
        if "content" in spec:
            task["content"] = deepcopy(spec["content"])
        tasks.append(task)
    return tasks


def validate_template(template: dict) -> None:
    """Raise :class:`Invalid` naming every fault, so a site's file is refused as a whole."""
    errors: dict[str, list[str]] = {}
    if not isinstance(template, dict):
        raise Invalid({"template": ["must be an object"]})
    if not isinstance(template.get("name"), str) or not template["name"]:
        errors["name"] = ["must be a non-empty string"]
    specs = template.get("tasks")
    if not isinstance(specs, list) or not specs:
        errors["tasks"] = ["must be a non-empty list"]
        raise Invalid(errors, "The aftercare template is invalid.")
    seen = set()
    for index, spec in enumerate(specs):
        where = f"tasks[{index}]"
        if not isinstance(spec, dict):
            errors[where] = ["must be an object"]
            continue
        unknown = set(spec) - {"kind", "owner_role", "due", "content"}
        if unknown:
            errors[where] = [f"unknown fields: {', '.join(sorted(unknown))}"]
        kind = spec.get("kind")
        if kind not in TASK_KINDS:
            errors[f"{where}.kind"] = [f"must be one of {', '.join(TASK_KINDS)}"]
        elif kind in seen:
            # Events find a plan's task by kind (a booked appointment, a reconciliation): one each.
            errors[f"{where}.kind"] = [f"'{kind}' appears more than once"]
        seen.add(kind)
        if not isinstance(spec.get("owner_role"), str) or not spec["owner_role"]:
            errors[f"{where}.owner_role"] = ["must be a non-empty role name"]
        due_errors = due_rule_errors(spec.get("due"))
        if due_errors:
            errors[f"{where}.due"] = due_errors
        if "content" in spec and not isinstance(spec["content"], dict):
            errors[f"{where}.content"] = ["must be an object"]
    if errors:
        raise Invalid(errors, "The aftercare template is invalid.")


def validate_site_overrides(site_overrides: dict) -> None:
    """Check a site's ``{program: {outcome: template}}`` overrides, e.g. when the sites file loads."""
    errors: dict[str, list[str]] = {}
    if not isinstance(site_overrides, dict):
        raise Invalid({"overrides": ["must be an object of programs"]})
    for program, by_outcome in site_overrides.items():
        if not isinstance(by_outcome, dict):
            errors[program] = ["must be an object of outcomes"]
            continue
        for outcome, template in by_outcome.items():
            if outcome != ANY and outcome not in OUTCOMES:
                errors[f"{program}.{outcome}"] = [f"outcome must be '*' or one of {', '.join(OUTCOMES)}"]
                continue
            if outcome == DEATH:
                errors[f"{program}.{outcome}"] = ["a death always gets the closing plan; no site template replaces it"]
                continue
            try:
                validate_template(template)
            except Invalid as invalid:
                for field, messages in invalid.errors.items():
                    errors[f"{program}.{outcome}.{field}"] = messages
    if errors:
        raise Invalid(errors, "The site's aftercare templates are invalid.")
