"""Plain text and Markdown: bytes with no declared encoding → text.

Candidates come from the BOM, the codecs Chinese archives use and, when none of those reads as fluent
Chinese, charset-normalizer's guesses; the winner is the decoding that reads most like Chinese
(`fangan.lexicon.chars`: class score plus the bigram model), not the first codec that does not raise.
Bytes that are valid UTF-8 with multi-byte sequences are UTF-8 (Italian, Greek or Russian UTF-8 must
not become hanzi; text that was mojibake before it was saved is undone by `repair_mojibake`).
GBK/GB2312 are decoded as GB18030 (their superset), Big5 as cp950, never big5hkscs (which turns ①–⑧
into katakana).
"""
from __future__ import annotations

import re

import codecs
from typing import Optional

from fangan.ingest import SourceItem
from fangan.lexicon.chars import LOGPROB_SAMPLE, PLAUSIBILITY_SAMPLE, logprob, logprob_at_least, plausibility

from . import Block, LinesDocument, ParsedDocument, ParseError, register

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

_BOM_BYTES = tuple(bom for bom, _ in _BOMS)

# what a detector's label means for Chinese documents
_CANONICAL = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "big5": "cp950",
    "big5hkscs": "cp950",
    "big5-hkscs": "cp950",
    "ascii": "utf-8",
    "utf_8": "utf-8",
}

_FALLBACKS = ("utf-8", "gb18030", "cp950", "utf-16-le", "utf-16-be")


def canonical_codec(name: str) -> str:
    n = codecs.lookup(name).name if name else "utf-8"
    return _CANONICAL.get(n.replace("_", "-"), _CANONICAL.get(n, n))


def _looks_utf16(data: bytes) -> Optional[str]:
    """BOM-less UTF-16: many zero bytes on one parity (ASCII punctuation and digits)."""
    sample = data[:4000]
    if len(sample) < 8 or 0 not in sample:
        return None  # (no zero byte: neither parity has many)
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    n = len(sample) // 2
    if odd > 0.2 * n and even < 0.02 * n:
        return "utf-16-le"
    if even > 0.2 * n and odd < 0.02 * n:
        return "utf-16-be"
    return None


# every byte but the control bytes a text file never has (is_binary counts those in one C pass)
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in (9, 10, 12, 13, 26, 27)))


def is_binary(data: bytes) -> bool:
    """Control bytes a text file never has (NUL outside UTF-16, and the C0 range bar \\t\\n\\r\\f\\x1a\\x1b)."""
    global _LAST_JUDGED
    sample = data[:8192]
    last = _LAST_JUDGED  # (one read of the pair: another thread may replace it, never half of it)
    if sample == last[0]:
        return last[1]  # (`parse` judges the bytes before `parse_text` does: the same head, once)
    binary = _is_binary_head(sample)
    _LAST_JUDGED = (sample, binary)
    return binary


def _is_binary_head(sample: bytes) -> bool:
    """`is_binary` of the first 8 KB (all it reads)."""
    if not sample:
        return False
    if _looks_utf16(sample) or sample.startswith(_BOM_BYTES):
        return False
    bad = len(sample.translate(None, _NOT_CONTROL))  # what is left once every other byte is deleted
    return bad / len(sample) > 0.01


#: the head `is_binary` judged last and its judgement
_LAST_JUDGED: tuple = (None, False)


def is_multibyte_utf8(data: bytes) -> bool:
    """Valid UTF-8 holding multi-byte sequences: other codecs' bytes almost never are (a declared charset that
    says otherwise is wrong more often than the bytes)."""
    return _multibyte_utf8_text(data) is not None


