"""Invariants of the extracted fields on the bulk set (../shared/corpus/bulk, ~245 real pages, no answers).

Built once into a temporary directory (about 15–40 s). Each count is printed and must be 0:
no party shorter than 2 or longer than 30 characters, no one-character indicator, no target whose
comparator contradicts a negation word in its raw text (不少于 with <, 不超过 with >, …); and no party that is a
bare kind of body (学校, 主管部门) or holds a digit (a page marker or a date run into a name), no telephone or
document number taken as a target's value.
"""
from __future__ import annotations

import json
import re

import pytest

from fangan.lexicon.quantities import MIN_IDENTIFIER_DIGITS, NEGATIONS
from fangan.lexicon.roles import NOT_UNITS

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def bulk_records(shared_dir, tmp_path_factory):
    from fangan.pipeline import build

    out = tmp_path_factory.mktemp("bulk")
    build([shared_dir / "corpus" / "bulk"], out)
    records = [json.loads(line) for line in (out / "corpus.jsonl").read_text("utf-8").splitlines() if line.strip()]
    assert len(records) > 100
    return records


def _targets(records):
    return [t for r in records for g in r["goals"] for t in g["targets"]]


def test_bulk_field_invariants(bulk_records):
    names = [p["name"] for r in bulk_records for p in r["responsible_parties"]]
    targets = _targets(bulk_records)
    counts = {
        "party_shorter_than_2": sum(len(n) < 2 for n in names),
        "party_longer_than_30": sum(len(n) > 30 for n in names),
        "one_character_indicator": sum(len(t["indicator"]) < 2 for t in targets),
        "comparator_against_negation": sum(
            any(word in t["raw"] and t["comparator"] not in allowed for word, allowed in NEGATIONS.items()) for t in targets),
        "party_is_a_bare_kind": sum(n in NOT_UNITS for n in names),
        "party_with_a_digit": sum(bool(re.search(r"\d", n)) for n in names),
        "identifier_as_value": sum(len(str(int(t["value"]))) >= MIN_IDENTIFIER_DIGITS for t in targets),
    }
    print(f"bulk: {len(bulk_records)} records, {len(names)} parties, {len(targets)} targets; invariant counts {counts}")
    assert counts == dict.fromkeys(counts, 0)
    assert names and targets  # the invariants hold on real output, not on an empty one
