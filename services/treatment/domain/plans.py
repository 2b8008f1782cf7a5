"""Individualized treatment plans: drafted from the enrollment's diagnoses, edited while a draft,
signed by the roles the site requires, active once every signature is in, reviewed on time.

One document per version. Version 1 is drafted for an enrollment; an active version cannot be
edited (409): revising it makes the next version, a draft with the same problems, goals, objectives
(same ids, progress kept) and interventions, which needs every signature again. When the new
version becomes active, the one it revises is superseded. The plan in force of an enrollment is
its active version of the highest number. (The number is ``plan_version``: ``version`` is the
store's guard against lost updates.)::

    {_id, enrollment_id, patient_id, program, plan_version, status: "draft" | "active" | "superseded",
     previous_version_id, required_signatures: [role], signatures: [{role, signer, signed_at, recorded_by}],
     problems: [{id, description, diagnosis_code,
                 goals: [{id, description,
                          objectives: [{id, description, target_date, measure, progress, progress_on}]}]}],
     interventions: [{id, modality, description, frequency, responsible_role}],
     created_at, created_by, updated_at, activated_at, effective_date,
     scheduled_review_date, level_of_care_reviews: [date], next_review_date, review_due_raised,
     reviews: [{id, reviewed_on, reviewed_at, recorded_by, reviewer, progress: [...], next_review_date}],
     superseded_at, superseded_by}

A signer is a role and an identifier the front-end gives (a staff id, or "patient"), never a name.
Reviews are due ``review_interval_days`` after activation or the last review, and on the effective
day of every change of level of care after the plan took effect (``level_of_care_reviews``);
``next_review_date`` is the earliest of them. The free text of a plan never leaves this service:
its events carry ids, numbers and dates only.
"""
import copy
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from shared.errors import Conflict, Invalid
from shared.events.registry import DomainEvent
from shared.events.treatment import plan_activated, plan_review_due, plan_reviewed

DRAFT, ACTIVE, SUPERSEDED = "draft", "active", "superseded"
STATUSES = (DRAFT, ACTIVE, SUPERSEDED)
SIGNER_ROLES = ("clinician", "patient", "guardian", "supervisor")
MODALITIES = ("individual", "group", "family", "education", "holistic", "medication")
MET, PROGRESSING, NOT_MET, DISCONTINUED = "met", "progressing", "not_met", "discontinued"
PROGRESS = (MET, PROGRESSING, NOT_MET, DISCONTINUED)
# An objective in one of these needs no further review entry (it may still be given one).
SETTLED = (MET, DISCONTINUED)

Change = tuple[dict, list[DomainEvent]]
NewId = Callable[[], str]
REQUIRED_TO_SIGN = "Required before the plan is signed."


def new_draft(plan_id: str, enrollment: dict, required_signatures: tuple[str, ...], new_id: NewId,
              now: datetime, actor: str) -> dict:
    """Version 1 of an enrollment's plan (``enrollment``: what intake's events told us), with one
    problem per diagnosis reported, primary first, each to be described and given goals."""
    diagnoses = sorted(enrollment.get("diagnoses") or [], key=lambda diagnosis: (diagnosis["rank"], diagnosis["code"]))
    problems = [{"id": new_id(), "description": None, "diagnosis_code": diagnosis["code"], "goals": []}
                for diagnosis in diagnoses]
    return _plan(plan_id, enrollment["enrollment_id"], enrollment["patient_id"], enrollment.get("program"), 1,
                 problems, [], required_signatures, None, now, actor)


def revise(plan: dict, new_plan_id: str, required_signatures: tuple[str, ...], now: datetime, actor: str) -> dict:
    """The next version of an active plan: a draft with the same content (ids and progress kept),
    to be edited and signed again; 409 for a draft (edit it) or a superseded version."""
    if plan["status"] != ACTIVE:
        raise Conflict(f"Only the active plan can be revised; this version is {plan['status']}.")
    return _plan(new_plan_id, plan["enrollment_id"], plan["patient_id"], plan.get("program"), plan["plan_version"] + 1,
                 copy.deepcopy(plan["problems"]), copy.deepcopy(plan["interventions"]), required_signatures,
                 plan["_id"], now, actor)


