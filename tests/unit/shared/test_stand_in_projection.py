"""The stand-in's projections without a copy of the document (shared/embedded/mongo_server.py) give
neosqlite's own answer, field order included, for every projection, and leave the rest to it."""
import copy

import neosqlite
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from neosqlite.collection.query_helper import QueryHelper

from shared.embedded.mongo_server import is_plain_projection, project_without_copying

FIELDS = ["_id", "site_id", "outbox", "outbox_pending", "version", "name", "tasks"]

values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner,
                                                                                  max_size=3),
                      max_leaves=8)
documents = st.dictionaries(st.sampled_from(FIELDS), values, max_size=len(FIELDS))
plain_projections = st.dictionaries(st.sampled_from(FIELDS), st.sampled_from([0, 1, True, False]), max_size=4)
other_projections = st.dictionaries(
    st.sampled_from([*FIELDS, "tasks.due", "outbox.e1"]),
    st.sampled_from([0, 1, "$name", "$$ROOT", {"$literal": 3}]), max_size=3)


@pytest.fixture(scope="module")
def helper():
    return neosqlite.Connection(":memory:")["patients"].query_engine.helpers


neosqlite_projection = QueryHelper._apply_projection  # the tests never install the patch
ours = project_without_copying(neosqlite_projection)


@settings(max_examples=400, deadline=None)
@given(document=documents, projection=plain_projections | other_projections)
def test_the_answer_is_neosqlites_field_for_field_and_in_order(helper, document, projection):
    expected = neosqlite_projection(helper, projection, copy.deepcopy(document))
    answer = ours(helper, projection, copy.deepcopy(document))
    assert answer == expected
    assert list(answer) == list(expected)


@settings(max_examples=200, deadline=None)
@given(document=documents, projection=plain_projections)
def test_the_document_read_is_left_as_it_was(helper, document, projection):
    read = copy.deepcopy(document)
    ours(helper, projection, read)
    assert read == document


@pytest.mark.parametrize("projection, plain", [
    ({"outbox": 1}, True),
    ({"_id": 0, "name": 1}, True),
    ({"outbox": 0, "version": False}, True),
    ({"tasks.due": 1}, False),
    ({"name": "$site_id"}, False),
    ({"name": {"$literal": 1}}, False),
    ({"name": 2}, False),
    ({"name": 1.0}, False),
])
def test_only_top_level_fields_at_0_or_1_are_answered_without_neosqlite(projection, plain):
    assert is_plain_projection(projection) is plain


def test_a_projection_other_than_plain_is_neosqlites(helper):
    calls = []

    def recording(self, projection, document):
        calls.append(projection)
        return neosqlite_projection(self, projection, document)

    project = project_without_copying(recording)
    document = {"tasks": {"due": 3, "done": 1}}
    assert project(helper, {"tasks.due": 1}, document) == neosqlite_projection(helper, {"tasks.due": 1}, document)
    assert project(helper, {"name": 1}, {"name": "A", "site_id": "mpls"}) == {"name": "A"}
    assert calls == [{"tasks.due": 1}]