def _multibyte_utf8_text(data: bytes) -> Optional[str]:
    """`data` decoded, when `is_multibyte_utf8(data)` (one decoding both decides and reads it), else None."""
    if data.isascii():
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes, declared: Optional[str] = None) -> tuple[str, str]:
    """Return (text, codec). `declared` (HTTP header, <meta>) is one candidate, not a verdict."""
    for bom, codec in _BOMS if data.startswith(_BOM_BYTES) else ():
        if data.startswith(bom):
            # damaged units (a lone UTF-16 surrogate, a cut-off last character) become U+FFFD, which the
            # normalizers count as irrecoverable: the rest of the document is still read
            return data.decode(codec, errors="replace"), codec.replace("-sig", "") if codec == "utf-8-sig" else codec
    candidates: list[str] = []
    if declared:
        try:
            candidates.append(canonical_codec(declared))
        except LookupError:
            pass
    u16 = _looks_utf16(data)
    if u16:
        candidates.append(u16)
    else:
        text = _multibyte_utf8_text(data)
        if text is not None:
            return text, "utf-8"
    # the codecs Chinese archives use are read first; charset-normalizer (0.5–1 ms a file, most of what reading
    # a GBK file costs) is asked only when none of them reads as fluent Chinese (`_FLUENT_SCORE`). On the 777
    # non-UTF-8 inputs of the shared corpora, the benchmark's GBK plans and the tests' damaged files, its guesses
    # never changed the decision; they still decide Russian cp1251, which no fallback reads
    readings: dict[tuple[str, bool], Optional[str]] = {}
    heads = _readings(data, candidates + list(_FALLBACKS), readings)
    if heads:
        best, score_floor, exact = _scored_best([head for _, _, head in heads])
        codec, strict, head = heads[best]
        # (the exact score is computed only when the bound falls short and the bigram model did not run)
        if strict and (score_floor >= _FLUENT_SCORE or (not exact and _reads_as_text(head) >= _FLUENT_SCORE)):
            return _whole(data, codec, strict, head)
    try:
        from charset_normalizer import from_bytes

        for match in list(from_bytes(data[:200_000]))[:4]:
            try:
                candidates.append(canonical_codec(match.encoding))
            except LookupError:
                continue
    except Exception:  # detector failure must not lose the document: fallbacks below still run
        pass
    candidates.extend(_FALLBACKS)
    heads = _readings(data, candidates, readings)
    if not heads:
        # nothing decodes strictly: keep every character we can and say so (normalizers warn on U+FFFD)
        return data.decode("gb18030", errors="replace"), "gb18030"
    return _whole(data, *heads[_best_reading([head for _, _, head in heads])])


def _readings(data: bytes, candidates: list[str], readings: dict) -> list[tuple[str, bool, str]]:
    """(codec, strict, the decoding's head: all that the scores read) in the order they are compared: every
    candidate's strict decoding, then the lenient ones. `readings` keeps the heads (None: no such decoding) of
    earlier calls on the same data."""
    def head(codec: str, strict: bool) -> Optional[str]:
        key = (codec, strict)
        if key not in readings:
            if strict:
                try:
                    readings[key] = data.decode(codec)[:_SCORED_CHARS]
                except (UnicodeDecodeError, LookupError):
                    readings[key] = None
            else:
                lenient = _lenient(data, codec)
                readings[key] = lenient[:_SCORED_CHARS] if lenient is not None else None
        return readings[key]

    heads = [(codec, True, h) for codec in dict.fromkeys(candidates) if (h := head(codec, True)) is not None]
    strict = {codec for codec, _, _ in heads}
    # a damaged file (a flipped bit, a cut-off download) fails its own codec strictly at a few bytes and is
    # then read as fluent-looking mojibake by another: its own codec with those few bytes replaced wins
    # (a codec that decodes strictly is not read leniently: that reading is the strict one, scored equal and
    # listed after it, never chosen)
    heads += [(codec, False, h) for codec in dict.fromkeys(c for c in candidates if not c.startswith("utf-16"))
              if codec not in strict and (h := head(codec, False)) is not None]
    return heads


def _whole(data: bytes, codec: str, strict: bool, head: str) -> tuple[str, str]:
    """The whole decoding whose head won."""
    if len(head) < _SCORED_CHARS:
        return head, codec  # (a head shorter than the cut is the whole decoding)
    return (data.decode(codec) if strict else _lenient(data, codec)), codec


#: a strict decoding that scores this much (`_reads_as_text`) reads as fluent Chinese: plans read as their own
#: codec score 0.1–0.5 (mean log probability −5 to −7); Korean EUC-KR read as GB18030 scores −0.76 (class score
#: 0.62, but pairs no Chinese text has: −13.8), other wrong readings below −1
_FLUENT_SCORE = 0.0


#: a decoding is scored on its head: all that `plausibility` and `logprob` read
_SCORED_CHARS = max(PLAUSIBILITY_SAMPLE, LOGPROB_SAMPLE)


def _best_reading(texts: list[str]) -> int:
    """The index of the text with the highest `_reads_as_text` score, the first of equals."""
    return _scored_best(texts)[0]


