"""One base URL for the four APIs by path prefix, as the docker-compose gateway serves them.

``make run`` serves this with one gunicorn; each gunicorn worker builds the four apps after the
fork, each with its own database client. In docker-compose each API runs in its own container
and nginx routes the same prefixes.
"""
from flask import Flask, jsonify
from werkzeug.middleware.dispatcher import DispatcherMiddleware

SERVICES = ("intake", "scheduling", "medication", "aftercare")


def create_gateway():
    from services.aftercare.app import create_app as aftercare
    from services.intake.app import create_app as intake
    from services.medication.app import create_app as medication
    from services.scheduling.app import create_app as scheduling

    index = Flask("gateway")

    @index.get("/")
    def services():
        return jsonify(services={name: {"docs": f"/{name}/docs", "openapi": f"/{name}/openapi.json",
                                        "health": f"/{name}/healthz", "ready": f"/{name}/readyz"}
                                 for name in SERVICES})

    return DispatcherMiddleware(index, {
        "/intake": intake(),
        "/scheduling": scheduling(),
        "/medication": medication(),
        "/aftercare": aftercare(),
    })
