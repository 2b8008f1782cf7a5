"""Taking attendance over the API, corrections, attended hours, and the absence escalation."""
from services.scheduling.store import SCHEDULES
from tests.conftest import CLINICIAN, pending_events
from tests.integration.scheduling.conftest import admission, create_group, deliver, sessions_of


def admitted_with_sessions(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    enrollment_id = admitted["payload"]["enrollment_id"]
    return enrollment_id, sessions_of(scheduling, enrollment_id)


def mark(scheduling, enrollment_id, session, status):
    return scheduling.post(f"/v1/sessions/{session['id']}/attendance",
                           json={"enrollment_id": enrollment_id, "status": status}, headers=CLINICIAN)


def escalations(context):
    return pending_events(context, SCHEDULES, "scheduling.absence.escalated")


def test_recording_attendance_answers_200_with_the_session_in_its_new_status(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    answer = mark(scheduling, enrollment_id, sessions[0], "present")
    assert (answer.status_code, answer.json["id"], answer.json["status"]) == (200, sessions[0]["id"], "present")


def test_recording_attendance_emits_attendance_recorded(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    mark(scheduling, enrollment_id, sessions[0], "excused")
    [recorded] = pending_events(context, SCHEDULES, "scheduling.attendance.recorded")
    payload = recorded["payload"]
    assert (payload["session_id"], payload["enrollment_id"], payload["status"]) == (sessions[0]["id"], enrollment_id, "excused")


def test_a_correction_keeps_the_history_of_both_recordings(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    mark(scheduling, enrollment_id, sessions[0], "absent")
    corrected = mark(scheduling, enrollment_id, sessions[0], "late").json
    assert [entry["status"] for entry in corrected["attendance_history"]] == ["absent", "late"]


def test_recording_the_same_status_again_emits_nothing_new(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    mark(scheduling, enrollment_id, sessions[0], "present")
    mark(scheduling, enrollment_id, sessions[0], "present")
    assert len(pending_events(context, SCHEDULES, "scheduling.attendance.recorded")) == 1


def test_two_unexcused_absences_in_a_row_escalate_once(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    for session in sessions[:3]:
        mark(scheduling, enrollment_id, session, "absent")
    [escalated] = escalations(context)
    assert escalated["payload"]["consecutive_absences"] == 2
    assert escalated["payload"]["last_session_id"] == sessions[1]["id"]


def test_an_excused_absence_does_not_end_the_streak(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    for session, status in zip(sessions[:3], ["absent", "excused", "absent"]):
        mark(scheduling, enrollment_id, session, status)
    assert len(escalations(context)) == 1


def test_a_new_streak_after_attending_escalates_again(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    for session, status in zip(sessions[:5], ["absent", "absent", "present", "absent", "absent"]):
        mark(scheduling, enrollment_id, session, status)
    assert len(escalations(context)) == 2


def test_attendance_on_a_session_of_another_enrollment_is_404(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    other_id, _ = admitted_with_sessions(scheduling, context)
    assert mark(scheduling, other_id, sessions[0], "present").status_code == 404


def test_an_unknown_attendance_status_is_a_422_naming_the_field(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    answer = mark(scheduling, enrollment_id, sessions[0], "asleep")
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    assert list(answer.json["errors"]) == ["status"]


def test_the_attendance_summary_counts_attended_hours_per_week(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    first_week_groups = [s for s in sessions if s["kind"] == "group"][:3]
    for session, status in zip(first_week_groups, ["present", "late", "absent"]):
        mark(scheduling, enrollment_id, session, status)
    summary = scheduling.get(f"/v1/enrollments/{enrollment_id}/attendance-summary", headers=CLINICIAN).json
    assert (summary["minimum_weekly_hours"], summary["attended_hours_total"]) == (9.0, 6.0)
    assert summary["weeks"][0]["attended_hours"] == 6.0
    assert summary["unexcused_absences_in_a_row"] == 1


# Issue 11: what treatment reads to open the right session note.

def test_a_group_meetings_attendance_names_its_kind_start_group_and_the_groups_modality(scheduling, context):
    group = create_group(scheduling, modality="education")
    admitted = admission(group["id"])
    deliver(context, admitted)
    enrollment_id = admitted["payload"]["enrollment_id"]
    [meeting] = [s for s in sessions_of(scheduling, enrollment_id) if s["kind"] == "group"][:1]
    mark(scheduling, enrollment_id, meeting, "present")
    [recorded] = pending_events(context, SCHEDULES, "scheduling.attendance.recorded")
    payload = recorded["payload"]
    assert (payload["session_kind"], payload["group_id"], payload["group_modality"]) == ("group", group["id"],
                                                                                         "education")
    assert payload["starts_at"][:16] == "2026-12-07T15:00"


def test_an_individual_sessions_attendance_names_its_kind_and_start_and_no_group(scheduling, context):
    enrollment_id, sessions = admitted_with_sessions(scheduling, context)
    [check_in] = [s for s in sessions if s["kind"] == "medication_check_in"][:1]
    mark(scheduling, enrollment_id, check_in, "absent")
    [recorded] = pending_events(context, SCHEDULES, "scheduling.attendance.recorded")
    assert (recorded["payload"]["session_kind"], recorded["payload"]["group_id"],
            recorded["payload"]["group_modality"]) == ("medication_check_in", None, None)
    assert recorded["payload"]["starts_at"][:16] == "2026-12-10T19:00"


def test_the_modality_told_is_the_groups_as_it_is_when_attendance_is_taken(scheduling, context):
    group = create_group(scheduling)
    admitted = admission(group["id"])
    deliver(context, admitted)
    enrollment_id = admitted["payload"]["enrollment_id"]
    scheduling.patch(f"/v1/groups/{group['id']}", json={"modality": "holistic"}, headers=CLINICIAN)
    mark(scheduling, enrollment_id, sessions_of(scheduling, enrollment_id)[0], "present")
    [recorded] = pending_events(context, SCHEDULES, "scheduling.attendance.recorded")
    assert recorded["payload"]["group_modality"] == "holistic"
