"""Enrollments: admission into a program of the site's catalog, changes of planned length and of level of
care, diagnoses, and discharge."""
from flask_smorest import Blueprint

from services.intake.api.schemas import (
    DiagnosesUpdate,
    Discharge,
    Enrollment,
    EnrollmentCreate,
    EnrollmentQuery,
    LengthChange,
    LevelOfCareChange,
)
from services.intake.use_cases import enrollments
from shared.http.auth import current_site_id
from shared.http.current import current_site, find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("enrollments", __name__, url_prefix="/v1/enrollments",
                description="Admissions into a program of the site's catalog, their planned length, changes of "
                            "level of care, diagnoses and discharge.")


@blp.route("", methods=["POST"])
@blp.arguments(EnrollmentCreate)
@blp.response(201, Enrollment)
@blp.alt_response(409, description="The patient already has an active enrollment in this program.")
@blp.alt_response(422, description="Invalid fields, `patient_id` names no patient of this site, `program` is not "
                                   "in the site's catalog, or `planned_weeks` lies outside the program's bounds.")
def admit(fields):
    """Admit a patient into a program of the site's catalog (emits intake.enrollment.admitted). The
    length defaults to the program's `planned_weeks`; the level of care is the program's."""
    return enrollments.admit(store(), request_cause(), current_site(), fields)


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
@blp.alt_response(422, description="Invalid fields, or a `discharge_date` before the start of the current level "
                                   "of care or after the site's today.")
def discharge(fields, enrollment_id):
    """Discharge with an outcome: ``completed`` emits intake.enrollment.completed, any other
    outcome intake.enrollment.discharged. Exactly one event per enrollment: a second discharge
    is a 409. The discharge date runs from the start of the current period (the start date, without a
    change of level of care) to the site's today (else 422); it ends the last period. Outcomes follow
    TEDS-D's reasons for discharge, `death` and `incarcerated` included (see the `outcome` field)."""
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


@blp.route("/<enrollment_id>/level-of-care", methods=["POST"])
@blp.arguments(LevelOfCareChange)
@blp.response(200, Enrollment)
@blp.alt_response(409, description="The enrollment is no longer active, or the patient already has an active "
                                   "enrollment in that program.")
@blp.alt_response(422, description="Invalid fields, a `program` not in the site's catalog or the current one, or an "
                                   "`effective_date` not after the current period's start or more than 30 days "
                                   "after the site's today.")
def change_level_of_care(fields, enrollment_id):
    """Move an active enrollment to another program of the site from `effective_date` (a step down from
    PHP to IOP to outpatient, or a step up), without a discharge: the episode goes on (emits
    intake.level_of_care.changed; scheduling moves the schedule, treatment reviews the plan).

    The current period ends the day before `effective_date` and a new one starts; `program`,
    `level_of_care`, `planned_weeks` and `planned_end_date` become the new program's, its
    `planned_weeks` counted from `effective_date`. Completing the last period (a discharge with outcome
    `completed`) is what starts aftercare."""
    return enrollments.change_level_of_care(store(), request_cause(), current_site(), enrollment_id, fields)


@blp.route("/<enrollment_id>/diagnoses", methods=["PUT"])
@blp.arguments(DiagnosesUpdate)
@blp.response(200, Enrollment)
@blp.alt_response(422, description="Invalid fields: a code that is not a billable ICD-10-CM code (on "
                                   "`diagnoses.N.code`, N from 0), ranks repeated, or no diagnosis of rank 1.")
def put_diagnoses(fields, enrollment_id):
    """Replace the enrollment's diagnoses: ICD-10-CM codes with their rank, 1 the primary. Codes are
    checked against the ICD-10-CM code set; only billable codes (the leaves: F33.1, not F33) are
    accepted. Each change is kept in `diagnosis_history` and emits intake.diagnoses.updated with the
    codes; the same set put again changes nothing. An ended enrollment's diagnoses may be corrected."""
    return enrollments.put_diagnoses(store(), request_cause(), enrollment_id, fields)
