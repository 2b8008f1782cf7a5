"""The shared rule that turns a provider's typed name into the code an event carries."""
import pytest

from shared.events.intake import StepDown
from shared.provider_names import fold_name, is_name_code, name_code, provider_code

TYPED = ["Lakeside Counseling Center, LLC", "Clínica Señora de Guadalupe", "St. Mary's  Recovery", "Dr Jane Doe",
         "Æsir & Co. — Behavioral Health", "北京 康复中心", "  !!!  "]


@pytest.mark.parametrize("name", TYPED)
def test_a_typed_name_travels_as_a_name_code_the_events_accept(name):
    code = provider_code(name)
    assert is_name_code(code)
    assert StepDown().validate({"level_of_care": "outpatient_therapy", "provider_id": code}) == {}


def test_names_that_fold_alike_have_one_code_and_others_another():
    assert name_code("Lakeside Counseling Center, LLC") == name_code("lakeside counseling center llc") \
        == name_code("LAKESIDE  Counseling-Center LLC.")
    assert name_code("Clínica Señora") == name_code("clinica senora")
    assert name_code("Lakeside Counseling Center, LLC") != name_code("Lakeside Counseling Center")


def test_the_code_holds_no_part_of_the_name():
    code = provider_code("Lakeside Counseling Center, LLC")
    assert not any(word in code for word in fold_name("Lakeside Counseling Center, LLC").split())


@pytest.mark.parametrize("code", ["npi:1234567893", "1234567893", "3f2a1c7e-9b1d-4c2e-8f00-0a1b2c3d4e5f",
                                  "name:0123456789abcdef0123456789abcdef"])
def test_a_directory_code_travels_as_it_is(code):
    assert provider_code(f" {code.upper()} ") == code


def test_a_one_word_name_is_a_name_not_a_code():
    assert provider_code("Fairview") == name_code("fairview")
