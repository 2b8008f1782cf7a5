"""The intake worker: relays intake's outbox (``python -m services.intake.worker``)."""
from services.intake.handlers import HANDLERS
from services.intake.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.worker import run_worker


def main() -> None:
    context = ServiceContext("intake", indexes=INDEXES)
    run_worker(context, HANDLERS, OUTBOX_COLLECTIONS)


if __name__ == "__main__":
    main()