def _plan(plan_id, enrollment_id, patient_id, program, version, problems, interventions, required_signatures,
          previous_version_id, now, actor) -> dict:
    return {
        "_id": plan_id, "enrollment_id": enrollment_id, "patient_id": patient_id, "program": program,
        "plan_version": version, "status": DRAFT, "previous_version_id": previous_version_id,
        "required_signatures": list(required_signatures), "signatures": [],
        "problems": problems, "interventions": interventions,
        "created_at": now, "created_by": actor, "updated_at": now, "activated_at": None, "effective_date": None,
        "scheduled_review_date": None, "level_of_care_reviews": [], "next_review_date": None,
        "review_due_raised": None, "reviews": [], "superseded_at": None, "superseded_by": None,
    }


# --- editing a draft --------------------------------------------------------------------------

def edit(plan: dict, content: dict, diagnosis_codes: set[str], new_id: NewId, now: datetime) -> Change:
    """The draft with ``content`` (problems with their goals and objectives, interventions) in place
    of its own. An item that gives an ``id`` must be one of this draft's items of the same kind
    (it keeps its id and an objective its progress); an item without one is new. A diagnosis code
    must be one of the enrollment's. Signatures already given are cleared: they signed other content.
    409 when the plan is no draft."""
    if plan["status"] != DRAFT:
        raise Conflict("An active or superseded plan cannot be edited: revise it into a new version "
                       "(POST /plans/{id}/revisions) and sign that.")
    known = _items_by_kind(plan)
    ids = _IdKeeper(known, new_id)
    problems = [_problem(problem, f"problems.{p}", ids, diagnosis_codes) for p, problem in enumerate(content["problems"])]
    interventions = [{**intervention, "id": ids.id_for("intervention", intervention, f"interventions.{i}")}
                     for i, intervention in enumerate(content["interventions"])]
    if ids.errors:
        raise Invalid(ids.errors)
    return {"problems": problems, "interventions": interventions, "signatures": [], "updated_at": now}, []


class _IdKeeper:
    """Keeps the ids of items that name one of the plan's own, makes new ones, and collects errors."""

    def __init__(self, known: dict[str, dict[str, dict]], new_id: NewId):
        self.known, self.new_id, self.seen, self.errors = known, new_id, set(), {}

    def id_for(self, kind: str, item: dict, path: str) -> str:
        given = item.get("id")
        if given is None:
            return self.new_id()
        if given not in self.known[kind]:
            self.errors[f"{path}.id"] = [f"Not a {kind} of this plan; leave the id out for a new one."]
        elif given in self.seen:
            self.errors[f"{path}.id"] = ["Given twice."]
        self.seen.add(given)
        return given


def _problem(problem: dict, path: str, ids: _IdKeeper, diagnosis_codes: set[str]) -> dict:
    code = problem.get("diagnosis_code")
    if code is not None and code not in diagnosis_codes:
        ids.errors[f"{path}.diagnosis_code"] = ["Not a diagnosis intake has reported for this enrollment."]
    goals = []
    for g, goal in enumerate(problem.get("goals") or []):
        objectives = []
        for o, objective in enumerate(goal.get("objectives") or []):
            objective_id = ids.id_for("objective", objective, f"{path}.goals.{g}.objectives.{o}")
            kept = ids.known["objective"].get(objective_id, {})
            objectives.append({"id": objective_id, "description": objective.get("description"),
                               "target_date": objective.get("target_date"), "measure": objective.get("measure"),
                               "progress": kept.get("progress"), "progress_on": kept.get("progress_on")})
        goals.append({"id": ids.id_for("goal", goal, f"{path}.goals.{g}"), "description": goal.get("description"),
                      "objectives": objectives})
    return {"id": ids.id_for("problem", problem, path), "description": problem.get("description"),
            "diagnosis_code": code, "goals": goals}


def _items_by_kind(plan: dict) -> dict[str, dict[str, dict]]:
    items = {"problem": {}, "goal": {}, "objective": {}, "intervention": {}}
    for problem in plan["problems"]:
        items["problem"][problem["id"]] = problem
        for goal in problem["goals"]:
            items["goal"][goal["id"]] = goal
            for objective in goal["objectives"]:
                items["objective"][objective["id"]] = objective
    for intervention in plan["interventions"]:
        items["intervention"][intervention["id"]] = intervention
    return items


