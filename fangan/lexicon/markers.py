"""Heading markers of plan documents and the numerals they carry.

A marker is the numbering token that opens a heading or a numbered item: 壹、 一、 一. （一） 1、 1. 1．
（1） ① 第一阶段. Each *style* abstracts the number away; its `rank` is the usual depth of that style in
an official document (GB/T 9704: 一、 → （一） → 1. → （1）), which decides placement when the document
itself has not shown how two styles nest. Styles are data: the structure stage, the page-marker
normalizer and the PDF parser read the same table (`STYLES`, `LINE_MARKER`).

Numerals: `cn_to_int` reads heading numbers (一, 十二, 壹, 参 after t2s of 參) and dates (二〇二三).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from fangan.line_cache import MAX_CACHED_LINE

DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9,
          # formal numerals (壹、贰、…), common in Taiwan plans; traditional forms too, and 参 (t2s of 參)
          "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "参": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9}

PLAIN_NUMERAL = "[一二三四五六七八九十]+"
FORMAL_NUMERAL = "[壹贰貳叁參参肆伍陆陸柒捌玖拾]+"


def cn_to_int(s: str, positional: bool = False) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23; with `positional`, a run of digits reads digit by
    digit as years are written (二〇二三 → 2023). Unknown text gives 0."""
    if s.isdigit():
        return int(s)
    s = s.replace("拾", "十")
    if positional and "十" not in s and all(c in DIGITS for c in s):
        return int("".join(str(DIGITS[c]) for c in s))
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (DIGITS.get(tens, 1) if tens else 1) * 10 + (DIGITS.get(ones, 0) if ones else 0)
    return DIGITS.get(s, 0)


_PLAIN = "一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (1–99: how plans number their headings); '' outside."""
    if not 0 < n < 100:
        return ""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else "十" if tens == 1 else _PLAIN[tens - 1] + "十") + (_PLAIN[ones - 1] if ones else "")


@dataclass(frozen=True)
class Style:
    name: str  # the marker with its number abstracted: 壹、 一、 （一） 1. （1） ① 第N阶段
    pattern: re.Pattern
    rank: float  # usual depth in an official document; a stage sits between （一） and 1.
    arabic: bool = False  # numbers written in digits: 1.5, 3个, 2020年 are not markers


# one alignment space a converter or a typist left inside a marker (二 、, （ 一 ）)
_SP = "[ \u3000]?"

STYLES: tuple[Style, ...] = (
    Style("第N阶段", re.compile(rf"第(?P<n>{PLAIN_NUMERAL})阶段[：:]?"), rank=2.5),
    # the divisions of regulation-style plans (办法, 细则): 第一章 → 第一条, each a numbered heading or
    # item; 第一条 sits above the （一） items it lists. 第一部分 and 第一节 are not styles: school plans
    # use them loosely inside a section (演练第一部分：…, 第二节下课铃声…).
    Style("第N章", re.compile(rf"第(?P<n>{PLAIN_NUMERAL})章[：:]?"), rank=-1),
    Style("第N条", re.compile(rf"第(?P<n>{PLAIN_NUMERAL})条[：:]?"), rank=0.5),
    Style("壹、", re.compile(rf"(?P<n>{FORMAL_NUMERAL}){_SP}[、．.]"), rank=0),
    # 一、 一． 一. (the dot form in Word-converted and Taiwan plans); not 一.5
    Style("一、", re.compile(rf"(?P<n>{PLAIN_NUMERAL}){_SP}(?:、|[．.](?![\d．.]))"), rank=1),
    Style("（一）", re.compile(rf"[（(]{_SP}(?P<n>{PLAIN_NUMERAL}){_SP}[)）]"), rank=2),
    Style("（1）", re.compile(rf"[（(]{_SP}(?P<n>\d{{1,2}}){_SP}[)）]"), rank=4, arabic=True),
    # 1、 and 1./1． are twins: a list may switch between them (1、 then 2.), or nest one in the other
    Style("1、", re.compile(rf"(?P<n>\d{{1,2}}){_SP}、"), rank=3, arabic=True),
    Style("1.", re.compile(r"(?P<n>\d{1,2})[.．](?![\d.．])"), rank=3, arabic=True),
    # 1） with only its closing bracket (crawled and hand-typed lists): the depth of （1）
    Style("1）", re.compile(r"(?P<n>\d{1,2})[)）]"), rank=4, arabic=True),
    Style("①", re.compile(r"(?P<n>[①-⑳])"), rank=5),
)
STYLE = {s.name: s for s in STYLES}
# styles that continue each other's numbering (1、 then 2.) but nest when the other starts again at 1
TWINS = {"1、": "1.", "1.": "1、"}

