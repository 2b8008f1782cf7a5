"""iCalendar feeds with the site key and through subscribable calendar links, parsed with the icalendar package."""
import hashlib
from datetime import date
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar

from services.scheduling.store import CALENDAR_LINKS
from shared.audit_chain import COLLECTION as AUDIT_LOG
from tests.conftest import CLINICIAN, OTHER_SITE
from tests.integration.scheduling.conftest import admission, create_group, deliver, discharge, intake_event


def calendar(answer) -> Calendar:
    assert answer.status_code == 200, answer.data
    assert answer.mimetype == "text/calendar"
    return Calendar.from_ical(answer.data)


def feed(answer) -> list:
    return calendar(answer).walk("VEVENT")


def admitted_patient(scheduling, context, **group_fields) -> dict:
    admitted = admission(create_group(scheduling, **group_fields)["id"])
    deliver(context, admitted)
    return admitted


def link(scheduling, feed_name: str, feed_id: str, headers=CLINICIAN):
    return scheduling.post("/v1/calendar-links", json={"feed": feed_name, "id": feed_id}, headers=headers)


def token_of(created: dict) -> str:
    return parse_qs(urlsplit(created["url"]).query)["token"][0]


def subscribe(scheduling, created: dict):
    """What a calendar app does with the address: a GET, no key."""
    return scheduling.get(created["url"])


# --- feeds read with the site key -----------------------------------------------------------------

