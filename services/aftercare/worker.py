"""The aftercare worker: consumes discharges and the other services' events, relays the outbox
(``python -m services.aftercare.worker``)."""
from services.aftercare.handlers import HANDLERS
from services.aftercare.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.worker import run_worker


def main() -> None:
    context = ServiceContext("aftercare", indexes=INDEXES)
    run_worker(context, HANDLERS, OUTBOX_COLLECTIONS)


if __name__ == "__main__":
    main()
