"""The benchmark's own arithmetic (no timings here: the benchmark measures, tests only check what it computes)."""
import importlib.util
from pathlib import Path

import pytest


def _bench():
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_build.py"
    spec = importlib.util.spec_from_file_location("bench_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quarters_give_cpu_per_document_of_each_quarter_of_the_build():
    bench = _bench()
    # batches of 4, 4, 8 and 16 documents written (32 in all), CPU s of the process after each, from 10.0 at the start
    marks = [(4, 10.04), (8, 10.08), (16, 10.12), (32, 10.20)]
    # quarters end at 8, 16, 24 and 32 documents: the batch that ends at 32 holds the third quarter's end and the fourth's
    assert bench._quarters(marks, 10.0) == pytest.approx([10.0, 5.0, 5.0])
    assert bench._quarters([(2, 1.0)], 0.0) == []  # too few documents to quarter
    assert bench._quarters([], 0.0) == []