def objectives_of(plan: dict) -> Iterator[tuple[dict, dict, dict]]:
    """Every objective of the plan with its problem and goal, in the plan's order."""
    for problem in plan["problems"]:
        for goal in problem["goals"]:
            for objective in goal["objectives"]:
                yield problem, goal, objective


def gaps_before_signing(plan: dict) -> dict[str, list[str]]:
    """What a plan lacks before it can be signed, by field: at least one problem and one
    intervention; each problem described with a goal, each goal with a measurable objective, each
    objective with its description, target date and measure."""
    gaps = {}
    if not plan["problems"]:
        gaps["problems"] = ["A plan needs at least one problem."]
    if not plan["interventions"]:
        gaps["interventions"] = ["A plan needs at least one intervention."]
    for p, problem in enumerate(plan["problems"]):
        _require(gaps, problem, f"problems.{p}", ("description",), "goals", "goal")
        for g, goal in enumerate(problem["goals"]):
            _require(gaps, goal, f"problems.{p}.goals.{g}", ("description",), "objectives", "objective")
            for o, objective in enumerate(goal["objectives"]):
                _require(gaps, objective, f"problems.{p}.goals.{g}.objectives.{o}",
                         ("description", "target_date", "measure"), None, None)
    return gaps


def _require(gaps: dict, item: dict, path: str, fields: tuple[str, ...], children: str | None, child: str | None):
    for name in fields:
        if item.get(name) in (None, ""):
            gaps[f"{path}.{name}"] = [REQUIRED_TO_SIGN]
    if children and not item[children]:
        gaps[f"{path}.{children}"] = [f"At least one {child} is required before the plan is signed."]


# --- signing and activation -------------------------------------------------------------------

def sign(plan: dict, role: str, signer: str, *, now: datetime, today: date, actor: str, review_interval_days: int,
         level_of_care_dates: list[date]) -> Change:
    """The plan with ``role``'s signature. The last required signature makes it active from
    ``today``, with its first review due ``review_interval_days`` later (earlier for a change of
    level of care after today), and emits treatment.plan.activated. 409 when the plan is no draft
    or the role has signed already; 422 for a role the plan does not require or a plan not complete."""
    if plan["status"] != DRAFT:
        raise Conflict(f"The plan is {plan['status']}; only a draft is signed (revise it for a new version).")
    if role not in plan["required_signatures"]:
        raise Invalid({"role": [f"This plan is signed by {', '.join(plan['required_signatures'])}."]})
    if any(signature["role"] == role for signature in plan["signatures"]):
        raise Conflict(f"The {role} has signed this version already.")
    gaps = gaps_before_signing(plan)
    if gaps:
        raise Invalid(gaps, detail="The plan is not complete enough to be signed.")
    signatures = [*plan["signatures"], {"role": role, "signer": signer, "signed_at": now, "recorded_by": actor}]
    changes = {"signatures": signatures, "updated_at": now}
    if {signature["role"] for signature in signatures} < set(plan["required_signatures"]):
        return changes, []
    pending = sorted({day for day in level_of_care_dates if day > today})
    scheduled = today + timedelta(days=review_interval_days)
    changes.update({"status": ACTIVE, "activated_at": now, "effective_date": today, "scheduled_review_date": scheduled,
                    "level_of_care_reviews": pending, "next_review_date": min([scheduled, *pending])})
    return changes, [plan_activated(plan_id=plan["_id"], enrollment_id=plan["enrollment_id"],
                                    patient_id=plan["patient_id"], version=plan["plan_version"],
                                    next_review_date=changes["next_review_date"])]


def supersede(plan: dict, by_plan_id: str, now: datetime) -> Change | None:
    """The active version a newer one replaced; None when it is not active (already done)."""
    if plan["status"] != ACTIVE:
        return None
    return {"status": SUPERSEDED, "superseded_at": now, "superseded_by": by_plan_id, "updated_at": now}, []


def in_force(plans: list[dict]) -> dict | None:
    """The plan in force among an enrollment's versions: its active version of the highest number."""
    active = [plan for plan in plans if plan["status"] == ACTIVE]
    return max(active, key=lambda plan: plan["plan_version"]) if active else None


# --- reviews ----------------------------------------------------------------------------------

