"""gunicorn settings every API process uses (``gunicorn -c python:shared.http.gunicorn_conf ...``).

- ``gthread`` workers: a connection waits on a thread, not on the whole worker, so a few slow or
  stalled clients cannot stall an API (a sync worker is held by one slow client until its timeout).
  In docker-compose, nginx in front also buffers whole requests before passing them on.
- Request line and header limits are gunicorn's own checks; the errors gunicorn answers itself
  (400, 414, 431...) are written as problem+json like every other error, not as its HTML page.
- No control socket: every gunicorn on a host would otherwise share one default path.
"""
import json
import os

from gunicorn import util

from shared.http.problems import PROBLEM_TYPE_BASE

worker_class = "gthread"
threads = int(os.environ.get("IOP_API_THREADS", "8"))
timeout = 30
graceful_timeout = 10
keepalive = 5
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
control_socket_disable = True


def write_problem(sock, status_int, reason, mesg):
    body = json.dumps({"type": PROBLEM_TYPE_BASE + reason.lower().replace(" ", "-"), "title": reason,
                       "status": status_int, "detail": mesg}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin1")
    util.write_nonblock(sock, head + body)


util.write_error = write_problem
