"""``/healthz`` (the process lives) and ``/readyz`` (its database and broker answer)."""
from flask import current_app, jsonify

from shared.database import database_answers
from shared.http.problems import problem
from shared.messaging.connection import broker_answers


def install_health(app) -> None:
    @app.get("/healthz", endpoint="healthz")
    def healthz():
        return jsonify(status="alive", service=current_app.extensions["iop"].service)

    @app.get("/readyz", endpoint="readyz")
    def readyz():
        context = current_app.extensions["iop"]
        checks = {
            "database": "ok" if _database_ready(context) else "unavailable",
            "broker": "ok" if broker_answers(context.settings) else "unavailable",
        }
        failed = [name for name, state in checks.items() if state != "ok"]
        if failed:
            return problem(503, "Service unavailable", f"Not ready: {', '.join(failed)} not answering.", checks=checks)
        return jsonify(status="ready", service=context.service, checks=checks)


def _database_ready(context) -> bool:
    try:
        return database_answers(context.db)
    except Exception:  # index set-up on first use fails the same way when the server is down
        return False
