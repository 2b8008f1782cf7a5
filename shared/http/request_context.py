"""Request ids: ``X-Request-ID`` (made when absent) becomes the ``correlation_id`` of every event a request causes."""
import re
import uuid

from flask import g, request

_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def install_request_id(app) -> None:
    @app.before_request
    def assign_request_id():
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if _ACCEPTABLE_ID.match(offered) else str(uuid.uuid4())

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response


def correlation_id() -> str:
    return g.request_id
