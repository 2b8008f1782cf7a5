"""The suicide-risk pathway: screens and safety plans as intake reports them, the same-day
safety_screening task a positive screen opens, and its completion, refused until a risk level and
a safety plan are recorded on or after the screen (domain/suicide_risk.py).

Each event first makes the patient's record if it is missing, then adds itself under its natural
key (the assessment, the safety plan version): redeliveries change nothing, and every order of
arrival ends in the same record. Plans read the record when they are answered, so a safety plan
written after the plan was made is the one the plan names.
"""
import logging
from collections.abc import Callable

from services.aftercare.domain import suicide_risk as rules
from services.aftercare.store import AftercareStore, patient_safety_id
from services.aftercare.use_cases.tasks import raise_safety_screening, settle_re_measurements
from shared.cause import Cause
from shared.events import Event
from shared.sites import Site

log = logging.getLogger(__name__)


def record_risk_flag(store: AftercareStore, cause: Cause, site: Site, risk_flag: Event) -> dict:
    """intake.risk.flagged: keep the screen (with its risk level, for the C-SSRS), then open the
    same-day safety_screening task."""
    payload = risk_flag.payload
    _record(store, site, payload["patient_id"], lambda record: rules.screen_recorded(
        record, payload["assessment_id"], rules.screen_of(payload, risk_flag.occurred_at, _day(site, risk_flag))))
    return raise_safety_screening(store, cause, site, risk_flag)


def record_assessment(store: AftercareStore, cause: Cause, site: Site, recorded: Event) -> None:
    """intake.assessment.recorded: a C-SSRS screen records a risk level, whether or not it raised a
    flag (``none`` and ``low`` do not); any instrument settles its missed re-measurements."""
    settle_re_measurements(store, cause, site, recorded)
    payload = recorded.payload
    screen = rules.leveled_assessment(payload, recorded.occurred_at, _day(site, recorded))
    if screen is not None:
        _record(store, site, payload["patient_id"],
                lambda record: rules.screen_recorded(record, payload["assessment_id"], screen))


def record_safety_plan(store: AftercareStore, cause: Cause, site: Site, recorded: Event) -> None:
    """intake.safety_plan.recorded: keep the version; the highest one heard of is the plan in force."""
    payload = recorded.payload
    plan = rules.safety_plan_of(payload, recorded.occurred_at, _day(site, recorded))
    _record(store, site, payload["patient_id"],
            lambda record: rules.safety_plan_recorded(record, payload["safety_plan_id"], plan))
    log.info("safety plan %s (version %s) recorded", payload["safety_plan_id"], payload["version"])


def safety_record_of(store: AftercareStore, site_id: str, patient_id: str) -> dict | None:
    return store.patient_safety.find_one({"_id": patient_safety_id(site_id, patient_id), "site_id": site_id})


def safety_summary(store: AftercareStore, site_id: str, patient_id: str) -> dict:
    """What a plan shows of the pathway: the current safety plan and the latest risk level."""
    record = safety_record_of(store, site_id, patient_id)
    return {"safety_plan": rules.current_safety_plan(record), "suicide_risk": rules.latest_risk_level(record)}


def _record(store: AftercareStore, site: Site, patient_id: str, change: Callable[[dict], dict | None]) -> None:
    """Apply ``change(record) -> fields or None`` to the patient's record, made if missing."""
    record_id = patient_safety_id(site.id, patient_id)
    store.patient_safety.insert_once({"_id": record_id, "site_id": site.id, "patient_id": patient_id,
                                      "screens": {}, "safety_plans": {}})

    def fields_and_no_events(record):
        fields = change(record)
        return None if fields is None else (fields, [])

    store.patient_safety.modify({"_id": record_id, "site_id": site.id}, fields_and_no_events)


def _day(site: Site, event: Event):
    return event.occurred_at.astimezone(site.zone).date()
