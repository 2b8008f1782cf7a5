"""Entry point of the stand-in with its logging capped at ERROR, and its schema lookups remembered.

At INFO it logs every command with its values (an MRN searched, a name prefix): protected health
information must not reach logs, so its root logger is configured before its own basicConfig runs.

Each command it serves first asks SQLite's catalogue the same questions: which collections exist
(before every insert and find), which indexes a collection has (for every field of a filter), and
which column holds ``_id``. The answers change only when the schema does, so they are remembered
per connection and SQLite's ``schema_version`` (which every CREATE and DROP changes, whichever
connection made it) decides when they are stale: one cheap PRAGMA instead of a catalogue query
and its rows turned into Python objects (``python -m bench.stand_in``, bench/RESULTS.md). Asked
for with ``--remember-schema-lookups``, as ``shared.embedded.mongo.start_stand_in`` does.
"""
import functools
import logging
import sys

from neosqlite.collection import Collection
from neosqlite.collection.index_manager import IndexManager
from neosqlite.connection import Connection
from nx_27017.nx_27017 import main

from shared.embedded.mongo import REMEMBER_SCHEMA_LOOKUPS


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


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    if REMEMBER_SCHEMA_LOOKUPS in sys.argv:
        sys.argv.remove(REMEMBER_SCHEMA_LOOKUPS)
        remember_schema_lookups()
    sys.exit(main())
