"""A stream of completions with a fault injected in its middle, as the fault scenarios drive it."""
import threading
import time
import uuid
from collections.abc import Callable

from tests.e2e.accounting import Discharge
from tests.e2e.workflow import register_and_admit

DISCHARGE_DATE = "2026-10-26"


def admit(system, label: str) -> dict:
    return register_and_admit(system, f"{label}-{uuid.uuid4().hex[:10]}")


def complete(system, enrollment: dict, idempotency_key: str | None = None) -> Discharge:
    """Discharge with outcome completed; the API must accept it (200)."""
    headers = {"X-Request-ID": str(uuid.uuid4())}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    answer = system.post(f"/intake/v1/enrollments/{enrollment['id']}/discharge",
                         {"outcome": "completed", "discharge_date": DISCHARGE_DATE}, headers=headers)
    assert answer.status_code == 200, answer.text
    return Discharge(enrollment["id"], enrollment["patient_id"])


class Fault(threading.Thread):
    """Runs ``inject`` on a thread; ``result()`` re-raises what it raised."""

    def __init__(self, inject: Callable[[], object]):
        super().__init__(daemon=True)
        self.inject = inject
        self.error: BaseException | None = None
        self.value = None
        self.took = 0.0

    def run(self):
        started = time.monotonic()
        try:
            self.value = self.inject()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self.error = error
        finally:
            self.took = time.monotonic() - started

    def result(self, timeout: float = 180):
        self.join(timeout)
        assert not self.is_alive(), f"the fault did not end within {timeout}s"
        if self.error is not None:
            raise self.error
        return self.value


def drive(system, label: str, count: int, inject: Callable[[], object], pace: float = 0.5,
          idempotency_keys: bool = False) -> tuple[list[Discharge], object]:
    """Admit and complete ``count`` patients one after another. Once half of them have completed,
    ``inject`` starts on a thread and the stream goes on meanwhile, one patient every ``pace``
    seconds while the fault lasts (so that completions keep flowing through it; past ``count``
    if the fault outlasts the stream, up to three times as many), at full speed after. Returns
    the accepted discharges and what ``inject`` returned."""
    accepted: list[Discharge] = []
    fault = Fault(inject)
    number = 0
    while number < count or (fault.is_alive() and number < 3 * count):
        if number == count // 2:
            fault.start()
        accepted.append(complete(system, admit(system, label), uuid.uuid4().hex if idempotency_keys else None))
        number += 1
        if fault.is_alive():
            time.sleep(pace)  # spreads the stream over the fault; the work itself is awaited by polling
    return accepted, fault.result()
