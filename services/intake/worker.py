"""The intake worker: relays intake's outbox and runs its measurement sweep (``python -m services.intake.worker``)."""
from services.intake.bootstrap import bootstrap
from shared.worker import run_worker


def main() -> None:
    run_worker(bootstrap())


if __name__ == "__main__":
    main()
