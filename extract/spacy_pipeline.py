"""The spaCy pipeline behind extraction (see `fangan.extract.nlp`).

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

from fangan.lexicon.segment import get_segmenter

from .nlp import COMPONENTS, FINDERS, MAX_CHARS, _last_cut, words_and_spaces


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


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once: `Doc.text` joins every token again on each access, so the
    tokenizer stores the text it was given and the components read that."""
    text = doc.user_data.get("fangan_text")
    if text is None:  # a Doc from another tokenizer (a trained pipeline): join once, then reuse
        text = doc.user_data["fangan_text"] = doc.text
    return text


# Each component reads the text the tokenizer kept (user_data["fangan_text"]) and writes one span group,
# as declared here (spaCy's `requires`/`assigns`, shown by `nlp.analyze_pipes()`); the goal statements
# also read user_data["fangan_goal_spans"] (the goal sections).
# (the module-level names are what the spacy_factories entry points in pyproject.toml name)
def _register(name: str) -> Callable[[Doc], Doc]:
    kind, find = FINDERS[name]
    return Language.component(name, assigns=["doc.spans"], func=_component(
        kind, lambda d: find(doc_text(d), d.user_data.get("fangan_goal_spans", []))))


targets_component = _register("fangan_targets")
deadlines_component = _register("fangan_deadlines")
parties_component = _register("fangan_parties")
goal_statements_component = _register("fangan_goal_statements")
assert set(FINDERS) == set(COMPONENTS)


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
        cut = self.cut(text)
        _last_cut["text"], _last_cut["words"] = text, cut
        words, spaces = words_and_spaces(cut, text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["fangan_text"] = text
        return doc

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
        # the blank pipeline holds no model whose memory grows with the text, and the rules are
        # linear: a plan of any length is one Doc (spaCy's default refuses texts over 1,000,000 characters)
        nlp.max_length = max(nlp.max_length, MAX_CHARS)
    for comp in COMPONENTS:
        if comp not in nlp.pipe_names:
            nlp.add_pipe(comp)
    return nlp


MAX_VOCAB = 200_000  # lexemes: the vocab keeps every word it has seen, so a long build would grow without end


def _pipeline() -> Language:
    nlp = load_pipeline()
    if len(nlp.vocab) > MAX_VOCAB and not os.environ.get("FANGAN_SPACY_PIPELINE"):
        # the blank pipeline holds nothing but those words: a fresh one (~20 ms) keeps memory flat
        load_pipeline.cache_clear()
        nlp = load_pipeline()
    return nlp


def run(text: str, goal_spans: list[tuple[int, int]], nlp: Language | None = None) -> Doc:
    nlp = nlp or _pipeline()
    doc = nlp.make_doc(text)
    doc.user_data["fangan_goal_spans"] = goal_spans
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
