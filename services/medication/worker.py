"""The medication worker: consumes its events and relays its outbox (``python -m services.medication.worker``)."""
from services.medication.bootstrap import bootstrap
from shared.worker import run_worker


def main() -> None:
    run_worker(bootstrap())


if __name__ == "__main__":
    main()
