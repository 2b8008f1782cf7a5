"""The C-SSRS screener, PCL-5 and AUDIT, scored as their publishers define them.

- C-SSRS screener (Columbia Lighthouse Project, "C-SSRS Screener – Recent, with triage colors", 2021):
  items 1-2 yes only low risk; item 3 yes or lifetime behaviour more than 3 months ago moderate;
  item 4 or 5 yes or behaviour within the past 3 months high. Item 6 is answered 0 no, 1 yes more
  than 3 months ago, 2 yes within the past 3 months.
- PCL-5 (National Center for PTSD): 20 items 0-4, total 0-80, a total of 33 or more is a
  provisional PTSD diagnosis.
- AUDIT (WHO, Babor et al. 2001): items 1-8 scored 0-4, items 9-10 scored 0, 2 or 4; zones I 0-7,
  II 8-15, III 16-19, IV 20-40.
"""
import pytest

from services.intake.domain.assessments import record, score
from shared.errors import Invalid

NO, YES = 0, 1
BEHAVIOUR_LONG_AGO, BEHAVIOUR_RECENT = 1, 2


def _errors(instrument, items):
    with pytest.raises(Invalid) as caught:
        score(instrument, items)
    return caught.value.errors


# --- C-SSRS screener ----------------------------------------------------------------------

@pytest.mark.parametrize("items, level", [
    ([NO, NO, NO, NO, NO, NO], "none"),
    ([YES, NO, NO, NO, NO, NO], "low"),
    ([YES, YES, NO, NO, NO, NO], "low"),
    ([YES, YES, YES, NO, NO, NO], "moderate"),
    ([NO, NO, NO, NO, NO, BEHAVIOUR_LONG_AGO], "moderate"),
    ([YES, YES, YES, YES, NO, NO], "high"),
    ([YES, YES, YES, NO, YES, NO], "high"),
    ([NO, NO, NO, NO, NO, BEHAVIOUR_RECENT], "high"),
    ([YES, YES, YES, NO, NO, BEHAVIOUR_LONG_AGO], "moderate"),
], ids=["all no", "wish to be dead", "suicidal thoughts", "thoughts of a method", "behaviour over 3 months ago",
        "intent", "plan", "behaviour within 3 months", "method and old behaviour"])
def test_the_cssrs_screen_triages_the_columbia_protocols_risk_level(items, level):
    result = score("C-SSRS", items)
    assert (result.risk_level, result.severity) == (level, level)


def test_the_cssrs_total_is_the_number_of_yes_answers():
    assert score("C-SSRS", [YES, YES, YES, NO, NO, BEHAVIOUR_RECENT]).total_score == 4


@pytest.mark.parametrize("items", [[YES, YES, YES, NO, NO, NO], [NO, NO, NO, NO, NO, BEHAVIOUR_RECENT]])
def test_a_positive_cssrs_screen_raises_suicide_risk_and_the_risk_event_with_its_level(items):
    result, events = record("a-1", "p-1", "e-1", "C-SSRS", items)
    assert result.risk_flags == ["suicide_risk"]
    assert [event.event_type for event in events] == ["intake.assessment.recorded", "intake.risk.flagged"]
    assert events[1].payload == {"assessment_id": "a-1", "patient_id": "p-1", "enrollment_id": "e-1",
                                 "instrument": "C-SSRS", "risk_flags": ["suicide_risk"],
                                 "risk_level": result.risk_level}


@pytest.mark.parametrize("items", [[NO] * 6, [YES, YES, NO, NO, NO, NO]], ids=["no risk", "low risk"])
def test_a_cssrs_screen_below_moderate_raises_no_flag_and_no_risk_event(items):
    result, events = record("a-1", "p-1", None, "C-SSRS", items)
    assert (result.risk_flags, [event.event_type for event in events]) == ([], ["intake.assessment.recorded"])


def test_a_yes_to_intent_after_a_no_to_suicidal_thoughts_still_counts():
    # The form skips items 3-5 after a no to item 2; an answer given anyway is never discarded.
    assert score("C-SSRS", [NO, NO, NO, YES, NO, NO]).risk_level == "high"


def test_a_cssrs_ideation_item_is_yes_or_no_only():
    assert _errors("C-SSRS", [2, NO, NO, NO, NO, NO]) == {"item_scores": ["item 1 must be one of 0, 1"]}


def test_the_cssrs_behaviour_item_is_no_long_ago_or_recent_only():
    assert _errors("C-SSRS", [NO] * 5 + [3]) == {"item_scores": ["item 6 must be one of 0, 1, 2"]}


def test_the_cssrs_screen_has_six_items():
    assert _errors("C-SSRS", [NO] * 7)["item_scores"][0] == "C-SSRS needs exactly 6 items, got 7"


def test_phq9_item_9_still_flags_without_a_risk_level():
    result = score("PHQ-9", [0] * 8 + [1])
    assert (result.risk_flags, result.risk_level) == (["suicidal_ideation"], None)


# --- PCL-5 --------------------------------------------------------------------------------

@pytest.mark.parametrize("items, total, severity", [
    ([0] * 20, 0, "below_threshold"),
    ([2] * 16 + [0] * 4, 32, "below_threshold"),
    ([2] * 16 + [1] + [0] * 3, 33, "provisional_ptsd"),
    ([4] * 20, 80, "provisional_ptsd"),
])
def test_a_pcl5_total_of_33_or_more_is_a_provisional_ptsd(items, total, severity):
    result = score("PCL-5", items)
    assert (result.total_score, result.severity, result.risk_flags) == (total, severity, [])


def test_a_pcl5_item_is_scored_0_to_4():
    assert _errors("PCL-5", [5] + [0] * 19) == {"item_scores": ["item 1 must be between 0 and 4"]}


def test_the_pcl5_has_twenty_items():
    assert list(_errors("PCL-5", [0] * 19)) == ["item_scores"]


# --- AUDIT --------------------------------------------------------------------------------

@pytest.mark.parametrize("items, total, zone", [
    ([0] * 10, 0, "low_risk"),
    ([2, 1, 1, 1, 0, 0, 0, 0, 2, 0], 7, "low_risk"),
    ([2, 2, 1, 1, 0, 0, 0, 0, 2, 0], 8, "hazardous"),
    ([3, 3, 2, 1, 1, 1, 0, 0, 2, 2], 15, "hazardous"),
    ([3, 3, 2, 2, 1, 1, 0, 0, 2, 2], 16, "harmful"),
    ([3, 3, 3, 2, 2, 1, 1, 0, 2, 2], 19, "harmful"),
    ([3, 3, 3, 2, 2, 1, 1, 1, 2, 2], 20, "possible_dependence"),
    ([4] * 10, 40, "possible_dependence"),
])
def test_an_audit_total_falls_in_the_who_manuals_zones(items, total, zone):
    result = score("AUDIT", items)
    assert (result.total_score, result.severity) == (total, zone)


@pytest.mark.parametrize("item", [9, 10])
def test_audit_items_9_and_10_are_scored_0_2_or_4_only(item):
    items = [0] * 10
    items[item - 1] = 1
    assert _errors("AUDIT", items) == {"item_scores": [f"item {item} must be one of 0, 2, 4"]}


def test_audit_items_1_to_8_are_scored_0_to_4():
    assert _errors("AUDIT", [5] + [0] * 9) == {"item_scores": ["item 1 must be one of 0, 1, 2, 3, 4"]}
