"""Damage invariance (issue #14): a clean plan and its damaged copies build into the same record.

Every clean document available (the gold answers' texts in ../shared, the clean fixtures and samples) gets every
damage kind of `tests/damage.py` with seeded random parameters; the damaged copy must give the same title, text
within CER 0.5 % and the same section tree as the clean copy, for at least 99 % of the copies. Lossy codec damage
is measured by `benchmarks/bench_damage.py` and not held to this bar. The full table: `python benchmarks/bench_damage.py`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from damage import KINDS, compare, damaged_copies, gold_documents, record_for, text_documents

HERE = Path(__file__).resolve().parent
CLEAN_FILES = [HERE / "fixtures" / "extract" / "county_vaccination_plan.txt",
               HERE / "fixtures" / "normalize" / "clean_simplified_with_valid_words.txt",
               HERE.parent / "data" / "samples" / "county_summer_food_safety_plan_utf16.txt"]


def _documents(shared: Path | None):
    docs = text_documents([p for p in CLEAN_FILES if p.exists()])
    if shared is not None:
        docs += gold_documents([shared / "gold" / "seeds", shared / "gold" / "dev"])
    return docs


def run_invariance(docs, kinds=None):
    clean = {}
    results = []
    for doc, kind, data, suffix in damaged_copies(docs, kinds=kinds):
        if doc.name not in clean:
            clean[doc.name] = record_for(doc.text.encode("utf-8"), "txt", doc.name)
        try:
            problems = compare(clean[doc.name], record_for(data, suffix, doc.name))
        except Exception as e:  # a crash on damaged input is a failure, not an error of the test
            problems = [f"{type(e).__name__}: {e}"]
        results.append((doc.name, kind, problems))
    return results


def test_fixture_copies_build_into_the_clean_record():
    results = run_invariance(_documents(None))
    failed = [r for r in results if r[2]]
    assert len(results) >= 30 and not failed, failed


@pytest.mark.shared
def test_at_least_99_percent_of_200_damaged_copies_build_into_the_clean_record(shared_dir):
    results = run_invariance(_documents(shared_dir))
    failed = [r for r in results if r[2]]
    print(f"damage invariance: {len(results) - len(failed)}/{len(results)} copies hold")
    for name, kind, problems in failed:
        print(f"  {kind:24s} {name}: {'; '.join(problems)}")
    assert len(results) >= 200
    assert len(failed) <= 0.01 * len(results), failed


def test_every_kind_is_seeded():
    docs = text_documents([CLEAN_FILES[0]])
    a = [(k, d) for _, k, d, _ in damaged_copies(docs)]
    b = [(k, d) for _, k, d, _ in damaged_copies(docs)]
    assert a == b and {k for k, _ in a} <= set(KINDS) | {"utf8_shown_as_gbk_lossy"}
