"""Events as other services send them to aftercare, and readings many use-case tests share."""
from datetime import date, datetime, timezone

from services.aftercare.store import plan_id_for, plan_task_id
from services.aftercare.use_cases.plans import create_plan_on_discharge
from shared.cause import Cause
from shared.events import Event, load_event
from tests.conftest import make_envelope

# Noon at the demo sites (America/Chicago) on the day the tests were written: the pinned clock.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
DISCHARGE_DAY = date(2026, 10, 26)  # a Monday at a site open Monday to Friday
FOLLOW_UP_AT = datetime(2026, 10, 29, 15, 0, tzinfo=timezone.utc)  # the Thursday after, 10:00 at the site
STEP_DOWN = {"level_of_care": "outpatient_therapy", "provider_id": "npi:1234567893"}


class Crash(Exception):
    """The process dying between two writes (raised from a patched store method)."""


def arrival(event_type: str, payload: dict, occurred_at: datetime | None = None, site_id: str = "mpls") -> Event:
    """An event as the consumer hands it over: made by its producer's builder, then loaded."""
    return load_event(make_envelope(event_type, payload, site_id=site_id, occurred_at=occurred_at))


def cause_of(event: Event) -> Cause:
    return Cause.of_event(event, actor="aftercare")


def completion(enrollment_id: str = "enr-1", outcome: str = "completed", step_down: dict | None = STEP_DOWN,
               discharge_date: date = DISCHARGE_DAY) -> Event:
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return arrival(event_type, {
        "enrollment_id": enrollment_id, "patient_id": "pat-1", "program": "mh-adult", "start_date": date(2026, 9, 1),
        "discharge_date": discharge_date, "outcome": outcome, "step_down": step_down})


def booking(appointment_id: str = "appt-1", starts_at: datetime = FOLLOW_UP_AT, late: bool = False,
            occurred_at: datetime | None = None, kind: str = "aftercare_follow_up") -> Event:
    return arrival("scheduling.appointment.booked", {
        "appointment_id": appointment_id, "patient_id": "pat-1", "enrollment_id": "enr-1", "kind": kind,
        "starts_at": starts_at, "late": late}, occurred_at=occurred_at)


def attendance(appointment_id: str = "appt-1", starts_at: datetime = FOLLOW_UP_AT, status: str = "attended") -> Event:
    return arrival("scheduling.appointment.attended", {
        "appointment_id": appointment_id, "patient_id": "pat-1", "enrollment_id": "enr-1",
        "kind": "aftercare_follow_up", "status": status, "starts_at": starts_at})


def cancellation(appointment_id: str = "appt-1") -> Event:
    return arrival("scheduling.appointment.cancelled", {
        "appointment_id": appointment_id, "patient_id": "pat-1", "enrollment_id": "enr-1", "kind": "aftercare_follow_up"})


def reconciliation(reconciliation_id: str = "rec-1", occurred_at: datetime | None = None) -> Event:
    return arrival("medication.reconciliation.completed", {
        "reconciliation_id": reconciliation_id, "enrollment_id": "enr-1", "patient_id": "pat-1",
        "medication_count": 3}, occurred_at=occurred_at)


def discharge(store, site, **fields) -> dict:
    """The plan a completion (or another discharge) makes, as the use case returns it."""
    ended = completion(**fields)
    return create_plan_on_discharge(store, cause_of(ended), site, ended)


def plan_task(store, kind: str, enrollment_id: str = "enr-1") -> dict | None:
    return store.tasks.find_one({"_id": plan_task_id(plan_id_for("mpls", enrollment_id), kind)})


def events(store, collection: str, event_type: str | None = None) -> list[dict]:
    """The envelopes waiting in a collection's outboxes, oldest first, optionally of one type."""
    envelopes = [envelope for document in store.db[collection].find()
                 for envelope in (document.get("outbox") or {}).values()]
    envelopes.sort(key=lambda envelope: envelope["occurred_at"])
    return [envelope for envelope in envelopes if event_type is None or envelope["event_type"] == event_type]


def all_events(store, event_type: str) -> list[dict]:
    return [envelope for collection in ("plans", "tasks", "referrals") for envelope in events(store, collection, event_type)]


# -- second round: consents, treatment, intensity, and the other services' APIs as the packet reads them

SUD_STEP_DOWN = {"level_of_care": "outpatient_therapy", "provider_id": "npi:1234567893"}


def sud_completion(enrollment_id: str = "enr-1", step_down: dict | None = SUD_STEP_DOWN, outcome: str = "completed",
                   discharge_date: date = DISCHARGE_DAY) -> Event:
    """A completion of the adult substance-use IOP (a Part 2 program in the demo catalog)."""
    event_type = "intake.enrollment.completed" if outcome == "completed" else "intake.enrollment.discharged"
    return arrival(event_type, {
        "enrollment_id": enrollment_id, "patient_id": "pat-1", "program": "sud-adult", "start_date": date(2026, 8, 3),
        "discharge_date": discharge_date, "outcome": outcome, "step_down": step_down})


def consent(event_type: str = "intake.consent.granted", consent_id: str = "con-1", recipient_id: str | None = None,
            purpose: str = "treatment", expires_on: date | None = None, revoked_on: date | None = None,
            occurred_at: datetime | None = None, scope: tuple = ("referral_packet",),
            expiry_event: str | None = None) -> Event:
    """A consent as intake reports it: to one provider, or (no recipient_id) to the TPO class."""
    payload = {"consent_id": consent_id, "patient_id": "pat-1", "scope": list(scope), "recipient_id": recipient_id,
               "recipient_class": None if recipient_id else "tpo", "purpose": purpose, "expires_on": expires_on,
               "expiry_event": expiry_event}
    if event_type == "intake.consent.revoked":
        payload["revoked_on"] = revoked_on or date(2026, 11, 20)
    return arrival(event_type, payload, occurred_at=occurred_at)