# what may follow an arabic number that is a quantity, a date or a decimal rather than a marker
_QUANTITY_AFTER = "%％年月日号元万个"
# what a 1. marker is followed by: a heading or sentence, not 1.A or a version number
_DOT_BODY = re.compile(r"[\u4e00-\u9fff“「『《（(【]")


# a year right after 1、 opens the item's text (1、2019届高三学长发言), it is not part of the number
_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")
# what follows a bracketed number that names a class, not an item: 高一（1）班 (（1）组长 is an item)
_BRACKET_NAME_AFTER = "班"
# 班 that starts a word of its own (班主任, 班长, 班委, 班干部, 班级, 班会) rather than naming a class
_CLASS_WORD_AFTER = tuple("主长委干级会组风务")


def _quantity_follows(style: Style, s: str, end: int) -> bool:
    """The arabic number is a quantity, a date, a decimal or a name, not a marker (3、4个, 2020年,
    （1）班); a closed bracket ends the number, so （3）18级 is a marker."""
    after = s[end]
    if style.name in ("（1）", "1）"):
        # 高一（1）班 is a class; （3）班主任：…, （2）班级管理 are items
        return after in _BRACKET_NAME_AFTER and s[end + 1: end + 2] not in _CLASS_WORD_AFTER
    if after.isdigit():
        return _YEAR.match(s, end) is None
    return after in _QUANTITY_AFTER


@dataclass(frozen=True, slots=True)  # shared by the cache of match_marker
class Marker:
    style: Style
    value: int
    text: str  # as written in the document, canonical brackets: （一） for (一）
    start: int
    end: int  # where the text after the marker (and the spaces after it) begins


def _value(style: Style, n: str) -> int:
    if style.name == "①":
        return ord(n) - ord("①") + 1
    return cn_to_int(n)


_ALIGNMENT_SPACE = re.compile(r"[ \u3000]")


def _canonical(style: Style, m: re.Match, n: Optional[str] = None) -> str:
    """`n`: the number as matched (m.group("n"), when `m` is a match of `_ANY_STYLE`)."""
    text = m.group(0)
    if " " in text or "\u3000" in text:
        text = _ALIGNMENT_SPACE.sub("", text)
    if style.name.startswith("第"):
        return text.rstrip("：:")
    if style.name in ("（一）", "（1）"):
        return f"（{m.group('n') if n is None else n}）"
    if style.name == "1）":
        return f"{m.group('n') if n is None else n}）"
    return text


# one pass over all styles at once: the first alternative that matches names the style (s0, s1, …) and
# holds its number (n0, n1, …): the match that style's own pattern makes at the same place
_ANY_STYLE = re.compile("|".join(f"(?P<s{i}>{st.pattern.pattern.replace('?P<n>', f'?P<n{i}>')})" for i, st in enumerate(STYLES)))
_STYLE_AT = {f"s{i}": (i, f"n{i}") for i in range(len(STYLES))}  # _ANY_STYLE's outer group → (style index, number group)
# every marker opens with one of these: a cheap test before the patterns (most lines are not headings)
_FIRST = frozenset("第（(①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳0123456789一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾")
MARKER_FIRST_CHARS = _FIRST  # for callers that test a line's first character before asking match_marker


def match_marker(s: str, pos: int = 0) -> Optional[Marker]:
    """The marker that opens `s` at `pos`, or None (1.5, 3、4个, 2020年 and 1.A are not markers)."""
    if pos >= len(s) or s[pos] not in _FIRST:
        return None
    if len(s) > MAX_CACHED_LINE:  # a long (flattened) line is not kept in the cache: it would pin its text
        return _match_marker.__wrapped__(s, pos)
    return _match_marker(s, pos)


