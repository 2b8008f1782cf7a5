"""Broker connections: RabbitMQ when IOP_AMQP_URL is set, else kombu's filesystem transport under IOP_DATA_DIR."""
from kombu import Connection

from shared.config import Settings
from shared.messaging.embedded_transport import JOURNAL_FOLDER
from shared.messaging.embedded_transport import Transport as AtomicFilesystemTransport

HEARTBEAT_SECONDS = 30


def broker_connection(settings: Settings) -> Connection:
    if settings.amqp_url:
        return Connection(
            settings.amqp_url,
            heartbeat=HEARTBEAT_SECONDS,
            connect_timeout=5,
            transport_options={"confirm_publish": True},
        )
    folder = settings.data_dir / "broker"
    queues, control = folder / "queues", folder / "control"
    for path in (queues, queues / JOURNAL_FOLDER, control):
        path.mkdir(parents=True, exist_ok=True)
    return Connection(
        "filesystem://",
        transport=AtomicFilesystemTransport,  # kombu's own can hand a consumer a half-written message
        transport_options={
            "data_folder_in": str(queues),
            "data_folder_out": str(queues),
            "control_folder": str(control),
            "polling_interval": 0.1,
        },
    )


def broker_answers(settings: Settings) -> bool:
    connection = broker_connection(settings)
    try:
        connection.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:
        return False
    finally:
        connection.release()
