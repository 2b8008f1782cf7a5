"""Request dates and instants are bounded to years that make clinical sense (issue 14)."""
import pytest
from marshmallow import Schema, ValidationError

from shared.http.fields import ClinicalDate, ClinicalInstant


class Request(Schema):
    day = ClinicalDate()
    at = ClinicalInstant()


@pytest.mark.parametrize("body", [{"day": "0001-01-01"}, {"day": "9999-12-31"}, {"day": "1899-12-31"},
                                  {"at": "0001-01-01T00:00:00+14:00"}, {"at": "9999-12-31T23:59:59-12:00"}])
def test_a_day_outside_1900_to_2100_is_refused_with_a_message(body):
    with pytest.raises(ValidationError) as refused:
        Request().load(body)
    assert refused.value.messages == {next(iter(body)): ["Must lie between 1900-01-01 and 2100-12-31."]}


def test_days_and_instants_inside_the_range_are_read_as_they_are():
    loaded = Request().load({"day": "1900-01-01", "at": "2100-12-31T10:00:00+01:00"})
    assert (str(loaded["day"]), loaded["at"].isoformat()) == ("1900-01-01", "2100-12-31T10:00:00+01:00")
