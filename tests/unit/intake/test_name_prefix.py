"""A name prefix asked as a range: exactly the names that start with it, whatever characters they hold."""
import sys

from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.patients import starting_with

# Any character a name may hold once the gate has let it through (no surrogates), the last ones included.
CHARACTERS = st.characters(blacklist_categories=("Cs",))
EDGES = st.sampled_from([chr(sys.maxunicode), "\ud7ff", "\uffff", "z", "a"])
TEXT = st.lists(st.one_of(CHARACTERS, EDGES), max_size=6).map("".join)


def in_range(name: str, condition: dict) -> bool:
    return name >= condition["$gte"] and ("$lt" not in condition or name < condition["$lt"])


@given(prefix=TEXT.filter(bool), names=st.lists(TEXT, max_size=20), rest=st.lists(TEXT, max_size=5))
def test_the_range_holds_exactly_the_names_starting_with_the_prefix(prefix, names, rest):
    names = names + [prefix + tail for tail in rest]
    condition = starting_with(prefix)
    assert {name for name in names if in_range(name, condition)} == {name for name in names if name.startswith(prefix)}
    assert all(not 0xD800 <= ord(character) <= 0xDFFF for character in condition.get("$lt", ""))
