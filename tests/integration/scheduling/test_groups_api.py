"""Groups over HTTP: creation, validation, listing, archiving, site isolation, and the API docs."""
from tests.conftest import CLINICIAN, OTHER_SITE
from tests.integration.scheduling.conftest import GROUP, admission, create_group, deliver


def test_creating_a_group_answers_201_with_its_definition(scheduling):
    group = create_group(scheduling, weekdays=["fri", "mon"])
    assert group["weekdays"] == ["mon", "fri"]
    assert (group["capacity"], group["archived"], group["enrolled_count"]) == (10, False, 0)


def test_invalid_group_fields_are_reported_field_by_field(scheduling):
    answer = scheduling.post("/v1/groups", json={**GROUP, "weekdays": ["funday"], "start_time": "9am", "capacity": 0},
                             headers=CLINICIAN)
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    assert set(answer.json["errors"]) == {"weekdays", "start_time", "capacity"}


def test_a_missing_or_unknown_field_is_a_422(scheduling):
    body = {key: value for key, value in GROUP.items() if key != "capacity"}
    answer = scheduling.post("/v1/groups", json={**body, "colour": "blue"}, headers=CLINICIAN)
    assert set(answer.json["errors"]) == {"capacity", "colour"}


def test_groups_are_listed_by_program_and_archived_state(scheduling):
    kept = create_group(scheduling)
    archived = create_group(scheduling)
    create_group(scheduling, program="sud-adult")
    scheduling.post(f"/v1/groups/{archived['id']}/archive", headers=CLINICIAN)
    listed = scheduling.get("/v1/groups", query_string={"program": "mh-adult", "archived": "false"}, headers=CLINICIAN)
    assert [group["id"] for group in listed.json] == [kept["id"]]
    assert "X-Pagination" in listed.headers


def test_a_group_with_patients_cannot_be_archived(scheduling, context):
    group = create_group(scheduling)
    deliver(context, admission(group["id"]))
    assert scheduling.post(f"/v1/groups/{group['id']}/archive", headers=CLINICIAN).status_code == 409


def test_an_admission_to_an_archived_group_is_scheduled_without_it(scheduling, context):
    group = create_group(scheduling)
    scheduling.post(f"/v1/groups/{group['id']}/archive", headers=CLINICIAN)
    admitted = admission(group["id"])
    deliver(context, admitted)
    schedule = scheduling.get(f"/v1/enrollments/{admitted['payload']['enrollment_id']}/schedule", headers=CLINICIAN)
    assert schedule.json["group_placement"] == "group_unavailable"


def test_an_archived_group_cannot_be_changed(scheduling):
    group = create_group(scheduling)
    scheduling.post(f"/v1/groups/{group['id']}/archive", headers=CLINICIAN)
    assert scheduling.patch(f"/v1/groups/{group['id']}", json={"name": "New"}, headers=CLINICIAN).status_code == 409


def test_another_sites_resources_answer_404(scheduling, context):
    group = create_group(scheduling)
    admitted = admission(group["id"])
    deliver(context, admitted)
    enrollment_id = admitted["payload"]["enrollment_id"]
    paths = [f"/v1/groups/{group['id']}", f"/v1/groups/{group['id']}/roster", f"/v1/enrollments/{enrollment_id}/sessions",
             f"/v1/enrollments/{enrollment_id}/schedule", f"/v1/enrollments/{enrollment_id}/attendance-summary"]
    assert {scheduling.get(path, headers=OTHER_SITE).status_code for path in paths} == {404}


def test_attendance_with_another_sites_key_is_404(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    enrollment_id = admitted["payload"]["enrollment_id"]
    session = scheduling.get(f"/v1/enrollments/{enrollment_id}/sessions", headers=CLINICIAN).json[0]
    answer = scheduling.post(f"/v1/sessions/{session['id']}/attendance",
                             json={"enrollment_id": enrollment_id, "status": "present"}, headers=OTHER_SITE)
    assert answer.status_code == 404


def test_another_sites_groups_are_not_listed(scheduling):
    create_group(scheduling)
    assert scheduling.get("/v1/groups", headers=OTHER_SITE).json == []


def test_the_openapi_document_lists_every_path(scheduling):
    paths = set(scheduling.get("/openapi.json").json["paths"])
    assert paths == {
        "/v1/groups", "/v1/groups/{group_id}", "/v1/groups/{group_id}/archive", "/v1/groups/{group_id}/roster",
        "/v1/groups/{group_id}/sessions/{local_date}/roster", "/v1/groups/{group_id}/calendar.ics",
        "/v1/enrollments/{enrollment_id}/sessions", "/v1/enrollments/{enrollment_id}/schedule",
        "/v1/enrollments/{enrollment_id}/attendance-summary", "/v1/sessions/{session_id}/attendance",
        "/v1/appointments", "/v1/appointments/{appointment_id}", "/v1/appointments/{appointment_id}/reschedule",
        "/v1/appointments/{appointment_id}/cancel", "/v1/appointments/{appointment_id}/attendance",
        "/v1/patients/{patient_id}/calendar.ics",
    }
