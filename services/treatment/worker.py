"""The treatment worker: consumes intake's and scheduling's events, relays its outbox and runs the
plan-due and overdue-note sweeps (``python -m services.treatment.worker``)."""
from services.treatment.bootstrap import bootstrap
from shared.worker import run_worker


def main() -> None:
    run_worker(bootstrap())


if __name__ == "__main__":
    main()
