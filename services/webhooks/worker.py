"""The webhooks worker: records a delivery for every event of a site that its endpoints want, and
sends due deliveries in its sweep (``python -m services.webhooks.worker``)."""
from services.webhooks.bootstrap import bootstrap
from shared.worker import run_worker


def main() -> None:
    run_worker(bootstrap())


if __name__ == "__main__":
    main()