def review_due(kind: str = "initial_plan", due_date: date = date(2026, 11, 20), plan_id: str | None = None,
               trigger: str | None = None) -> Event:
    return arrival("treatment.plan.review_due", {"enrollment_id": "enr-1", "patient_id": "pat-1", "plan_id": plan_id,
                                                 "due_date": due_date, "kind": kind, "trigger": trigger})


def plan_activated(plan_id: str = "tp-1") -> Event:
    return arrival("treatment.plan.activated", {"plan_id": plan_id, "enrollment_id": "enr-1", "patient_id": "pat-1",
                                                "version": 1, "next_review_date": date(2026, 12, 20)})


def plan_reviewed(review_id: str = "rev-1", reviewed_on: date = date(2026, 11, 21),
                  next_review_date: date = date(2026, 12, 21)) -> Event:
    return arrival("treatment.plan.reviewed", {"plan_id": "tp-1", "review_id": review_id, "enrollment_id": "enr-1",
                                               "patient_id": "pat-1", "reviewed_on": reviewed_on,
                                               "next_review_date": next_review_date})


def note_overdue(note_id: str = "note-1", author_role: str = "group_facilitator") -> Event:
    return arrival("treatment.note.overdue", {"note_id": note_id, "enrollment_id": "enr-1", "patient_id": "pat-1",
                                              "session_id": "ses-1", "author_role": author_role,
                                              "due_at": datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)})


def note_signed(note_id: str = "note-1") -> Event:
    return arrival("treatment.note.signed", {"note_id": note_id, "enrollment_id": "enr-1", "patient_id": "pat-1",
                                             "session_id": "ses-1", "kind": "group", "late_entry": True})


def intensity_below(week_start: date = date(2026, 11, 16)) -> Event:
    return arrival("scheduling.intensity.below_minimum", {
        "enrollment_id": "enr-1", "patient_id": "pat-1", "program": "mh-adult", "week_start": week_start,
        "attended_minutes": 300, "minimum_minutes": 540})


def summary_drafted(summary_id: str = "sum-1", unmet: tuple = ("obj-2", "obj-3"),
                    occurred_at: datetime | None = None) -> Event:
    return arrival("treatment.discharge_summary.drafted", {
        "summary_id": summary_id, "enrollment_id": "enr-1", "patient_id": "pat-1", "plan_id": "tp-1",
        "objectives_met": 1, "objectives_not_met": len(unmet), "unmet_objective_ids": list(unmet)},
        occurred_at=occurred_at)


# -- the suicide-risk pathway and missed re-measurements

SCREEN_AT = datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc)  # Tuesday 10:00 at the site


def risk_flag(assessment_id: str = "asm-1", instrument: str = "PHQ-9", risk_level: str | None = None,
              occurred_at: datetime = SCREEN_AT, patient_id: str = "pat-1", enrollment_id: str | None = None,
              site_id: str = "mpls") -> Event:
    flags = ["suicide_risk"] if instrument == "C-SSRS" else ["suicidal_ideation"]
    return arrival("intake.risk.flagged", {"assessment_id": assessment_id, "patient_id": patient_id,
                                           "enrollment_id": enrollment_id, "instrument": instrument,
                                           "risk_flags": flags, "risk_level": risk_level}, occurred_at=occurred_at,
                   site_id=site_id)


def cssrs_recorded(risk_level: str = "low", assessment_id: str = "asm-2", occurred_at: datetime = SCREEN_AT,
                   patient_id: str = "pat-1") -> Event:
    """A C-SSRS screen as intake.assessment.recorded carries it: its severity is its risk level."""
    return arrival("intake.assessment.recorded", {
        "assessment_id": assessment_id, "patient_id": patient_id, "enrollment_id": None, "instrument": "C-SSRS",
        "total_score": 1, "severity": risk_level,
        "risk_flags": ["suicide_risk"] if risk_level in ("moderate", "high") else []}, occurred_at=occurred_at)


def safety_plan_recorded(version: int = 1, safety_plan_id: str | None = None, occurred_at: datetime = SCREEN_AT,
                         patient_id: str = "pat-1") -> Event:
    return arrival("intake.safety_plan.recorded", {
        "safety_plan_id": safety_plan_id or f"sp-{version}", "patient_id": patient_id, "enrollment_id": None,
        "version": version, "assessment_id": None}, occurred_at=occurred_at)


def measurement_overdue(instrument: str = "PHQ-9", due_date: date = date(2026, 11, 20),
                        occurred_at: datetime | None = None) -> Event:
    return arrival("intake.measurement.overdue", {"enrollment_id": "enr-1", "patient_id": "pat-1",
                                                  "instrument": instrument, "due_date": due_date},
                   occurred_at=occurred_at)


class StubGateway:
    """The other services' APIs as the packet reads them, answered from a table: ``{path: answer}``
    (a path not in the table could not be reached). Records what was asked."""

    def __init__(self, answers: dict | None = None):
        self.answers = answers or {}
        self.asked: list[tuple[str, dict]] = []

    def read(self, path: str, **params):
        from shared.other_services import Read

        self.asked.append((path, params))
        if path not in self.answers:
            return Read(failure=f"{path.strip('/').split('/')[0]} could not be reached (ConnectionError)")
        answer = self.answers[path]
        return answer if isinstance(answer, Read) else Read(answer)

    def read_all(self, reads: dict) -> dict:
        return {name: read() for name, read in reads.items()}
