"""Recording a routine check-in, and a patient's adherence over a period."""
import uuid
from datetime import date, datetime, time, timedelta

from services.medication.domain import check_ins as rules
from services.medication.store import MedicationStore
from services.medication.use_cases.roster import find_patient, require_patient
from shared import clock
from shared.cause import Cause
from shared.sites import Site


def record_check_in(store: MedicationStore, cause: Cause, report: dict) -> dict:
    """A check-in of a patient of the cause's site; any side effect reported emits
    medication.side_effect.reported in the same write."""
    require_patient(store, cause.site_id, report["patient_id"])
    check_in, events = rules.new_check_in(str(uuid.uuid4()), report, clock.now(), cause.actor)
    return store.check_ins.insert({**check_in, "site_id": cause.site_id}, events, cause)


def adherence(store: MedicationStore, site: Site, patient_id: str, start: date | None, end: date | None) -> dict:
    """Adherence over the check-ins from ``start`` to ``end`` (site calendar days, both included),
    by default the last 30 days including today; NotFound when the patient is not known at the site."""
    find_patient(store, site.id, patient_id)
    start, end = rules.adherence_period(site.today(), start, end)
    # The period's first and last instants at the site; the domain then counts by the site's calendar day.
    since = datetime.combine(start, time(), tzinfo=site.zone)
    until = datetime.combine(end + timedelta(days=1), time(), tzinfo=site.zone)
    check_ins = store.check_ins.find({"site_id": site.id, "patient_id": patient_id,
                                      "checked_in_at": {"$gte": since, "$lt": until}})
    return {"patient_id": patient_id, "start": start, "end": end,
            **rules.adherence_rate(check_ins, start, end, tz=site.zone)}
