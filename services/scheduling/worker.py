"""The scheduling worker: consumes its events and relays its outbox (``python -m services.scheduling.worker``)."""
from services.scheduling.handlers import HANDLERS
from services.scheduling.site_settings import check_site_settings
from services.scheduling.store import INDEXES, OUTBOX_COLLECTIONS
from shared.context import ServiceContext
from shared.worker import run_worker


def main() -> None:
    context = ServiceContext("scheduling", indexes=INDEXES, check_sites=check_site_settings)
    run_worker(context, HANDLERS, OUTBOX_COLLECTIONS)


if __name__ == "__main__":
    main()
