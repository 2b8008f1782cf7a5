"""iCalendar feeds, parsed with the icalendar package."""
from datetime import date
from zoneinfo import ZoneInfo

from icalendar import Calendar

from services.scheduling.domain.calendar_feed import SUMMARY_BY_KIND
from tests.conftest import CLINICIAN, OTHER_SITE
from tests.integration.scheduling.conftest import admission, create_group, deliver, discharge


def feed(answer) -> list:
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    return Calendar.from_ical(answer.data).walk("VEVENT")


def test_a_patients_feed_holds_every_session_and_the_follow_up(scheduling, context):
    admitted = admission(create_group(scheduling)["id"])
    deliver(context, admitted)
    deliver(context, discharge(admitted, date(2027, 1, 15)))
    events = feed(scheduling.get(f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics", headers=CLINICIAN))
    assert len(events) == 36 + 1
    assert sum(1 for event in events if event["STATUS"] == "CANCELLED") == 9


def test_a_feed_summary_is_only_ever_a_generic_label(scheduling, context):
    admitted = admission(create_group(scheduling, name="Rivera family group")["id"])
    deliver(context, admitted)
    events = feed(scheduling.get(f"/v1/patients/{admitted['payload']['patient_id']}/calendar.ics", headers=CLINICIAN))
    assert {str(event["SUMMARY"]) for event in events} <= set(SUMMARY_BY_KIND.values())


def test_a_groups_feed_lists_its_meetings_at_its_local_time(scheduling):
    group = create_group(scheduling)
    events = feed(scheduling.get(f"/v1/groups/{group['id']}/calendar.ics", headers=CLINICIAN))
    starts = {event.decoded("DTSTART").astimezone(ZoneInfo("America/Chicago")).strftime("%a %H:%M")
              for event in events}
    assert starts == {"Mon 09:00", "Wed 09:00", "Fri 09:00"}


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
