"""The site's record of its full follow-up stretch on the database the tiers run on (the embedded
stand-in unless a MongoDB is given): a booking behind a backlog of booked follow-ups records the
stretch, the next one jumps over it, and a follow-up cancelled inside it gives its slot back."""
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.scheduling.domain.follow_up import DEFAULT_DURATION, FOLLOW_UP
from shared.store import encode
from tests.conftest import CLINICIAN
from tests.integration.scheduling.conftest import admission, deliver, discharge

FRIDAY = date(2027, 1, 15)
CHICAGO = ZoneInfo("America/Chicago")


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHICAGO).astimezone(UTC)


def business_days_after(day: date, count: int) -> list[date]:
    days = []
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def completed_follow_up(scheduling, context) -> dict:
    admitted = admission(None)
    deliver(context, admitted)
    deliver(context, discharge(admitted, FRIDAY))
    answer = scheduling.get("/v1/appointments", query_string={"enrollment_id": admitted["payload"]["enrollment_id"]},
                            headers=CLINICIAN)
    [follow_up] = answer.json
    return follow_up


def test_a_backlog_is_read_once_then_jumped_and_a_cancelled_slot_in_it_is_booked_again(scheduling, context):
    days = business_days_after(FRIDAY, 20)  # none is a holiday at the demo site
    backlog = [{"_id": key, "natural_key": key, "site_id": "mpls", "patient_id": key, "enrollment_id": key,
                "kind": FOLLOW_UP, "status": "booked", "late": False, "discharge_date": FRIDAY,
                "starts_at": at(day, hour), "ends_at": at(day, hour) + DEFAULT_DURATION, "history": [], "version": 1}
               for day in days for hour in range(9, 17) for key in [str(uuid.uuid4())]]
    context.store.appointments.raw.insert_many([encode(appointment) for appointment in backlog])
    first_free = business_days_after(days[-1], 1)[0]

    first = completed_follow_up(scheduling, context)
    assert (first["starts_at"], first["late"]) == (at(first_free, 10).astimezone(CHICAGO).isoformat(), True)
    record = context.store.follow_up_books.find_one({"_id": "mpls"})
    assert (record["start"], record["end"]) == (at(FRIDAY + timedelta(days=1), 0), at(first_free, 0))

    second = completed_follow_up(scheduling, context)  # jumps: 9:00 of the first free day
    assert second["starts_at"] == at(first_free, 9).astimezone(CHICAGO).isoformat()

    freed = backlog[8 * 3 + 2]  # the fourth business day, 11:00: within the 7-day window
    answer = scheduling.post(f"/v1/appointments/{freed['_id']}/cancel", json={"reason": "patient_request"},
                             headers=CLINICIAN)
    assert answer.status_code == 200, answer.json
    assert context.store.follow_up_books.find_one({"_id": "mpls"})["end"] == freed["starts_at"] - DEFAULT_DURATION

    third = completed_follow_up(scheduling, context)
    assert (third["starts_at"], third["late"]) == (freed["starts_at"].astimezone(CHICAGO).isoformat(), False)
