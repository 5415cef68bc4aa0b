"""extract/items.py: the items made without validation are the instances validation gives (field for field, the same
fields set, the same dump), and whatever a fast path does not expect is validated as before."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from fangan.extract import items as I
from fangan.model import DateValue, Deadline, Goal, ResponsibleParty, Target

TEXT = st.text(max_size=12)
MAYBE = st.none() | TEXT
SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")


def _same(fast, validated) -> None:
    assert type(fast) is type(validated)
    for slot in SLOTS:
        assert getattr(fast, slot) == getattr(validated, slot), slot
    assert list(fast.__dict__) == list(validated.__dict__)  # (the fields in their order)
    assert fast.model_dump(mode="json") == validated.model_dump(mode="json") and fast == validated
    assert fast.model_dump_json() == validated.model_dump_json()


def test_the_models_are_plain():
    assert I._PLAIN  # the fast paths are the ones used


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(sorted(I._COMPARATORS)), st.floats(allow_nan=False), MAYBE, TEXT)
def test_target(indicator, comparator, value, unit, raw):
    _same(I.target(indicator, comparator, value, unit, raw),
          Target(indicator=indicator, comparator=comparator, value=value, unit=unit, raw=raw))


@settings(max_examples=200, deadline=None)
@given(TEXT, MAYBE)
def test_goal(text, section_id):
    fast = I.goal(text, section_id)
    _same(fast, Goal(text=text, section_id=section_id))
    assert fast.targets is not I.goal(text, section_id).targets  # a list of its own


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT, TEXT)
def test_party(name, role, raw):
    fast = I.party(name, role, raw)
    _same(fast, ResponsibleParty(name=name, role=role, raw=raw))
    fast.section_id = "s1"  # (set later by the extraction, as on a validated item)
    slow = ResponsibleParty(name=name, role=role, raw=raw)
    slow.section_id = "s1"
    _same(fast, slow)


DATES = st.builds(DateValue, year=st.none() | st.integers(1900, 2100), month=st.none() | st.integers(1, 12),
                  day=st.none() | st.integers(1, 31), part=st.none() | st.sampled_from(["early", "mid", "late", "end"]),
                  raw=TEXT)


@settings(max_examples=200, deadline=None)
@given(DATES, TEXT, TEXT, MAYBE, MAYBE, MAYBE)
def test_deadline_from_dump(due, action, raw, section_id, party, recurring):
    dump = Deadline(due=due, action=action, raw=raw, section_id=section_id, party=party, recurring=recurring).model_dump()
    fast, slow = I.deadline_from_dump(dump), Deadline.model_validate(dump)
    _same(fast, slow)
    _same(fast.due, slow.due)
    again = I.deadline_from_dump(dump)
    fast.section_id, fast.due.year_inferred = "s9", 2024  # one use's changes reach neither the dump nor another use
    assert again.section_id == section_id and again.due.year_inferred is None and dump["due"]["year_inferred"] is None


def test_what_a_fast_path_does_not_expect_is_validated():
    _same(I.target("率", ">=", 5, "%", "5%"), Target(indicator="率", comparator=">=", value=5, unit="%", raw="5%"))
    assert type(I.target("率", ">=", 5, "%", "5%").value) is float  # (an int is made a float, as validation does)
    with pytest.raises(ValidationError):
        I.target("率", "≥", 5.0, "%", "5%")  # no comparator of the Literal: refused, as before
    with pytest.raises(ValidationError):
        I.goal(None, None)
    with pytest.raises(ValidationError):
        I.deadline_from_dump({"due": {"month": "十三"}, "action": "报送"})
    partial = {"due": {"month": 5}, "action": "报送"}
    _same(I.deadline_from_dump(partial), Deadline.model_validate(partial))


def test_a_model_whose_config_transforms_values_is_not_plain():
    from pydantic import ConfigDict

    class Stripped(ResponsibleParty):
        model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    assert I._plain_model(ResponsibleParty, ["name", "role", "section_id", "raw"])
    assert not I._plain_model(Stripped, ["name", "role", "section_id", "raw"])
