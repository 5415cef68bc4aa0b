"""Extraction's text-level finders, and the spaCy pipeline they are the components of.

The finders (targets, deadlines, parties, goal statements) read the text, never the tokens. They are
registered as spaCy components by `fangan.extract.spacy_pipeline`: a blank `zh` pipeline with jieba
segmentation (`fangan.jieba_tokenizer.v1`), each component writing its items to `doc.spans[<kind>]` and
`doc.user_data["fangan"][<kind>]` as (start_char, end_char, item). That pipeline is the extension point:
point `FANGAN_SPACY_PIPELINE` at a trained one, or add components to `load_pipeline()`, and extraction
runs it whole, on a Doc.

A build that asks for neither never imports spaCy (80 MB of memory and half a second per process): the
default pipeline's output is its finders' output (tests/test_extract_components.py), so `find_all` runs
them straight on the text.
"""
from __future__ import annotations

import os
import sys
from itertools import compress
from operator import and_
from typing import Callable, Iterable

from . import rules

MAX_CHARS = 200_000_000
COMPONENTS = ("fangan_targets", "fangan_deadlines", "fangan_parties", "fangan_goal_statements")
SPACY_MODULE = "fangan.extract.spacy_pipeline"

# What each fangan component finds, from the text and the goal sections alone: (span group, finder).
FINDERS: dict[str, tuple[str, Callable[[str, list], Iterable]]] = {
    "fangan_targets": ("targets", lambda text, goal_spans: rules.find_targets(text)),
    "fangan_deadlines": ("deadlines", lambda text, goal_spans: rules.find_deadlines(text)),
    "fangan_parties": ("parties", lambda text, goal_spans: rules.find_parties(text)),
    "fangan_goal_statements": ("goal_statements", rules.find_goal_statements),
}

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


def find_all(text: str, goal_spans: list[tuple[int, int]], nlp=None) -> dict[str, list]:
    """What the pipeline finds in `text`: {span group: [(start_char, end_char, item), ...]}, the
    Doc's user_data["fangan"].

    When the pipeline is the default one (blank zh, jieba, the fangan components and nothing else),
    the finders run straight on the text and no Doc is made: the rules read the text, not the
    tokens, and building the Doc and its spans was a quarter of the extraction time. The items are
    the same either way (tests/test_extract_components.py). Any other pipeline — a trained one from
    $FANGAN_SPACY_PIPELINE, or one with components added — runs whole, on a Doc."""
    if nlp is None:
        nlp = active_pipeline()
    if nlp is not None and not _is_default(nlp):
        from .spacy_pipeline import run

        return run(text, goal_spans, nlp).user_data.get("fangan", {})
    found: dict[str, list] = {}
    for name in (nlp.pipe_names if nlp is not None else COMPONENTS):
        kind, find = FINDERS[name]
        found.setdefault(kind, []).extend(find(text, goal_spans))
    return found


def active_pipeline():
    """The spaCy pipeline extraction runs, or None when it is the default one and nothing asked for
    spaCy: no $FANGAN_SPACY_PIPELINE, and `load_pipeline` never called (so no component was added)."""
    spacy_pipeline = sys.modules.get(SPACY_MODULE)
    if os.environ.get("FANGAN_SPACY_PIPELINE"):
        from . import spacy_pipeline
    elif spacy_pipeline is None or not spacy_pipeline.load_pipeline.cache_info().currsize:
        return None
    return spacy_pipeline._pipeline()


def _is_default(nlp) -> bool:
    from .spacy_pipeline import JiebaTokenizer

    return isinstance(nlp.tokenizer, JiebaTokenizer) and all(name in FINDERS for name in nlp.pipe_names)


_SPACY_NAMES = {"load_pipeline", "run", "JiebaTokenizer", "create_jieba_tokenizer", "doc_text", "MAX_VOCAB"}


def __getattr__(name: str):
    # the spaCy side, loaded when first asked for (the names stay importable from here)
    if name in _SPACY_NAMES:
        from . import spacy_pipeline

        return getattr(spacy_pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if "spacy" in sys.modules:
    # the caller has spaCy loaded already: register the tokenizer and the components now, at no cost, so a
    # pipeline that names them works even where the entry points are not seen (a source tree's stale egg-info)
    from . import spacy_pipeline  # noqa: E402,F401
