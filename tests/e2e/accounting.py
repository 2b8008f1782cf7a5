"""What became of every accepted discharge, counted from outside the running system.

The fault and stateful tiers' proof that nothing accepted is lost or duplicated: for each
discharge its aftercare plans, follow-up appointments and medication reconciliations (over
HTTP, as a client sees them), plus the outbox entries every service still holds (in its own
database, through its store's ``OUTBOX_COLLECTIONS``) and the dead letters on every service's
dead-letter queue (peeked, never removed).
"""
import time
from dataclasses import dataclass

from shared.messaging.dead_letters import list_dead_letters
from shared.worker import RELAY_SAFETY_NET_SECONDS
from system.pipeline import queue_depths
from system.services import SERVICES, bootstrap
from tests.workers import wait_until

FOLLOW_UP = "aftercare_follow_up"
# Quiet for longer than the relay's safety-net interval: an entry publish-after-commit left behind is gone by then.
QUIET_SECONDS = RELAY_SAFETY_NET_SECONDS + 1.0


@dataclass(frozen=True)
class Discharge:
    """A discharge the API accepted (answered 200)."""

    enrollment_id: str
    patient_id: str
    outcome: str = "completed"

    @property
    def completed(self) -> bool:
        return self.outcome == "completed"


def downstream(system, discharge: Discharge) -> dict[str, int]:
    """How many plans, follow-ups and reconciliations exist for one discharge."""
    return {
        "plans": _count(system, "/aftercare/v1/plans", enrollment_id=discharge.enrollment_id),
        "follow_ups": _count(system, "/scheduling/v1/appointments", patient_id=discharge.patient_id, kind=FOLLOW_UP),
        "reconciliations": _count(system, "/medication/v1/reconciliations", enrollment_id=discharge.enrollment_id),
    }


def expected(discharge: Discharge) -> dict[str, int]:
    """One plan and one reconciliation per discharge; one follow-up per completion only."""
    return {"plans": 1, "follow_ups": 1 if discharge.completed else 0, "reconciliations": 1}


def _count(system, path: str, **params) -> int:
    answer = system.get(path, page_size=100, **params)
    assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
    return len(answer.json())


def _contexts(system) -> dict:
    if getattr(system, "_accounting_contexts", None) is None:
        system._accounting_contexts = {service: bootstrap(service, settings=system.settings) for service in SERVICES}
    return system._accounting_contexts


def outbox_left(system, services=SERVICES) -> dict[str, int]:
    """Outbox entries not yet relayed, per service."""
    left = {}
    for service, context in _contexts(system).items():
        if service not in services:
            continue
        left[service] = sum(int(document.get("outbox_pending") or 0)
                            for collection in context.store_class.OUTBOX_COLLECTIONS
                            for document in context.db[collection].find({"outbox_pending": {"$gt": 0}},
                                                                        {"outbox_pending": 1}))
    return left


def dead_letters(system, attempts: int = 3) -> dict[str, list[dict]]:
    """Every service's dead letters (summaries: ids, types, reasons), left where they are. A broker
    slow to open a connection (a loaded machine) is asked again."""
    for attempt in range(1, attempts + 1):
        try:
            return {service: list_dead_letters(system.settings, service, 1000) for service in SERVICES}
        except (OSError, TimeoutError):
            if attempt == attempts:
                raise
            time.sleep(2)


def settle(system, discharges: list[Discharge], timeout: float = 120) -> None:
    """Wait until every discharge has what it should have, then until the system is quiet: every
    outbox and every service queue empty on polls spanning the relay's safety-net interval. The
    chain goes on after the counted steps (a follow-up's booking is itself an event), so one empty
    poll can fall between a message leaving its queue and its handler's outbox entry appearing."""
    quiet_since = None

    def complete() -> bool:
        return all(all(have >= expected(discharge)[kind] for kind, have in downstream(system, discharge).items())
                   for discharge in discharges)

    def quiet() -> bool:
        nonlocal quiet_since
        if any(outbox_left(system).values()) or not _queues_empty(system):
            quiet_since = None
            return False
        quiet_since = quiet_since or time.monotonic()
        return time.monotonic() - quiet_since >= QUIET_SECONDS

    def missing() -> str:
        lacking = [(d.enrollment_id, downstream(system, d)) for d in discharges]
        lacking = [(enrollment, counts) for (enrollment, counts), d in zip(lacking, discharges)
                   if any(counts[kind] < expected(d)[kind] for kind in counts)]
        return f"outbox left {outbox_left(system)}; lacking {lacking[:5]} ({len(lacking)} in all)"

    deadline = time.monotonic() + timeout
    try:
        wait_until(complete, timeout=timeout, interval=1.0, message="the system did not settle")
        wait_until(quiet, timeout=max(deadline - time.monotonic(), QUIET_SECONDS + 5), interval=0.5,
                   message="the system did not go quiet")
    except AssertionError as error:
        raise AssertionError(f"{error}: {missing()}") from None


def _queues_empty(system) -> bool:
    """No message ready in any service's queue; a broker that does not answer counts as not empty."""
    try:
        depths = queue_depths(system.settings)
    except Exception:
        return False
    return not any(found.get("queue") for found in depths.values())


def ledger(system, discharges: list[Discharge]) -> dict:
    """The counts a scenario reports: accepted, plans, follow-ups, reconciliations, duplicates,
    missing, dead letters and outbox entries left."""
    per_discharge = [(discharge, downstream(system, discharge)) for discharge in discharges]
    totals = {kind: sum(counts[kind] for _, counts in per_discharge) for kind in ("plans", "follow_ups", "reconciliations")}
    letters = dead_letters(system)
    return {
        "accepted": len(discharges),
        "completions": sum(discharge.completed for discharge in discharges),
        **totals,
        "duplicates": sum(any(counts[kind] > expected(d)[kind] for kind in counts) for d, counts in per_discharge),
        "missing": sum(any(counts[kind] < expected(d)[kind] for kind in counts) for d, counts in per_discharge),
        "dead_letters": sum(len(found) for found in letters.values()),
        "outbox_left": sum(outbox_left(system).values()),
        "_dead_letter_reasons": [letter["reason"] for found in letters.values() for letter in found][:5],
    }


def assert_nothing_lost(system, discharges: list[Discharge], label: str, timeout: float = 120) -> dict:
    """Settle, print the ledger, and assert exactly one of everything, nothing dead, nothing left."""
    settle(system, discharges, timeout)
    counts = ledger(system, discharges)
    print(f"\n[{label}] " + " ".join(f"{key}={value}" for key, value in counts.items() if not key.startswith("_")))
    completions = counts["completions"]
    others = counts["accepted"] - completions
    assert (counts["duplicates"], counts["missing"]) == (0, 0), counts
    assert counts["plans"] == completions + others and counts["reconciliations"] == completions + others, counts
    assert counts["follow_ups"] == completions, counts
    assert counts["dead_letters"] == 0, counts
    assert counts["outbox_left"] == 0, counts
    return counts
