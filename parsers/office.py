"""Word documents: .docx read with python-docx, .doc/.wps/.rtf converted to .docx by LibreOffice first.

What a careful reader of a Word file sees, in document order:

* body paragraphs and tables (rows as ``cell | cell`` lines; single-column "layout" tables are read as
  ordinary paragraphs); content controls, tracked insertions and text boxes are read, deleted text,
  field codes, ruby (pinyin) annotations and hidden runs are not; headers, footers, footnotes,
  comments and the table of contents are kept out of the body;
* Word automatic numbering rebuilt from ``numbering.xml``: a heading whose 一、 or （一） exists only as list
  numbering gets that marker in front of its text (``Block.marker`` says so). Number formats
  (chineseCounting, chineseCountingThousand, decimal, decimalEnclosedCircle, ideographTraditional, …),
  custom level texts such as ``（%1）`` or ``第%1章``, start values, level restarts (``lvlRestart``),
  list restarts and level overrides (``lvlOverride``/``startOverride``), numbering attached through
  paragraph styles and ``numStyleLink`` are all followed the way Word counts them;
* heading styles (Heading 1…, 标题 1…, styles based on them) and outline levels as ``Block.level`` hints.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from fangan.ingest import SourceItem

from . import Block, ParsedDocument, ParseError, register

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return "{%s}%s" % (W_NS, tag)


W_VAL = _w("val")
T_P, T_TBL, T_TR, T_TC, T_R = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r")
T_T, T_TAB, T_BR, T_CR = _w("t"), _w("tab"), _w("br"), _w("cr")
T_PPR, T_RPR = _w("pPr"), _w("rPr")
T_SDT, T_SDTCONTENT = _w("sdt"), _w("sdtContent")
T_TXBX = _w("txbxContent")
MC_ALT, MC_CHOICE, MC_FALLBACK = "{%s}AlternateContent" % MC_NS, "{%s}Choice" % MC_NS, "{%s}Fallback" % MC_NS

# subtrees whose text is not part of what the page shows (or is shown elsewhere)
_SKIP_SUBTREE = {
    _w("del"), _w("moveFrom"), _w("delText"), _w("instrText"), _w("delInstrText"), _w("rt"),  # ruby text (pinyin)
    T_PPR, T_RPR, _w("footnoteReference"), _w("endnoteReference"), _w("commentReference"),
    _w("annotationRef"), _w("footnoteRef"), _w("endnoteRef"), MC_FALLBACK, T_TXBX,
}
# containers whose children are paragraphs and tables
_BLOCK_WRAPPERS = {_w("customXml"), _w("ins"), _w("moveTo")}

_SPACES = " \t\u3000\u00a0\u2002\u2003\u200b\ufeff"


# --------------------------------------------------------------------------------------------------
# number formats


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _cn_counting_thousand(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 15 → 十五, 21 → 二十一, 105 → 一百零五, 110 → 一百一十, 1234 → 一千二百三十四."""
    if n <= 0:
        return digits[0] if n == 0 else str(n)
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = _cn_counting_thousand(low, digits, units) if low else ""
        if rest and low < 1000:
            rest = digits[0] + rest
        return _cn_counting_thousand(high, digits, units) + "万" + rest
    out = []
    s = str(n)
    zero = False
    for i, ch in enumerate(s):
        d = int(ch)
        pos = len(s) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero and out:
            out.append(digits[0])
        zero = False
        if not (d == 1 and pos == 1 and i == 0):  # 十五, not 一十五
            out.append(digits[d])
        if pos:
            out.append(units[pos - 1])
    return "".join(out)


def _cn_counting(n: int) -> str:
    """Word's chineseCounting: 一…九十九 with 十, larger numbers digit by digit (一〇一)."""
    if 0 < n < 100:
        return _cn_counting_thousand(n)
    return "".join("〇" if ch == "0" else _CN_DIGITS[int(ch)] for ch in str(n)) if n >= 0 else str(n)


