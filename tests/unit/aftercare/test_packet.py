"""The packet's parts, each present with its data or missing with the reason it could not be read."""
from datetime import date
from zoneinfo import ZoneInfo

from services.aftercare.domain.packet import (
    diagnoses_part,
    disclosed_parts,
    follow_up_appointment_part,
    goals_part,
    latest_safety_plan_part,
    medications_part,
    patient_part,
    stopped_medications_part,
)
from shared.other_services import Read

CHICAGO = ZoneInfo("America/Chicago")
UNREACHABLE = Read(failure="intake could not be reached (ConnectionError)")


def test_a_part_that_could_not_be_read_is_missing_with_the_reason():
    assert patient_part(UNREACHABLE) == {"status": "missing", "reason": "intake could not be reached (ConnectionError)"}


def test_the_patient_part_keeps_identity_fields_only():
    answer = {"id": "pat-1", "mrn": "MRN-1", "given_name": "Alex", "family_name": "Rivera", "birth_date": "1990-04-12",
              "created_at": "2026-09-01T10:00:00+00:00"}
    assert patient_part(Read(answer))["data"] == {key: answer[key] for key in
                                                  ("id", "mrn", "given_name", "family_name", "birth_date")}


def test_diagnoses_are_primary_first():
    read = Read({"diagnoses": [{"code": "F41.1", "rank": 2}, {"code": "F11.20", "rank": 1}]})
    assert [diagnosis["code"] for diagnosis in diagnoses_part(read)["data"]] == ["F11.20", "F41.1"]


def test_an_enrollment_answer_without_diagnoses_marks_them_missing_rather_than_empty():
    assert diagnoses_part(Read({"id": "enr-1"})) == {"status": "missing",
                                                     "reason": "intake's enrollment answer carries no diagnoses"}


def test_the_safety_plan_in_force_is_the_latest_version():
    read = Read([{"version": 2, "steps": "b"}, {"version": 3, "steps": "c"}, {"version": 1, "steps": "a"}])
    assert latest_safety_plan_part(read)["data"]["version"] == 3


def test_no_safety_plan_written_is_present_and_empty_not_missing():
    assert latest_safety_plan_part(Read([])) == {"status": "present", "data": None}


def test_the_follow_up_appointment_is_the_enrollments_and_a_live_one_before_a_cancelled_one():
    read = Read([{"id": "a-1", "enrollment_id": "enr-1", "status": "cancelled", "starts_at": "2026-10-29T15:00:00+00:00"},
                 {"id": "a-2", "enrollment_id": "enr-1", "status": "booked", "starts_at": "2026-10-28T15:00:00+00:00"},
                 {"id": "a-3", "enrollment_id": "enr-0", "status": "booked", "starts_at": "2026-10-30T15:00:00+00:00"}])
    assert follow_up_appointment_part(read, "enr-1")["data"]["id"] == "a-2"


def test_a_reconciliation_not_made_yet_is_missing_with_why():
    assert medications_part(Read([])) == {"status": "missing",
                                          "reason": "medication has not reconciled this enrollment's medications yet"}


def order(order_id, stopped_at):
    return {"id": order_id, "medication": "Trazodone", "dose": "50 mg", "route": "oral", "frequency": "nightly",
            "prescriber": "Dr. Okafor", "start_date": "2026-09-01", "discontinued_at": stopped_at}


def test_only_orders_stopped_between_the_programs_start_and_its_discharge_day_at_the_site_are_listed():
    read = Read([order("before", "2026-08-31T12:00:00+00:00"), order("during", "2026-10-01T12:00:00+00:00"),
                 # 00:30 UTC on 27 October is still the discharge day, 26 October, in Chicago.
                 order("discharge-evening", "2026-10-27T00:30:00+00:00"), order("after", "2026-10-28T12:00:00+00:00")])
    stopped = stopped_medications_part(read, date(2026, 9, 1), date(2026, 10, 26), CHICAGO)["data"]
    assert [entry["id"] for entry in stopped] == ["during", "discharge-evening"]


def test_carried_over_goals_get_their_text_from_the_summary():
    plan = {"goals": [{"objective_id": "obj-2"}]}
    read = Read({"objectives": [{"objective_id": "obj-2", "description": "Attends two meetings a week",
                                 "target_date": "2026-12-15", "measure": None, "progress": "not_met"}]})
    assert goals_part(plan, read)["data"] == [{"objective_id": "obj-2", "description": "Attends two meetings a week",
                                               "target_date": "2026-12-15", "measure": None, "progress": "not_met"}]


def test_goals_whose_text_cannot_be_read_are_missing_and_keep_their_ids():
    part = goals_part({"goals": [{"objective_id": "obj-2"}]}, Read(failure="treatment answered 503"))
    assert part == {"status": "missing", "reason": "treatment answered 503", "data": {"objective_ids": ["obj-2"]}}


def test_what_a_packet_disclosed_is_the_parts_that_held_data():
    packet = {"parts": {"patient": {"status": "present", "data": {"id": "pat-1"}},
                        "safety_plan": {"status": "present", "data": None},
                        "medications": {"status": "missing", "reason": "medication answered 503"}}}
    assert disclosed_parts(packet) == ["patient"]

