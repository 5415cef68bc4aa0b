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
from itertools import compress
from operator import and_
from typing import Callable, Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from fangan.lexicon.segment import get_segmenter

from . import rules

MAX_CHARS = 200_000_000
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


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once: `Doc.text` joins every token again on each access, so the
    tokenizer stores the text it was given and the components read that."""
    text = doc.user_data.get("fangan_text")
    if text is None:  # a Doc from another tokenizer (a trained pipeline): join once, then reuse
        text = doc.user_data["fangan_text"] = doc.text
    return text


# What each fangan component finds, from the text and the goal sections alone: (span group, finder).
FINDERS: dict[str, tuple[str, Callable[[str, list], Iterable]]] = {
    "fangan_targets": ("targets", lambda text, goal_spans: rules.find_targets(text)),
    "fangan_deadlines": ("deadlines", lambda text, goal_spans: rules.find_deadlines(text)),
    "fangan_parties": ("parties", lambda text, goal_spans: rules.find_parties(text)),
    "fangan_goal_statements": ("goal_statements", rules.find_goal_statements),
}

# Each component reads the text the tokenizer kept (user_data["fangan_text"]) and writes one span group,
# as declared here (spaCy's `requires`/`assigns`, shown by `nlp.analyze_pipes()`); the goal statements
# also read user_data["fangan_goal_spans"] (the goal sections).
for _name, (_kind, _find) in FINDERS.items():
    Language.component(_name, assigns=["doc.spans"], func=_component(
        _kind, lambda d, find=_find: find(doc_text(d), d.user_data.get("fangan_goal_spans", []))))


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's `get_words_and_spaces`, in one pass over `text`.

    spaCy's version searches `text[pos:]` for each word, copying the rest of the text every time
    (quadratic: 4 ms/KB at 2.5 MB). Here each word is looked for from the current offset, so the
    work is proportional to the text; the output is the same (a single space after a word becomes
    that word's trailing space, any other gap becomes a token of its own).

    When the words are the text cut without loss and no two whitespace words are adjacent (what
    jieba gives for a normalized plan), only the whitespace words need a look: `_fast_words_and_spaces`.
    """
    if "".join(words) == text:
        fast = _fast_words_and_spaces(list(words))
        if fast is not None:
            return fast
    out_words: list[str] = []
    spaces: list[bool] = []
    pos, n = 0, len(text)
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:
            raise ValueError(f"segmenter returned a word that is not in the text at offset {pos}: {word!r}")
        if start > pos:
            out_words.append(text[pos:start])
            spaces.append(False)
        out_words.append(word)
        spaces.append(False)
        pos = start + len(word)
        if pos < n and text[pos] == " ":
            spaces[-1] = True
            pos += 1
    if pos < n:
        out_words.append(text[pos:])
        spaces.append(False)
    return out_words, spaces


_last_cut: dict[str, object] = {"text": None, "words": None}


def segmented(text: str) -> list[str] | None:
    """The words the tokenizer cut `text` into, if it was the last text it cut (the same object):
    the search index reuses the cut instead of segmenting the text a second time."""
    return _last_cut["words"] if _last_cut["text"] is text else None  # type: ignore[return-value]


def _fast_words_and_spaces(words: list[str]) -> tuple[list[str], list[bool]] | None:
    """The same result as the loop below for a lossless cut, visiting only the whitespace words
    (about one per line): a whitespace word after a word gives its first space to that word as
    trailing space and stays a token with the rest; None when two whitespace words are adjacent."""
    n = len(words)
    flags = list(map(str.isspace, words))
    if any(map(and_, flags, flags[1:])):
        return None
    spaces = [False] * n
    drop = []
    for i in compress(range(n), flags):
        w = words[i]
        if i > 0 and w[0] == " ":
            spaces[i - 1] = True
            if len(w) == 1:
                drop.append(i)
            else:
                words[i] = w[1:]
    if not drop:
        return words, spaces
    out_words: list[str] = []
    out_spaces: list[bool] = []
    start = 0
    for i in drop:
        out_words += words[start:i]
        out_spaces += spaces[start:i]
        start = i + 1
    out_words += words[start:]
    out_spaces += spaces[start:]
    return out_words, out_spaces


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


def find_all(text: str, goal_spans: list[tuple[int, int]], nlp: Language | None = None) -> dict[str, list]:
    """What the pipeline finds in `text`: {span group: [(start_char, end_char, item), ...]}, the
    Doc's user_data["fangan"].

    When the pipeline is the default one (blank zh, jieba, the fangan components and nothing else),
    the finders run straight on the text and no Doc is made: the rules read the text, not the
    tokens, and building the Doc and its spans was a quarter of the extraction time. The items are
    the same either way (tests/test_extract_components.py). Any other pipeline — a trained one from
    $FANGAN_SPACY_PIPELINE, or one with components added — runs whole, on a Doc."""
    nlp = nlp or _pipeline()
    if not _is_default(nlp):
        return run(text, goal_spans, nlp).user_data.get("fangan", {})
    found: dict[str, list] = {}
    for name in nlp.pipe_names:
        kind, find = FINDERS[name]
        found.setdefault(kind, []).extend(find(text, goal_spans))
    return found


def _is_default(nlp: Language) -> bool:
    return isinstance(nlp.tokenizer, JiebaTokenizer) and all(name in FINDERS for name in nlp.pipe_names)


def run(text: str, goal_spans: list[tuple[int, int]], nlp: Language | None = None) -> Doc:
    nlp = nlp or _pipeline()
    doc = nlp.make_doc(text)
    doc.user_data["fangan_goal_spans"] = goal_spans
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
