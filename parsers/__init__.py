"""Parsers: bytes of one document → `ParsedDocument` (text blocks plus hints).

A parser registers itself for a format with `@register("docx", sniff=...)`; `parse()` picks the
parser from the content first (magic bytes), then the file extension. A parser that cannot read
its input raises `ParseError` with a machine-readable `error` kind and a human reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from fangan.ingest import SourceItem


class ParseError(Exception):
    def __init__(self, error: str, reason: str):
        super().__init__(reason)
        self.error = error
        self.reason = reason


@dataclass
class Block:
    """One paragraph-like unit of the source, in reading order."""

    text: str
    kind: str = "paragraph"  # paragraph | heading | table_row | list_item
    level: Optional[int] = None  # heading level hint (Word Heading N, <hN>, outline level, font size rank)
    marker: Optional[str] = None  # numbering that existed only as list numbering (already prefixed to `text`)


@dataclass(frozen=True)
class TitleCandidate:
    """A string that may be the document's title, and where it was found.

    `source` is one of: `site_title` (the CMS title element of a known site), `meta` (ArticleTitle, og:title),
    `h1`, `page_title` (`<title>` without its site suffix), `label` (a `标题：` line of a crawler header or a
    metadata box), `chrome` (a breadcrumb, a 文库 file name), `core` (a docx/pdf title property).
    `leading` says the candidate was the document's very first line (a crawler header's `标题：…`): then that
    line is the title line and the body below it is kept whole (../shared/gold/CONVENTIONS.md, Title).
    Structure ranks all candidates (`structure/title.py`)."""

    text: str
    source: str
    leading: bool = False


@dataclass
class ParsedDocument:
    blocks: list[Block]
    format: str
    encoding: Optional[str] = None
    title_hint: Optional[str] = None  # e.g. <h1>, <title> without site suffix, docx core title
    site: Optional[str] = None
    url: Optional[str] = None
    captured_at: Optional[str] = None
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, message)
    title_candidates: list[TitleCandidate] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (text, reason) of what the parser cut as chrome

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    @property
    def heading_hints(self) -> dict[str, int]:
        return {b.text.strip(): b.level for b in self.blocks if b.kind == "heading" and b.level}


ParserFn = Callable[[SourceItem], ParsedDocument]


@dataclass
class _Entry:
    fmt: str
    fn: ParserFn
    extensions: tuple[str, ...]
    sniff: Optional[Callable[[bytes], bool]]


_REGISTRY: dict[str, _Entry] = {}


def register(fmt: str, extensions: tuple[str, ...] = (), sniff: Optional[Callable[[bytes], bool]] = None):
    def deco(fn: ParserFn) -> ParserFn:
        _REGISTRY[fmt] = _Entry(fmt, fn, extensions or (fmt,), sniff)
        return fn

    return deco


def _load_builtin_parsers() -> None:
    # Imported for their @register side effect; each module keeps its heavy imports lazy.
    from . import text, html, office, pdf  # noqa: F401


def detect_format(item: SourceItem) -> str:
    _load_builtin_parsers()
    if item.format_hint and item.format_hint in _REGISTRY:
        return item.format_hint
    head = item.data[:4096]
    for entry in _REGISTRY.values():
        if entry.sniff and entry.sniff(head):
            # a zip container is docx only if the extension or content says so; sniffers check that
            return entry.fmt
    suffix = item.suffix
    for entry in _REGISTRY.values():
        if suffix in entry.extensions:
            return entry.fmt
    return "txt" if not suffix else suffix


def parse(item: SourceItem) -> ParsedDocument:
    fmt = detect_format(item)
    entry = _REGISTRY.get(fmt)
    if entry is None:
        raise ParseError("unsupported_format", f"no parser for format {fmt!r} ({item.path})")
    return entry.fn(item)
