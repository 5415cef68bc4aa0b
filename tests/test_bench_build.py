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


def test_extra_cpu_is_the_median_of_each_pairs_difference():
    bench = _bench()
    one = [{"cpu_all": c} for c in (6.0, 6.4, 5.9)]
    all_ = [{"cpu_all": c} for c in (6.9, 7.0, 7.1)]
    assert bench._extra_cpu(zip(one, all_)) == pytest.approx(0.9)  # 0.9, 0.6, 1.2
    assert bench._extra_cpu([(one[0], all_[0]), (one[1], all_[1])]) == pytest.approx(0.75)


def test_a_warm_child_builds_the_inputs_once_before_the_measured_build(tmp_path):
    bench = _bench()
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, title in enumerate(["长宁县健康促进工作方案", "东川区垃圾分类实施方案"]):
        (inputs / f"{i}.txt").write_text(f"{title}\n一、工作目标\n到2024年底完成。\n", encoding="utf-8")
    cold = bench.measure([inputs], tmp_path / "cold", jobs=1)
    warm = bench.measure([inputs], tmp_path / "warm", jobs=1, warm=True)
    # the measured build is the same build (its scratch build went elsewhere): every input built, into its own folder
    assert cold["built"] == warm["built"] == 2
    assert sorted(p.name for p in (tmp_path / "warm" / "documents").iterdir()) == \
        sorted(p.name for p in (tmp_path / "cold" / "documents").iterdir())
