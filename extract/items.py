"""The items extraction makes by the ten thousand (targets, goals, parties, deadlines), made without running pydantic's
validation on values that are valid by construction.

A plan of the 20 MB benchmark gives about twenty such items, each validated field by field when made with
`Model(...)`. The finders hand over values of exactly the fields' types (strings, a float, None, a comparator of the
Literal), so each item here is the instance validation would give, field for field and with the same fields set
(`Model.model_construct`'s result without its per-field loop; tests/test_extract_items.py compares both). Whatever is
not of the exact type a fast path expects goes through `Model(...)`, which validates it (and raises as before); a
model that stops being plain (validators, aliases, private attributes, extra fields kept, other fields) makes every
item validated again.
"""
from __future__ import annotations

from typing import Optional, get_args

from fangan.model import DateValue, Deadline, Goal, ResponsibleParty, Target

_new = object.__new__
_set = object.__setattr__


def _plain_model(model, fields: list[str]) -> bool:
    """The model has nothing its validation would run or rename beyond checking types, and these fields in this
    order: an instance is its __dict__ of field values and its set of fields given."""
    infos = model.model_fields
    return (list(infos) == fields and not model.__private_attributes__ and model.__pydantic_post_init__ is None
            and set(model.model_config) <= {"extra"} and model.model_config.get("extra") != "allow"  # (no str_strip_whitespace, strict, …)
            and all(f.alias is None and f.validation_alias is None for f in infos.values())
            and not model.__pydantic_decorators__.field_validators and not model.__pydantic_decorators__.model_validators
            and not model.__pydantic_decorators__.root_validators and not model.__pydantic_decorators__.validators)


def _instance(model, values: dict, given: frozenset):
    item = _new(model)
    _set(item, "__dict__", values)
    _set(item, "__pydantic_fields_set__", set(given))
    _set(item, "__pydantic_extra__", None)
    _set(item, "__pydantic_private__", None)
    return item


_PLAIN = (_plain_model(Target, ["indicator", "comparator", "value", "unit", "raw"])
          and _plain_model(Goal, ["text", "section_id", "targets"])
          and _plain_model(ResponsibleParty, ["name", "role", "section_id", "raw"])
          and _plain_model(Deadline, ["due", "action", "raw", "section_id", "party", "recurring"])
          and _plain_model(DateValue, ["year", "month", "day", "part", "raw", "year_inferred"]))
_COMPARATORS = frozenset(get_args(Target.model_fields["comparator"].annotation))
_TARGET_FIELDS = frozenset(Target.model_fields)
_GOAL_GIVEN = frozenset({"text", "section_id"})
_PARTY_GIVEN = frozenset({"name", "role", "raw"})
_DEADLINE_FIELDS = frozenset(Deadline.model_fields)
_DATE_FIELDS = frozenset(DateValue.model_fields)


def target(indicator: str, comparator: str, value: float, unit: Optional[str], raw: str) -> Target:
    """Target(indicator=…, comparator=…, value=…, unit=…, raw=…)."""
    if (_PLAIN and type(indicator) is str and comparator in _COMPARATORS and type(comparator) is str
            and type(value) is float and (unit is None or type(unit) is str) and type(raw) is str):
        return _instance(Target, {"indicator": indicator, "comparator": comparator, "value": value, "unit": unit,
                                  "raw": raw}, _TARGET_FIELDS)
    return Target(indicator=indicator, comparator=comparator, value=value, unit=unit, raw=raw)


def goal(text: str, section_id: Optional[str]) -> Goal:
    """Goal(text=…, section_id=…), its targets a new empty list."""
    if _PLAIN and type(text) is str and (section_id is None or type(section_id) is str):
        return _instance(Goal, {"text": text, "section_id": section_id, "targets": []}, _GOAL_GIVEN)
    return Goal(text=text, section_id=section_id)


def party(name: str, role: str, raw: str) -> ResponsibleParty:
    """ResponsibleParty(name=…, role=…, raw=…), its section not set."""
    if _PLAIN and type(name) is str and type(role) is str and type(raw) is str:
        return _instance(ResponsibleParty, {"name": name, "role": role, "section_id": None, "raw": raw}, _PARTY_GIVEN)
    return ResponsibleParty(name=name, role=role, raw=raw)


def deadline_from_dump(dump: dict) -> Deadline:
    """Deadline.model_validate(dump) for `dump` a Deadline's model_dump() (every field, valid as dumped): new
    instances with their own dicts (the extraction sets their section and year later), sharing only strings."""
    if _PLAIN and dump.keys() == _DEADLINE_FIELDS and type(dump["due"]) is dict and dump["due"].keys() == _DATE_FIELDS:
        values = dict(dump)
        values["due"] = _instance(DateValue, dict(dump["due"]), _DATE_FIELDS)
        return _instance(Deadline, values, _DEADLINE_FIELDS)
    return Deadline.model_validate(dump)
