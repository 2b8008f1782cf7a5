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


def test_a_group_for_a_program_outside_the_sites_catalog_is_a_422_naming_program(scheduling):
    answer = scheduling.post("/v1/groups", json={**GROUP, "program": "yoga-retreat"}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["program"])
    assert scheduling.get("/v1/groups", headers=CLINICIAN).json == []


def test_a_group_may_be_made_for_every_program_of_the_sites_catalog(scheduling):
    for program in ("mh-adult", "sud-adult", "adolescent", "php-adult", "op-adult"):
        create_group(scheduling, program=program)


def test_a_group_cannot_be_moved_to_a_program_outside_the_catalog(scheduling):
    group = create_group(scheduling)
    answer = scheduling.patch(f"/v1/groups/{group['id']}", json={"program": "yoga-retreat"}, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, ["program"])


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
        "/v1/patients/{patient_id}/calendar.ics", "/v1/calendar-feed.ics", "/v1/calendar-links",
        "/v1/calendar-links/{link_id}", "/v1/calendar-links/{link_id}/revoke",
    }


# Fuzzing (issue 14): the spec says what a request may carry, and the service keeps to it.

def group_create_spec(scheduling) -> dict:
    return scheduling.get("/openapi.json").json["components"]["schemas"]["GroupCreate"]["properties"]


def test_the_spec_carries_the_rules_of_a_group_definition(scheduling):
    spec = group_create_spec(scheduling)
    assert spec["modality"]["enum"] == ["group_therapy", "education", "holistic", "family"]
    assert (spec["weekdays"]["items"]["enum"], spec["weekdays"]["minItems"], spec["weekdays"]["uniqueItems"]) == (
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], 1, True)
    assert spec["start_time"]["pattern"] == r"^([01]\d|2[0-3]):([0-5]\d)$"
    assert (spec["duration_minutes"]["minimum"], spec["duration_minutes"]["maximum"]) == (15, 480)
    assert spec["capacity"]["minimum"] == 1


def test_an_empty_weekday_and_a_repeated_one_are_refused_on_the_field(scheduling):
    # Was refused by the domain while the spec allowed any string (schema-valid request rejected).
    for weekdays in ([""], ["mon", "mon"], []):
        answer = scheduling.post("/v1/groups", json={**GROUP, "weekdays": weekdays}, headers=CLINICIAN)
        assert (answer.status_code, set(answer.json["errors"])) == (422, {"weekdays"}), weekdays


def test_a_code_or_a_time_followed_by_a_line_break_is_refused(scheduling):
    # Python's "$" also matched before a final newline, which the spec's pattern does not allow.
    answer = scheduling.post("/v1/groups", json={**GROUP, "program": "mh-adult\n", "start_time": "09:00\n"},
                             headers=CLINICIAN)
    assert (answer.status_code, set(answer.json["errors"])) == (422, {"program", "start_time"})


def test_a_duration_outside_its_bounds_is_refused_on_the_field_without_change(scheduling):
    group = create_group(scheduling)
    answer = scheduling.patch(f"/v1/groups/{group['id']}", json={"duration_minutes": 481}, headers=CLINICIAN)
    assert (answer.status_code, set(answer.json["errors"])) == (422, {"duration_minutes"})
    assert scheduling.get(f"/v1/groups/{group['id']}", headers=CLINICIAN).json["duration_minutes"] == 180


def test_a_change_without_a_body_changes_nothing_as_its_spec_says(scheduling):
    group = create_group(scheduling)
    answer = scheduling.patch(f"/v1/groups/{group['id']}", headers=CLINICIAN)
    assert (answer.status_code, answer.json["name"], answer.json["capacity"]) == (200, group["name"], 10)
    operation = scheduling.get("/openapi.json").json["paths"]["/v1/groups/{group_id}"]["patch"]
    assert operation["requestBody"]["required"] is False


def test_a_meeting_date_not_in_iso_form_is_refused_on_the_path_parameter(scheduling):
    group = create_group(scheduling)
    answer = scheduling.get(f"/v1/groups/{group['id']}/sessions/9-December/roster", headers=CLINICIAN)
    assert (answer.status_code, set(answer.json["errors"])) == (422, {"local_date"})


def test_the_spec_documents_the_meeting_date_as_a_date(scheduling):
    # The operation's parameter, which overrides the plain string the route alone would document.
    path = scheduling.get("/openapi.json").json["paths"]["/v1/groups/{group_id}/sessions/{local_date}/roster"]
    [local_date] = [parameter for parameter in path["get"]["parameters"] if parameter["name"] == "local_date"]
    assert (local_date["in"], local_date["schema"]["format"]) == ("path", "date")
