"""Case-management tasks: the plan's own and those raised by events; listed, assigned, completed, reopened."""
from flask_smorest import Blueprint

from services.aftercare.api.schemas import Task, TaskAssignment, TaskCompletion, TaskQuery, TaskReopening
from services.aftercare.use_cases import tasks
from shared.http.auth import current_site_id
from shared.http.current import find_at_site, request_cause, store
from shared.http.pagination import page_of

blp = Blueprint("tasks", __name__, url_prefix="/v1/tasks",
                description="Case-management tasks: owner role, due date, status and history.")


@blp.route("", methods=["GET"])
@blp.arguments(TaskQuery, location="query")
@blp.response(200, Task(many=True))
@blp.paginate()
def list_tasks(query, pagination_parameters):
    """The site's tasks, soonest due first, filtered by enrollment, patient, kind, status or due day."""
    selector = {"site_id": current_site_id(), **query}
    if "due_before" in query:
        selector["due_date"] = {"$lt": selector.pop("due_before")}
    return page_of(store().tasks, selector, [("due_date", 1), ("_id", 1)], pagination_parameters)


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, Task)
@blp.alt_response(404, description="No such task at this site.")
def get_task(task_id):
    """One task with its history."""
    return find_at_site(store().tasks, task_id, "task")


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(TaskCompletion, required=False)
@blp.response(200, Task)
@blp.alt_response(404, description="No such task at this site.")
@blp.alt_response(409, description="The task is already completed or cancelled; or it is a safety_screening whose "
                                    "risk level or safety plan is not recorded yet (problem type "
                                    ".../problems/safety-assessment-required).")
def complete_task(fields, task_id):
    """Complete an open or assigned task (emits aftercare.task.completed).

    A safety_screening (opened by a positive suicide-risk screen) is completed only once a risk level
    (a C-SSRS screen) and a safety plan (``POST /intake/v1/patients/{id}/safety-plans``) are recorded
    for the patient on or after the day of its screen; the task then keeps both (``risk_assessment``,
    ``safety_plan``). Until then: 409 with problem type ``.../problems/safety-assessment-required``
    naming what is missing, and nothing changes."""
    return tasks.complete_task(store(), request_cause(), task_id, fields.get("note"))


@blp.route("/<task_id>/assign", methods=["POST"])
@blp.arguments(TaskAssignment)
@blp.response(200, Task)
@blp.alt_response(404, description="No such task at this site.")
@blp.alt_response(409, description="The task is not open (reopen it to hand it to someone else).")
def assign_task(fields, task_id):
    """Give an open task to one member of staff."""
    return tasks.assign_task(store(), request_cause(), task_id, fields["assignee"])


@blp.route("/<task_id>/reopen", methods=["POST"])
@blp.arguments(TaskReopening)
@blp.response(200, Task)
@blp.alt_response(404, description="No such task at this site.")
@blp.alt_response(409, description="The task is already open.")
def reopen_task(fields, task_id):
    """Put a task back in the open pool, unassigned; the reason stays in its history."""
    return tasks.reopen_task(store(), request_cause(), task_id, fields["reason"])