def _enclosed(n: int, ranges: list[tuple[int, int, int]]) -> str:
    for lo, hi, base in ranges:
        if lo <= n <= hi:
            return chr(base + n - lo)
    return str(n)


_CIRCLED = [(1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1)]


def _letters(n: int, upper: bool) -> str:
    # Word repeats the letter: a … z, aa … zz
    if n <= 0:
        return str(n)
    ch = chr((ord("A") if upper else ord("a")) + (n - 1) % 26)
    return ch * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """One level's number in Word's `numFmt`."""
    if fmt in ("chineseCounting", "japaneseCounting"):
        return _cn_counting(n)
    if fmt in ("chineseCountingThousand", "taiwaneseCountingThousand", "japaneseCountingThousand"):
        return _cn_counting_thousand(n)
    if fmt in ("taiwaneseCounting", "ideographDigital", "japaneseDigitalTenThousand"):
        if fmt == "taiwaneseCounting":
            return _cn_counting(n)
        return "".join("〇" if ch == "0" else _CN_DIGITS[int(ch)] for ch in str(n))
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _cn_counting_thousand(n, _CN_LEGAL, "拾佰仟")
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _enclosed(n, _CIRCLED)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, [(1, 20, 0x2474)])
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, [(1, 20, 0x2488)])
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(ch)) for ch in str(n)) if n >= 0 else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)  # decimal, decimalHalfWidth, ordinal and the rest


# --------------------------------------------------------------------------------------------------
# numbering.xml


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: Optional[str] = None
    restart: Optional[int] = None  # lvlRestart: 0 = never, N = after level N (1-based)
    legal: bool = False  # isLgl: every level shown as decimal
    suff: str = "tab"
    pstyle: Optional[str] = None


def _attr(el, tag: str) -> Optional[str]:
    if el is None:
        return None
    child = el.find(_w(tag))
    if child is None:
        return None
    return child.get(W_VAL)


def _int(v: Optional[str], default: Optional[int] = None) -> Optional[int]:
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


def _parse_level(el) -> _Level:
    lv = _Level()
    lv.start = _int(_attr(el, "start"), 1)
    fmt_el = el.find(_w("numFmt"))
    if fmt_el is None:
        # Word 2010+: <mc:AlternateContent><mc:Choice><w:numFmt w:val="custom" w:format="001, 002"/>…
        alt = el.find(MC_ALT)
        if alt is not None:
            fb = alt.find(MC_FALLBACK)
            fmt_el = fb.find(_w("numFmt")) if fb is not None else None
    if fmt_el is not None and fmt_el.get(W_VAL):
        lv.fmt = fmt_el.get(W_VAL)
    t = el.find(_w("lvlText"))
    if t is not None:
        lv.text = "" if t.get(_w("null")) in ("1", "true", "on") else (t.get(W_VAL) or "")
    lv.restart = _int(_attr(el, "lvlRestart"))
    lgl = el.find(_w("isLgl"))
    lv.legal = lgl is not None and lgl.get(W_VAL, "1") not in ("0", "false", "off")
    lv.suff = _attr(el, "suff") or "tab"
    lv.pstyle = _attr(el, "pStyle")
    return lv


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


