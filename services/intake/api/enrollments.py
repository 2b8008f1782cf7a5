"""Enrollments: admission into a program, changes of planned length, and discharge."""
from flask_smorest import Blueprint

from services.intake.api.schemas import Discharge, Enrollment, EnrollmentCreate, EnrollmentQuery, LengthChange
from services.intake.use_cases import enrollments
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("enrollments", __name__, url_prefix="/v1/enrollments",
                description="Admissions into a program, their planned length and discharge.")


@blp.route("", methods=["POST"])
@blp.arguments(EnrollmentCreate)
@blp.response(201, Enrollment)
@blp.alt_response(409, description="The patient already has an active enrollment in this program.")
@blp.alt_response(422, description="Invalid fields, or `patient_id` names no patient of this site.")
def admit(fields):
    """Admit a patient into a program (emits intake.enrollment.admitted)."""
    return enrollments.admit(store(), request_cause(), fields)


@blp.route("", methods=["GET"])
@blp.arguments(EnrollmentQuery, location="query")
@blp.response(200, Enrollment(many=True))
@blp.paginate()
def list_enrollments(query, pagination_parameters):
    """List the site's enrollments, filtered by patient, status or program."""
    selector = {"site_id": current_site_id(), **query}
    return page_of(store().enrollments, selector, [("start_date", -1), ("_id", 1)], pagination_parameters)


@blp.route("/<enrollment_id>", methods=["GET"])
@blp.response(200, Enrollment)
def get_enrollment(enrollment_id):
    """One enrollment with its status, outcome and status history."""
    return find_at_site(store().enrollments, enrollment_id, "enrollment")


@blp.route("/<enrollment_id>/discharge", methods=["POST"])
@blp.arguments(Discharge)
@blp.response(200, Enrollment)
@blp.alt_response(409, description="The enrollment is no longer active (e.g. a second discharge).")
@blp.alt_response(422, description="Invalid fields, or a `discharge_date` before the start date or after the "
                                   "site's today.")
def discharge(fields, enrollment_id):
    """Discharge with an outcome: ``completed`` emits intake.enrollment.completed, any other
    outcome intake.enrollment.discharged. Exactly one event per enrollment: a second discharge
    is a 409. The discharge date runs from the start date to the site's today (else 422)."""
    return enrollments.discharge(store(), request_cause(), current_site(), enrollment_id, fields)


@blp.route("/<enrollment_id>/planned-length", methods=["POST"])
@blp.arguments(LengthChange)
@blp.response(200, Enrollment)
@blp.alt_response(409, description="The enrollment is no longer active.")
@blp.alt_response(422, description="Invalid fields, a length outside the program's bounds, or one whose planned "
                                   "end is before the site's today.")
def change_planned_length(fields, enrollment_id):
    """Extend or shorten the program while active (emits intake.enrollment.length_changed,
    which scheduling uses to extend or trim the schedule)."""
    return enrollments.change_planned_length(store(), request_cause(), current_site(), enrollment_id, fields)
