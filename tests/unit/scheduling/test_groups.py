from datetime import UTC, datetime, time

import pytest

from services.scheduling.domain.groups import (
    EVENT_MODALITIES,
    MODALITIES,
    GroupSlot,
    group_edited,
    new_group,
    parse_start_time,
    validate_group,
)
from shared.errors import Invalid

VALID = dict(modality="group_therapy", weekdays=["mon", "wed", "fri"], start_time="09:00",
             duration_minutes=180, capacity=10)


def errors_for(**changes) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as raised:
        validate_group(**{**VALID, **changes})
    return raised.value.errors


def test_the_four_modalities_are_known():
    assert MODALITIES == ("group_therapy", "education", "holistic", "family")


def test_a_valid_definition_becomes_a_slot():
    assert validate_group(**VALID) == GroupSlot(("mon", "wed", "fri"), time(9, 0), 180)


def test_weekdays_of_a_slot_are_kept_in_calendar_order():
    slot = validate_group(**{**VALID, "weekdays": ["fri", "mon", "wed"]})
    assert slot.weekdays == ("mon", "wed", "fri")


def test_an_unknown_modality_is_refused():
    assert list(errors_for(modality="yoga")) == ["modality"]


def test_an_empty_weekday_list_is_refused():
    assert list(errors_for(weekdays=[])) == ["weekdays"]


def test_a_repeated_weekday_is_refused():
    assert list(errors_for(weekdays=["mon", "mon"])) == ["weekdays"]


@pytest.mark.parametrize("day", ["monday", "Mon", "xyz"])
def test_a_weekday_outside_the_codes_is_refused(day):
    assert list(errors_for(weekdays=["tue", day])) == ["weekdays"]


@pytest.mark.parametrize("value", ["9:00", "09:00:00", "24:00", "09:60", "", None, 900])
def test_a_start_time_not_in_hh_mm_form_is_refused(value):
    assert list(errors_for(start_time=value)) == ["start_time"]


@pytest.mark.parametrize("minutes", [15, 480])
def test_durations_at_both_limits_are_accepted(minutes):
    assert validate_group(**{**VALID, "duration_minutes": minutes}).duration_minutes == minutes


@pytest.mark.parametrize("minutes", [14, 481, 0, 90.5, True])
def test_a_duration_outside_15_to_480_whole_minutes_is_refused(minutes):
    assert list(errors_for(duration_minutes=minutes)) == ["duration_minutes"]


@pytest.mark.parametrize("capacity", [0, -1, 2.5, True])
def test_a_capacity_below_one_or_not_whole_is_refused(capacity):
    assert list(errors_for(capacity=capacity)) == ["capacity"]


def test_a_capacity_of_one_is_accepted():
    validate_group(**{**VALID, "capacity": 1})


def test_every_bad_field_is_reported_at_once():
    errors = errors_for(weekdays=[], start_time="noon", duration_minutes=5, capacity=0)
    assert set(errors) == {"weekdays", "start_time", "duration_minutes", "capacity"}


def test_parse_start_time_reads_hours_and_minutes():
    assert parse_start_time("18:45") == time(18, 45)


def test_every_modality_maps_onto_a_modality_treatment_reads():
    assert set(EVENT_MODALITIES) == set(MODALITIES)
    assert set(EVENT_MODALITIES.values()) <= {"group_therapy", "education", "holistic", "family"}


CATALOG = ("mh-adult", "sud-adult")
FIELDS = {"name": "Morning skills", "program": "mh-adult", **VALID}
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_a_group_belongs_to_a_program_of_the_sites_catalog():
    with pytest.raises(Invalid) as raised:
        new_group(group_id="g1", site_id="mpls", fields={**FIELDS, "program": "yoga-retreat"}, programs=CATALOG, now=NOW)
    assert list(raised.value.errors) == ["program"]
    assert "mh-adult, sud-adult" in raised.value.errors["program"][0]


def test_a_bad_program_is_reported_with_every_other_bad_field():
    with pytest.raises(Invalid) as raised:
        new_group(group_id="g1", site_id="mpls", fields={**FIELDS, "program": "x", "capacity": 0}, programs=CATALOG,
                  now=NOW)
    assert set(raised.value.errors) == {"program", "capacity"}


def test_an_edit_may_not_move_a_group_to_a_program_outside_the_catalog():
    group = new_group(group_id="g1", site_id="mpls", fields=FIELDS, programs=CATALOG, now=NOW)
    with pytest.raises(Invalid) as raised:
        group_edited(group, {"program": "yoga-retreat"}, NOW, CATALOG)
    assert list(raised.value.errors) == ["program"]


def test_a_group_made_before_the_catalog_was_checked_keeps_its_program_through_other_edits():
    group = {**new_group(group_id="g1", site_id="mpls", fields=FIELDS, programs=CATALOG, now=NOW), "program": "old"}
    assert group_edited(group, {"capacity": 12}, NOW, CATALOG)["capacity"] == 12


def test_each_edit_of_a_groups_definition_is_one_more_revision():
    group = new_group(group_id="g1", site_id="mpls", fields=FIELDS, programs=CATALOG, now=NOW)
    assert (group["sequence"], group_edited(group, {"start_time": "10:00"}, NOW, CATALOG)["sequence"]) == (0, 1)