class Numbering:
    """Word's list counters, advanced paragraph by paragraph in document order."""

    def __init__(self, numbering_el, style_num: dict[str, str]):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum → numbering style it takes its levels from
        self.nums: dict[str, _Num] = {}
        if numbering_el is not None:
            for a in numbering_el.iterchildren(_w("abstractNum")):
                aid = a.get(_w("abstractNumId"))
                self.abstract[aid] = {_int(lv.get(_w("ilvl")), 0): _parse_level(lv) for lv in a.iterchildren(_w("lvl"))}
                link = _attr(a, "numStyleLink")
                if link:
                    self.style_link[aid] = link
            for n in numbering_el.iterchildren(_w("num")):
                num = _Num(_attr(n, "abstractNumId") or "")
                for ov in n.iterchildren(_w("lvlOverride")):
                    ilvl = _int(ov.get(_w("ilvl")), 0)
                    so = _attr(ov, "startOverride")
                    if so is not None:
                        num.start_overrides[ilvl] = _int(so, 1)
                    lvl_el = ov.find(_w("lvl"))
                    if lvl_el is not None:
                        num.level_overrides[ilvl] = _parse_level(lvl_el)
                self.nums[n.get(_w("numId"))] = num
        self._style_num = style_num  # numbering style id → numId it carries
        self.counters: dict[str, list[Optional[int]]] = {}
        self._started: set[str] = set()

    def _abstract_for(self, num: _Num) -> str:
        aid = num.abstract_id
        for _ in range(4):  # numStyleLink → style → num → abstractNum (with styleLink)
            link = self.style_link.get(aid)
            if not link:
                break
            target = self.nums.get(self._style_num.get(link, ""))
            if target is None or target.abstract_id == aid:
                break
            aid = target.abstract_id
        return aid

    def levels(self, num_id: str) -> tuple[str, dict[int, _Level]]:
        num = self.nums.get(num_id)
        if num is None:
            return "", {}
        aid = self._abstract_for(num)
        levels = dict(self.abstract.get(aid, {}))
        levels.update(num.level_overrides)
        return aid, levels

    def level_for_style(self, num_id: str, style_id: str) -> Optional[int]:
        _, levels = self.levels(num_id)
        for ilvl, lv in levels.items():
            if lv.pstyle == style_id:
                return ilvl
        return None

    def next(self, num_id: str, ilvl: int) -> tuple[Optional[str], Optional[str], bool]:
        """Advance the list for one numbered paragraph: (marker, suffix kind, is_bullet)."""
        num = self.nums.get(num_id)
        if num is None:
            return None, None, False
        aid, levels = self.levels(num_id)
        lv = levels.get(ilvl)
        if lv is None:
            return None, None, False
        # each list (abstractNum) has one set of counters; a num with overrides restarts it on first use
        key = aid if not (num.start_overrides or num.level_overrides) else f"{aid}#{num_id}"
        counters = self.counters.setdefault(key, [None] * 10)
        if num_id not in self._started:
            self._started.add(num_id)
            for o_ilvl, start in num.start_overrides.items():
                if 0 <= o_ilvl < 10:
                    counters[o_ilvl] = start - 1
            for o_ilvl, olv in num.level_overrides.items():
                if o_ilvl not in num.start_overrides and 0 <= o_ilvl < 10:
                    counters[o_ilvl] = None
        counters[ilvl] = lv.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 10):
            dlv = levels.get(deeper)
            restart = dlv.restart if dlv is not None else None
            if restart is None:
                counters[deeper] = None
            elif restart != 0 and ilvl < restart:
                counters[deeper] = None
        if lv.fmt == "bullet":
            return None, lv.suff, True
        text = lv.text if lv.text is not None else f"%{ilvl + 1}."

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            klv = levels.get(k)
            if klv is None:
                return ""
            value = counters[k] if counters[k] is not None else klv.start
            fmt = "decimal" if (lv.legal and k < ilvl and klv.fmt != "none") else klv.fmt
            return format_number(value, fmt)

        marker = re.sub(r"%([1-9])", sub, text).strip(_SPACES)
        return (marker or None), lv.suff, False


# --------------------------------------------------------------------------------------------------
# styles.xml

_HEADING_NAME = re.compile(r"^(?:heading|标题|標題|titre|überschrift)\s*(\d)$", re.I)
_TITLE_NAME = re.compile(r"^(?:title|标题|標題|文档标题|公文标题)$", re.I)
_TOC_NAME = re.compile(r"^(?:toc|目录|目錄)\s*\d$|^toc heading$", re.I)


