"""The treatment API's request schemas: text trimmed and bounded, blanks, tokens for signers and ids."""
import pytest
from marshmallow import ValidationError

from services.treatment.api.schemas import AddendumCreate, NoteEdit, PlanContent, SignatureCreate

INTERVENTION = {"modality": "group", "frequency": "3 times a week", "responsible_role": "group_facilitator"}


def test_blank_optional_text_counts_as_not_written():
    loaded = PlanContent().load({"problems": [{"description": "   ", "goals": [{"objectives": [{"measure": ""}]}]}],
                                 "interventions": [INTERVENTION]})
    problem = loaded["problems"][0]
    assert (problem["description"], problem["goals"][0]["objectives"][0]["measure"]) == (None, None)


def test_blank_required_text_is_refused():
    with pytest.raises(ValidationError) as refused:
        PlanContent().load({"problems": [], "interventions": [{**INTERVENTION, "frequency": "  "}]})
    assert refused.value.messages == {"interventions": {0: {"frequency": ["Must not be empty."]}}}


def test_text_is_kept_without_its_surrounding_spaces():
    assert AddendumCreate().load({"text": "  Correction.  ", "signer": "staff-1"})["text"] == "Correction."


@pytest.mark.parametrize("signer", ["Dr. Jane Okafor", "", "x" * 65])
def test_a_signer_is_an_identifier_never_a_name(signer):
    with pytest.raises(ValidationError) as refused:
        SignatureCreate().load({"role": "clinician", "signer": signer})
    assert list(refused.value.messages) == ["signer"]


def test_a_diagnosis_code_must_look_like_icd_10_cm():
    with pytest.raises(ValidationError):
        PlanContent().load({"problems": [{"diagnosis_code": "depression"}], "interventions": []})
    assert PlanContent().load({"problems": [{"diagnosis_code": "F10.20"}], "interventions": []})


def test_a_note_section_may_be_left_unwritten():
    loaded = NoteEdit().load({"format": "DAP", "sections": {"data": "d", "plan": None, "assessment": " "}})
    assert (loaded["sections"], loaded["objective_ids"]) == ({"data": "d", "plan": None, "assessment": None}, [])
