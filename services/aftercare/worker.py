"""The aftercare worker: consumes discharges and the other services' events, relays the outbox and
runs the follow-up and referral sweeps (``python -m services.aftercare.worker``)."""
from services.aftercare.bootstrap import bootstrap
from shared.worker import run_worker


def main() -> None:
    run_worker(bootstrap())


if __name__ == "__main__":
    main()