# the structure stage, the run-in splitter and the party finder each ask about the same lines: the answer is
# a function of (line, position) and a Marker is never changed once made, so it is shared
@lru_cache(maxsize=8192)
def _match_marker(s: str, pos: int) -> Optional[Marker]:
    first = _ANY_STYLE.match(s, pos)
    if first is None:
        return None
    at, number = _STYLE_AT[first.lastgroup]
    for i in range(at, len(STYLES)):  # the first style that matches, then the ones after it
        style = STYLES[i]
        if i == at:
            m, n = first, first.group(number)  # what style.pattern.match(s, pos) gives
        else:
            m = style.pattern.match(s, pos)
            if not m:
                continue
            n = m.group("n")
        end = m.end()
        after = s[end: end + 1]
        if style.arabic and after and _quantity_follows(style, s, end):
            continue
        if style.name == "1." and m.group(0)[-1] in ".．":
            # 1. with a space before its text is a marker too (Markdown, Word lists); 1.A is not
            spaced = end
            while end < len(s) and s[end] == " ":
                end += 1
            if end >= len(s) or not (_DOT_BODY.match(s[end]) or (end > spaced and s[end].isdigit())):
                continue  # 1. 2020年 (with its space) is a marker; 1.A is not
        elif style.name == "一、" and m.group(0)[-1] in ".．":
            while end < len(s) and s[end] == " ":
                end += 1
        elif style.name in ("（一）", "（1）") and s[end: end + 1] in ("、", "．", "."):
            end += 1  # （三）、美术类比赛: a stray mark after the bracket is part of the marker
        marker = _marker(i, m, n, end)
        return None if is_enumeration(s, marker) else marker
    return None


# the Markers made so far, by what makes them (a few thousand: the same markers open lines again and again)
_MARKERS: dict[tuple, Marker] = {}
MAX_MARKERS = 16384


def _marker(i: int, m: re.Match, n: str, end: int) -> Marker:
    """Marker(STYLES[i], its value, its canonical text, m.start(), end): its fields are a function of
    the style, the text matched, its number and where it starts and ends, so one is made per such
    key and shared (a Marker is frozen) instead of one per line that opens with it."""
    key = (i, m.group(0), n, m.start(), end)
    marker = _MARKERS.get(key)
    if marker is None:
        if len(_MARKERS) >= MAX_MARKERS:
            _MARKERS.clear()
        style = STYLES[i]
        marker = _MARKERS[key] = Marker(style, _value(style, n), _canonical(style, m, n), m.start(), end)
    return marker


# a numeral marker followed by another numeral is an enumeration of numbers, not a heading
# (一、二、三等奖, 二、三节课, （1）、（2）班)
_ENUMERATION_AFTER = {
    True: re.compile(r"、?(?:\d{1,2}[、．.]|[（(]\d{1,2}[)）])"),
    False: re.compile(rf"、?(?:{PLAIN_NUMERAL}[、．.]|[（(]{PLAIN_NUMERAL}[)）]|{PLAIN_NUMERAL}[等节次之])"),
}


# the first character of every _ENUMERATION_AFTER match (、, a bracket, a plain numeral, or a digit: any Unicode
# decimal, as \d reads it): a marker followed by anything else opens no enumeration, and its pattern is not tried
# (most headings)
_ENUMERATION_FIRST = frozenset("、（(一二三四五六七八九十")


def is_enumeration(s: str, marker: Marker) -> bool:
    """The marker opens a list of numbers written the same way (一、二、三等奖, 二、三节课,
    （1）、（2）、（5）班), not a heading; （二）、“欢乐青春” (a stray 、) and 一、1.加强… are headings."""
    after = s[marker.end: marker.end + 1]
    if after not in _ENUMERATION_FIRST and not after.isdecimal():  # ("" at the end: neither)
        return False
    m = _ENUMERATION_AFTER[marker.style.arabic].match(s, marker.end)
    # 一、二节课: a numeral after 一、 counts a list; after （一） it is the item's text (（一）三个班级)
    return m is not None and (m.group(0)[-1] not in "等节次之" or marker.text.endswith("、"))


def _alternation() -> str:
    parts = [s.pattern.pattern.replace("?P<n>", "") for s in STYLES]
    # other numbered divisions that break a paragraph although they are not sections
    parts.append(rf"第{PLAIN_NUMERAL}[阶部]?[段分章条节]")
    return "|".join(f"(?:{p})" for p in parts)


# a line that starts with a marker (for the normalizers and parsers that only need to know that)
LINE_MARKER = re.compile(rf"^(?:{_alternation()})")

# an attachment block: 附件 / 附件1 / 附件：… / 附件1：… at the start of a line
# (附件1：…, 附表2, 附录, and 附：《…》 as school pages write it)
ATTACHMENT = re.compile(r"^(?P<kind>附件|附表|附录|附(?=\s*[：:]))(?:\s*(?P<n>\d{1,2}|[一二三四五六七八九十]+)\s*[：:．.、]?|\s*[：:]|\s*$|\s+)\s*(?P<rest>.*)$")
