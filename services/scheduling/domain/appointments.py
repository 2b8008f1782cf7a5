"""An appointment outside the program's sessions over its life: booked (the aftercare follow-up at a
completion, or any kind by staff), rescheduled, cancelled, attended or missed; and the events each
step causes.

Staff book any kind of :data:`APPOINTMENT_KINDS` for a patient of the site. A follow-up booked by
staff counts like the automatic one: one live follow-up per discharged enrollment, under the same
natural key (``aftercare_follow_up:<enrollment_id>``), with ``late`` judged against its discharge
date; once that one is cancelled, a new one may be booked (``...:<n>``, n the follow-ups before it).
A patient whose program ended with outcome ``death`` gets no appointment any more.

Rescheduling re-emits ``scheduling.appointment.booked`` with the same ``appointment_id`` and the
new ``starts_at`` (``late`` recomputed for a follow-up), so that aftercare's follow-up task always
points at the time that holds; consumers treat it as "booked or moved", idempotent by id.
A cancellation carries a reason code to every subscriber; what a person wrote about it (``note``)
stays in the appointment's own history.
"""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.scheduling.domain.enrollment_schedules import ENDED
from services.scheduling.domain.follow_up import DEFAULT_DURATION, FOLLOW_UP, FOLLOW_UP_WINDOW_DAYS, FollowUpSlot
from shared.errors import Conflict, IllegalTransition, Invalid, StateMachine
from shared.events.registry import DomainEvent
from shared.events.scheduling import (
    CANCELLATION_REASONS,
    appointment_attended,
    appointment_booked,
    appointment_cancelled,
)

BOOKED, CANCELLED, ATTENDED, NO_SHOW = "booked", "cancelled", "attended", "no_show"
APPOINTMENT_STATUSES = (BOOKED, CANCELLED, ATTENDED, NO_SHOW)
ATTENDANCE_OUTCOMES = (ATTENDED, NO_SHOW)

# What staff may book (POST /appointments); the follow-up is also booked by itself at a completion.
APPOINTMENT_KINDS = (FOLLOW_UP, "individual_therapy", "medication_check_in", "intake_evaluation", "other")
MIN_DURATION_MINUTES, MAX_DURATION_MINUTES = 15, 480
# The discharge outcome after which nothing is booked for the patient, and the code an appointment
# cancelled by a discharge carries.
DEATH = "death"
DISCHARGED = "discharged"

# A taken attendance may be corrected (attended <-> no_show); a cancelled appointment is final.
APPOINTMENT_MACHINE = StateMachine("appointment", {
    BOOKED: {CANCELLED, ATTENDED, NO_SHOW},
    ATTENDED: {NO_SHOW},
    NO_SHOW: {ATTENDED},
})

Outcome = tuple[dict, list[DomainEvent]]


def follow_up_key(enrollment_id: str) -> str:
    """The natural key of a completion's follow-up: exactly one per completed enrollment."""
    return f"{FOLLOW_UP}:{enrollment_id}"


def _history(action: str, now: datetime, by: str, **details) -> dict:
    return {"at": now, "by": by, "action": action, **details}


def _ids(appointment: dict) -> dict:
    return {"appointment_id": appointment["_id"], "patient_id": appointment["patient_id"],
            "enrollment_id": appointment.get("enrollment_id"), "kind": appointment["kind"]}


def booked_event(appointment: dict) -> DomainEvent:
    """``scheduling.appointment.booked`` for the appointment as it now stands."""
    return appointment_booked(**_ids(appointment), starts_at=appointment["starts_at"],
                              late=bool(appointment.get("late")))


def follow_up_booked(*, appointment_id: str, site_id: str, completion: dict, slot: FollowUpSlot, now: datetime,
                     by: str, caused_by: str | None) -> Outcome:
    """The follow-up of a completed enrollment (``completion``: the completed event's payload) in ``slot``."""
    appointment = {
        "_id": appointment_id,
        "site_id": site_id,
        "natural_key": follow_up_key(completion["enrollment_id"]),
        "patient_id": completion["patient_id"],
        "enrollment_id": completion["enrollment_id"],
        "kind": FOLLOW_UP,
        "starts_at": slot.starts_at,
        "ends_at": slot.starts_at + DEFAULT_DURATION,
        "discharge_date": completion["discharge_date"],
        "late": slot.late,
        "status": BOOKED,
        "history": [_history("booked", now, by, starts_at=slot.starts_at)],
        "created_at": now,
        "caused_by": caused_by,
    }
    return appointment, [booked_event(appointment)]


def misses_follow_up_window(appointment: dict, starts_at: datetime, zone: ZoneInfo) -> bool:
    """A follow-up starting after the seventh day past its discharge is late (HEDIS-style measure)."""
    discharge_date: date | None = appointment.get("discharge_date")
    if appointment["kind"] != FOLLOW_UP or discharge_date is None:
        return False
    return starts_at.astimezone(zone).date() > discharge_date + timedelta(days=FOLLOW_UP_WINDOW_DAYS)


