"""Paging a query for flask-smorest's ``@blp.paginate()`` (``page``, ``page_size``, ``X-Pagination`` header)."""
from shared.store import Documents


def page_of(documents: Documents, query: dict, sort: list[tuple[str, int]], pagination_parameters) -> list[dict]:
    pagination_parameters.item_count = documents.count(query)
    if pagination_parameters.first_item >= pagination_parameters.item_count:
        return []  # past the last page (also keeps a huge page number away from the database's skip)
    return documents.find(query, sort=sort, skip=pagination_parameters.first_item, limit=pagination_parameters.page_size)


def page_of_list(items: list, pagination_parameters) -> list:
    """One page of a list held in one document (e.g. the sessions inside a schedule), counted like ``page_of``."""
    pagination_parameters.item_count = len(items)
    first = pagination_parameters.first_item
    return items[first:first + pagination_parameters.page_size]
