"""Enrollments: admission into a program, changes of planned length, and discharge.

Each state change and the event it causes are one atomic write (shared.outbox), so a completed
discharge always reaches aftercare, and a second discharge is refused before any event is made.
"""
import uuid
from datetime import date, datetime

from flask_smorest import Blueprint
from pymongo.errors import DuplicateKeyError

from services.intake.api.patients import require_patient
from services.intake.api.schemas import Discharge, Enrollment, EnrollmentCreate, EnrollmentQuery, LengthChange
from services.intake.domain import enrollments as rules
from services.intake.store import ENROLLMENTS
from shared import clock
from shared.errors import Conflict
from shared.http.auth import current_site_id
from shared.http.current import actor, collection, current_site, find_at_site, request_event
from shared.http.fields import stored
from shared.http.pagination import page_of
from shared.outbox import insert_with_events, modify

blp = Blueprint("enrollments", __name__, url_prefix="/v1/enrollments",
                description="Admissions into a program, their planned length and discharge.")


def _status_change(old: str | None, new: str, now: datetime) -> dict:
    return {"at": now, "by": actor(), "from": old, "to": new}


@blp.route("", methods=["POST"])
@blp.arguments(EnrollmentCreate)
@blp.response(201, Enrollment)
@blp.alt_response(409, description="The patient already has an active enrollment in this program.")
def admit(fields):
    """Admit a patient into a program (emits intake.enrollment.admitted)."""
    require_patient(fields["patient_id"])
    return admit_patient(fields["patient_id"], fields)


def admit_patient(patient_id: str, admission: dict, *, enrollment_id: str | None = None,
                  referral_id: str | None = None) -> dict:
    """Insert an active enrollment of a patient of the caller's site, with its admission event.

    ``admission`` holds the fields of :class:`Admission`. A caller that may retry after a crash
    (a referral's admission) passes a stable ``enrollment_id``: the enrollment it made the first
    time is then returned instead of a second one. Conflict (409) when the patient already has
    an active enrollment in the program.
    """
    site_id, now = current_site_id(), clock.now()
    plan = rules.plan_enrollment(admission["program"], admission["start_date"], admission.get("planned_weeks"))
    program = rules.get_program(plan.program)
    enrollment_id = enrollment_id or str(uuid.uuid4())
    document = {
        "_id": enrollment_id,
        "site_id": site_id,
        "patient_id": patient_id,
        "referral_id": referral_id,
        "program": plan.program,
        "level_of_care": admission.get("level_of_care", program.level_of_care),
        "start_date": stored(plan.start_date),
        "planned_weeks": plan.planned_weeks,
        "planned_end_date": stored(plan.planned_end_date),
        "group_id": admission.get("group_id"),
        "status": rules.ACTIVE,
        "active_slot": _active_slot(patient_id, plan.program),
        "outcome": None,
        "discharge": None,
        "status_history": [_status_change(None, rules.ACTIVE, now)],
        "length_changes": [],
        "created_at": now,
    }
    event = request_event(rules.EVENT_ADMITTED, {
        "enrollment_id": enrollment_id,
        "patient_id": patient_id,
        "program": plan.program,
        "level_of_care": document["level_of_care"],
        "start_date": plan.start_date,
        "planned_weeks": plan.planned_weeks,
        "planned_end_date": plan.planned_end_date,
        "group_id": document["group_id"],
    })
    try:
        return insert_with_events(collection(ENROLLMENTS), document, [event])
    except DuplicateKeyError:
        already_made = collection(ENROLLMENTS).find_one({"_id": enrollment_id, "site_id": site_id})
        if already_made is not None:
            return already_made
        raise Conflict(f"The patient already has an active enrollment in {plan.program}.") from None


def _active_slot(patient_id: str, program: str) -> str:
    """The key, unique per site, that lets a patient hold one active enrollment per program."""
    return f"{patient_id}:{program}"


def _released_slot(enrollment_id: str) -> str:
    # A value of its own rather than null or $unset: MongoDB's sparse unique index still indexes
    # null (two ended enrollments would clash), and $unset would be a second write after the
    # discharge's one atomic write.
    return f"ended:{enrollment_id}"


