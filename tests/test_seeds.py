"""Acceptance on the five real seed documents, scored against the hand-made gold answers."""
from __future__ import annotations

import json
import re

import pytest

from fangan.corpus.store import CorpusStore
from fangan.evaluate import evaluate, format_report
from fangan.normalizers.script import detect_script
from fangan.pipeline import build

PINYIN = re.compile(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[1-5]?[)）]")


@pytest.fixture(scope="module")
def seeds_corpus(seeds_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-corpus")
    report = build([seeds_dir], out)
    assert not report.errors, report.errors
    return out


@pytest.fixture(scope="module")
def records(seeds_corpus):
    return {d["source"]["path"].rsplit("/", 1)[-1]: d for d in CorpusStore(seeds_corpus).iter_raw()}


@pytest.fixture(scope="module")
def golds(gold_dir):
    return {p.name.replace(".gold.json", ""): json.loads(p.read_text(encoding="utf-8")) for p in gold_dir.glob("*.gold.json")}


def test_every_seed_text_is_simplified_without_pinyin(records):
    assert len(records) == 5
    for name, doc in records.items():
        assert not PINYIN.search(doc["text"]), name
        assert detect_script(doc["text"]) in ("simplified", "unknown"), name


def _tree(sections, styles=("一、", "（一）")):
    """(marker, title, children) for the top two official levels only."""
    return [
        (s["marker"], s["title"], _tree(s["children"], styles))
        for s in sections
        if re.sub("[一二三四五六七八九十]+", "一", s["marker"]) in styles
    ]


@pytest.mark.parametrize("seed", ["000_0c47f3031a1b70ff.txt", "001_f8e03fe7d31b8d15.txt", "002_ea8601c3a76bdc2d.txt"])
def test_top_headings_match_gold(records, golds, seed):
    assert _tree(records[seed]["sections"]) == _tree(golds[seed]["sections"])


def test_seed_004_run_in_top_headings_are_found(records, golds):
    seed = "004_d3ac480d2632ac27.txt"
    got = [(s["marker"], s["title"]) for s in records[seed]["sections"]]
    want = [(s["marker"], s["title"]) for s in golds[seed]["sections"]]
    assert [m for m, _ in got] == ["一、", "二、", "三、", "四、", "五、"]
    assert got == want


def test_gold_score_is_printed(seeds_corpus, gold_dir, capsys):
    scores = evaluate(gold_dir, seeds_corpus)
    with capsys.disabled():
        print("\n" + format_report(scores))
    assert all(s.found for s in scores)
