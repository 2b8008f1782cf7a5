"""What every scheduling view needs from the request: the database and the caller's site."""
from flask import current_app
from pymongo.collection import Collection

from shared.http.auth import current_site_id
from shared.sites import Site


def collection(name: str) -> Collection:
    return current_app.extensions["iop"].db[name]


def current_site() -> Site:
    return current_app.extensions["iop"].sites.get(current_site_id())


def page_of_list(items: list, pagination_parameters) -> list:
    """One page of an in-memory list (sessions live inside their schedule document)."""
    pagination_parameters.item_count = len(items)
    first = pagination_parameters.first_item
    return items[first:first + pagination_parameters.page_size]
