"""PDF files (pdfplumber): the body text a reader sees, one paragraph per block.

* Lines are rebuilt from the characters (so CJK text gets no spurious spaces, overprinted fake-bold
  characters are counted once, rotated watermarks are dropped, Kangxi-radical look-alikes that some
  fonts map to are folded back to the ideographs).
* Running headers and footers (the same line at the top or bottom of many pages, digits ignored) and
  page numbers (— 3 —, -3-, 第3页, 第3页 共9页, 3/9, Page 3 of 9) are removed and counted in a warning.
* Hard-wrapped lines are joined back into paragraphs: a line that reaches the right margin continues
  unless it ends a sentence (in documents that indent first lines, the next line's indent decides);
  a line that stops short, a first-line indent, a change of font size or a wider gap ends a paragraph.
* Heading lines (larger size, bold or a heading typeface such as 黑体/楷体 against a 仿宋 body) are kept
  as separate blocks with a level hint ranked by size and weight; the large lines that open page 1
  are title candidates.
* Ruled tables become `table_row` blocks (``cell | cell``) at their place in the reading order.
* No text layer (scans; a scanner app's watermark does not count), or fonts without a Unicode map
  → ParseError ``needs_ocr``; a PDF that needs a password → ``encrypted_pdf``.
"""
from __future__ import annotations

import io
import logging
import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from fangan.lexicon.markers import LINE_MARKER as _MARKER_START  # one marker table for every stage
from fangan.ingest import SourceItem

from . import Block, ParsedDocument, ParseError, register

_SENT_END = "。！？；!?;…”’）)」』】"
_PAGE_NUMBER = re.compile(
    r"^(?:"
    r"[-—–－~～\s·•]*\d{1,4}[-—–－~～\s·•]*"  # 3  -3-  — 3 —
    r"|[-—–－\s]*第\s*\d{1,4}\s*页[-—–－\s]*(?:[,，/／\s]*共\s*\d{1,4}\s*页)?"  # 第3页  第3页 共9页
    r"|(?:共\s*\d{1,4}\s*页[,，\s]*)第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"  # 3/9
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"  # Page 3 of 9
    r"|[-—–\s]*[ivxlc]{1,6}[-—–\s]*"  # roman front matter
    r")$",
    re.I,
)
_HEI = ("hei", "黑体", "黑體", "yahei", "雅黑")
_KAI = ("kai", "楷")
_TITLE_FONT = ("xiaobiaosong", "xbs", "小标宋", "biaosong", "标宋")
_BOLD = ("bold", "heavy", "black", "semibold", "demi", "粗")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    family: str  # hei | kai | title | other
    bold: bool
    page: int
    nchars: int
    gappy: bool = False  # a wide gap inside (a signature block, columns side by side)
    split: bool = False  # a space between two CJK characters ("XX厅 XX厅": names side by side)
    kind: str = "paragraph"  # paragraph | heading | title | table_row
    level: Optional[int] = None

    @property
    def key(self) -> tuple:
        return (round(self.size * 2) / 2, self.family, self.bold)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    images: int = 0


def _font_name(raw: str) -> str:
    name = raw.split("+", 1)[1] if "+" in raw[:8] else raw
    if any(ord(ch) > 127 for ch in name):  # GBK font names arrive as latin-1 mojibake (ËÎÌå for 宋体)
        try:
            name = name.encode("latin-1").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name.lower()


def _family(name: str) -> str:
    if any(k in name for k in _TITLE_FONT):
        return "title"
    if any(k in name for k in _HEI):
        return "hei"
    if any(k in name for k in _KAI):
        return "kai"
    return "other"


def _fold(ch: str) -> str:
    """Kangxi radicals / CJK compatibility ideographs that some fonts' ToUnicode maps yield → ideographs."""
    o = ord(ch)
    if 0x2F00 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF or 0x2E80 <= o <= 0x2EFF:
        return unicodedata.normalize("NFKC", ch)
    return ch


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F


def _any_between(sorted_xs: list[float], lo: float, hi: float) -> bool:
    import bisect

    i = bisect.bisect_left(sorted_xs, lo)
    return i < len(sorted_xs) and sorted_xs[i] <= hi


