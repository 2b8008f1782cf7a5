"""Enrollments: admission into a program, changes of planned length, and discharge.

Each state change and the event the domain decides on are one atomic write to the enrollment's
own document, so a completed discharge always reaches aftercare, and a second discharge is
refused before any event is made.
"""
import uuid
from collections.abc import Callable
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from services.intake.domain import enrollments as rules
from services.intake.store import IntakeStore, active_slot, released_slot
from services.intake.use_cases.patients import require_patient
from shared import clock
from shared.cause import Cause
from shared.errors import Conflict, NotFound
from shared.sites import Site


def admit(store: IntakeStore, cause: Cause, fields: dict) -> dict:
    """Admit a patient of the site into a program (emits intake.enrollment.admitted).

    ``fields`` are those of ``EnrollmentCreate``. ``Invalid`` for an unknown patient or a bad
    plan; ``Conflict`` when the patient already has an active enrollment in the program."""
    require_patient(store, cause.site_id, fields["patient_id"])
    return admit_patient(store, cause, fields["patient_id"], fields)


def admit_patient(store: IntakeStore, cause: Cause, patient_id: str, admission: dict, *,
                  enrollment_id: str | None = None, referral_id: str | None = None) -> dict:
    """Insert an active enrollment of a patient of the cause's site, with its admission event.

    ``admission`` holds the fields of ``Admission``. A caller that may retry after a crash (a
    referral's admission) passes a stable ``enrollment_id``: the enrollment it made the first
    time is then returned instead of a second one. ``Conflict`` when the patient already has an
    active enrollment in the program.
    """
    now, enrollment_id = clock.now(), enrollment_id or str(uuid.uuid4())
    plan, event = rules.admit(enrollment_id, patient_id, admission)
    document = {
        "_id": enrollment_id,
        "site_id": cause.site_id,
        "patient_id": patient_id,
        "referral_id": referral_id,
        "program": plan.program,
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
        new_status, event = rules.discharge(enrollment, fields["discharge_date"], fields["outcome"],
                                            fields.get("step_down"), today=today)
        return {
            "status": new_status,
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
        new_end, event = rules.change_length(enrollment, fields["planned_weeks"], today)
        record = {"at": now, "by": cause.actor, "from_weeks": enrollment["planned_weeks"],
                  "to_weeks": fields["planned_weeks"], "reason": fields.get("reason")}
        return {
            "planned_weeks": fields["planned_weeks"],
            "planned_end_date": new_end,
            "length_changes": [*enrollment.get("length_changes", []), record],
        }, [event]

    return _modify(store, cause, enrollment_id, change)


def _modify(store: IntakeStore, cause: Cause, enrollment_id: str, change: Callable) -> dict:
    enrollment = store.enrollments.modify({"_id": enrollment_id, "site_id": cause.site_id}, change, cause)
    if enrollment is None:
        raise NotFound(f"No enrollment {enrollment_id} at this site.")
    return enrollment


def _status_change(cause: Cause, old: str | None, new: str, now: datetime) -> dict:
    return {"at": now, "by": cause.actor, "from": old, "to": new}
