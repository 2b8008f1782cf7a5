"""The embedded database stand-in for benchmarks that bootstrap services in their own process."""
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.config import DEMO_SITES_FILE, Settings, load_settings
from shared.embedded.mongo import start_stand_in
from tests.backends import free_port


@contextmanager
def stand_in_settings() -> Iterator[tuple[Settings, int]]:
    """Settings on a fresh stand-in (a free port, a temporary folder, the demo sites) and its pid;
    the stand-in is stopped on leaving."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = start_stand_in(Path(folder), port=port)
        try:
            yield load_settings({"IOP_MONGO_URL": f"mongodb://127.0.0.1:{port}",
                                 "IOP_DATA_DIR": str(Path(folder) / "var"),
                                 "IOP_SITES_FILE": str(DEMO_SITES_FILE)}), server.pid
        finally:
            server.terminate()
            server.wait(timeout=15)
