"""Canonical form: whitespace, widths and brackets as a clean official document writes them."""
from __future__ import annotations

import re
from typing import Optional

from . import NormalizeContext, StepReport, joined, lines_of, step

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_SPACE_RUN = re.compile(" {2,}")
_CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]"


# every character the step replaces or drops before the lines are stripped: zero-width ones, the spaces, a carriage
# return (the three sets are disjoint); most texts hold a handful of them, so they are found in one scan and replaced
# one distinct character at a time (`str.replace`, several times quicker than a pattern's scan)
_WS_CHANGED = re.compile("[" + "".join(map(chr, _ZERO_WIDTH)) + _SPACES.pattern[1:-1] + "\r]")
_SPACE_CHARS = frozenset("\u00a0\u202f\u205f\u3000\t" + "".join(map(chr, range(0x2000, 0x200B))))  # (_SPACES' class)


@step("canonicalize_whitespace")
def canonicalize_whitespace(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Zero-width characters go, NBSP and ideographic spaces become spaces, lines are stripped,
    blank lines dropped: one paragraph per line."""
    found = _WS_CHANGED.findall(text)
    if found:
        distinct = set(found)
        n_zw = sum(found.count(c) for c in distinct if ord(c) in _ZERO_WIDTH)
        if n_zw:
            text = text.translate(_ZERO_WIDTH)
            report.change("zero-width", "", n=n_zw)
        if "\r" in distinct:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        n_sp = 0
        for c in distinct & _SPACE_CHARS:  # (neither step before touches a space: their count is the scan's)
            n_sp += found.count(c)
            text = text.replace(c, " ")
        if n_sp:
            report.change("NBSP/ideographic space", " ", n=n_sp)
    # runs of spaces never cross a line break: one pass over the text squeezes them all
    if "  " in text:  # (a run of two or more spaces is there exactly when two stand together)
        text = _SPACE_RUN.sub(" ", text)
    parts = lines_of(text)
    lines = list(map(str.strip, parts))
    blank = lines.count("")  # (a line is blank exactly when nothing is left of it stripped)
    if blank:
        report.detail = f"dropped {blank} blank lines"
        return joined(list(filter(None, lines)))
    if sum(map(len, lines)) == len(text) - len(parts) + 1:
        return text  # (no line lost a character to the strip: joining them back gives the text)
    return joined(lines)


# ASCII punctuation next to Chinese becomes fullwidth; fullwidth ASCII letters/digits become ASCII.
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_PUNCT_MAP = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_PUNCT_NEAR_CJK = re.compile(rf"(?<={_CJK})\s?([,:;!?])|([,:;!?])(?=\s?{_CJK})")
# a bracket pair whose content holds Chinese, or a numbering bracket like (一) (1) before Chinese
_ASCII_PARENS = re.compile(rf"\(([^()\n]*?)\)")


_FULLWIDTH_ALNUM_CHAR = re.compile("[" + "".join(map(chr, _FULLWIDTH_ALNUM)) + "]")  # the keys of _FULLWIDTH_ALNUM
_ASCII_PUNCT = re.compile("[,:;!?]")


# what canonicalize_punctuation looks for, in one scan: a fullwidth letter or digit, or an ASCII mark
_FULLWIDTH_OR_MARK = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a,:;!?]")


def _sub_punct_near_cjk(repl, text: str, marks: Optional[list[int]] = None) -> str:
    """`_PUNCT_NEAR_CJK.sub(repl, text)`, tried only where a match can start: at an ASCII mark or the space before
    it (every match holds one). Most plans have few such marks, and the pattern's lookbehind is then tried at a
    handful of places instead of at every character; leftmost matches in order, as `sub` finds them. `marks`: the
    positions of the ASCII marks of `text`, when the caller knows them."""
    out: list[str] = []
    last = 0
    for q in (marks if marks is not None else (m.start() for m in _ASCII_PUNCT.finditer(text))):
        for p in (q - 1, q):
            if p < last:
                continue
            m = _PUNCT_NEAR_CJK.match(text, p)  # (a lookbehind sees the text before p)
            if m:
                out.append(text[last:p])
                out.append(repl(m))
                last = m.end()
                break
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _has_cjk(s: str) -> bool:
    return re.search(_CJK, s) is not None


@step("canonicalize_punctuation")
def canonicalize_punctuation(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    before = text
    # the fullwidth letters and digits and the ASCII marks, found in one scan; the marks stay where they are while
    # the widths are folded and the brackets replaced (each one character for one), so their places hold for the
    # text the mark pattern runs on
    places = [m.start() for m in _FULLWIDTH_OR_MARK.finditer(text)]
    fullwidth = [p for p in places if text[p] > "~"]
    if fullwidth:
        # each one folded where it stands (the scan found every character the fold changes, and each one changes),
        # not the whole text translated and compared character by character with what it was
        marks = [p for p in places if text[p] <= "~"]
        pieces, last = [], 0
        for p in fullwidth:
            pieces += (text[last:p], chr(_FULLWIDTH_ALNUM[ord(text[p])]))
            last = p + 1
        pieces.append(text[last:])
        text = "".join(pieces)
        report.change("fullwidth digits/Latin", "ASCII", n=len(fullwidth))
    else:
        marks = places

    def paren(m: re.Match) -> str:
        inner = m.group(1)
        end = m.end()
        nxt = text[end : end + 1]
        prev = text[m.start() - 1 : m.start()] if m.start() else ""
        if _has_cjk(inner) or (inner and (_has_cjk(nxt) or _has_cjk(prev))):
            report.change(m.group(0), f"（{inner}）", context=text[max(0, m.start() - 10) : end + 10])
            return f"（{inner}）"
        return m.group(0)

    text = _ASCII_PARENS.sub(paren, text)

    def punct(m: re.Match) -> str:
        ch = m.group(1) or m.group(2)
        full = _PUNCT_MAP[ch]
        # keep times (13:00), ratios and URLs: a colon between digits is not Chinese punctuation
        s, e = m.start(), m.end()
        if ch == ":" and (text[s - 1 : s].isdigit() and text[e : e + 1].isdigit()):
            return m.group(0)
        report.change(ch, full, context=text[max(0, s - 8) : e + 8])
        return full

    text = _sub_punct_near_cjk(punct, text, marks)
    if text == before:
        report.count = 0
        report.changes.clear()
    return text
