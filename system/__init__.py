"""The composition root: the only code that knows every service.

It runs the whole system (``supervisor``: ``make run``), serves the APIs under one base URL
(``gateway``) and the operators' dashboard (``dashboard``), declares the broker topology from
every service's handler table, and holds the operators' command line that spans services (``cli``:
``iop status | journey | dead-letters | seed``; ``pipeline``, ``journey``, ``seed``, ``instance``),
and the check that runs docker-compose.yml without Docker (``compose_check``). ``shared/`` never
imports from here or from a service.
"""
