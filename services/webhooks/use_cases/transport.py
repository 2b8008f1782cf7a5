"""The network edge of the webhooks service: resolving an endpoint's host and sending one webhook.

The operator's settings for sending live here too, read from the environment by the bootstrap:
``IOP_WEBHOOKS_ALLOW_PRIVATE=1`` lets endpoints be plain ``http`` and resolve to loopback or private
addresses (development and tests; never in production).

``post`` never raises: whatever happens becomes an :class:`Attempt`. Redirects are not followed
(a redirect could lead to an address the URL rule refuses) and the answer's body is not read.
"""
import os
import socket
import time
from dataclasses import dataclass
from typing import Protocol

import requests

from services.webhooks.domain.deliveries import CONNECTION, TIMEOUT, Attempt

ALLOW_PRIVATE_SETTING = "IOP_WEBHOOKS_ALLOW_PRIVATE"
USER_AGENT = "iop-webhooks/1"


@dataclass(frozen=True)
class DeliverySettings:
    allow_private: bool = False
    # Seconds to connect and seconds to wait for the answer's headers, per attempt.
    timeout_seconds: float = 5.0
    # Deliveries one sweep sends, in parallel: a sweep lasts at most about one connect timeout and
    # one answer timeout (plus a host's resolution), whatever the receivers do.
    batch_size: int = 16
    parallel: int = 16

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> "DeliverySettings":
        env = os.environ if environ is None else environ
        return cls(allow_private=env.get(ALLOW_PRIVATE_SETTING) == "1")


class Transport(Protocol):
    def resolve(self, host: str, port: int) -> list[str]: ...

    def timestamp(self) -> int: ...

    def post(self, url: str, body: str, headers: dict[str, str], timeout_seconds: float) -> Attempt: ...


class HttpTransport:
    """DNS and HTTPS through the operating system and ``requests``. Tests give their own."""

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses the host resolves to; [] when it does not resolve."""
        try:
            return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
        except (socket.gaierror, UnicodeError, OSError):
            return []

    def timestamp(self) -> int:
        # The wall clock, not shared.clock: receivers compare webhook-timestamp with their own
        # clock to refuse replays, so it is the real instant of sending.
        return int(time.time())

    def post(self, url: str, body: str, headers: dict[str, str], timeout_seconds: float) -> Attempt:
        started = time.monotonic()
        try:
            with requests.post(url, data=body.encode(), timeout=(timeout_seconds, timeout_seconds),
                               allow_redirects=False, stream=True,
                               headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT}) as answer:
                return Attempt.answered(answer.status_code, _since(started))
        except requests.Timeout:
            return Attempt(None, _since(started), TIMEOUT)
        except requests.RequestException:
            return Attempt(None, _since(started), CONNECTION)


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
