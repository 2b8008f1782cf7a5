"""The composition root: the only code that knows every service.

It runs the whole system (``supervisor``: ``make run``), serves the APIs under one base URL
(``gateway``), declares the broker topology from every service's handler table, and holds the
operators' commands that span services (``trace``, ``dead_letters``). ``shared/`` never imports
from here or from a service.
"""
