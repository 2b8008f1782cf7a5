"""Admission, change of planned length and discharge, on the in-memory store."""
from datetime import date

import pytest

from services.intake.store import ENROLLMENTS
from services.intake.use_cases import enrollments
from shared.errors import Conflict, IllegalTransition, Invalid, NotFound
from tests.unit.intake.support import NOW, START, admit, events, register

TODAY = date(2026, 11, 26)  # the site's today at the pinned instant


def discharge(store, cause, site, enrollment_id, outcome="completed", discharge_date=TODAY, **fields):
    return enrollments.discharge(store, cause, site, enrollment_id,
                                 {"outcome": outcome, "discharge_date": discharge_date, **fields})


def discharge_events(store):
    return [event for event in events(store, ENROLLMENTS)
            if event["event_type"] in ("intake.enrollment.completed", "intake.enrollment.discharged")]


# --- admission --------------------------------------------------------------------------

def test_an_admission_stores_an_active_enrollment_with_its_planned_end(store, cause):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    stored = store.enrollments.find_one({"_id": enrollment["_id"]})
    assert (stored["status"], stored["start_date"], stored["planned_end_date"], stored["created_at"]) == (
        "active", START, date(2026, 12, 27), NOW)
    assert [(change["from"], change["to"], change["by"]) for change in stored["status_history"]] == [
        (None, "active", "clinician-key")]


def test_an_admission_emits_admitted(store, cause):
    patient_id = register(store, cause)["_id"]
    enrollment = admit(store, cause, patient_id, group_id="group-1")
    [event] = events(store, ENROLLMENTS)
    assert (event["event_type"], event["payload"]) == ("intake.enrollment.admitted", {
        "enrollment_id": enrollment["_id"], "patient_id": patient_id, "program": "mh-adult", "level_of_care": "2.1",
        "start_date": "2026-11-02", "planned_weeks": 8, "planned_end_date": "2026-12-27", "group_id": "group-1"})


def test_a_second_active_enrollment_in_the_same_program_is_a_conflict_and_emits_nothing_more(store, cause):
    patient_id = register(store, cause)["_id"]
    admit(store, cause, patient_id)
    with pytest.raises(Conflict):
        admit(store, cause, patient_id, start_date=TODAY)
    assert len(events(store, ENROLLMENTS, "intake.enrollment.admitted")) == 1


def test_a_patient_may_be_active_in_two_programs(store, cause):
    patient_id = register(store, cause)["_id"]
    admit(store, cause, patient_id)
    assert admit(store, cause, patient_id, program="sud-adult")["status"] == "active"


def test_admitting_another_sites_patient_is_invalid_on_patient_id(store, cause, other_site_cause):
    patient_id = register(store, other_site_cause)["_id"]
    with pytest.raises(Invalid) as caught:
        admit(store, cause, patient_id)
    assert list(caught.value.errors) == ["patient_id"]


def test_an_admission_under_an_id_already_made_returns_that_enrollment_and_emits_once(store, cause, site):
    patient_id = register(store, cause)["_id"]
    admission = {"program": "mh-adult", "start_date": START}
    first = enrollments.admit_patient(store, cause, site, patient_id, admission, enrollment_id="stable-id")
    again = enrollments.admit_patient(store, cause, site, patient_id, admission, enrollment_id="stable-id")
    assert (first["_id"], again["_id"]) == ("stable-id", "stable-id")
    assert len(events(store, ENROLLMENTS, "intake.enrollment.admitted")) == 1


# --- discharge ----------------------------------------------------------------------------