def _scored_best(texts: list[str]) -> tuple[int, float, bool]:
    """`_best_reading`, a lower bound of the winner's score, and whether that bound is its exact score (it is
    when the bigram model ran).

    The score is plausibility plus 0.1 × the mean log probability, which is never positive: plausibility alone
    bounds a decoding's score from above. Scored from the most plausible down, a decoding whose bound cannot beat
    the best so far is never run through the bigram model (the slow half); the winner is the same."""
    bounds = [plausibility(text) for text in texts]
    top = max(range(len(texts)), key=lambda j: (bounds[j], -j))
    rival = max((b for j, b in enumerate(bounds) if j != top), default=None)
    # the most plausible decoding wins outright when even a lower bound of its score (its bigram log probability
    # bounded from below by the pairs seen so far) clears every other's upper bound: the bigram model is not run
    floor = bounds[top] + 0.1 * logprob_at_least(texts[top])
    if rival is None or floor > rival:
        return top, floor, False
    best_i, best_score = -1, 0.0
    for i in sorted(range(len(texts)), key=lambda j: -bounds[j]):
        if best_i >= 0 and (bounds[i] < best_score or (bounds[i] == best_score and i > best_i)):
            continue
        score = bounds[i] + 0.1 * logprob(texts[i])
        if best_i < 0 or score > best_score or (score == best_score and i < best_i):
            best_i, best_score = i, score
    return best_i, best_score, True


def _reads_as_text(text: str) -> float:
    """How well a decoding reads: the class score (debris, rare hanzi, U+FFFD) plus the bigram model
    (pairs that never stand together). Strict and lenient decodings are compared on this one scale."""
    return plausibility(text) + 0.1 * logprob(text)


def _lenient(data: bytes, codec: str, max_share: float = 0.05) -> Optional[str]:
    """`data` decoded with undecodable bytes replaced (U+FFFD), when they are at most `max_share` of it."""
    limit = max(8, max_share * len(data))
    if codec == "utf-8" and len(data) >= 1024 and _replaced_in_utf8_prefix(data, len(data) // 4) - 1 > limit:
        return None  # (GBK or Big5 bytes read as UTF-8: a quarter of them already holds too many replacements)
    try:
        text = data.decode(codec, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd")
    if bad == 0 or bad > limit:
        return None
    return text


def _replaced_in_utf8_prefix(data: bytes, n: int) -> int:
    """U+FFFD in the first `n` bytes read as UTF-8 with replacement: the whole has at least this many but one
    (UTF-8 decides each sequence on its own bytes; only a sequence the cut splits reads differently)."""
    return data[:n].decode("utf-8", errors="replace").count("\ufffd")


def split_paragraphs(text: str) -> list[str]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


@register("txt", extensions=("txt", "text", "md", "markdown", ""))
def parse_text(item: SourceItem) -> ParsedDocument:
    if is_binary(item.data):
        raise ParseError("not_text", "binary content (control bytes) in a file read as text")
    declared = None
    if item.content_type and "charset=" in item.content_type:
        declared = item.content_type.split("charset=", 1)[1].split(";")[0].strip()
    text, codec = decode_bytes(item.data, declared)
    if not text.strip():
        raise ParseError("empty", "the file holds no text")
    if item.suffix in ("md", "markdown"):
        return ParsedDocument(blocks=markdown_blocks(split_paragraphs(text)), format="md", encoding=codec)
    # a paragraph block per line, made only if something asks for the blocks (the build reads the text)
    # (every reading decode_bytes names utf-8 is Python's UTF-8 decoder's, strict or replacing: no surrogate in it)
    return LinesDocument("\n".join(split_paragraphs(text)) if "\r" in text else text, format="txt", encoding=codec,
                         decoded_utf8=codec == "utf-8")


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*[-*+]\s+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def markdown_blocks(lines: list[str]) -> list[Block]:
    """Markdown is layout, not text: headings become heading blocks with their level, embedded HTML
    tables one row per line (cells joined by a tab), images vanish and links keep their text."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if "<table" in lines[i].lower():
            j = i
            while j < len(lines) and "</table>" not in lines[j].lower():
                j += 1
            blocks.extend(_html_table("\n".join(lines[i: j + 1])))
            i = j + 1
            continue
        blocks.append(_markdown_block(lines[i]))
        i += 1
    return blocks


def _inline(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _HTML_TAG.sub("", text).strip()


def _markdown_block(line: str) -> Block:
    """`## 玖、实施进度` is a level-2 heading 玖、实施进度; `- item` is the item."""
    m = _MD_HEADING.match(line)
    if m:
        return Block(_inline(m.group(2)), kind="heading", level=len(m.group(1)))
    return Block(_inline(_MD_LIST.sub("", line)))


def _html_table(html: str) -> list[Block]:
    """An HTML <table> inside Markdown: one `table_row` block per row, cells joined by a tab."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # a broken fragment is still text: keep it without its tags
        return [Block(_inline(ln)) for ln in html.split("\n") if _inline(ln)]
    rows = []
    for tr in root.iter("tr"):
        cells = [" ".join(td.text_content().split()) for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]
        if any(cells):
            rows.append(Block("\t".join(cells), kind="table_row"))
    return rows
