"""The census over HTTP: per site, and across every site for an operator key."""
from datetime import timedelta

import pytest

from tests.conftest import CLINICIAN, OPERATOR, OTHER_SITE
from tests.integration.intake.helpers import admit, days_ago, discharge, register, site_today


def census(intake, headers=CLINICIAN, **query):
    answer = intake.get("/v1/census", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json["sites"]


def test_the_census_counts_active_enrollments_by_program(intake):
    admit(intake, register(intake, mrn="MRN-1"), program="mh-adult")
    admit(intake, register(intake, mrn="MRN-2"), program="mh-adult")
    admit(intake, register(intake, mrn="MRN-3"), program="sud-adult")
    [site] = census(intake)
    assert site["active"] == {"total": 3, "by_program": {"mh-adult": 2, "sud-adult": 1, "adolescent": 0,
                                                         "php-adult": 0, "op-adult": 0}}


def test_the_census_counts_admissions_in_the_range_by_program(intake):
    admit(intake, register(intake, mrn="MRN-1"), start_date=days_ago(5), program="adolescent")
    admit(intake, register(intake, mrn="MRN-2"), start_date=days_ago(45))
    [site] = census(intake)
    assert site["admissions"] == {"total": 1, "by_program": {"mh-adult": 0, "sud-adult": 0, "adolescent": 1,
                                                             "php-adult": 0, "op-adult": 0}}


def test_the_census_counts_discharges_in_the_range_by_every_outcome(intake):
    patient_id = register(intake)
    discharge(intake, admit(intake, patient_id, start_date=days_ago(90), program="mh-adult")["id"],
              "completed", days_ago(35))
    discharge(intake, admit(intake, patient_id, start_date=days_ago(30), program="mh-adult")["id"],
              "completed", days_ago(2))
    discharge(intake, admit(intake, patient_id, start_date=days_ago(20), program="sud-adult")["id"],
              "against_advice", days_ago(1))
    discharge(intake, admit(intake, patient_id, start_date=days_ago(20), program="adolescent")["id"],
              "incarcerated", days_ago(1))
    discharge(intake, admit(intake, patient_id, start_date=days_ago(20), program="php-adult")["id"],
              "death", days_ago(1))
    [site] = census(intake)
    assert site["discharges"] == {"total": 4, "by_outcome": {
        "completed": 1, "against_advice": 1, "administrative": 0, "transferred": 0, "other": 0, "death": 1,
        "incarcerated": 1}}


def test_a_discharged_enrollment_is_no_longer_active(intake):
    enrollment = admit(intake, register(intake))
    discharge(intake, enrollment["id"], "other")
    [site] = census(intake)
    assert site["active"]["total"] == 0


def test_the_default_range_is_the_last_30_days_to_the_sites_today(intake):
    [site] = census(intake)
    assert (site["site_id"], site["from"], site["to"]) == ("mpls", days_ago(29), days_ago(0))


def test_both_ends_of_an_explicit_range_are_counted(intake):
    admit(intake, register(intake, mrn="MRN-1"), start_date=days_ago(20))
    admit(intake, register(intake, mrn="MRN-2"), start_date=days_ago(10))
    admit(intake, register(intake, mrn="MRN-3"), start_date=days_ago(9))
    [site] = census(intake, **{"from": days_ago(20), "to": days_ago(10)})
    assert (site["from"], site["to"], site["admissions"]["total"]) == (days_ago(20), days_ago(10), 2)


def test_a_range_given_only_its_end_covers_the_30_days_before(intake):
    end = site_today() - timedelta(days=100)
    [site] = census(intake, to=end.isoformat())
    assert site["from"] == (end - timedelta(days=29)).isoformat()


@pytest.mark.parametrize("query, field", [
    ({"from": days_ago(1), "to": days_ago(2)}, "from"),
    ({"from": days_ago(400), "to": days_ago(0)}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"to": "2026-13-01"}, "to"),
])
def test_an_invalid_range_is_422_on_the_field(intake, query, field):
    answer = intake.get("/v1/census", query_string=query, headers=CLINICIAN)
    assert (answer.status_code, list(answer.json["errors"])) == (422, [field])


def test_a_clinician_sees_only_their_own_sites_census(intake):
    admit(intake, register(intake, headers=OTHER_SITE), headers=OTHER_SITE)
    [site] = census(intake)
    assert (site["site_id"], site["active"]["total"]) == ("mpls", 0)


def test_an_operator_sees_the_census_of_every_site_each_counted_apart(intake):
    admit(intake, register(intake))
    admit(intake, register(intake, mrn="MRN-2"))
    admit(intake, register(intake, headers=OTHER_SITE), headers=OTHER_SITE)
    sites = census(intake, headers=OPERATOR)
    assert {site["site_id"]: site["active"]["total"] for site in sites} == {"mpls": 2, "stpaul": 1}
