"""The other services as aftercare's packet (and medication's print) read them, with no real network:
their Flask apps, or small stand-ins, mounted under their prefixes in a werkzeug DispatcherMiddleware
as the gateway mounts them, served by a werkzeug server on 127.0.0.1 in a thread. Events between
the services are carried by hand: each service's pending outbox entries go to the handlers of the
services that subscribe to them."""
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, jsonify
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from shared.events import load_event
from tests.conftest import pending_events


@contextmanager
def serving(mounts: dict) -> Iterator[str]:
    """``{"/intake": app, ...}`` served at the URL yielded; any other path answers 404."""
    nowhere = Flask("nowhere")
    server = make_server("127.0.0.1", 0, DispatcherMiddleware(nowhere, mounts), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def stand_in(name: str, routes: dict) -> Flask:
    """A service stand-in answering ``{path: JSON answer}`` (a callable answer is called), 404 otherwise."""
    app = Flask(name)
    for index, (path, answer) in enumerate(routes.items()):
        app.add_url_rule(path, f"route{index}",
                         lambda answer=answer, **path_values: jsonify(answer() if callable(answer) else answer))
    return app


class EventCarrier:
    """Carries events from the services' outboxes to their subscribers' handlers, each once."""

    def __init__(self, contexts: dict):
        self.contexts = contexts  # service -> ServiceContext
        self.carried: set[str] = set()

    def carry(self) -> int:
        """Deliver every pending event not carried yet, until none is left; how many were carried."""
        carried = 0
        while True:
            fresh = [envelope for context in self.contexts.values()
                     for collection in context.store_class.OUTBOX_COLLECTIONS
                     for envelope in pending_events(context, collection) if envelope["event_id"] not in self.carried]
            if not fresh:
                return carried
            for envelope in sorted(fresh, key=lambda envelope: envelope["occurred_at"]):
                self.carried.add(envelope["event_id"])
                event = load_event(envelope)
                for context in self.contexts.values():
                    handler = context.handlers.get(event.event_type)
                    if handler is not None:
                        handler(event, context)
                carried += 1
