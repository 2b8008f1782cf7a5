"""Answer fields absorb the stand-in's $set quirks and show values as MongoDB would return them."""
from datetime import datetime, timezone

from marshmallow import Schema

from shared.http.fields import StoredBoolean, StoredInstant, stored_instant

NOW = datetime(2026, 9, 1, 15, 30, tzinfo=timezone.utc)


class Answer(Schema):
    at = StoredInstant()
    flag = StoredBoolean()


def test_a_naive_stand_in_string_is_read_as_utc():
    assert stored_instant("2026-09-02 08:00:00") == datetime(2026, 9, 2, 8, tzinfo=timezone.utc)


def test_an_aware_datetime_and_none_are_read_as_they_are():
    assert (stored_instant(NOW), stored_instant(None)) == (NOW, None)


def test_an_answer_shows_instants_with_offset_and_booleans_as_booleans():
    assert Answer().dump({"at": "2026-09-01 15:30:00", "flag": 1}) == {"at": "2026-09-01T15:30:00+00:00", "flag": True}