def test_a_completed_discharge_emits_exactly_one_completed_event(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    discharged = discharge(store, cause, site, enrollment["_id"], "completed")
    assert (discharged["status"], discharged["outcome"], discharged["discharge"]["date"]) == (
        "completed", "completed", TODAY)
    assert [event["event_type"] for event in discharge_events(store)] == ["intake.enrollment.completed"]


@pytest.mark.parametrize("outcome", ["against_advice", "administrative", "transferred", "other"])
def test_any_other_outcome_emits_exactly_one_discharged_event(store, cause, site, outcome):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    assert discharge(store, cause, site, enrollment["_id"], outcome)["status"] == "discharged"
    [event] = discharge_events(store)
    assert (event["event_type"], event["payload"]["outcome"]) == ("intake.enrollment.discharged", outcome)


def test_the_completion_event_carries_codes_and_dates_but_not_the_notes(store, cause, site):
    patient_id = register(store, cause)["_id"]
    enrollment = admit(store, cause, patient_id)
    discharge(store, cause, site, enrollment["_id"], notes="Doing well.",
              step_down={"level_of_care": "outpatient_therapy", "provider": "npi:1234567893"})
    [event] = discharge_events(store)
    assert event["payload"] == {
        "enrollment_id": enrollment["_id"], "patient_id": patient_id, "program": "mh-adult",
        "start_date": "2026-11-02", "discharge_date": "2026-11-26", "outcome": "completed",
        "step_down": {"level_of_care": "outpatient_therapy", "provider_id": "npi:1234567893"}}


def test_a_second_discharge_is_a_conflict_and_emits_nothing_more(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    discharge(store, cause, site, enrollment["_id"], "against_advice")
    with pytest.raises(IllegalTransition):
        discharge(store, cause, site, enrollment["_id"], "completed")
    assert [event["event_type"] for event in discharge_events(store)] == ["intake.enrollment.discharged"]


def test_a_discharge_keeps_its_record_and_history_and_frees_the_program(store, cause, site):
    patient_id = register(store, cause)["_id"]
    enrollment = admit(store, cause, patient_id)
    discharge(store, cause, site, enrollment["_id"], notes="Doing well.")
    stored = store.enrollments.find_one({"_id": enrollment["_id"]})
    assert stored["discharge"] == {"date": TODAY, "step_down": None, "notes": "Doing well."}
    assert [(change["from"], change["to"]) for change in stored["status_history"]] == [
        (None, "active"), ("active", "completed")]
    assert admit(store, cause, patient_id, start_date=TODAY)["status"] == "active"


def test_a_discharge_before_the_start_is_invalid_and_changes_nothing(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    with pytest.raises(Invalid) as caught:
        discharge(store, cause, site, enrollment["_id"], discharge_date=date(2026, 11, 1))
    assert list(caught.value.errors) == ["discharge_date"]
    assert (store.enrollments.find_one({"_id": enrollment["_id"]})["status"], discharge_events(store)) == (
        "active", [])


def test_another_sites_enrollment_cannot_be_discharged(store, cause, other_site_cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    with pytest.raises(NotFound):
        discharge(store, other_site_cause, site, enrollment["_id"])
    assert discharge_events(store) == []


# --- planned length ---------------------------------------------------------------------

def change_length(store, cause, site, enrollment_id, weeks, **fields):
    return enrollments.change_planned_length(store, cause, site, enrollment_id, {"planned_weeks": weeks, **fields})


def test_a_longer_program_moves_the_planned_end_and_emits_length_changed(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    changed = change_length(store, cause, site, enrollment["_id"], 10, reason="Slow progress.")
    assert (changed["planned_weeks"], changed["planned_end_date"]) == (10, date(2027, 1, 10))
    [event] = events(store, ENROLLMENTS, "intake.enrollment.length_changed")
    assert event["payload"] == {"enrollment_id": enrollment["_id"], "patient_id": enrollment["patient_id"],
                                "planned_weeks": 10, "planned_end_date": "2027-01-10",
                                "previous_planned_end_date": "2026-12-27"}


def test_a_length_change_is_kept_with_its_reason_on_the_enrollment(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    change_length(store, cause, site, enrollment["_id"], 10, reason="Slow progress.")
    [record] = store.enrollments.find_one({"_id": enrollment["_id"]})["length_changes"]
    assert (record["at"], record["from_weeks"], record["to_weeks"], record["reason"]) == (NOW, 8, 10, "Slow progress.")


def test_the_length_of_an_ended_enrollment_cannot_change(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    discharge(store, cause, site, enrollment["_id"])
    with pytest.raises(Conflict):
        change_length(store, cause, site, enrollment["_id"], 10)
    assert events(store, ENROLLMENTS, "intake.enrollment.length_changed") == []


def test_shortening_so_the_program_would_have_ended_already_is_invalid_and_emits_nothing(store, cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"], start_date=date(2026, 10, 5))
    with pytest.raises(Invalid) as caught:
        change_length(store, cause, site, enrollment["_id"], 4)  # would have ended on 1 November
    assert list(caught.value.errors) == ["planned_weeks"]
    assert events(store, ENROLLMENTS, "intake.enrollment.length_changed") == []


def test_another_sites_enrollment_length_cannot_change(store, cause, other_site_cause, site):
    enrollment = admit(store, cause, register(store, cause)["_id"])
    with pytest.raises(NotFound):
        change_length(store, other_site_cause, site, enrollment["_id"], 10)
