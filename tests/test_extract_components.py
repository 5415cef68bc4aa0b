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


def _dump(found: dict) -> dict:
    return {kind: [(a, b, repr(item)) for a, b, item in items] for kind, items in found.items()}


def test_the_default_pipeline_finds_without_a_doc_what_the_doc_path_finds():
    start = TEXT.index("全区")
    spans = [(start, TEXT.index("\n", start))]
    nlp = fnlp.load_pipeline()
    assert fnlp._is_default(nlp)
    via_doc = fnlp.run(TEXT, spans, nlp=nlp).user_data["fangan"]
    direct = fnlp.find_all(TEXT, spans, nlp=nlp)
    assert _dump(direct) == _dump(via_doc)
    assert {k for k, v in direct.items() if v} == {"targets", "deadlines", "parties", "goal_statements"}


def test_a_pipeline_with_a_component_of_its_own_runs_on_a_doc():
    from spacy.language import Language

    seen = []

    @Language.component("test_reads_tokens")
    def reads_tokens(doc):
        seen.append(len(doc))
        doc.user_data.setdefault("fangan", {})["tokens"] = [(0, len(doc.text), len(doc))]
        return doc

    nlp = _alone("fangan_deadlines")
    nlp.add_pipe("test_reads_tokens")
    assert not fnlp._is_default(nlp)
    found = fnlp.find_all(TEXT, [], nlp=nlp)
    assert seen and found["tokens"][0][2] == seen[0]  # the added component ran, on real tokens
    assert [d.due.day for _, _, d in found["deadlines"]] == [5]


def test_a_component_added_to_the_loaded_pipeline_runs_in_extraction():
    """The pipeline `load_pipeline()` returns is the one extraction runs: a component added to it runs,
    on a Doc, when find_all is given no pipeline (the default path must not bypass it)."""
    from spacy.language import Language

    seen = []

    @Language.component("test_counts_tokens")
    def counts_tokens(doc):
        seen.append(len(doc))
        return doc

    fnlp.load_pipeline.cache_clear()
    try:
        fnlp.load_pipeline().add_pipe("test_counts_tokens")
        found = fnlp.find_all(TEXT, [])
        assert seen and seen[0] > 10
        assert [d.due.day for _, _, d in found["deadlines"]] == [5]
    finally:
        fnlp.load_pipeline.cache_clear()
    assert fnlp.active_pipeline() is None or fnlp._is_default(fnlp.active_pipeline())


def test_a_default_build_never_imports_spacy(tmp_path):
    """spaCy is the extension point, not a cost: a build with the default pipeline does not import it
    (80 MB and half a CPU second per process) and finds the same items (the test above)."""
    import subprocess
    import sys
    from pathlib import Path

    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    code = ("import sys; from fangan.pipeline import build; r = build([sys.argv[1]], sys.argv[2], jobs=1); "
            "print(len(r.built), any(m == 'spacy' or m.startswith('spacy.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(samples), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) >= 5 and out[1] == "False"


def test_importing_the_finders_after_spacy_registers_the_components():
    """With spaCy loaded first, importing fangan.extract.nlp registers the tokenizer and the components
    (entry points aside); without it, importing nlp loads no spaCy."""
    import subprocess
    import sys

    after = ("import spacy, sys; import fangan.extract.nlp; "
             "print('fangan.extract.spacy_pipeline' in sys.modules, 'fangan.jieba_tokenizer.v1' in spacy.registry.tokenizers.get_all())")
    alone = "import sys; import fangan.extract.nlp; print('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", after], capture_output=True, text=True, check=True).stdout.split() == ["True", "True"]
    assert subprocess.run([sys.executable, "-c", alone], capture_output=True, text=True, check=True).stdout.split() == ["False"]