def _build_lines(chars: list[dict], page_no: int) -> list[_Line]:
    """Group characters into lines (by vertical centre) and lines into text with inferred spaces."""
    # unmapped glyphs ("(cid:123)": a font without a Unicode map) carry no text
    chars = [c for c in chars if c.get("upright", True) and c.get("text") and not c["text"].startswith("(cid:")]
    spaces = [c for c in chars if c["text"].isspace()]
    chars = [c for c in chars if not c["text"].isspace()]
    if not chars:
        return []
    chars.sort(key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
    groups: list[list[dict]] = []
    current: list[dict] = []
    centre = 0.0
    for c in chars:
        cc = (c["top"] + c["bottom"]) / 2
        if current and abs(cc - centre) <= 0.45 * max(c["size"], current[0]["size"], 1.0):
            current.append(c)
        else:
            if current:
                groups.append(current)
            current = [c]
            centre = cc
    groups.append(current)
    lines = []
    for g in groups:
        g.sort(key=lambda c: c["x0"])
        top, bottom = min(c["top"] for c in g), max(c["bottom"] for c in g)
        # space characters the PDF really has (not inferred from gaps), by their x position
        real = sorted((c["x0"] + c["x1"]) / 2 for c in spaces if top <= (c["top"] + c["bottom"]) / 2 <= bottom)
        out: list[str] = []
        kept: list[dict] = []
        gappy = split = False
        prev = None
        for c in g:
            if prev is not None:
                # fake bold: the same glyph printed twice, a hair apart
                if c["text"] == prev["text"] and abs(c["x0"] - prev["x0"]) < 0.3 * max(c["size"], 1):
                    continue
                gap = c["x0"] - prev["x1"]
                size = max(c["size"], prev["size"], 1.0)
                a, b = prev["text"][-1], c["text"][0]
                spaced = bool(real) and _any_between(real, prev["x1"] - 0.1, c["x0"] + 0.1)
                if spaced or gap > 0.8 * size:
                    out.append(" ")
                    gappy = gappy or gap > 2.5 * size
                    split = split or (_is_cjk(a) and _is_cjk(b))
                elif gap > 0.2 * size and not (_is_cjk(a) or _is_cjk(b)):
                    out.append(" ")
            out.append("".join(_fold(ch) for ch in c["text"]))
            kept.append(c)
            prev = c
        text = "".join(out).strip()
        if not text:
            continue
        sizes = sorted(c["size"] for c in kept)
        # the typeface of the CJK characters: digits and Latin letters come from another font
        cjk = [c for c in kept if _is_cjk(c["text"][0])] or kept
        fonts = Counter(_font_name(c.get("fontname", "")) for c in cjk)
        font = fonts.most_common(1)[0][0]
        bold_chars = sum(1 for c in kept if any(k in _font_name(c.get("fontname", "")) for k in _BOLD))
        lines.append(_Line(
            text=text, x0=kept[0]["x0"], x1=kept[-1]["x1"], top=min(c["top"] for c in kept),
            bottom=max(c["bottom"] for c in kept), size=sizes[len(sizes) // 2], family=_family(font),
            bold=bold_chars >= 0.6 * len(kept), page=page_no, nchars=len(kept), gappy=gappy, split=split,
        ))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


# ------------------------------------------------------------------------------------------------
# tables


def _is_white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        return color >= 0.95
    try:
        vals = list(color)
    except TypeError:
        return False
    if len(vals) == 4:  # CMYK
        return all(v <= 0.05 for v in vals)
    return all(isinstance(v, (int, float)) and v >= 0.95 for v in vals)


def _ruling(obj: dict) -> bool:
    """Objects that can be table rules: lines, stroked rectangles, thin dark filled rectangles."""
    t = obj.get("object_type")
    if t == "char":
        return True
    if t == "line" or t == "curve":
        return True
    if t == "rect":
        if obj.get("stroke") and not _is_white(obj.get("stroking_color")):
            return True
        thin = min(obj.get("width", 0), obj.get("height", 0)) <= 2.5
        return bool(obj.get("fill")) and thin and not _is_white(obj.get("non_stroking_color"))
    return False


def _tables(page, page_no: int) -> list[tuple[tuple[float, float, float, float], list[_Line]]]:
    """Ruled tables on a page: (bbox, one table_row line per row)."""
    if not (page.rects or page.lines):
        return []
    try:
        filtered = page.filter(_ruling)
        found = filtered.find_tables()
    except Exception:
        return []
    out = []
    chars = page.chars
    for t in found:
        rows = [r for r in t.rows if sum(1 for c in r.cells if c) >= 2]
        if len(rows) < 2:
            continue
        row_lines = []
        for r in rows:
            cells = []
            for cell in r.cells:
                if cell is None:
                    continue
                x0, top, x1, bottom = cell
                inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
                cells.append(_join_wrapped([ln.text for ln in _build_lines(inside, page_no)]))
            if any(cells):
                rx0, rtop, rx1, rbottom = r.bbox
                row_lines.append(_Line(" | ".join(cells), rx0, rx1, rtop, rbottom, 0.0, "other", False, page_no,
                                       sum(len(c) for c in cells), kind="table_row"))
        if row_lines:
            out.append((t.bbox, row_lines))
    return out


def _join_wrapped(parts: list[str]) -> str:
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and p[:1].isascii() and p[:1].isalnum():
            out += " "
        out += p
    return out


# ------------------------------------------------------------------------------------------------
# reading the pages


def _read_pages(data: bytes) -> tuple[list[_Page], dict, dict]:
    """The pages as lines (and table rows), the document info, and glyph counts."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)
    pages: list[_Page] = []
    meta: dict = {}
    stats = {"chars": 0, "cid": 0}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            meta = {k: v for k, v in (pdf.metadata or {}).items() if isinstance(v, str)}
            for i, page in enumerate(pdf.pages, start=1):
                pg = _Page(i, float(page.width), float(page.height))
                tables = _tables(page, i)
                chars = page.chars
                if tables:
                    def outside(c, boxes=[b for b, _ in tables]):
                        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
                        return not any(x0 <= cx <= x1 and t <= cy <= b for x0, t, x1, b in boxes)

                    chars = [c for c in chars if outside(c)]
                stats["chars"] += len(chars)
                stats["cid"] += sum(1 for c in chars if c.get("text", "").startswith("(cid:"))
                lines = _build_lines(chars, i)
                for _, rows in tables:
                    lines.extend(rows)
                lines.sort(key=lambda ln: (ln.top, ln.x0))
                pg.lines = lines
                pg.images = len(page.images)
                page.flush_cache()
                pages.append(pg)
    except ParseError:
        raise
    except Exception as e:
        cause, hops = e, 0
        while cause is not None and hops < 6:
            if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or \
                    type(cause).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError"):
                raise ParseError("encrypted_pdf", "the PDF is encrypted and needs a password to open")
            cause, hops = cause.__cause__ or cause.__context__, hops + 1
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            raise ParseError("encrypted_pdf", f"the PDF is encrypted and cannot be read: {type(e).__name__}: {e}")
        raise ParseError("corrupt_pdf", f"not a readable PDF: {type(e).__name__}: {e}")
    return pages, meta, stats


def _norm_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _strip_running(pages: list[_Page]) -> tuple[int, int, list[str]]:
    """Remove page numbers and running headers/footers. Returns (page numbers, running lines, examples)."""
    n = len(pages)
    page_numbers = 0
    for pg in pages:
        body = [ln for ln in pg.lines if ln.kind != "table_row"]
        edge = set()
        if body:
            edge.update({id(body[0]), id(body[-1])})
            if len(body) > 1:
                edge.update({id(body[1]), id(body[-2])})
        keep = []
        for ln in pg.lines:
            if id(ln) in edge and _PAGE_NUMBER.match(ln.text.strip()) and ln.nchars <= 16:
                page_numbers += 1
                continue
            keep.append(ln)
        pg.lines = keep
    removed = 0
    examples: list[str] = []
    if n >= 2:
        counts: Counter = Counter()
        for pg in pages:
            body = [ln for ln in pg.lines if ln.kind != "table_row"]
            zone = body[:2] + body[-2:] if len(body) > 4 else body
            counts.update({_norm_key(ln.text) for ln in zone})
        need = max(2, math.ceil(0.3 * n)) if n > 3 else 2
        running = {k for k, c in counts.items() if c >= need and k}
        if running:
            for pg in pages:
                body = [ln for ln in pg.lines if ln.kind != "table_row"]
                zone = {id(ln) for ln in (body[:2] + body[-2:] if len(body) > 4 else body)}
                keep = []
                for ln in pg.lines:
                    if id(ln) in zone and _norm_key(ln.text) in running:
                        removed += 1
                        if ln.text not in examples and len(examples) < 3:
                            examples.append(ln.text)
                        continue
                    keep.append(ln)
                pg.lines = keep
    return page_numbers, removed, examples


def _classify(pages: list[_Page]) -> Optional[str]:
    """Mark heading and title lines; return a title hint."""
    lines = [ln for pg in pages for ln in pg.lines if ln.kind != "table_row"]
    if not lines:
        return None
    weight: Counter = Counter()
    for ln in lines:
        weight[ln.key] += ln.nchars
    body_key = weight.most_common(1)[0][0]
    body_size, body_family, body_bold = body_key
    right = _right_margin(lines, body_size)
    for ln in lines:
        if ln.key == body_key or ln.nchars > 60:
            continue
        larger = ln.size >= body_size + 0.9
        emphasis = (ln.bold and not body_bold) or (ln.family != body_family and ln.family in ("hei", "kai", "title"))
        smaller = ln.size < body_size - 0.9
        if smaller or not (larger or emphasis):
            continue
        if not larger and ln.x1 >= right - 1.5 * body_size and ln.text[-1] not in _SENT_END:
            continue  # an emphasised line of running text, not a heading
        ln.kind = "heading"
    # title: the large heading lines that open page 1, above the first body line
    first = pages[0].lines if pages else []
    title_lines: list[_Line] = []
    top_size = max((ln.size for ln in first if ln.kind == "heading"), default=0)
    for ln in first:
        if ln.kind == "table_row":
            break
        if ln.kind != "heading":
            if ln.nchars > 4:
                break
            continue
        if ln.size >= body_size + 0.9 and ln.size >= top_size - 0.5:
            ln.kind = "title"
            title_lines.append(ln)
    # levels: heading styles ranked by size, then typeface (黑体 before 楷体 before bold)
    fam_rank = {"title": 0, "hei": 1, "kai": 2}
    keys = sorted({ln.key for ln in lines if ln.kind == "heading"},
                  key=lambda k: (-k[0], fam_rank.get(k[1], 3), not k[2]))
    rank = {k: i + 1 for i, k in enumerate(keys)}
    for ln in lines:
        if ln.kind == "heading":
            ln.level = rank[ln.key]
    if title_lines:
        plain = [text for text, gappy in _join_title(title_lines) if not gappy]
        if len(plain) == 1:  # a side-by-side issuer line ("XX厅  XX厅") is not the title
            return plain[0]
    return None


def _join_title(lines: list[_Line]) -> list[tuple[str, bool]]:
    groups: list[list[_Line]] = []
    for ln in lines:
        if groups and _continues_heading(groups[-1][-1], ln):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    return [(_join_wrapped([ln.text for ln in g]), any(ln.gappy or ln.split for ln in g)) for g in groups]


def _continues_heading(a: _Line, b: _Line) -> bool:
    return (a.page == b.page and a.key == b.key and not (a.gappy or a.split or b.gappy or b.split)
            and b.top - a.bottom <= 1.5 * a.size and a.text[-1] not in _SENT_END + "：:"
            and not _MARKER_START.match(b.text))


def _right_margin(lines: list[_Line], body_size: float) -> float:
    xs = sorted(ln.x1 for ln in lines if abs(ln.size - body_size) < 0.6 and ln.kind != "table_row")
    if not xs:
        xs = sorted(ln.x1 for ln in lines)
    return xs[int(0.9 * (len(xs) - 1))] if xs else 0.0


def _left_margin(lines: list[_Line], body_size: float) -> float:
    xs = Counter(round(ln.x0) for ln in lines if abs(ln.size - body_size) < 0.6 and ln.kind == "paragraph")
    if not xs:
        return min((ln.x0 for ln in lines), default=0.0)
    n = sum(xs.values())
    frequent = [x for x, c in xs.items() if c >= max(2, 0.1 * n)]
    return float(min(frequent) if frequent else min(xs))


def _paragraphs(pages: list[_Page]) -> tuple[list[Block], int]:
    lines = [ln for pg in pages for ln in pg.lines]
    body = [ln for ln in lines if ln.kind == "paragraph"]
    if not body:
        body = lines
    weight: Counter = Counter()
    for ln in body:
        weight[round(ln.size * 2) / 2] += ln.nchars
    body_size = weight.most_common(1)[0][0] if weight else 10.0
    right = _right_margin(body, body_size)
    left = _left_margin(body, body_size)
    indented = sum(1 for ln in body if left + 1.2 * body_size <= ln.x0 <= left + 2.8 * body_size)
    uses_indent = indented >= max(2, 0.04 * len(body))
    pitches = [b.top - a.top for a, b in zip(body, body[1:]) if a.page == b.page and 0 < b.top - a.top < 4 * body_size]
    pitch = statistics.median(pitches) if pitches else 1.5 * body_size
    # paragraphs set apart by spacing rather than indentation: some line pitches are clearly wider
    spaced = sum(1 for p in pitches if p > 1.25 * pitch) >= max(2, 0.03 * len(pitches))

    blocks: list[Block] = []
    joins = 0
    prev: Optional[_Line] = None
    for ln in lines:
        if ln.kind == "table_row":
            blocks.append(Block(ln.text, kind="table_row"))
            prev = ln
            continue
        if prev is not None and blocks and _continues(prev, ln, right, left, body_size, pitch, uses_indent, spaced):
            blocks[-1].text = _join_wrapped([blocks[-1].text, ln.text])
            joins += 1
        else:
            kind = "heading" if ln.kind in ("heading", "title") else "paragraph"
            blocks.append(Block(ln.text, kind=kind, level=ln.level if ln.kind == "heading" else None))
        prev = ln
    return blocks, joins


def _continues(a: _Line, b: _Line, right: float, left: float, size: float, pitch: float, uses_indent: bool,
               spaced: bool) -> bool:
    if a.kind == "table_row" or b.kind == "table_row":
        return False
    if a.kind != "paragraph" or b.kind != "paragraph":
        if a.kind == b.kind and a.kind in ("heading", "title"):
            return _continues_heading(a, b)
        return False
    if abs(a.size - b.size) > 0.9 or a.gappy or b.gappy:
        return False
    if a.x1 < right - 1.5 * max(a.size, 1.0):
        return False  # stops short of the margin: the paragraph ends here
    same_page = a.page == b.page
    if same_page and b.top - a.top > 1.25 * pitch:
        return False  # paragraph spacing (or a gap before a block)
    ends = a.text[-1] in _SENT_END or a.text[-1] in "：:"
    if ends and _MARKER_START.match(b.text):
        return False
    if b.x0 > left + 0.8 * size:
        # first-line indent (or a centred line) starts a paragraph; a deeper hanging indent continues one
        first_indent = uses_indent and b.x0 <= left + 2.6 * size
        return not ends and not first_indent
    if ends:
        # the sentence ends at the margin: the next line continues the paragraph only if the layout says so
        return uses_indent or (spaced and same_page)
    return True


@register("pdf", extensions=("pdf",), sniff=lambda head: head.startswith(b"%PDF") or b"%PDF-" in head[:1024])
def parse_pdf(item: SourceItem) -> ParsedDocument:
    pages, meta, stats = _read_pages(item.data)
    if not pages:
        raise ParseError("corrupt_pdf", "the PDF has no pages")
    if stats["chars"] and stats["cid"] > 0.3 * stats["chars"]:
        raise ParseError("needs_ocr", f"the PDF's fonts have no Unicode map ({stats['cid']} of {stats['chars']} glyphs "
                         "cannot be read as characters); it needs OCR")
    raw_chars = sum(ln.nchars for pg in pages for ln in pg.lines)
    numbers, running, examples = _strip_running(pages)
    text_pages = [pg for pg in pages if sum(ln.nchars for ln in pg.lines) >= 5]
    if not text_pages:
        imaged = sum(1 for pg in pages if pg.images)
        what = f"{imaged} of {len(pages)} pages are images" if imaged else "the pages carry no text"
        extra = f"; the only text is a line repeated on every page ({examples[0]!r})" if examples and raw_chars else ""
        raise ParseError("needs_ocr", f"the PDF has no text layer ({what}{extra}); it needs OCR")
    warnings: list[tuple[str, str]] = []
    scanned = [pg.number for pg in pages if pg not in text_pages and pg.images]
    if scanned:
        warnings.append(("pdf_pages_need_ocr", f"pages {_ranges(scanned)} are images without a text layer; their text is missing"))
    if numbers or running:
        shown = "; ".join(repr(e) for e in examples)
        warnings.append(("pdf_running_lines_removed",
                         f"removed {numbers} page-number lines and {running} running header/footer lines" + (f" ({shown})" if shown else "")))
    title = _classify(pages)
    blocks, joins = _paragraphs(pages)
    metadata = {"pages": str(len(pages))}
    if joins:
        metadata["pdf_lines_joined"] = str(joins)
    producer = meta.get("Producer") or meta.get("Creator")
    if producer:
        metadata["pdf_producer"] = producer[:80]
    if title is None:
        t = (meta.get("Title") or "").strip()
        if t and any(t in b.text for b in blocks[:10]):
            title = t
    return ParsedDocument(blocks=blocks, format="pdf", title_hint=title, metadata=metadata, warnings=warnings)


def _ranges(nums: list[int]) -> str:
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(out)
