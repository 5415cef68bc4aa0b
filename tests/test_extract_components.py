"""Every registered extraction component, run alone in a pipeline of its own (issue #10)."""
from __future__ import annotations

import spacy

from fangan.extract import nlp as fnlp

TEXT = ("一、工作目标\n全区生猪定点屠宰率达到98%以上。\n"
        "二、工作步骤\n各处室于7月5日前上报总结。（区食安办、区市场监管局负责）")


def _alone(name: str) -> spacy.language.Language:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "fangan.jieba_tokenizer.v1", "fast": True}}})
    nlp.add_pipe(name)
    return nlp


def _items(name: str, kind: str, goal_spans=()):
    nlp = _alone(name)
    assert nlp.pipe_names == [name]
    doc = fnlp.run(TEXT, list(goal_spans), nlp=nlp)
    assert set(doc.user_data["fangan"]) == {kind}  # it wrote its own kind and nothing else
    return doc, doc.user_data["fangan"][kind]


def test_every_component_is_covered_here():
    assert set(fnlp.COMPONENTS) == {"fangan_targets", "fangan_deadlines", "fangan_parties", "fangan_goal_statements"}


def test_fangan_targets_alone():
    doc, items = _items("fangan_targets", "targets")
    assert [(t.comparator, t.value, t.unit, t.indicator) for _, _, t in items] == [(">=", 98, "%", "全区生猪定点屠宰率")]
    assert [s.text for s in doc.spans["targets"]] == ["达到98%以上"]


def test_fangan_deadlines_alone():
    _, items = _items("fangan_deadlines", "deadlines")
    assert [(d.due.month, d.due.day, d.action) for _, _, d in items] == [(7, 5, "上报总结")]


def test_fangan_parties_alone():
    _, items = _items("fangan_parties", "parties")
    assert [(p.name, p.role) for _, _, p in items] == [("区食安办", "负责"), ("区市场监管局", "负责")]


def test_fangan_goal_statements_alone():
    start = TEXT.index("全区")
    _, items = _items("fangan_goal_statements", "goal_statements", [(start, TEXT.index("\n", start))])
    assert [text for _, _, text in items] == ["全区生猪定点屠宰率达到98%以上"]


def test_every_component_declares_what_it_writes():
    from fangan.extract.nlp import COMPONENTS, load_pipeline

    summary = load_pipeline().analyze_pipes()["summary"]
    assert set(COMPONENTS) <= set(summary)
    assert all(summary[name]["assigns"] == ["doc.spans"] for name in COMPONENTS)
