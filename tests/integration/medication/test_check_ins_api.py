"""Check-ins over HTTP: adherence and side effects, the severe side-effect event, adherence rates."""
from datetime import timedelta

from services.medication.store import CHECK_INS
from tests.conftest import CLINICIAN, OTHER_SITE, pending_events
from tests.integration.medication.conftest import OTHER_SITE_ID, SITE, known_patient


def check_in(client, patient_id, adherence="taken", side_effects=(), headers=CLINICIAN):
    return client.post("/v1/check-ins", json={"patient_id": patient_id, "adherence": adherence,
                                              "side_effects": list(side_effects)}, headers=headers)


def test_a_check_in_is_recorded_with_its_side_effects(medication, medication_context):
    patient_id = known_patient(medication_context)
    answer = check_in(medication, patient_id, "partial", [{"name": "nausea", "severity": "mild"}])
    assert answer.status_code == 201
    assert {key: answer.json[key] for key in ("patient_id", "adherence", "side_effects", "recorded_by")} == {
        "patient_id": patient_id, "adherence": "partial", "side_effects": [{"name": "nausea", "severity": "mild"}],
        "recorded_by": "Minneapolis front-end"}


def test_a_check_in_without_side_effects_is_recorded(medication, medication_context):
    answer = medication.post("/v1/check-ins", json={"patient_id": known_patient(medication_context),
                                                    "adherence": "taken"}, headers=CLINICIAN)
    assert (answer.status_code, answer.json["side_effects"]) == (201, [])


def test_a_severe_side_effect_emits_side_effect_reported_without_names(medication, medication_context):
    patient_id = known_patient(medication_context)
    answer = check_in(medication, patient_id, side_effects=[{"name": "nausea", "severity": "mild"},
                                                            {"name": "rash", "severity": "severe"}])
    [reported] = pending_events(medication_context, CHECK_INS, "medication.side_effect.reported")
    assert reported["payload"] == {"check_in_id": answer.json["id"], "patient_id": patient_id,
                                   "severity": "severe", "side_effect_count": 2}


def test_milder_side_effects_are_reported_with_the_gravest_severity(medication, medication_context):
    check_in(medication, known_patient(medication_context), side_effects=[{"name": "nausea", "severity": "mild"},
                                                                          {"name": "insomnia", "severity": "moderate"}])
    [reported] = pending_events(medication_context, CHECK_INS, "medication.side_effect.reported")
    assert (reported["payload"]["severity"], reported["payload"]["side_effect_count"]) == ("moderate", 2)


def test_a_check_in_without_side_effects_emits_nothing(medication, medication_context):
    check_in(medication, known_patient(medication_context), side_effects=[])
    assert pending_events(medication_context, CHECK_INS) == []


def test_a_check_in_with_an_unknown_adherence_is_refused_on_adherence(medication, medication_context):
    answer = check_in(medication, known_patient(medication_context), adherence="sometimes")
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    assert set(answer.json["errors"]) == {"adherence"}


def test_a_side_effect_with_an_unknown_severity_is_refused_on_that_row(medication, medication_context):
    answer = check_in(medication, known_patient(medication_context),
                      side_effects=[{"name": "nausea", "severity": "mild"}, {"name": "rash", "severity": "awful"}])
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"side_effects.1.severity"}


def test_a_check_in_for_another_sites_patient_is_refused_on_patient_id(medication, medication_context):
    answer = check_in(medication, known_patient(medication_context, OTHER_SITE_ID))
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"patient_id"}


def test_another_sites_check_in_answers_404(medication, medication_context):
    recorded = check_in(medication, known_patient(medication_context)).json
    assert medication.get(f"/v1/check-ins/{recorded['id']}", headers=OTHER_SITE).status_code == 404


def test_check_ins_are_listed_by_patient(medication, medication_context):
    patient_id = known_patient(medication_context)
    recorded = check_in(medication, patient_id).json
    check_in(medication, known_patient(medication_context))
    answer = medication.get(f"/v1/check-ins?patient_id={patient_id}", headers=CLINICIAN)
    assert [item["id"] for item in answer.json] == [recorded["id"]]


# --- adherence ------------------------------------------------------------------------------

def test_adherence_counts_partial_as_half(medication, medication_context):
    patient_id = known_patient(medication_context)
    for adherence in ("taken", "partial", "missed", "taken"):
        check_in(medication, patient_id, adherence)
    answer = medication.get(f"/v1/patients/{patient_id}/adherence", headers=CLINICIAN)
    assert {key: answer.json[key] for key in ("check_ins", "taken", "partial", "missed", "rate")} == {
        "check_ins": 4, "taken": 2, "partial": 1, "missed": 1, "rate": 0.625}


def test_adherence_over_a_period_without_check_ins_has_no_rate(medication, medication_context):
    patient_id = known_patient(medication_context)
    check_in(medication, patient_id)
    answer = medication.get(f"/v1/patients/{patient_id}/adherence?from=2020-01-01&to=2020-01-31", headers=CLINICIAN)
    assert (answer.json["check_ins"], answer.json["rate"]) == (0, None)
    assert (answer.json["from"], answer.json["to"]) == ("2020-01-01", "2020-01-31")


def test_adherence_over_a_period_counts_the_check_ins_of_its_days(medication, medication_context):
    today = medication_context.sites.get(SITE).today()
    patient_id = known_patient(medication_context)
    check_in(medication, patient_id, "missed")
    answer = medication.get(f"/v1/patients/{patient_id}/adherence?from={today - timedelta(days=7)}&to={today}",
                            headers=CLINICIAN)
    assert (answer.json["check_ins"], answer.json["rate"]) == (1, 0.0)


def test_adherence_with_from_after_to_is_refused_on_from(medication, medication_context):
    patient_id = known_patient(medication_context)
    answer = medication.get(f"/v1/patients/{patient_id}/adherence?from=2026-02-01&to=2026-01-01", headers=CLINICIAN)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"from"}


def test_another_sites_patient_adherence_answers_404(medication, medication_context):
    patient_id = known_patient(medication_context)
    assert medication.get(f"/v1/patients/{patient_id}/adherence", headers=OTHER_SITE).status_code == 404