def check_future(starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise Invalid({"starts_at": ["Must be in the future."]})


def rescheduled(appointment: dict, *, starts_at: datetime, now: datetime, by: str, zone: ZoneInfo) -> Outcome:
    """A booked appointment moved to ``starts_at`` (same length); Conflict once it is no longer booked,
    Invalid for an instant not in the future."""
    if appointment["status"] != BOOKED:
        raise IllegalTransition("appointment", appointment["status"], "rescheduled")
    check_future(starts_at, now)
    changes = {
        "starts_at": starts_at,
        "ends_at": starts_at + (appointment["ends_at"] - appointment["starts_at"]),
        "late": misses_follow_up_window(appointment, starts_at, zone),
        "history": [*appointment["history"], _history("rescheduled", now, by, starts_at=starts_at)],
    }
    return changes, [booked_event({**appointment, **changes})]


def cancelled(appointment: dict, *, reason: str | None, note: str | None, now: datetime, by: str) -> Outcome | None:
    """The appointment cancelled for ``reason`` (a code); cancelling again changes nothing, and an
    appointment whose attendance was taken is not cancelled (Conflict)."""
    if appointment["status"] == CANCELLED:
        return None
    APPOINTMENT_MACHINE.check(appointment["status"], CANCELLED)
    if reason is not None and reason not in CANCELLATION_REASONS:
        raise Invalid({"reason": [f"Must be one of {', '.join(CANCELLATION_REASONS)}."]})
    details = {key: value for key, value in (("reason", reason), ("note", note)) if value}
    history = [*appointment["history"], _history("cancelled", now, by, status=CANCELLED, **details)]
    return {"status": CANCELLED, "history": history}, [appointment_cancelled(**_ids(appointment), reason=reason)]


def attendance_recorded(appointment: dict, *, status: str, now: datetime, by: str) -> Outcome | None:
    """The appointment marked attended or no_show (a correction is allowed; a cancelled one is final)."""
    if status not in ATTENDANCE_OUTCOMES:
        raise Invalid({"status": [f"Must be one of {', '.join(ATTENDANCE_OUTCOMES)}."]})
    if appointment["status"] == status:
        return None
    APPOINTMENT_MACHINE.check(appointment["status"], status)
    history = [*appointment["history"], _history("attendance", now, by, status=status)]
    event = appointment_attended(**_ids(appointment), status=status, starts_at=appointment["starts_at"])
    return {"status": status, "history": history}, [event]


# --- booked by staff ------------------------------------------------------------------------------

def ended_by_death(schedules: list[dict]) -> bool:
    """Whether one of the patient's enrollments ended with outcome ``death``."""
    return any((schedule.get("ended") or {}).get("outcome") == DEATH for schedule in schedules)


def follow_up_booking_key(schedule: dict, follow_ups: list[dict]) -> str:
    """The natural key of a follow-up staff book for ``schedule``'s enrollment, given the follow-ups it
    has (``follow_ups``); Conflict while the enrollment is not discharged, after a death, or while
    one of its follow-ups is not cancelled."""
    ended = schedule.get("ended") if schedule["status"] == ENDED else None
    if ended is None:
        raise Conflict("The enrollment is not discharged (yet): a follow-up is booked after its discharge.")
    if ended["outcome"] == DEATH:
        raise Conflict("The enrollment ended with outcome death: no follow-up is booked.")
    live = [appointment for appointment in follow_ups if appointment["status"] != CANCELLED]
    if live:
        raise Conflict(f"The enrollment already has its follow-up appointment {live[0]['_id']}; reschedule it.")
    key = follow_up_key(schedule["enrollment_id"])
    return key if not follow_ups else f"{key}:{len(follow_ups)}"


def staff_booked(*, appointment_id: str, site_id: str, natural_key: str, fields: dict, discharge_date: date | None,
                 now: datetime, by: str, zone: ZoneInfo) -> Outcome:
    """An appointment staff booked (``fields``: patient_id, kind, starts_at, duration_minutes,
    enrollment_id?); Invalid for an instant not in the future or a duration out of bounds."""
    starts_at = fields["starts_at"]
    check_future(starts_at, now)
    minutes = fields["duration_minutes"]
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise Invalid({"duration_minutes": [f"Must be {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes."]})
    appointment = {
        "_id": appointment_id,
        "site_id": site_id,
        "natural_key": natural_key,
        "patient_id": fields["patient_id"],
        "enrollment_id": fields.get("enrollment_id"),
        "kind": fields["kind"],
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "discharge_date": discharge_date,
        "late": False,
        "status": BOOKED,
        "booked_by_staff": True,
        "history": [_history("booked", now, by, starts_at=starts_at)],
        "created_at": now,
        "caused_by": None,
    }
    appointment["late"] = misses_follow_up_window(appointment, starts_at, zone)
    return appointment, [booked_event(appointment)]
