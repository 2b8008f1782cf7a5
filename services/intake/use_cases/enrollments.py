"""Enrollments: admission into a program of the site's catalog, changes of planned length and of
level of care, diagnoses, and discharge.

Each state change and the event the domain decides on are one atomic write to the enrollment's
own document, so a completed discharge always reaches aftercare, and a second discharge is
refused before any event is made.
"""
import uuid
from collections.abc import Callable
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from services.intake.domain import diagnoses as diagnosis_rules
from services.intake.domain import enrollments as rules
from services.intake.store import IntakeStore, active_slot, released_slot
from services.intake.use_cases.patients import require_patient
from shared import clock
from shared.cause import Cause
from shared.errors import Conflict, NotFound
from shared.sites import Site


def admit(store: IntakeStore, cause: Cause, site: Site, fields: dict) -> dict:
    """Admit a patient of the site into a program of its catalog (emits intake.enrollment.admitted).

    ``fields`` are those of ``EnrollmentCreate``. ``Invalid`` for an unknown patient, a program
    not in the site's catalog or a length outside its bounds; ``Conflict`` when the patient already
    has an active enrollment in the program."""
    require_patient(store, cause.site_id, fields["patient_id"])
    return admit_patient(store, cause, site, fields["patient_id"], fields)


def admit_patient(store: IntakeStore, cause: Cause, site: Site, patient_id: str, admission: dict, *,
                  enrollment_id: str | None = None, referral_id: str | None = None) -> dict:
    """Insert an active enrollment of a patient of the cause's site, with its admission event.

    ``admission`` holds the fields of ``Admission``. A caller that may retry after a crash (a
    referral's admission) passes a stable ``enrollment_id``: the enrollment it made the first
    time is then returned instead of a second one. ``Conflict`` when the patient already has an
    active enrollment in the program.
    """
    now, enrollment_id = clock.now(), enrollment_id or str(uuid.uuid4())
    plan, event = rules.admit(site.programs, enrollment_id, patient_id, admission)
    document = {
        "_id": enrollment_id,
        "site_id": cause.site_id,
        "patient_id": patient_id,
        "referral_id": referral_id,
        "program": plan.program,
        # The program counted as admitted to (the census groups on it), kept through level-of-care changes.
        "admitted_program": plan.program,
        "level_of_care": plan.level_of_care,
        "start_date": plan.start_date,
        "planned_weeks": plan.planned_weeks,
        "planned_end_date": plan.planned_end_date,
        "group_id": admission.get("group_id"),
        "status": plan.status,
        "active_slot": active_slot(patient_id, plan.program),
        "outcome": None,
        "discharge": None,
        "status_history": [_status_change(cause, None, plan.status, now)],
        "length_changes": [],
        "periods": plan.periods,
        "diagnoses": [],
        "diagnosis_history": [],
        "created_at": now,
    }
    try:
        return store.enrollments.insert(document, [event], cause)
    except DuplicateKeyError:
        already_made = store.enrollments.find_one({"_id": enrollment_id, "site_id": cause.site_id})
        if already_made is not None:
            return already_made
        raise Conflict(f"The patient already has an active enrollment in {plan.program}.") from None


def discharge(store: IntakeStore, cause: Cause, site: Site, enrollment_id: str, fields: dict) -> dict:
    """Discharge with an outcome (fields of ``Discharge``): ``completed`` emits
    intake.enrollment.completed, any other outcome intake.enrollment.discharged, exactly one per
    enrollment. ``NotFound``; ``Conflict`` for an enrollment no longer active (a second
    discharge); ``Invalid`` for a date before the start or after the site's today."""
    now, today = clock.now(), site.today()

    def change(enrollment: dict):
        changes, event = rules.discharge(enrollment, fields["discharge_date"], fields["outcome"],
                                         fields.get("step_down"), today=today)
        new_status = changes["status"]
        return {
            **changes,
            "outcome": fields["outcome"],
            "discharge": {"date": fields["discharge_date"], "step_down": fields.get("step_down"),
                          "notes": fields.get("notes")},
            "status_history": [*enrollment["status_history"],
                               _status_change(cause, enrollment["status"], new_status, now)],
            "active_slot": released_slot(enrollment_id),
        }, [event]

    return _modify(store, cause, enrollment_id, change)


def change_planned_length(store: IntakeStore, cause: Cause, site: Site, enrollment_id: str, fields: dict) -> dict:
    """Extend or shorten an active program (fields of ``LengthChange``; emits
    intake.enrollment.length_changed). ``NotFound``; ``Conflict`` for an enrollment no longer
    active; ``Invalid`` for a length out of bounds or one that would have ended before today."""
    now, today = clock.now(), site.today()

    def change(enrollment: dict):
        new_end, event = rules.change_length(site.programs, enrollment, fields["planned_weeks"], today)
        record = {"at": now, "by": cause.actor, "from_weeks": enrollment["planned_weeks"],
                  "to_weeks": fields["planned_weeks"], "reason": fields.get("reason")}
        return {
            "planned_weeks": fields["planned_weeks"],
            "planned_end_date": new_end,
            "length_changes": [*enrollment.get("length_changes", []), record],
        }, [event]

    return _modify(store, cause, enrollment_id, change)


def change_level_of_care(store: IntakeStore, cause: Cause, site: Site, enrollment_id: str, fields: dict) -> dict:
    """Move an active enrollment to another program of the site's catalog from an effective date,
    without a discharge (fields of ``LevelOfCareChange``; emits intake.level_of_care.changed).
    ``NotFound``; ``Conflict`` for an enrollment no longer active, or a patient who already has an
    active enrollment in that program; ``Invalid`` for a program not in the catalog or the current
    one, or an effective date outside the current period's start (excluded) to today + 30 days."""
    today = site.today()

    def change(enrollment: dict):
        changes, event = rules.change_level_of_care(site.programs, enrollment, fields["program"],
                                                    fields["effective_date"], fields.get("reason"), today=today)
        return {**changes, "active_slot": active_slot(enrollment["patient_id"], changes["program"])}, [event]

    try:
        return _modify(store, cause, enrollment_id, change)
    except DuplicateKeyError:
        raise Conflict(f"The patient already has an active enrollment in {fields['program']}.") from None


def put_diagnoses(store: IntakeStore, cause: Cause, enrollment_id: str, fields: dict) -> dict:
    """Replace the enrollment's ranked ICD-10-CM diagnoses (fields of ``DiagnosesUpdate``; emits
    intake.diagnoses.updated unless the set is the one it has). ``NotFound``; ``Invalid`` naming each
    code that is not a billable ICD-10-CM code, and for ranks without exactly one 1 or repeated."""
    record = {"at": clock.now(), "by": cause.actor}
    return _modify(store, cause, enrollment_id,
                   lambda enrollment: diagnosis_rules.update(enrollment, fields["diagnoses"], record))


def _modify(store: IntakeStore, cause: Cause, enrollment_id: str, change: Callable) -> dict:
    enrollment = store.enrollments.modify({"_id": enrollment_id, "site_id": cause.site_id}, change, cause)
    if enrollment is None:
        raise NotFound(f"No enrollment {enrollment_id} at this site.")
    return enrollment


def _status_change(cause: Cause, old: str | None, new: str, now: datetime) -> dict:
    return {"at": now, "by": cause.actor, "from": old, "to": new}
