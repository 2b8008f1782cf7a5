"""How the store boundary spells a query: equalities the stand-in can answer from an index."""
from datetime import date

from shared.store import query_of


def test_top_level_equalities_on_plain_values_are_spelled_with_eq():
    assert query_of({"site_id": "mpls", "natural_key": "follow_up:e-1", "version": 3}) == {
        "site_id": {"$eq": "mpls"}, "natural_key": {"$eq": "follow_up:e-1"}, "version": {"$eq": 3}}


def test_values_are_encoded_first():
    assert query_of({"discharge_date": date(2026, 3, 2)}) == {"discharge_date": {"$eq": "2026-03-02"}}


def test_what_may_match_list_elements_or_means_something_else_is_left_alone():
    query = {"_id": "p-1", "members.enrollment_id": "e-1", "archived_at": None, "accepted": True,
             "status": {"$in": ["open", "late"]}, "levels_of_care": {"$in": ["op"]}}
    assert query_of(query) == query


def test_alternatives_are_spelled_the_same_way():
    assert query_of({"$or": [{"status": "open"}, {"members.status": "open"}]}) == {
        "$or": [{"status": {"$eq": "open"}}, {"members.status": "open"}]}
