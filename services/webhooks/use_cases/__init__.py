"""The webhooks service's use cases: each takes its input, the cause (or the site), the store and,
when it reaches the network, the delivery settings and the transport (``use_cases/transport.py``)."""
from collections.abc import Callable

from shared.store import Documents

# One page of a query: ``page(documents, query, sort)``; the API pages with the request's parameters.
Page = Callable[[Documents, dict, list[tuple[str, int]]], list[dict]]
