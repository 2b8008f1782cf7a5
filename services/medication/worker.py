"""The medication worker: consumes its events and relays its outbox (``python -m services.medication.worker``)."""
from services.medication.handlers import HANDLERS
from services.medication.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.worker import run_worker


def main() -> None:
    context = ServiceContext("medication", indexes=INDEXES)
    run_worker(context, HANDLERS, OUTBOX_COLLECTIONS)


if __name__ == "__main__":
    main()