@blp.route("", methods=["GET"])
@blp.arguments(EnrollmentQuery, location="query")
@blp.response(200, Enrollment(many=True))
@blp.paginate()
def list_enrollments(query, pagination_parameters):
    """List the site's enrollments, filtered by patient, status or program."""
    selector = {"site_id": current_site_id(), **query}
    return page_of(collection(ENROLLMENTS), selector, [("start_date", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<enrollment_id>", methods=["GET"])
@blp.response(200, Enrollment)
def get_enrollment(enrollment_id):
    """One enrollment with its status, outcome and status history."""
    return find_at_site(ENROLLMENTS, enrollment_id, "enrollment")


@blp.route("/<enrollment_id>/discharge", methods=["POST"])
@blp.arguments(Discharge)
@blp.response(200, Enrollment)
@blp.alt_response(409, description="The enrollment is no longer active (e.g. a second discharge).")
def discharge(fields, enrollment_id):
    """Discharge with an outcome: ``completed`` emits intake.enrollment.completed, any other
    outcome intake.enrollment.discharged. Exactly one event per enrollment: a second discharge
    is a 409. The discharge date runs from the start date to the site's today (else 422)."""
    now, today = clock.now(), current_site().today()
    find_at_site(ENROLLMENTS, enrollment_id, "enrollment")
    step_down = fields.get("step_down")

    def apply(enrollment):
        new_status = rules.check_discharge(enrollment["status"], date.fromisoformat(enrollment["start_date"]),
                                           fields["discharge_date"], fields["outcome"], today=today)
        event = request_event(rules.event_type_for_outcome(fields["outcome"]), {
            "enrollment_id": enrollment_id,
            "patient_id": enrollment["patient_id"],
            "program": enrollment["program"],
            "start_date": date.fromisoformat(enrollment["start_date"]),
            "discharge_date": fields["discharge_date"],
            "outcome": fields["outcome"],
            "step_down": {"level_of_care": step_down["level_of_care"], "provider_id": step_down.get("provider")}
            if step_down else None,
        })
        changes = {
            "status": new_status,
            "outcome": fields["outcome"],
            "discharge": {"date": stored(fields["discharge_date"]), "step_down": step_down, "notes": fields.get("notes")},
            "status_history": [*enrollment["status_history"], _status_change(enrollment["status"], new_status, now)],
            "active_slot": _released_slot(enrollment_id),
        }
        return changes, [event]

    return modify(collection(ENROLLMENTS), {"_id": enrollment_id, "site_id": current_site_id()}, apply)


@blp.route("/<enrollment_id>/planned-length", methods=["POST"])
@blp.arguments(LengthChange)
@blp.response(200, Enrollment)
@blp.alt_response(409, description="The enrollment is no longer active.")
def change_planned_length(fields, enrollment_id):
    """Extend or shorten the program while active (emits intake.enrollment.length_changed,
    which scheduling uses to extend or trim the schedule)."""
    now, site = clock.now(), current_site()
    find_at_site(ENROLLMENTS, enrollment_id, "enrollment")

    def apply(enrollment):
        new_end = rules.change_planned_length(enrollment["status"], date.fromisoformat(enrollment["start_date"]),
                                              fields["planned_weeks"], site.today(), enrollment["program"])
        event = request_event("intake.enrollment.length_changed", {
            "enrollment_id": enrollment_id,
            "patient_id": enrollment["patient_id"],
            "planned_weeks": fields["planned_weeks"],
            "planned_end_date": new_end,
            "previous_planned_end_date": date.fromisoformat(enrollment["planned_end_date"]),
        })
        change = {"at": now, "by": actor(), "from_weeks": enrollment["planned_weeks"],
                  "to_weeks": fields["planned_weeks"], "reason": fields.get("reason")}
        return {
            "planned_weeks": fields["planned_weeks"],
            "planned_end_date": stored(new_end),
            "length_changes": [*enrollment.get("length_changes", []), change],
        }, [event]

    return modify(collection(ENROLLMENTS), {"_id": enrollment_id, "site_id": current_site_id()}, apply)
