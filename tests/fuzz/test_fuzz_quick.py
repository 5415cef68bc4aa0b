"""The quick fuzz run of CI: a few hundred generated bad and odd inputs through `fangan build`.

The full run (≥ 10,000 inputs) is `python benchmarks/fuzz.py --n 10000`; both use the same generators
(`generators.py`) and the same accounting (`harness.py`)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generators  # noqa: E402
import harness  # noqa: E402


@pytest.fixture(scope="module")
def fuzz_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    folder, out = base / "in", base / "out"
    names = generators.generate(folder, 300, seed=11)
    code, stderr = harness.run_build(folder, out)
    tally = harness.account(folder, names, out, code, stderr)
    yield tally
    generators.make_readable(folder)


def test_no_input_is_lost(fuzz_run):
    assert fuzz_run.inputs == 300
    assert fuzz_run.lost == []
    assert fuzz_run.records + fuzz_run.errors + fuzz_run.skipped >= fuzz_run.inputs


def test_no_batch_crash(fuzz_run):
    assert fuzz_run.batch_crashes == []


def test_every_entry_has_a_stage_a_kind_and_a_readable_reason(fuzz_run):
    assert fuzz_run.bad_entries == []


def test_garbage_never_becomes_a_record(fuzz_run):
    assert fuzz_run.garbage_records == []


def test_every_category_was_exercised(fuzz_run):
    kinds = set(fuzz_run.kinds)
    for expected in ("not_text", "wrong_format", "corrupt_archive", "zip_bomb", "no_documents", "empty_archive",
                     "hidden", "os_metadata", "duplicate", "dangling_symlink", "symlink_outside", "not_a_file"):
        assert expected in kinds, expected
