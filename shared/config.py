"""Configuration from the environment (names pinned in CONTRACT.md); unset means the embedded default."""
import os
from dataclasses import dataclass
from pathlib import Path

DEMO_SITES_FILE = Path(__file__).parent / "embedded" / "demo_sites.json"


@dataclass(frozen=True)
class Settings:
    mongo_url: str | None  # None: the embedded stand-in that `make run` starts
    amqp_url: str | None  # None: kombu's filesystem transport under the data dir
    sites_file: Path
    data_dir: Path
    http_port: int
    # Prefix of every exchange and queue name, so that test runs can share one broker safely.
    broker_namespace: str = "iop"
    # How long a publish waits for the broker's confirm, and how often it is tried.
    confirm_timeout_seconds: float = 5.0
    publish_attempts: int = 3
    # Deliveries of one message before it is dead-lettered.
    delivery_limit: int = 5

    def database_name(self, service: str) -> str:
        # One database per service (ARCHITECTURE.md §1); the namespace keeps test runs apart.
        return service if self.broker_namespace == "iop" else f"{self.broker_namespace}_{service}"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("IOP_DATA_DIR") or "./var").resolve()
    return Settings(
        mongo_url=env.get("IOP_MONGO_URL") or None,
        amqp_url=env.get("IOP_AMQP_URL") or None,
        sites_file=Path(env.get("IOP_SITES_FILE") or DEMO_SITES_FILE),
        data_dir=data_dir,
        http_port=int(env.get("IOP_HTTP_PORT") or 8000),
        broker_namespace=env.get("IOP_BROKER_NAMESPACE") or "iop",
    )
