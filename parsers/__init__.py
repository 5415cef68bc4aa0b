"""Parsers: bytes of one document → `ParsedDocument` (text blocks plus hints).

A parser registers itself for a format with `@register("docx", sniff=...)`; `parse()` picks the
parser from the content first (magic bytes), then the file extension. A parser that cannot read
its input raises `ParseError` with a machine-readable `error` kind and a human reason.
"""
from __future__ import annotations

import re
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
    Structure ranks all candidates (`structure/document_title.py`)."""

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


class LinesDocument(ParsedDocument):
    """A plain text read as one paragraph block per line, its `Block`s made only when something asks for `blocks`:
    `text` (the lines joined: the text itself) and `heading_hints` (none: plain lines carry no level) are answered
    without them, and the build asks for nothing else. Once made, the blocks are the document, as in any other."""

    def __init__(self, text: str, format: str, encoding: Optional[str] = None, decoded_utf8: bool = False):
        self._lines_text: Optional[str] = text  # (the blocks' texts joined by line breaks, while there are no blocks)
        # `decoded_utf8`: the parser read `text` from bytes with Python's UTF-8 decoder, which never yields a surrogate
        # (strict: refused; "replace": U+FFFD), so the text holds none
        self._utf8 = decoded_utf8
        self._blocks: Optional[list[Block]] = None
        super().__init__(blocks=None, format=format, encoding=encoding)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def blocks(self) -> list[Block]:
        if self._blocks is None:
            self._blocks = [Block(p) for p in self._lines_text.split("\n")]  # type: ignore[union-attr]
            self._lines_text = None
        return self._blocks

    @blocks.setter
    def blocks(self, value: Optional[list[Block]]) -> None:
        if value is None and self._blocks is None:
            return  # (the dataclass's __init__: the lines stay as text)
        self._blocks, self._lines_text = value, None

    @property
    def text(self) -> str:
        return self._lines_text if self._blocks is None else ParsedDocument.text.fget(self)  # type: ignore

    @property
    def heading_hints(self) -> dict[str, int]:
        return {} if self._blocks is None else ParsedDocument.heading_hints.fget(self)  # type: ignore

    @property
    def surrogate_free(self) -> bool:
        """Whether the text surely holds no surrogate: the parser decoded it from UTF-8 and no block was made (blocks
        may be edited)."""
        return getattr(self, "_utf8", False) and self._blocks is None  # (a document pickled before the flag: scan)


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
    if _BUILTINS_LOADED:
        return  # (once per process, not an import statement per document)
    from . import text, html, office, pdf  # noqa: F401

    _BUILTINS_LOADED.append(True)


_BUILTINS_LOADED: list = []


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


def parse(item: SourceItem, max_text_chars: Optional[int] = None) -> ParsedDocument:
    fmt = detect_format(item)
    entry = _REGISTRY.get(fmt)
    if entry is None:
        raise ParseError("unsupported_format", f"no parser for format {fmt!r}")
    fmt, note = check_content(item, fmt)
    parsed = _REGISTRY[fmt].fn(item)
    if note:
        parsed.warnings.append(note)
    check_text(parsed, max_text_chars)
    return parsed


# --------------------------------------------------------------------------------------------------
# content checks: garbage must become an error entry, never a record of decoded noise

#: formats whose files are text: bytes with control characters are not one of them
TEXT_FORMATS = ("txt", "html")


def check_content(item: SourceItem, fmt: str) -> tuple[str, Optional[tuple[str, str]]]:
    """The format to parse `item` as, and a warning when that is not what its name says.

    A text format (txt, html) chosen by the file's name must hold text: control bytes → `not_text`.
    A binary format (doc, docx, rtf, pdf) chosen by the name but without its magic bytes is read as text
    when it is text (Word's "save as web page" named .doc is common), and is `wrong_format` otherwise."""
    from .text import is_binary

    entry = _REGISTRY[fmt]
    head = item.data[:4096]
    if entry.sniff and entry.sniff(head):
        return fmt, None  # the content itself says what it is
    binary = is_binary(item.data)
    if fmt in TEXT_FORMATS:
        if binary:
            raise ParseError("not_text", f"the bytes are not text ({_control_share(item.data):.0%} control bytes), "
                                         f"though the input is read as {fmt}")
        return fmt, None
    if fmt == "docx" and head.startswith(b"PK"):
        return fmt, None  # a zip whose word/ part lies beyond the sniffed head: the docx reader judges
    if binary or not _reads_as_text(item.data):
        raise ParseError("wrong_format", f"not a {fmt} file (no {fmt} signature at its start) and not text either")
    as_text = "html" if _REGISTRY["html"].sniff(head) else "txt"
    return as_text, ("wrong_extension", f"the input is named as {fmt} but holds {as_text}; read as {as_text}")


def _reads_as_text(data: bytes) -> bool:
    """Positive evidence that bytes under a binary format's name are text: they decode to something that
    reads like a language (a few random bytes can lack control bytes by chance)."""
    from fangan.lexicon.chars import plausibility
    from .text import decode_bytes

    text, _ = decode_bytes(data[:65536])
    return plausibility(text) >= TEXT_AT_LEAST


def noise_reason(text: str) -> Optional[str]:
    """Why a document's text (after normalization, so repaired mojibake is judged repaired) is noise, or
    None. The bar is low — English text passes, damaged Chinese passes — only decoding debris fails."""
    from fangan.lexicon.chars import plausibility, plausibility_at_least

    if plausibility_at_least(text, NOISE_BELOW):
        return None  # (few characters that could score below 0: clear of the bar without scoring each)
    score = plausibility(text)
    if score < NOISE_BELOW:
        return (f"the text reads as decoding debris, not language (plausibility {score:.2f} < {NOISE_BELOW}): "
                "the bytes are not text in any codec tried")
    return None


def _control_share(data: bytes) -> float:
    sample = data[:8192]
    return sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13, 26, 27)) / max(1, len(sample))


