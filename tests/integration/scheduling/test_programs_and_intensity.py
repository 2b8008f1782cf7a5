"""The program catalog at work: changes of level of care delivered to the handlers, and the worker's
intensity sweep, read back over HTTP and from the outbox."""
from datetime import date, datetime, timedelta, timezone

import pytest

from services.scheduling.store import SCHEDULES
from services.scheduling.use_cases.schedules import ScheduleNotReady
from shared import clock
from tests.conftest import CLINICIAN, pending_events
from tests.integration.scheduling.conftest import (
    EIGHT_WEEKS_LATER,
    MONDAY,
    admission,
    create_group,
    deliver,
    intake_event,
    sessions_of,
)

THIRD_MONDAY = MONDAY + timedelta(weeks=2)
SECOND_MONDAY = MONDAY + timedelta(weeks=1)


def level_change(admitted: dict, program="op-adult", effective=THIRD_MONDAY, end=EIGHT_WEEKS_LATER) -> dict:
    payload = admitted["payload"]
    return intake_event("intake.level_of_care.changed", {
        "enrollment_id": payload["enrollment_id"], "patient_id": payload["patient_id"], "program": program,
        "previous_program": payload["program"], "level_of_care": "1", "previous_level_of_care": "2.1",
        "effective_date": effective, "planned_end_date": end}, admitted["site_id"])


def check_ins(scheduling, enrollment_id) -> dict[str, str]:
    return {s["local_date"]: s["status"] for s in sessions_of(scheduling, enrollment_id)
            if s["kind"] == "medication_check_in"}


# --- a change of level of care ------------------------------------------------------------------------

def test_a_change_of_level_of_care_re_plans_the_sessions_to_the_new_programs_cadence(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    deliver(context, level_change(admitted))
    enrollment_id = admitted["payload"]["enrollment_id"]
    assert check_ins(scheduling, enrollment_id) == {"2026-12-10": "scheduled", "2026-12-24": "scheduled",
                                                    "2027-01-07": "cancelled", "2027-01-21": "scheduled"}
    schedule = scheduling.get(f"/v1/enrollments/{enrollment_id}/schedule", headers=CLINICIAN).json
    assert (schedule["program"], schedule["program_changes"][0]["effective_date"]) == ("op-adult", "2026-12-21")


def test_a_re_plan_is_announced_with_schedule_created_once_however_often_it_is_delivered(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    change = level_change(admitted)
    deliver(context, change)
    deliver(context, change)
    replans = [event for event in pending_events(context, SCHEDULES, "scheduling.schedule.created")
               if event["payload"].get("replanned_from") is not None]
    assert [(event["payload"]["program"], event["payload"]["replanned_from"]) for event in replans] == [
        ("op-adult", "2026-12-21")]
    assert replans[0]["causation_id"] == change["event_id"]


def test_a_change_of_level_of_care_before_its_admission_is_retried(context):
    with pytest.raises(ScheduleNotReady):
        deliver(context, level_change(admission(None)))


def test_the_weekly_minimum_shown_is_the_current_programs(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    deliver(context, level_change(admitted, program="php-adult"))
    summary = scheduling.get(f"/v1/enrollments/{admitted['payload']['enrollment_id']}/attendance-summary",
                             headers=CLINICIAN).json
    assert summary["minimum_weekly_hours"] == 20.0


# --- the intensity sweep ----------------------------------------------------------------------------------

def run_the_workers_sweep(context, today: date) -> None:
    [sweep] = context.sweeps(context)
    with clock.pinned(datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=18)):
        sweep.action()


def test_the_workers_sweep_raises_a_week_attended_below_the_minimum_once(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    enrollment_id = admitted["payload"]["enrollment_id"]
    second_week = [s for s in sessions_of(scheduling, enrollment_id) if s["local_date"] >= SECOND_MONDAY.isoformat()]
    scheduling.post(f"/v1/sessions/{second_week[0]['id']}/attendance",
                    json={"enrollment_id": enrollment_id, "status": "present"}, headers=CLINICIAN)
    for _ in range(2):
        run_the_workers_sweep(context, SECOND_MONDAY + timedelta(days=8))
    [raised] = pending_events(context, SCHEDULES, "scheduling.intensity.below_minimum")
    assert raised["payload"] == {"enrollment_id": enrollment_id, "patient_id": admitted["payload"]["patient_id"],
                                 "program": "mh-adult", "week_start": "2026-12-14", "attended_minutes": 180,
                                 "minimum_minutes": 540}
    schedule = scheduling.get(f"/v1/enrollments/{enrollment_id}/schedule", headers=CLINICIAN).json
    assert schedule["intensity_below_minimum_weeks"] == ["2026-12-14"]


def test_the_sweep_leaves_the_week_of_admission_alone(scheduling, context):
    deliver(context, admission(None))
    run_the_workers_sweep(context, SECOND_MONDAY + timedelta(days=1))
    assert pending_events(context, SCHEDULES, "scheduling.intensity.below_minimum") == []
