"""Log format for every process. Logs carry ids, types and statuses: never names, contact details or notes."""
import logging
import os


def configure_logging(process_name: str) -> None:
    logging.basicConfig(
        level=os.environ.get("IOP_LOG_LEVEL", "INFO"),
        format=f"%(asctime)s {process_name} %(levelname)s %(name)s: %(message)s",
    )
    # kombu and amqp log connection URLs and bodies at DEBUG; pymongo logs commands at DEBUG.
    for noisy in ("kombu", "amqp", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