def check_text(parsed: ParsedDocument, max_text_chars: Optional[int] = None) -> None:
    """Refuse a text over the length budget; warn when a document holds no Chinese."""
    from fangan.ingest import Limits

    from fangan.lexicon.chars import han_share, han_share_at_least, plausibility

    text = parsed.text
    # (one scan of the whole text finds a lone surrogate, none for a text that cannot hold one; blocks are rewritten
    # only when there is one)
    text_clean = getattr(parsed, "surrogate_free", False)
    if (not text_clean and _has_surrogate(text)) or (parsed.title_hint and _has_surrogate(parsed.title_hint)):
        _replace_lone_surrogates(parsed)
        text = parsed.text
    limit = max_text_chars or Limits().max_text_chars
    n = len(text) + 1 if text or parsed.blocks else 0  # (the characters of every block plus one break each)
    if n > limit:
        raise ParseError("too_long", f"the text has {n} characters, over the {limit}-character budget")
    if parsed.format in CONVERTED_FORMATS and plausibility(text) < NOISE_BELOW:
        # LibreOffice imports any bytes it cannot read as a document as 8-bit text: noise, not a document
        raise ParseError("not_text", f"the converted {parsed.format} reads as noise, not text: the file is damaged "
                                     "or not a word-processor document")
    if han_share_at_least(text, NOT_CHINESE_BELOW):
        return  # (a prefix settles it for a Chinese text: no need to count every character)
    share = han_share(text)
    if share < NOT_CHINESE_BELOW:
        parsed.warnings.append(("not_chinese", f"only {share:.1%} of the visible characters are Chinese; "
                                               "the repairs and extraction rules are written for Chinese plans"))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(text: str) -> bool:
    """Whether `text` holds a surrogate code point (`_LONE_SURROGATE` finds one): the strict UTF-16 encoder
    refuses exactly those, in one C pass several times quicker than the pattern's search."""
    try:
        for at in range(0, len(text), _SURROGATE_SLICE):  # (a slice at a time: a bounded copy of a long text)
            text[at: at + _SURROGATE_SLICE].encode("utf-16-le")
    except UnicodeEncodeError:
        return True
    return False


_SURROGATE_SLICE = 1 << 20


def _replace_lone_surrogates(parsed: ParsedDocument) -> None:
    """A lone surrogate (from a damaged UTF-16 unit a parser let through) cannot be written as JSON: it
    becomes U+FFFD, which the normalizers count as an irrecoverable character."""
    n = 0
    for b in parsed.blocks:
        if _LONE_SURROGATE.search(b.text):
            b.text, k = _LONE_SURROGATE.subn("\ufffd", b.text)
            n += k
    if parsed.title_hint and _LONE_SURROGATE.search(parsed.title_hint):
        parsed.title_hint = _LONE_SURROGATE.sub("\ufffd", parsed.title_hint)
    if n:
        parsed.warnings.append(("lone_surrogates", f"{n} lone UTF-16 surrogate(s) replaced by U+FFFD"))


#: below this share of hanzi among visible characters, a document is not a Chinese plan
NOT_CHINESE_BELOW = 0.05
#: formats read through a converter; below this plausibility (`chinese.plausibility`, clean text > 0.6,
#: English ≈ 0.2) the converted text is noise
CONVERTED_FORMATS = ("doc", "rtf")
NOISE_BELOW = -0.2
#: bytes under a binary format's name are read as text only from this plausibility up (English ≈ 0.2)
TEXT_AT_LEAST = 0.15
