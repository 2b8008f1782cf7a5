"""Entry point of the stand-in with its logging capped at ERROR, its schema lookups remembered and
its projections made without copying the document.

At INFO it logs every command with its values (an MRN searched, a name prefix): protected health
information must not reach logs, so its root logger is configured before its own basicConfig runs.

Each command it serves first asks SQLite's catalogue the same questions: which collections exist
(before every insert and find), which indexes a collection has (for every field of a filter), and
which column holds ``_id``. The answers change only when the schema does, so they are remembered
per connection and SQLite's ``schema_version`` (which every CREATE and DROP changes, whichever
connection made it) decides when they are stale: one cheap PRAGMA instead of a catalogue query
and its rows turned into Python objects (``python -m bench.stand_in``, bench/RESULTS.md). Asked
for with ``--remember-schema-lookups``, as ``shared.embedded.mongo.start_stand_in`` does.

A projection (``{"outbox": 1}``, ``{"_id": 1}``) made neosqlite deep-copy each document it read
before picking fields out of it: a sixth of the stand-in's busy time under ``bench.completions``
(py-spy). The document was just decoded from its row for this one command, so nothing else can see
it; a projection of top-level fields (every one the services make) is now picked from it directly,
with the same answer, field order included. Asked for with ``--project-without-copying``.
"""
import functools
import logging
import sys

from neosqlite.collection import Collection
from neosqlite.collection.index_manager import IndexManager
from neosqlite.collection.query_helper import QueryHelper
from neosqlite.connection import Connection
from nx_27017.nx_27017 import main

from shared.embedded.mongo import PROJECT_WITHOUT_COPYING, REMEMBER_SCHEMA_LOOKUPS


def remembered_until_the_schema_changes(method, sqlite_of):
    """``method``, its answers kept per object and arguments until the database's schema changes.
    Each call still gets its own copy of a list answer, which the caller may change."""

    @functools.wraps(method)
    def remembered(self, *args, **kwargs):
        version = sqlite_of(self).execute("PRAGMA schema_version").fetchone()[0]
        memory = self.__dict__.get("_answers_of_schema")
        if memory is None or memory[0] != version:
            memory = self.__dict__["_answers_of_schema"] = (version, {})
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        if key not in memory[1]:
            memory[1][key] = method(self, *args, **kwargs)
        answer = memory[1][key]
        return [list(item) if isinstance(item, list) else item for item in answer] if isinstance(answer, list) else answer

    return remembered


def remember_schema_lookups() -> None:
    Connection.list_collection_names = remembered_until_the_schema_changes(
        Connection.list_collection_names, lambda connection: connection.db)
    IndexManager.list_indexes = remembered_until_the_schema_changes(
        IndexManager.list_indexes, lambda manager: manager.collection.db)
    Collection._id_column = property(remembered_until_the_schema_changes(
        Collection._id_column.fget, lambda collection: collection.db))


def is_plain_projection(projection: dict) -> bool:
    """Only top-level fields, each included (1) or excluded (0): no paths, operators or expressions."""
    return all(isinstance(key, str) and "." not in key and not key.startswith("$")
               and type(value) in (int, bool) and value in (0, 1) for key, value in projection.items())


def project_without_copying(apply_projection):
    """neosqlite's ``_apply_projection``, answering a plain projection from the document itself
    (rules as neosqlite's: any field at 1 makes it an inclusion, ``_id`` kept unless at 0)."""

    @functools.wraps(apply_projection)
    def project(self, projection, document):
        if not projection or not isinstance(document, dict) or not is_plain_projection(projection):
            return apply_projection(self, projection, document)
        if any(value == 1 for value in projection.values()):
            picked = {key: document[key] for key, value in projection.items() if value == 1 and key in document}
            if projection.get("_id", 1) == 1 and "_id" in document:
                picked["_id"] = document["_id"]
            return picked
        return {key: value for key, value in document.items() if projection.get(key, 1) != 0}

    return project


def make_projections_without_copying() -> None:
    QueryHelper._apply_projection = project_without_copying(QueryHelper._apply_projection)


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    if REMEMBER_SCHEMA_LOOKUPS in sys.argv:
        sys.argv.remove(REMEMBER_SCHEMA_LOOKUPS)
        remember_schema_lookups()
    if PROJECT_WITHOUT_COPYING in sys.argv:
        sys.argv.remove(PROJECT_WITHOUT_COPYING)
        make_projections_without_copying()
    sys.exit(main())