@dataclass
class _StyleInfo:
    name: str = ""
    heading: Optional[int] = None
    title: bool = False
    toc: bool = False
    outline: Optional[int] = None
    num_id: Optional[str] = None
    ilvl: Optional[int] = None


class Styles:
    def __init__(self, styles_el):
        self.raw: dict[str, dict] = {}
        self.default_para: Optional[str] = None
        if styles_el is not None:
            for s in styles_el.iterchildren(_w("style")):
                sid = s.get(_w("styleId"))
                if not sid:
                    continue
                ppr = s.find(T_PPR)
                numpr = ppr.find(_w("numPr")) if ppr is not None else None
                self.raw[sid] = {
                    "type": s.get(_w("type")),
                    "name": _attr(s, "name") or sid,
                    "based_on": _attr(s, "basedOn"),
                    "outline": _int(_attr(ppr, "outlineLvl")),
                    "num_id": _attr(numpr, "numId") if numpr is not None else None,
                    "ilvl": _int(_attr(numpr, "ilvl")) if numpr is not None else None,
                }
                if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true", "on"):
                    self.default_para = sid
        self._cache: dict[Optional[str], _StyleInfo] = {}

    def numbering_styles(self) -> dict[str, str]:
        return {sid: r["num_id"] for sid, r in self.raw.items() if r["type"] == "numbering" and r["num_id"]}

    def info(self, style_id: Optional[str]) -> _StyleInfo:
        if style_id is None:
            style_id = self.default_para
        if style_id in self._cache:
            return self._cache[style_id]
        info = _StyleInfo()
        sid, seen, first = style_id, set(), True
        while sid and sid in self.raw and sid not in seen:
            seen.add(sid)
            r = self.raw[sid]
            name = r["name"].strip()
            if first:
                info.name = name
                first = False
            if info.heading is None and not info.title:
                m = _HEADING_NAME.match(name)
                if m:
                    info.heading = int(m.group(1))
                elif _TITLE_NAME.match(name):
                    info.title = True
            if _TOC_NAME.match(name):
                info.toc = True
            if info.outline is None and r["outline"] is not None:
                info.outline = r["outline"]
            if info.num_id is None and r["num_id"] is not None:
                info.num_id = r["num_id"]
                info.ilvl = r["ilvl"]
            sid = r["based_on"]
        self._cache[style_id] = info
        return info


# --------------------------------------------------------------------------------------------------
# body walk


def _on(el, tag: str) -> bool:
    """A toggle property (w:vanish, w:b …) that is present and not switched off."""
    child = el.find(_w(tag)) if el is not None else None
    return child is not None and child.get(W_VAL, "1") not in ("0", "false", "off")


