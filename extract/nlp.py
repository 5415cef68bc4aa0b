"""The spaCy pipeline behind extraction.

Default: `spacy.blank("zh")` with jieba segmentation (`fangan.jieba_tokenizer.v1`: jieba's cuts,
through rjieba when installed; no model download exists or is needed), plus
rule components registered by name: `fangan_targets`, `fangan_deadlines`, `fangan_parties`,
`fangan_goal_statements`. Each writes its items to `doc.spans[<kind>]` (for display and spaCy tools)
and the structured items to `doc.user_data["fangan"][<kind>]` as (start_char, end_char, item).

To use a trained Chinese pipeline instead, point `FANGAN_SPACY_PIPELINE` at it (a package name or a
directory): it is loaded with `spacy.load` and the fangan components are added after its own, so
its NER and parser run first and custom components can read them.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Callable, Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

from fangan.lexicon.segment import get_segmenter

from . import rules

COMPONENTS = ("fangan_targets", "fangan_deadlines", "fangan_parties", "fangan_goal_statements")


def _store(doc: Doc, kind: str, found: Iterable[tuple[int, int, object]]) -> Doc:
    items = doc.user_data.setdefault("fangan", {}).setdefault(kind, [])
    spans = []
    for start, end, item in found:
        items.append((start, end, item))
        span = doc.char_span(start, end, label=kind, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[kind] = spans
    return doc


def _component(kind: str, finder: Callable[[Doc], Iterable]) -> Callable[[Doc], Doc]:
    def run(doc: Doc) -> Doc:
        return _store(doc, kind, finder(doc))

    run.__name__ = f"fangan_{kind}"
    return run


Language.component("fangan_targets", func=_component("targets", lambda d: rules.find_targets(d.text)))
Language.component("fangan_deadlines", func=_component("deadlines", lambda d: rules.find_deadlines(d.text)))
Language.component("fangan_parties", func=_component("parties", lambda d: rules.find_parties(d.text)))
Language.component(
    "fangan_goal_statements",
    func=_component("goal_statements", lambda d: rules.find_goal_statements(d.text, d.user_data.get("fangan_goal_spans", []))),
)


class JiebaTokenizer:
    """jieba's cuts for spaCy, through rjieba (jieba-rs) when installed: near-identical cuts at
    ~20 MB/s against jieba's ~0.8 MB/s (benchmarks/bench_build.py), which made tokenizing the
    largest cost of a build. `fast=False` keeps pure jieba."""

    def __init__(self, vocab, fast: bool = True) -> None:
        self.vocab = vocab
        segmenter = get_segmenter("auto" if fast else "jieba")
        self.cut = segmenter.cut
        self.backend = segmenter.name

    def __call__(self, text: str) -> Doc:
        words, spaces = get_words_and_spaces([w for w in self.cut(text) if not w.isspace()], text)
        return Doc(self.vocab, words=words, spaces=spaces)

    # the pipeline can be saved with nlp.to_disk; the tokenizer has no state of its own
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "JiebaTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> "JiebaTokenizer":
        return self


@spacy.registry.tokenizers("fangan.jieba_tokenizer.v1")
def create_jieba_tokenizer(fast: bool = True):
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, fast)

    return make


@lru_cache(maxsize=None)
def load_pipeline(name: str | None = None) -> Language:
    """The extraction pipeline: `name` (or $FANGAN_SPACY_PIPELINE) if given, else blank zh + jieba."""
    name = name or os.environ.get("FANGAN_SPACY_PIPELINE")
    if name:
        nlp = spacy.load(name)
    else:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "fangan.jieba_tokenizer.v1", "fast": True}}})
    for comp in COMPONENTS:
        if comp not in nlp.pipe_names:
            nlp.add_pipe(comp)
    return nlp


def run(text: str, goal_spans: list[tuple[int, int]], nlp: Language | None = None) -> Doc:
    nlp = nlp or load_pipeline()
    doc = nlp.make_doc(text)
    doc.user_data["fangan_goal_spans"] = goal_spans
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
