"""Stanley-Brown safety plans: six steps written with the patient, kept as numbered versions.

The plan follows the Safety Planning Intervention (Stanley & Brown), in its order:

1. ``warning_signs``: thoughts, images, moods, situations or behaviours that a crisis may be coming;
2. ``internal_coping_strategies``: what the patient can do alone to take their mind off problems;
3. ``social_distractions``: people (``kind: person``) and social settings (``kind: place``) that
   provide distraction;
4. ``people_to_ask_for_help``: people the patient can ask for help;
5. ``professionals_and_agencies``: professionals and agencies to contact in a crisis; the 988
   Suicide & Crisis Lifeline is always on the plan (added when the plan does not list 988);
6. ``environment_safety``: making the environment safe, by lethal-means counselling: the means
   discussed (codes), the actions agreed with the patient, and the day of the counselling.

Steps 1, 2 and 6 must be filled; steps 3 and 4 may be empty (a patient may name nobody yet) and
step 5 always holds 988. Optionally the plan records the patient's reasons for living.

Versions: a patient has one plan in force, the latest. A change is a new version (n + 1), never
an edit, so the plan a clinician reviewed with the patient stays as it was. The number is stored
as ``version_number`` (``version`` is the store's optimistic-concurrency counter) and answered as
``version``. Each version may name
the enrollment it was written in and the assessment that prompted it (e.g. the PHQ-9 that raised
``suicidal_ideation``). Each emits intake.safety_plan.recorded (ids and the version only: the text
stays in intake): until aftercare has it, and a risk level, the same-day safety task cannot be completed.
"""
from datetime import date

from shared.errors import Invalid
from shared.events.intake import safety_plan_recorded
from shared.events.registry import DomainEvent

STEPS: tuple[str, ...] = ("warning_signs", "internal_coping_strategies", "social_distractions",
                          "people_to_ask_for_help", "professionals_and_agencies", "environment_safety")
REQUIRED_LISTS: tuple[str, ...] = ("warning_signs", "internal_coping_strategies")

DISTRACTION_KINDS: tuple[str, ...] = ("person", "place")
PROFESSIONAL_KINDS: tuple[str, ...] = ("clinician", "agency", "emergency_department", "crisis_line", "other")
# What lethal-means counselling may discuss (step 6).
MEANS: tuple[str, ...] = ("firearms", "medications", "sharp_objects", "ligatures", "alcohol_or_drugs", "vehicles",
                          "heights", "other")

CRISIS_LINE_NUMBER = "988"
CRISIS_LINE = {"kind": "crisis_line", "name": "988 Suicide & Crisis Lifeline", "phone": CRISIS_LINE_NUMBER}


def next_version(latest_version: int | None) -> int:
    """The number of the next version: 1 for a patient's first plan."""
    return (latest_version or 0) + 1


def record(plan_id: str, patient_id: str, version: int, content: dict, today: date, *,
           enrollment_id: str | None = None, assessment_id: str | None = None) -> tuple[dict, DomainEvent]:
    """Version ``version`` of the patient's plan (its steps, as stored) and the event it causes.

    ``content`` holds the six steps and optionally ``reasons_for_living``. ``Invalid`` for an
    empty required step, a means code outside :data:`MEANS`, or a counselling after ``today``."""
    _check(content, today)
    steps = {step: list(content.get(step) or []) for step in STEPS if step != "environment_safety"}
    steps["professionals_and_agencies"] = with_crisis_line(steps["professionals_and_agencies"])
    plan = {"version_number": version, "enrollment_id": enrollment_id, "assessment_id": assessment_id, **steps,
            "environment_safety": dict(content["environment_safety"]),
            "reasons_for_living": list(content.get("reasons_for_living") or [])}
    event = safety_plan_recorded(safety_plan_id=plan_id, patient_id=patient_id, enrollment_id=enrollment_id,
                                 version=version, assessment_id=assessment_id)
    return plan, event


def with_crisis_line(contacts: list[dict]) -> list[dict]:
    """Step 5 as kept: the contacts given, with the 988 Lifeline last unless 988 is already listed."""
    if any(_digits(contact.get("phone")) == CRISIS_LINE_NUMBER for contact in contacts):
        return list(contacts)
    return [*contacts, dict(CRISIS_LINE)]


def newest_first(plans: list[dict]) -> list[dict]:
    """The versions newest first, each marked ``current`` (the latest is the plan in force)."""
    ordered = sorted(plans, key=lambda plan: plan["version_number"], reverse=True)
    return [{**plan, "current": index == 0} for index, plan in enumerate(ordered)]


def _check(content: dict, today: date) -> None:
    errors: dict[str, list[str]] = {}
    for step in REQUIRED_LISTS:
        if not [item for item in content.get(step) or [] if isinstance(item, str) and item.strip()]:
            errors[step] = ["Write at least one entry: the step is part of every safety plan."]
    means = content.get("environment_safety") or {}
    if not means:
        errors["environment_safety"] = ["Record the lethal-means counselling (step 6)."]
    elif not means.get("means_discussed"):
        errors["environment_safety.means_discussed"] = ["Name at least one means discussed."]
    elif [code for code in means["means_discussed"] if code not in MEANS]:
        errors["environment_safety.means_discussed"] = [f"Must be codes of: {', '.join(MEANS)}."]
    if means and means.get("counselled_on") is None:
        errors["environment_safety.counselled_on"] = ["The day of the counselling is required."]
    elif means and means["counselled_on"] > today:
        errors["environment_safety.counselled_on"] = ["Must not be after the site's today."]
    if errors:
        raise Invalid(errors)


def _digits(phone: str | None) -> str:
    return "".join(character for character in phone or "" if character.isdigit())