class _Reader:
    def __init__(self, styles: Styles, numbering: Numbering):
        self.styles = styles
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.stats = {"numbered": 0, "tables": 0, "textboxes": 0, "toc_skipped": 0}

    # ---- text of one paragraph
    def _text(self, el, parts: list[str], boxes: list) -> None:
        for child in el:
            tag = child.tag
            if tag == T_T:
                if child.text:
                    parts.append(child.text)
            elif tag == T_R:
                if _on(child.find(T_RPR), "vanish"):
                    continue
                self._text(child, parts, boxes)
            elif tag == T_TAB:
                parts.append("\t")
            elif tag in (T_BR, T_CR):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("sym"):
                code = child.get(_w("char")) or ""
                try:
                    cp = int(code, 16)
                    if cp >= 0xF000:  # symbol-font private use: no faithful Unicode character
                        continue
                    parts.append(chr(cp))
                except ValueError:
                    pass
            elif tag == T_TXBX:
                boxes.append(child)
            elif tag in _SKIP_SUBTREE or not isinstance(tag, str):
                continue  # deleted or hidden text, field codes, ruby, properties; a Fallback repeats its Choice
            else:
                self._text(child, parts, boxes)

    # ---- one paragraph
    def paragraph(self, p) -> list[Block]:
        ppr = p.find(T_PPR)
        style_id = _attr(ppr, "pStyle")
        info = self.styles.info(style_id)
        if style_id is None:
            style_id = self.styles.default_para
        parts: list[str] = []
        boxes: list = []
        self._text(p, parts, boxes)
        out: list[Block] = []
        for box in boxes:  # text boxes first: they are anchored to this paragraph
            self.stats["textboxes"] += 1
            out.extend(self.container(box))
        if info.toc:
            self.stats["toc_skipped"] += 1
            return out

        # numbering: direct numPr wins over the style's
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id = _attr(numpr, "numId") if numpr is not None else None
        ilvl = _int(_attr(numpr, "ilvl")) if numpr is not None else None
        if num_id is None:
            num_id = info.num_id
            if ilvl is None:
                ilvl = info.ilvl
        marker = suff = None
        bullet = False
        if num_id and num_id != "0":
            if ilvl is None:
                ilvl = self.numbering.level_for_style(num_id, style_id) if style_id else None
            marker, suff, bullet = self.numbering.next(num_id, ilvl or 0)

        # heading hint: heading style, else outline level
        level = info.heading
        outline = _int(_attr(ppr, "outlineLvl"))
        if outline is None:
            outline = info.outline
        if level is None and outline is not None and 0 <= outline < 9:
            level = outline + 1
        kind = "paragraph"
        if info.title:
            kind = "title"
        elif level:
            kind = "heading"
        elif marker or bullet:
            kind = "list_item"

        text = "".join(parts).replace("\t", " ")
        pieces = [s.strip(_SPACES) for s in text.split("\n")]
        pieces = [s for s in pieces if s]
        if not pieces:
            return out
        if marker:
            self.stats["numbered"] += 1
            first = pieces[0]
            if not first.startswith(marker):
                sep = "" if suff == "nothing" or _tight(marker) else " "
                pieces[0] = marker + sep + first
        for i, piece in enumerate(pieces):
            out.append(Block(piece, kind=kind, level=level if kind == "heading" else None,
                             marker=marker if i == 0 else None))
        return out

    # ---- tables
    def table(self, tbl) -> list[Block]:
        self.stats["tables"] += 1
        rows = []
        for tr in _children(tbl, T_TR):
            cells = []
            for tc in _children(tr, T_TC):
                tcpr = tc.find(_w("tcPr"))
                vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                cont = vmerge is not None and vmerge.get(W_VAL, "continue") == "continue"
                cells.append((tc, cont))
            rows.append(cells)
        ncols = max((len(r) for r in rows), default=0)
        out: list[Block] = []
        if ncols <= 1:
            # a one-column table is page layout (a framed box of text): read its paragraphs as such
            for cells in rows:
                for tc, cont in cells:
                    if not cont:
                        out.extend(self.container(tc))
            return out
        for cells in rows:
            texts = []
            for tc, cont in cells:
                if cont:
                    texts.append("")
                    continue
                inner = self.container(tc)
                texts.append(" ".join(b.text for b in inner))
            if any(t.strip() for t in texts):
                out.append(Block(" | ".join(t.strip() for t in texts).strip(), kind="table_row"))
        return out

    def container(self, parent) -> list[Block]:
        out: list[Block] = []
        for kind, el in _iter_blocks(parent):
            if kind == "p":
                out.extend(self.paragraph(el))
            else:
                out.extend(self.table(el))
        return out


