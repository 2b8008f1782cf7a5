"""Enrollments: admission into a program, changes of planned length, and discharge.

Each state change and the event it causes are one atomic write (shared.outbox), so a completed
discharge always reaches aftercare, and a second discharge is refused before any event is made.
"""
import uuid
from datetime import date, datetime, timezone

from flask import current_app
from flask_smorest import Blueprint
from pymongo.errors import DuplicateKeyError

from services.intake.api.patients import find_patient
from services.intake.api.schemas import Discharge, Enrollment, EnrollmentCreate, EnrollmentQuery, LengthChange
from services.intake.domain import enrollments as rules
from services.intake.store import ENROLLMENTS
from shared.errors import Conflict, Invalid, NotFound
from shared.http.auth import current_principal, current_site_id
from shared.http.fields import stored
from shared.http.pagination import page_of
from shared.http.request_context import correlation_id
from shared.outbox import insert_with_events, modify

blp = Blueprint("enrollments", __name__, url_prefix="/v1/enrollments",
                description="Admissions into a program, their planned length and discharge.")


def _enrollments():
    return current_app.extensions["iop"].db[ENROLLMENTS]


def _site():
    context = current_app.extensions["iop"]
    return context.sites.get(current_site_id())


def _status_change(old: str | None, new: str, now: datetime) -> dict:
    return {"at": now, "by": current_principal().label, "from": old, "to": new}


@blp.route("", methods=["POST"])
@blp.arguments(EnrollmentCreate)
@blp.response(201, Enrollment)
@blp.alt_response(409, description="The patient already has an active enrollment in this program.")
def admit(fields):
    """Admit a patient into a program (emits intake.enrollment.admitted)."""
    context, site_id, now = current_app.extensions["iop"], current_site_id(), datetime.now(timezone.utc)
    try:
        find_patient(fields["patient_id"])
    except NotFound:
        raise Invalid({"patient_id": ["No such patient at this site."]}) from None
    plan = rules.plan_enrollment(fields["program"], fields["start_date"], fields.get("planned_weeks"))
    program = rules.get_program(plan.program)
    enrollment_id = str(uuid.uuid4())
    document = {
        "_id": enrollment_id,
        "site_id": site_id,
        "patient_id": fields["patient_id"],
        "program": plan.program,
        "level_of_care": fields.get("level_of_care", program.level_of_care),
        "start_date": stored(plan.start_date),
        "planned_weeks": plan.planned_weeks,
        "planned_end_date": stored(plan.planned_end_date),
        "group_id": fields.get("group_id"),
        "status": rules.ACTIVE,
        "active_slot": f"{site_id}:{fields['patient_id']}:{plan.program}",
        "outcome": None,
        "discharge": None,
        "status_history": [_status_change(None, rules.ACTIVE, now)],
        "created_at": now,
    }
    event = context.event(rules.EVENT_ADMITTED, {
        "enrollment_id": enrollment_id,
        "patient_id": document["patient_id"],
        "program": plan.program,
        "level_of_care": document["level_of_care"],
        "start_date": plan.start_date,
        "planned_weeks": plan.planned_weeks,
        "planned_end_date": plan.planned_end_date,
        "group_id": document["group_id"],
    }, site_id=site_id, correlation_id=correlation_id())
    try:
        return insert_with_events(_enrollments(), document, [event])
    except DuplicateKeyError:
        raise Conflict(f"The patient already has an active enrollment in {plan.program}.") from None


@blp.route("", methods=["GET"])
@blp.arguments(EnrollmentQuery, location="query")
@blp.response(200, Enrollment(many=True))
@blp.paginate()
def list_enrollments(query, pagination_parameters):
    """List the site's enrollments, filtered by patient, status or program."""
    selector = {"site_id": current_site_id(), **query}
    return page_of(_enrollments(), selector, [("start_date", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<enrollment_id>", methods=["GET"])
@blp.response(200, Enrollment)
def get_enrollment(enrollment_id):
    """One enrollment with its status, outcome and status history."""
    return _find(enrollment_id)


def _find(enrollment_id: str) -> dict:
    enrollment = _enrollments().find_one({"_id": enrollment_id, "site_id": current_site_id()})
    if enrollment is None:
        raise NotFound(f"No enrollment {enrollment_id} at this site.")
    return enrollment


@blp.route("/<enrollment_id>/discharge", methods=["POST"])
@blp.arguments(Discharge)
@blp.response(200, Enrollment)
@blp.alt_response(409, description="The enrollment is no longer active (e.g. a second discharge).")
def discharge(fields, enrollment_id):
    """Discharge with an outcome: ``completed`` emits intake.enrollment.completed, any other
    outcome intake.enrollment.discharged. Exactly one event per enrollment."""
    context, now = current_app.extensions["iop"], datetime.now(timezone.utc)
    _find(enrollment_id)
    step_down = fields.get("step_down")

    def apply(enrollment):
        new_status = rules.check_discharge(enrollment["status"], date.fromisoformat(enrollment["start_date"]),
                                           fields["discharge_date"], fields["outcome"])
        event = context.event(rules.event_type_for_outcome(fields["outcome"]), {
            "enrollment_id": enrollment_id,
            "patient_id": enrollment["patient_id"],
            "program": enrollment["program"],
            "start_date": date.fromisoformat(enrollment["start_date"]),
            "discharge_date": fields["discharge_date"],
            "outcome": fields["outcome"],
            "step_down": {"level_of_care": step_down["level_of_care"], "provider_id": step_down.get("provider")}
            if step_down else None,
        }, site_id=enrollment["site_id"], correlation_id=correlation_id())
        changes = {
            "status": new_status,
            "outcome": fields["outcome"],
            "discharge": {"date": stored(fields["discharge_date"]), "step_down": step_down, "notes": fields.get("notes")},
            "status_history": [*enrollment["status_history"], _status_change(enrollment["status"], new_status, now)],
            "active_slot": None,
        }
        return changes, [event]

    written = modify(_enrollments(), {"_id": enrollment_id, "site_id": current_site_id()}, apply)
    # The slot is released with $unset so that the sparse unique index ignores the document.
    _enrollments().update_one({"_id": enrollment_id, "active_slot": None}, {"$unset": {"active_slot": ""}})
    return written


@blp.route("/<enrollment_id>/planned-length", methods=["POST"])
@blp.arguments(LengthChange)
@blp.response(200, Enrollment)
@blp.alt_response(409, description="The enrollment is no longer active.")
def change_planned_length(fields, enrollment_id):
    """Extend or shorten the program while active (emits intake.enrollment.length_changed,
    which scheduling uses to extend or trim the schedule)."""
    context, now, site = current_app.extensions["iop"], datetime.now(timezone.utc), _site()
    _find(enrollment_id)

    def apply(enrollment):
        new_end = rules.change_planned_length(enrollment["status"], date.fromisoformat(enrollment["start_date"]),
                                              fields["planned_weeks"], site.today(), enrollment["program"])
        event = context.event("intake.enrollment.length_changed", {
            "enrollment_id": enrollment_id,
            "patient_id": enrollment["patient_id"],
            "planned_weeks": fields["planned_weeks"],
            "planned_end_date": new_end,
            "previous_planned_end_date": date.fromisoformat(enrollment["planned_end_date"]),
        }, site_id=enrollment["site_id"], correlation_id=correlation_id())
        return {"planned_weeks": fields["planned_weeks"], "planned_end_date": stored(new_end)}, [event]

    return modify(_enrollments(), {"_id": enrollment_id, "site_id": current_site_id()}, apply)
