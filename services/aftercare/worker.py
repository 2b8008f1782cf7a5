"""The aftercare worker: consumes discharges and the other services' events, relays the outbox and
runs the follow-up and referral sweeps (``python -m services.aftercare.worker``)."""
from services.aftercare.sweeps import sweep_overdue_follow_ups, sweep_referrals
from shared.context import ServiceContext
from shared.worker import Periodic, run_worker

# Due dates are days, so a few minutes' delay is invisible; the state lives in the database, so a
# restart simply sweeps again.
SWEEP_INTERVAL_SECONDS = 300


def sweeps(context: ServiceContext) -> list[Periodic]:
    return [
        Periodic("overdue follow-up sweep", SWEEP_INTERVAL_SECONDS, lambda: sweep_overdue_follow_ups(context)),
        Periodic("referral sweep", SWEEP_INTERVAL_SECONDS, lambda: sweep_referrals(context)),
    ]


def main() -> None:
    from services.aftercare.bootstrap import bootstrap

    run_worker(bootstrap())


if __name__ == "__main__":
    main()