def _tight(marker: str) -> bool:
    """Word puts a tab or space after the number; none is written after CJK punctuation or an enclosed number."""
    last = marker[-1]
    return last in "、．。：）」】〕》，" or 0x2460 <= ord(last) <= 0x24FF or 0x3251 <= ord(last) <= 0x32BF


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _children(el, tag: str) -> Iterator:
    """Direct children with `tag`, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag == T_SDT:
            content = child.find(T_SDTCONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _children(child, tag)


def _iter_blocks(parent) -> Iterator[tuple[str, object]]:
    for child in parent:
        tag = child.tag
        if tag == T_P:
            yield "p", child
        elif tag == T_TBL:
            yield "tbl", child
        elif tag == T_SDT:
            content = child.find(T_SDTCONTENT)
            if content is not None:
                yield from _iter_blocks(content)
        elif tag in _BLOCK_WRAPPERS:
            yield from _iter_blocks(child)
        elif tag == MC_ALT:
            choice = child.find(MC_CHOICE)
            if choice is not None:
                yield from _iter_blocks(choice)


# --------------------------------------------------------------------------------------------------
# the parsers


def _sniff_docx(head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    # the first entries of a .docx are [Content_Types].xml, _rels/ and word/
    return b"word/" in head


def _sniff_ole(head: bytes) -> bool:
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _sniff_rtf(head: bytes) -> bool:
    return head.lstrip()[:5] == b"{\\rtf"


def docx_blocks(data: bytes) -> tuple[list[Block], Optional[str], dict]:
    """Blocks of a .docx in document order, its title hint, and counts of what was found."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ParseError("corrupt_docx", f"not a readable .docx: {type(e).__name__}: {e}")
    except Exception as e:  # lxml errors in a damaged part
        raise ParseError("corrupt_docx", f"not a readable .docx: {type(e).__name__}: {e}")
    part = d.part
    try:
        styles = Styles(part.styles.element if part._styles_part is not None else None)
    except Exception:
        styles = Styles(None)
    numbering_el = None
    try:
        numbering_el = part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        numbering_el = None
    reader = _Reader(styles, Numbering(numbering_el, styles.numbering_styles()))
    body = d.element.body
    blocks = reader.container(body)
    title = _title_hint(blocks, d)
    return blocks, title, reader.stats


def _title_hint(blocks: list[Block], d) -> Optional[str]:
    for b in blocks[:8]:
        if b.kind == "title":
            return b.text
    # a document whose only level-1 heading is its first paragraph: that heading is the title
    nonempty = [b for b in blocks if b.text.strip()]
    if nonempty and nonempty[0].kind == "heading" and nonempty[0].level == 1 and not nonempty[0].marker:
        if sum(1 for b in nonempty if b.kind == "heading" and b.level == 1) == 1:
            nonempty[0].kind, nonempty[0].level = "title", None
            return nonempty[0].text
    core = (d.core_properties.title or "").strip()
    # a core title is often a template's or "Microsoft Word - x.doc": trust it only when the body shows it
    if core and any(core in b.text for b in nonempty[:10]):
        return core
    return None


def _finish(blocks: list[Block], fmt: str, title: Optional[str], stats: dict, extra_meta: Optional[dict] = None,
            warnings: Optional[list] = None) -> ParsedDocument:
    for b in blocks:
        if b.kind == "title":  # Block.kind has no "title": it is a heading without a level
            b.kind = "heading"
    if not any(b.text.strip() for b in blocks):
        raise ParseError("empty", "the document holds no text")
    meta = {"word_numbering_markers": str(stats["numbered"])} if stats.get("numbered") else {}
    meta.update(extra_meta or {})
    return ParsedDocument(blocks=blocks, format=fmt, title_hint=title, metadata=meta, warnings=warnings or [])


@register("docx", extensions=("docx", "docm", "dotx"), sniff=_sniff_docx)
def parse_docx(item: SourceItem) -> ParsedDocument:
    blocks, title, stats = docx_blocks(item.data)
    return _finish(blocks, "docx", title, stats)


# --------------------------------------------------------------------------------------------------
# .doc / .wps / .rtf through LibreOffice

SOFFICE_INSTALL = "apt-get install libreoffice-writer-nogui (Debian/Ubuntu) or https://www.libreoffice.org"
CONVERT_TIMEOUT = 180.0
_PROFILE: Optional[Path] = None
_PROFILE_PID: Optional[int] = None


