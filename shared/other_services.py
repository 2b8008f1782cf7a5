"""Reading other services' APIs for a document people read (aftercare's referral packet,
medication's printed list), at request time, with the caller's own key (ARCHITECTURE.md §9: a read
for people may compose other services' APIs; a workflow never waits on another service).

Every read goes through the gateway base URL, carries the caller's ``Authorization``,
``X-Request-ID`` and ``X-Actor`` (so that each service checks the caller's rights and audits the
read itself), and has short timeouts. A read that fails gives the reason (which service, what went
wrong), never the answer's body, which may hold patient data. The Flask side (the caller's headers,
the configured base URL) is :mod:`shared.http.other_services`.
"""
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

log = logging.getLogger(__name__)

# Seconds to connect, then to wait for the answer: a slow service leaves its part missing.
CONNECT_TIMEOUT = 1.0
READ_TIMEOUT = 4.0


@dataclass(frozen=True)
class Read:
    """What reading another service's API gave: its JSON answer, or why there is none."""

    answer: object = None
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass
class Gateway:
    """The other services' APIs as the caller may read them."""

    base_url: str
    headers: dict
    session: requests.Session = field(default_factory=requests.Session)
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)

    def read(self, path: str, **params) -> Read:
        """GET ``path`` (``/intake/v1/...``): its JSON answer, or why there is none."""
        service = path.strip("/").split("/", 1)[0]
        try:
            answer = self.session.get(self.base_url.rstrip("/") + path, params=params or None, headers=self.headers,
                                      timeout=self.timeout, allow_redirects=False)
        except requests.Timeout:
            return Read(failure=f"{service} did not answer within {self.timeout[1]:g} s")
        except requests.RequestException as error:
            return Read(failure=f"{service} could not be reached ({type(error).__name__})")
        if answer.status_code != 200:
            log.info("read of %s: %s", service, answer.status_code)
            return Read(failure=f"{service} answered {answer.status_code} {_title(answer)}".rstrip())
        try:
            return Read(answer.json())
        except ValueError:
            return Read(failure=f"{service} answered something that is not JSON")

    def read_all(self, reads: dict[str, Callable[[], Read]]) -> dict[str, Read]:
        """Several reads at once, so that the slowest service sets the wait, not their sum."""
        with ThreadPoolExecutor(max_workers=max(1, len(reads))) as pool:
            futures = {name: pool.submit(read) for name, read in reads.items()}
            return {name: future.result() for name, future in futures.items()}


def _title(answer: requests.Response) -> str:
    # A problem+json answer's title says what went wrong without any patient data ("Not Found").
    try:
        body = answer.json()
    except ValueError:
        return ""
    return f"({body['title']})" if isinstance(body, dict) and isinstance(body.get("title"), str) else ""