def review(plan: dict, given: dict, review_id: str, *, now: datetime, today: date, actor: str,
           review_interval_days: int) -> Change:
    """A review of the plan in force: each objective's progress (every objective not yet met or
    discontinued must be given), and the next review date, by default ``review_interval_days``
    after the review and never later. Level-of-care reviews due on or before the review day are
    done by it; emits treatment.plan.reviewed. 409 when the plan is not active."""
    if plan["status"] != ACTIVE:
        raise Conflict(f"Only the plan in force is reviewed; this version is {plan['status']}.")
    reviewed_on = given.get("reviewed_on") or today
    latest = reviewed_on + timedelta(days=review_interval_days)
    next_review = given.get("next_review_date") or latest
    errors = _progress_errors(plan, given["progress"])
    if reviewed_on > today:
        errors["reviewed_on"] = ["Must not lie in the future."]
    elif reviewed_on < plan["effective_date"]:
        errors["reviewed_on"] = ["Must not lie before the plan took effect."]
    if not reviewed_on < next_review <= latest:
        errors["next_review_date"] = [f"Must lie after the review and within {review_interval_days} days of it."]
    if errors:
        raise Invalid(errors)
    progress = {entry["objective_id"]: entry["status"] for entry in given["progress"]}
    problems = copy.deepcopy(plan["problems"])
    for _, _, objective in objectives_of({"problems": problems}):
        if objective["id"] in progress:
            objective.update(progress=progress[objective["id"]], progress_on=reviewed_on)
    pending = [day for day in plan["level_of_care_reviews"] if day > reviewed_on]
    record = {"id": review_id, "reviewed_on": reviewed_on, "reviewed_at": now, "recorded_by": actor,
              "reviewer": given.get("reviewer"), "progress": given["progress"], "next_review_date": next_review}
    event = plan_reviewed(plan_id=plan["_id"], review_id=review_id, enrollment_id=plan["enrollment_id"],
                          patient_id=plan["patient_id"], reviewed_on=reviewed_on, next_review_date=next_review)
    return {"problems": problems, "reviews": [*plan["reviews"], record], "scheduled_review_date": next_review,
            "level_of_care_reviews": pending, "next_review_date": min([next_review, *pending]),
            "updated_at": now}, [event]


def _progress_errors(plan: dict, progress: list[dict]) -> dict[str, list[str]]:
    objectives = {objective["id"]: objective for _, _, objective in objectives_of(plan)}
    given = [entry["objective_id"] for entry in progress]
    errors = {}
    for index, objective_id in enumerate(given):
        if objective_id not in objectives:
            errors[f"progress.{index}.objective_id"] = ["Not an objective of this plan."]
        elif given.index(objective_id) != index:
            errors[f"progress.{index}.objective_id"] = ["Given twice."]
    missing = [objective_id for objective_id, objective in objectives.items()
               if objective_id not in given and objective.get("progress") not in SETTLED]
    if missing:
        errors["progress"] = [f"Progress of every objective not yet met or discontinued is needed: {', '.join(missing)}."]
    return errors


def level_of_care_changed(plan: dict, effective_date: date) -> Change | None:
    """A review due on the effective day of a change of level of care that happened after the plan
    took effect (a plan signed on or after the change already answers it); None when nothing changes,
    so a redelivered change is a no-op."""
    if plan["status"] != ACTIVE or effective_date <= plan["effective_date"]:
        return None
    if effective_date in plan["level_of_care_reviews"]:
        return None
    if any(record["reviewed_on"] >= effective_date for record in plan["reviews"]):
        return None
    pending = sorted([*plan["level_of_care_reviews"], effective_date])
    return {"level_of_care_reviews": pending,
            "next_review_date": min([plan["scheduled_review_date"], *pending])}, []


def review_trigger(plan: dict) -> str:
    """Why the next review is due: a change of level of care, or the regular interval."""
    return "level_of_care_change" if plan["next_review_date"] in plan["level_of_care_reviews"] else "scheduled"


def raise_review_due(plan: dict, today: date) -> Change | None:
    """treatment.plan.review_due once for each date a review of the plan in force falls due
    (from that day on) without one; None when no review is due or it was raised already."""
    due = plan["next_review_date"]
    if plan["status"] != ACTIVE or due is None or due > today or plan["review_due_raised"] == due:
        return None
    event = plan_review_due(enrollment_id=plan["enrollment_id"], patient_id=plan["patient_id"], plan_id=plan["_id"],
                            due_date=due, kind="review", trigger=review_trigger(plan))
    return {"review_due_raised": due}, [event]