def find_soffice() -> Optional[str]:
    """The LibreOffice binary: $FANGAN_SOFFICE, PATH, then the usual install places."""
    env = os.environ.get("FANGAN_SOFFICE")
    if env:
        return env if Path(env).exists() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for cand in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                 "/Applications/LibreOffice.app/Contents/MacOS/soffice",
                 r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if Path(cand).exists():
            return cand
    return None


def _profile_dir() -> Path:
    """One LibreOffice user profile per process: parallel workers must not share its lock (a worker forked
    after this process made its own makes another). It is removed when the process exits, a worker process
    too: multiprocessing ends its children without running `atexit`, so the removal is registered as one of
    its finalizers, which both kinds of process run (every worker that read a .doc left 0.5 MB in /tmp)."""
    global _PROFILE, _PROFILE_PID
    if _PROFILE is None or _PROFILE_PID != os.getpid() or not _PROFILE.exists():
        from multiprocessing import util

        _PROFILE, _PROFILE_PID = Path(tempfile.mkdtemp(prefix=f"fangan-lo-{os.getpid()}-")), os.getpid()
        util.Finalize(None, shutil.rmtree, args=(str(_PROFILE), True), exitpriority=0)
        _remove_stale_profiles(_PROFILE.parent)
    return _PROFILE


def _remove_stale_profiles(folder: Path) -> None:
    """The profiles of processes that are gone without removing theirs (killed): a folder named for a PID no
    process has any more."""
    for p in folder.glob("fangan-lo-*-*"):
        try:
            pid = int(p.name.split("-")[2])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except (ValueError, IndexError, OSError):  # not ours, or a process of another user's: left alone
            continue


def convert_to_docx(data: bytes, suffix: str) -> bytes:
    """Convert a legacy word-processor file to .docx bytes with LibreOffice headless."""
    exe = find_soffice()
    if exe is None:
        raise ParseError(
            "converter_missing",
            f"reading .{suffix} needs the LibreOffice converter (soffice), which is not installed; "
            f"install it with {SOFFICE_INSTALL}",
        )
    with tempfile.TemporaryDirectory(prefix="fangan-conv-") as tmp:
        src = Path(tmp) / f"input.{suffix}"
        src.write_bytes(data)
        outdir = Path(tmp) / "out"
        cmd = [exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={_profile_dir().as_uri()}",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)]
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)
        except OSError as e:
            raise ParseError("converter_missing", f"LibreOffice (soffice at {exe}) could not start: {e}")
        try:
            _out, err = proc.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.communicate()
            raise ParseError("conversion_failed", f"LibreOffice did not convert the .{suffix} within {CONVERT_TIMEOUT:.0f} s")
        result = outdir / "input.docx"
        if not result.exists():
            detail = (err or b"").decode("utf-8", "replace").strip().splitlines()
            detail = [ln for ln in detail if "javaldx" not in ln]
            raise ParseError(
                "conversion_failed",
                f"LibreOffice could not convert the .{suffix} (damaged, password-protected or not a word-processor file)"
                + (f": {detail[-1]}" if detail else ""),
            )
        return result.read_bytes()


def _legacy(item: SourceItem, fmt: str) -> ParsedDocument:
    suffix = item.suffix if item.suffix in ("doc", "wps", "rtf", "dot", "wpt") else fmt
    docx_bytes = convert_to_docx(item.data, suffix)
    blocks, title, stats = docx_blocks(docx_bytes)
    return _finish(blocks, fmt, title, stats, {"converter": "libreoffice"})


@register("doc", extensions=("doc", "wps", "dot", "wpt"), sniff=_sniff_ole)
def parse_doc(item: SourceItem) -> ParsedDocument:
    return _legacy(item, "doc")


@register("rtf", extensions=("rtf",), sniff=_sniff_rtf)
def parse_rtf(item: SourceItem) -> ParsedDocument:
    return _legacy(item, "rtf")
