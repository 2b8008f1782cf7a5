"""The stand-in's catalogue lookups are remembered only until the schema changes
(shared/embedded/mongo_server.py): the same answer without asking SQLite again while nothing is
created or dropped, a fresh one after any CREATE or DROP, whichever connection made it."""
import sqlite3

import pytest

from shared.embedded.mongo_server import remembered_until_the_schema_changes


class Catalogue:
    """Stands for a neosqlite object: ``db`` is its SQLite connection; ``asked`` counts the real lookups."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.asked = 0

    def tables(self, like: str = "%") -> list[str]:
        self.asked += 1
        return [row[0] for row in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE ? ORDER BY name", (like,))]

    def index_keys(self) -> list[list[str]]:
        self.asked += 1
        return [[row[0]] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='index' ORDER BY name")]


Catalogue.tables = remembered_until_the_schema_changes(Catalogue.tables, lambda catalogue: catalogue.db)
Catalogue.index_keys = remembered_until_the_schema_changes(Catalogue.index_keys, lambda catalogue: catalogue.db)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "catalogue.db"
    first, second = sqlite3.connect(path), sqlite3.connect(path)
    first.execute("CREATE TABLE patients (id)")
    first.commit()
    yield first, second
    first.close()
    second.close()


def test_an_answer_is_remembered_while_the_schema_stays_the_same(database):
    catalogue = Catalogue(database[0])
    assert catalogue.tables() == ["patients"]
    database[0].execute("INSERT INTO patients VALUES (1)")  # data, not schema
    assert catalogue.tables() == ["patients"]
    assert catalogue.asked == 1


def test_each_arguments_have_their_own_answer(database):
    catalogue = Catalogue(database[0])
    assert catalogue.tables("p%") == ["patients"]
    assert catalogue.tables("x%") == []
    assert catalogue.tables(like="p%") == ["patients"]
    assert catalogue.asked == 3


@pytest.mark.parametrize("change", [
    "CREATE TABLE tasks (id)",
    "DROP TABLE patients",
    "CREATE INDEX idx_patients_id ON patients (id)",
    "ALTER TABLE patients ADD COLUMN _id",
])
@pytest.mark.parametrize("by", ["the same connection", "another connection"])
def test_any_schema_change_is_seen_at_the_next_lookup(database, change, by):
    catalogue = Catalogue(database[0])
    before = catalogue.tables(), catalogue.index_keys()
    changer = database[0] if by == "the same connection" else database[1]
    changer.execute(change)
    changer.commit()
    after = catalogue.tables(), catalogue.index_keys()
    assert catalogue.asked == 4
    assert after == (Catalogue.tables.__wrapped__(catalogue), Catalogue.index_keys.__wrapped__(catalogue))
    assert after != before or change.startswith("ALTER")


def test_a_caller_changing_its_answer_does_not_change_the_next_one(database):
    catalogue = Catalogue(database[0])
    database[0].execute("CREATE INDEX idx_patients_id ON patients (id)")
    catalogue.tables().append("invented")
    catalogue.index_keys()[0].append("invented")
    assert catalogue.tables() == ["patients"]
    assert catalogue.index_keys() == [["idx_patients_id"]]
    assert catalogue.asked == 2
