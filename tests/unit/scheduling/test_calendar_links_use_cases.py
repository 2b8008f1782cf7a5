"""Subscribable calendar links on the in-memory store: made for one feed of the site, read by token, revoked."""
import hashlib

import pytest
from icalendar import Calendar

from services.scheduling.domain.calendar_links import link_revoked, new_link, opens, token_digest
from services.scheduling.use_cases import calendars, patients, schedules
from shared.errors import Invalid, NotFound
from tests.unit.scheduling.support import NOW, admission, create_group, event_cause


def all_pages(documents, query, sort):
    return documents.find(query, sort=sort)


@pytest.fixture
def group(store, cause, site) -> dict:
    return create_group(store, cause, site, name="Evening relapse prevention")


def admitted(store, site, group_id=None) -> dict:
    payload = admission(group_id)
    schedules.schedule_admission(store, event_cause(), site, payload)
    return payload


def events_of(feed) -> list:
    return Calendar.from_ical(feed.body).walk("VEVENT")


# --- the link's rules -----------------------------------------------------------------------------

def test_a_link_keeps_the_sha256_digest_of_its_token_and_not_the_token():
    link = new_link(link_id="l1", site_id="mpls", feed="group", feed_id="g1", token="secret-token", now=NOW, by="key")
    assert link["token_digest"] == hashlib.sha256(b"secret-token").hexdigest()
    assert "secret-token" not in str(link)


def test_a_revoked_link_opens_nothing_and_revoking_it_again_changes_nothing():
    link = new_link(link_id="l1", site_id="mpls", feed="patient", feed_id="p1", token="t", now=NOW, by="key")
    revoked = {**link, **link_revoked(link, NOW, "key")}
    assert (opens(link), opens(revoked), opens(None), link_revoked(revoked, NOW, "key")) == (True, False, False, None)


# --- use cases ------------------------------------------------------------------------------------

def test_a_groups_link_opens_the_groups_feed_by_its_token(store, cause, site, context, group):
    link, token = calendars.create_calendar_link(store, cause, site, "group", group["_id"])
    feed, found = calendars.subscribed_calendar(store, context.sites, token)
    assert found["_id"] == link["_id"]
    assert {str(event["SUMMARY"]) for event in events_of(feed)} == {"Evening relapse prevention"}


def test_each_link_gets_its_own_256_bit_token(store, cause, site, group):
    tokens = {calendars.create_calendar_link(store, cause, site, "group", group["_id"])[1] for _ in range(3)}
    assert len(tokens) == 3 and all(len(token) >= 43 for token in tokens)


def test_a_patients_link_opens_their_sessions_with_lock_screen_titles(store, cause, site, context, group):
    patient = admitted(store, site, group["_id"])
    _, token = calendars.create_calendar_link(store, cause, site, "patient", patient["patient_id"])
    feed, _ = calendars.subscribed_calendar(store, context.sites, token)
    assert {str(event["SUMMARY"]) for event in events_of(feed)} == {"Group session", "Appointment"}


def test_a_link_names_a_patient_or_group_of_the_site(store, cause, site, other_site, group):
    patient = admitted(store, site)
    for feed_name, feed_id in (("patient", patient["patient_id"]), ("group", group["_id"])):
        with pytest.raises(Invalid) as refused:
            calendars.create_calendar_link(store, cause, other_site, feed_name, feed_id)
        assert list(refused.value.errors) == ["id"]


def test_a_patient_registered_at_the_site_may_have_a_link_before_any_admission(store, cause, site):
    patients.record_patient(store, event_cause(), site, {"patient_id": "p-new"})
    patients.record_patient(store, event_cause(), site, {"patient_id": "p-new"})
    link, _ = calendars.create_calendar_link(store, cause, site, "patient", "p-new")
    assert (link["feed_id"], store.patients.count({"patient_id": "p-new"})) == ("p-new", 1)


def test_a_revoked_or_unknown_token_opens_nothing(store, cause, site, context, group):
    link, token = calendars.create_calendar_link(store, cause, site, "group", group["_id"])
    calendars.revoke_calendar_link(store, cause, site, link["_id"])
    for presented in (token, "not-a-token"):
        with pytest.raises(NotFound):
            calendars.subscribed_calendar(store, context.sites, presented)


def test_revoking_records_who_and_when_once(store, cause, site, group):
    link, _ = calendars.create_calendar_link(store, cause, site, "group", group["_id"])
    first = calendars.revoke_calendar_link(store, cause, site, link["_id"])
    again = calendars.revoke_calendar_link(store, cause, site, link["_id"])
    assert (first["status"], first["revoked_by"], first["revoked_at"]) == ("revoked", "clinician-key", NOW)
    assert store.calendar_links.raw.find_one({"_id": link["_id"]})["version"] == 2
    assert again["revoked_at"] == first["revoked_at"]


def test_another_sites_link_is_not_found_and_stays_open(store, cause, site, other_site, context, group):
    link, token = calendars.create_calendar_link(store, cause, site, "group", group["_id"])
    with pytest.raises(NotFound):
        calendars.revoke_calendar_link(store, cause, other_site, link["_id"])
    assert calendars.subscribed_calendar(store, context.sites, token)[1]["status"] == "active"


def test_links_are_listed_by_feed_and_status(store, cause, site, group):
    patient = admitted(store, site)
    group_link, _ = calendars.create_calendar_link(store, cause, site, "group", group["_id"])
    calendars.create_calendar_link(store, cause, site, "patient", patient["patient_id"])
    calendars.revoke_calendar_link(store, cause, site, group_link["_id"])
    listed = calendars.list_calendar_links(store, site, {"feed": "group", "status": "revoked"}, all_pages)
    assert [link["_id"] for link in listed] == [group_link["_id"]]


def test_a_token_digest_is_the_hex_sha256_of_the_token():
    assert token_digest("abc") == hashlib.sha256(b"abc").hexdigest()
