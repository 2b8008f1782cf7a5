"""Recording check-ins on the in-memory store (with and without side effects), and adherence."""
from datetime import date, datetime, timezone

import pytest

from services.medication.store import CHECK_INS
from services.medication.use_cases.check_ins import adherence, record_check_in
from services.medication.use_cases.roster import record_patient
from shared import clock
from shared.errors import Invalid, NotFound
from tests.unit.medication.conftest import CLINICIAN, NOW, OTHER_SITE, SITE, event_cause, outbox, request_cause


@pytest.fixture
def patient(store):
    record_patient(store, event_cause(SITE), "p-1")
    return "p-1"


def check_in(store, adherence="taken", side_effects=(), patient_id="p-1") -> dict:
    return record_check_in(store, request_cause(), {"patient_id": patient_id, "adherence": adherence,
                                                    "side_effects": list(side_effects)})


# --- recording ------------------------------------------------------------------------------

def test_a_check_in_is_stored_at_the_callers_site_with_its_instant_and_author(store, patient):
    recorded = check_in(store, "partial", [{"name": "nausea", "severity": "mild"}])

    stored = store.check_ins.find_one({"_id": recorded["_id"]})
    assert {key: stored[key] for key in ("site_id", "adherence", "side_effects", "checked_in_at", "recorded_by")} == {
        "site_id": SITE, "adherence": "partial", "side_effects": [{"name": "nausea", "severity": "mild"}],
        "checked_in_at": NOW, "recorded_by": CLINICIAN}


def test_a_check_in_without_side_effects_leaves_nothing_in_the_outbox(store, patient):
    check_in(store, side_effects=[])

    assert outbox(store, CHECK_INS) == []


def test_a_check_in_with_a_mild_side_effect_reports_it(store, patient):
    recorded = check_in(store, side_effects=[{"name": "nausea", "severity": "mild"}])

    [reported] = outbox(store, CHECK_INS, "medication.side_effect.reported")
    assert reported["payload"] == {"check_in_id": recorded["_id"], "patient_id": "p-1", "severity": "mild",
                                   "side_effect_count": 1}


def test_a_check_in_reports_the_gravest_of_its_side_effects(store, patient):
    check_in(store, side_effects=[{"name": "nausea", "severity": "mild"}, {"name": "rash", "severity": "severe"}])

    [reported] = outbox(store, CHECK_INS, "medication.side_effect.reported")
    assert (reported["payload"]["severity"], reported["payload"]["side_effect_count"]) == ("severe", 2)


def test_a_check_in_for_another_sites_patient_is_refused_and_not_stored(store):
    record_patient(store, event_cause(OTHER_SITE), "p-1")

    with pytest.raises(Invalid):
        check_in(store)

    assert store.check_ins.count({}) == 0


# --- adherence ------------------------------------------------------------------------------

def test_adherence_counts_partial_as_half_over_the_last_30_days(store, site, patient):
    for given in ("taken", "partial", "missed", "taken"):
        check_in(store, given)

    summary = adherence(store, site, "p-1", None, None)

    assert (summary["start"], summary["end"], summary["check_ins"], summary["rate"]) == (
        date(2026, 10, 28), date(2026, 11, 26), 4, 0.625)


def test_adherence_counts_a_check_in_by_the_sites_calendar_day(store, site, patient):
    # 03:00 UTC on 1 November is still the evening of 31 October in Minneapolis.
    with clock.pinned(datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)):
        check_in(store, "missed")

    october = adherence(store, site, "p-1", date(2026, 10, 1), date(2026, 10, 31))
    november = adherence(store, site, "p-1", date(2026, 11, 1), date(2026, 11, 30))

    assert (october["check_ins"], november["check_ins"]) == (1, 0)


def test_adherence_of_an_unknown_patient_is_not_found(store, site):
    with pytest.raises(NotFound):
        adherence(store, site, "never-registered", None, None)


def test_adherence_over_a_period_ending_before_it_starts_is_refused_on_from(store, site, patient):
    with pytest.raises(Invalid) as raised:
        adherence(store, site, "p-1", date(2026, 2, 1), date(2026, 1, 1))

    assert list(raised.value.errors) == ["from"]