def test_a_patients_feed_holds_every_session_and_the_follow_up(scheduling, context):
    admitted = admitted_patient(scheduling, context)
    deliver(context, discharge(admitted, date(2027, 1, 15)))
    events = feed(scheduling.get(f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics", headers=CLINICIAN))
    assert len(events) == 36 + 1
    assert sum(1 for event in events if event["STATUS"] == "CANCELLED") == 9


def test_a_patients_feed_titles_events_with_nothing_a_lock_screen_should_not_show(scheduling, context):
    admitted = admitted_patient(scheduling, context, name="Rivera family substance use group", program="sud-adult")
    answer = scheduling.get(f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics", headers=CLINICIAN)
    assert {str(event["SUMMARY"]) for event in feed(answer)} == {"Group session", "Appointment"}
    assert str(calendar(answer)["X-WR-CALNAME"]) == "Appointments"
    assert [word for word in (b"Rivera", b"substance", b"sud-adult", b"therapy", b"Medication") if word in answer.data] == []


def test_every_event_carries_a_sequence_and_a_last_modified_instant(scheduling, context):
    admitted = admitted_patient(scheduling, context)
    events = feed(scheduling.get(f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics", headers=CLINICIAN))
    assert all("SEQUENCE" in event and "LAST-MODIFIED" in event for event in events)


def test_a_session_cancelled_by_a_discharge_is_published_as_a_later_revision(scheduling, context):
    admitted = admitted_patient(scheduling, context)
    path = f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics"
    before = {str(event["UID"]): event["SEQUENCE"] for event in feed(scheduling.get(path, headers=CLINICIAN))}
    deliver(context, discharge(admitted, date(2027, 1, 15), outcome="other"))
    cancelled = [event for event in feed(scheduling.get(path, headers=CLINICIAN)) if event["STATUS"] == "CANCELLED"]
    assert cancelled and all(event["SEQUENCE"] == before[str(event["UID"])] + 1 for event in cancelled)


def test_a_rescheduled_appointment_is_published_as_a_later_revision(scheduling, context):
    admitted = admitted_patient(scheduling, context)
    deliver(context, discharge(admitted, date(2027, 1, 15)))
    [follow_up] = scheduling.get("/v1/appointments", query_string={"kind": "aftercare_follow_up"},
                                 headers=CLINICIAN).json
    scheduling.post(f"/v1/appointments/{follow_up['id']}/reschedule", json={"starts_at": "2027-01-20T14:00:00-06:00"},
                    headers=CLINICIAN)
    events = feed(scheduling.get(f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics", headers=CLINICIAN))
    [moved] = [event for event in events if str(event["UID"]).startswith(follow_up["id"])]
    assert moved["SEQUENCE"] == 1


def test_a_feed_asks_to_be_refreshed_hourly(scheduling):
    answer = scheduling.get(f"/v1/groups/{create_group(scheduling)['id']}/calendar.ics", headers=CLINICIAN)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in answer.data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in answer.data


def test_a_groups_feed_lists_its_meetings_at_its_local_time_under_its_name(scheduling):
    group = create_group(scheduling, name="Morning DBT skills")
    events = feed(scheduling.get(f"/v1/groups/{group['id']}/calendar.ics", headers=CLINICIAN))
    starts = {event.decoded("DTSTART").astimezone(ZoneInfo("America/Chicago")).strftime("%a %H:%M")
              for event in events}
    assert starts == {"Mon 09:00", "Wed 09:00", "Fri 09:00"}
    assert {str(event["SUMMARY"]) for event in events} == {"Morning DBT skills"}


def test_an_edit_of_a_group_is_published_as_a_later_revision_of_its_meetings(scheduling):
    group = create_group(scheduling)
    scheduling.patch(f"/v1/groups/{group['id']}", json={"duration_minutes": 120}, headers=CLINICIAN)
    events = feed(scheduling.get(f"/v1/groups/{group['id']}/calendar.ics", headers=CLINICIAN))
    assert {event["SEQUENCE"] for event in events} == {1}


def test_feeds_need_the_site_key(scheduling):
    group = create_group(scheduling)
    assert scheduling.get(f"/v1/groups/{group['id']}/calendar.ics").status_code == 401
    assert scheduling.get(f"/v1/groups/{group['id']}/calendar.ics", headers=OTHER_SITE).status_code == 404


def test_a_patient_unknown_at_the_site_has_no_feed(scheduling, context):
    admitted = admission(None)
    deliver(context, admitted)
    answer = scheduling.get(f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics", headers=OTHER_SITE)
    assert answer.status_code == 404


def test_a_group_name_with_line_breaks_and_commas_is_escaped_in_the_feed_name(scheduling):
    # Was a 500: the calendar name was written unescaped, and a line break cannot be in a content line.
    group = create_group(scheduling, name="Morning, DBT;\nskills\r\n")
    answer = scheduling.get(f"/v1/groups/{group['id']}/calendar.ics", headers=CLINICIAN)
    assert feed(answer)
    assert b"X-WR-CALNAME:Morning\\, DBT\\;\\nskills\\n\r\n" in answer.data


# --- subscribable calendar links ------------------------------------------------------------------

def test_a_patients_link_answers_201_with_an_address_that_works_without_the_key(scheduling, context):
    admitted = admitted_patient(scheduling, context)
    created = link(scheduling, "patient", admitted["payload"]["patient_id"])
    assert created.status_code == 201
    assert (created.json["feed"], created.json["feed_id"], created.json["status"]) == (
        "patient", admitted["payload"]["patient_id"], "active")
    assert created.json["webcal_url"].startswith("webcal://")
    assert len(feed(subscribe(scheduling, created.json))) == 36


def test_a_patients_subscribed_feed_is_named_and_titled_for_a_lock_screen(scheduling, context):
    admitted = admitted_patient(scheduling, context, name="Rivera opioid recovery group")
    answer = subscribe(scheduling, link(scheduling, "patient", admitted["payload"]["patient_id"]).json)
    assert str(calendar(answer)["X-WR-CALNAME"]) == "Appointments"
    assert {str(event["SUMMARY"]) for event in feed(answer)} == {"Group session", "Appointment"}
    assert b"Rivera" not in answer.data and b"opioid" not in answer.data


def test_a_groups_link_serves_the_groups_meetings_under_its_name(scheduling):
    group = create_group(scheduling, name="Evening relapse prevention")
    answer = subscribe(scheduling, link(scheduling, "group", group["id"]).json)
    assert str(calendar(answer)["X-WR-CALNAME"]) == "Evening relapse prevention"
    assert {str(event["SUMMARY"]) for event in feed(answer)} == {"Evening relapse prevention"}


def test_the_token_is_random_and_stored_only_as_its_digest(scheduling):
    group = create_group(scheduling)
    first, second = (link(scheduling, "group", group["id"]).json for _ in range(2))
    token = token_of(first)
    stored = scheduling.application.extensions["iop"].db[CALENDAR_LINKS].find_one({"_id": first["id"]})
    assert token != token_of(second) and len(token) >= 43
    assert stored["token_digest"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored)


def test_links_are_listed_without_their_tokens_or_addresses(scheduling):
    group = create_group(scheduling)
    created = link(scheduling, "group", group["id"]).json
    listed = scheduling.get("/v1/calendar-links", headers=CLINICIAN)
    assert [entry["id"] for entry in listed.json] == [created["id"]]
    assert token_of(created) not in listed.get_data(as_text=True)
    assert not {"url", "webcal_url", "token", "token_digest"} & set(listed.json[0])


def test_another_sites_links_are_neither_listed_nor_revocable(scheduling):
    created = link(scheduling, "group", create_group(scheduling)["id"]).json
    assert scheduling.get("/v1/calendar-links", headers=OTHER_SITE).json == []
    assert scheduling.delete(f"/v1/calendar-links/{created['id']}", headers=OTHER_SITE).status_code == 404
    assert subscribe(scheduling, created).status_code == 200


def test_a_revoked_link_answers_404_like_an_unknown_one(scheduling):
    created = link(scheduling, "group", create_group(scheduling)["id"]).json
    assert scheduling.delete(f"/v1/calendar-links/{created['id']}", headers=CLINICIAN).status_code == 204
    revoked = subscribe(scheduling, created)
    unknown = scheduling.get("/v1/calendar-feed.ics", query_string={"token": "not-a-token"})
    assert (revoked.status_code, unknown.status_code) == (404, 404)
    assert revoked.content_type == "application/problem+json"


def test_revoking_with_a_post_answers_the_revoked_link_and_again_changes_nothing(scheduling):
    created = link(scheduling, "group", create_group(scheduling)["id"]).json
    first = scheduling.post(f"/v1/calendar-links/{created['id']}/revoke", headers=CLINICIAN)
    again = scheduling.post(f"/v1/calendar-links/{created['id']}/revoke", headers=CLINICIAN)
    assert (first.json["status"], again.json["revoked_at"]) == ("revoked", first.json["revoked_at"])
    assert subscribe(scheduling, created).status_code == 404


def test_a_link_for_a_patient_or_group_unknown_at_the_site_is_a_422_on_id(scheduling, context):
    admitted = admitted_patient(scheduling, context)
    for feed_name, feed_id in (("patient", admitted["payload"]["patient_id"]), ("group", "no-such-group")):
        answer = link(scheduling, feed_name, feed_id, headers=OTHER_SITE)
        assert (answer.status_code, list(answer.json["errors"])) == (422, ["id"])


def test_a_link_may_be_made_for_a_patient_registered_and_not_yet_admitted(scheduling, context):
    registered = intake_event("intake.patient.registered", {"patient_id": "p-registered-only"})
    deliver(context, registered)
    created = link(scheduling, "patient", "p-registered-only")
    assert created.status_code == 201
    assert feed(subscribe(scheduling, created.json)) == []


def test_reading_a_feed_through_a_link_is_written_to_the_audit_trail_without_the_token(scheduling):
    created = link(scheduling, "group", create_group(scheduling)["id"]).json
    subscribe(scheduling, created)
    audit = scheduling.application.extensions["iop"].db[AUDIT_LOG]
    [record] = list(audit.find({"route": "/v1/calendar-feed.ics"}))
    assert (record["site_id"], record["actor"], record["role"], record["status"]) == (
        "mpls", f"calendar link {created['id']}", "calendar_link", 200)
    assert token_of(created) not in str(record)


def test_the_feed_address_is_documented_as_needing_no_key(scheduling):
    operation = scheduling.get("/openapi.json").json["paths"]["/v1/calendar-feed.ics"]["get"]
    assert operation["security"] == []
    assert "text/calendar" in operation["responses"]["200"]["content"]
