"""Medication's HTTP API: one blueprint per resource."""
from flask import current_app
from pymongo.collection import Collection

from shared.context import ServiceContext


def service_context() -> ServiceContext:
    return current_app.extensions["iop"]


def collection(name: str) -> Collection:
    return service_context().db[name]
