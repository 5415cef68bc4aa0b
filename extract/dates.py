"""Dates as plans write them, in one place for phases, deadlines and metadata.

    6月上旬 → month 6, part early          1月中旬至3月底 → (1, mid) … (3, end)
    7月份 → month 7                        7月至年底 → (7) … (12, end)
    2024年5月—6月 → (2024, 5) … (2024, 6)  202*年4月6月 → (4) … (6)  (the dash was lost)
    5月1日至5月31日; 二〇二三年四月十九日; 2023-04-19

A year is only ever read from the date itself, and never from a template year (202*年, 20XX年,
202223年): those give year None.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from fangan.lexicon.dates import HALF_YEARS, MONTH_PARTS, OPEN_END, RANGE_SEPARATORS, YEAR_PARTS
from fangan.lexicon.roles import alternation
from fangan.model import DateValue
from fangan.normalizers.years import is_template_year
from fangan.lexicon.markers import cn_to_int
from fangan.gates import gated

PARTS = MONTH_PARTS

_CN_YEAR = "[〇○零一二三四五六七八九]{4}"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
_M = rf"1[0-2]|0?[1-9]|{_CN_SMALL}"
_D = rf"3[01]|[12]\d|0?[1-9]|{_CN_SMALL}"
# spaces are allowed between a number and its 年/月/日 (Word conversions write 2026 年 4 月 7 日)
YEAR = rf"(?P<year>(?:19|20)[\d\*＊×xX]{{2,4}}|{_CN_YEAR}|[Xx×]{{4}})\s*年(?:度)?"
MONTH = rf"(?P<month>{_M})\s*月(?:份)?"
DAY = rf"(?P<day>{_D})\s*[日号]"
PART = rf"(?P<part>{alternation(MONTH_PARTS)})"
_ISO = r"(?P<iso_y>(?:19|20)\d{2})[-/.](?P<iso_m>1[0-2]|0?[1-9])[-/.](?P<iso_d>3[01]|[12]\d|0?[1-9])(?!\d)"
# 12.5前: month.day, only where a deadline word follows (otherwise it is a decimal)
_DOTTED = (r"(?<![\d.])(?P<dot_m>1[0-2]|0?[1-9])\.(?P<dot_d>3[01]|[12]\d|0?[1-9])"
           r"(?:(?=\s*(?:之前|以前|前))|(?<=(?:截止日期|截止时间)[：:]\d\.\d)|(?<=(?:截止日期|截止时间)[：:]\d\.\d\d)|(?<=(?:截止日期|截止时间)[：:]\d\d\.\d)|(?<=(?:截止日期|截止时间)[：:]\d\d\.\d\d))(?![\d.])")

# one point in time: ISO | month.day前 | [year] month [day|part] | [year] 年底/上半年… | year
# gated: the engine tries this many-shaped pattern only where a date can begin (a digit, a Chinese numeral, 年, 上, 下)
POINT = gated(re.compile(
    rf"{_ISO}|{_DOTTED}"
    rf"|(?:{YEAR}\s*)?(?:(?:{MONTH})\s*(?:{DAY}|{PART})?|(?P<yearpart>{alternation(YEAR_PARTS)}))"
    rf"|(?P<yearonly>(?:19|20)\d{{2}})\s*年(?!\s*\d)"
))
# 3-5月份, 6—8月, 2026 年 9—10 月: two months sharing one 月
MONTH_RANGE = gated(re.compile(rf"(?:{YEAR}\s*)?(?P<m1>1[0-2]|0?[1-9])\s*(?:—+|–|-+|－|~|～|〜|至|到)\s*(?P<m2>1[0-2]|0?[1-9])\s*月(?:份)?"))
RANGE_SEP = r"\s*(?:" + "|".join(re.escape(s) + ("+" if s in "—-" else "") for s in RANGE_SEPARATORS) + r")\s*"
_DAY_ONLY = re.compile(rf"(?P<day>3[01]|[12]\d|0?[1-9])\s*[日号]")  # 3月10日-24日: the end shares the month
_OPEN_END = re.compile(rf"\s*(?:{alternation(OPEN_END)})")


def _year(raw: Optional[str]) -> Optional[int]:
    return _year_of(raw) if raw else None


_YEAR_DIGITS = re.compile(r"\d{4}|" + _CN_YEAR)


@lru_cache(maxsize=1024)  # (a year group holds at most 6 characters; plans write a few dozen years)
def _year_of(raw: str) -> Optional[int]:
    if is_template_year(raw) or not _YEAR_DIGITS.fullmatch(raw):
        return None
    y = cn_to_int(raw, positional=True)
    return y if 1949 <= y <= 2100 else None


def point_from_match(m: re.Match) -> DateValue:
    g = m.groupdict()
    raw = m.group(0)
    if g.get("iso_y"):
        return DateValue(year=_year(g["iso_y"]), month=int(g["iso_m"]), day=int(g["iso_d"]), raw=raw)
    if g.get("dot_m"):
        return DateValue(month=int(g["dot_m"]), day=int(g["dot_d"]), raw=raw)
    if g.get("yearonly"):
        return DateValue(year=_year(g["yearonly"]), raw=raw)
    year = _year(g.get("year"))
    if g.get("yearpart"):
        month, part = YEAR_PARTS[g["yearpart"]]
        return DateValue(year=year, month=month, part=part, raw=raw)
    month = cn_to_int(g["month"], positional=True) if g.get("month") else None
    day = cn_to_int(g["day"], positional=True) if g.get("day") else None
    part = PARTS.get(g["part"]) if g.get("part") else None
    if month is not None and not 1 <= month <= 12:
        month = None
    return DateValue(year=year, month=month, day=day, part=part, raw=raw)


def parse_point(text: str) -> Optional[DateValue]:
    m = POINT.search(text)
    return point_from_match(m) if m else None


# a lost separator: 4月6月 (two month points back to back) is a range
_END_ONLY = re.compile(rf"(?P<month>1[0-2]|0?[1-9])(?:月)?{PART}")  # 4月初至11底: the second 月 is missing


def parse_range(text: str) -> Optional[tuple[DateValue, Optional[DateValue], str]]:
    """The first date or date range in `text`: (start, end, raw). A single date gives start == end; a date
    that opens a period (2020年4月4日以后) gives end None."""
    m = POINT.search(text)
    mr = MONTH_RANGE.search(text)
    if mr and (not m or mr.start() <= m.start()):
        year = _year(mr.group("year"))
        return (DateValue(year=year, month=int(mr.group("m1")), raw=mr.group(0)),
                DateValue(year=year, month=int(mr.group("m2")), raw=mr.group(0)), mr.group(0))
    if not m:
        return None
    start = point_from_match(m)
    rest = text[m.end():]
    half = HALF_YEARS.get(m.group("yearpart") or "")
    sep = re.match(RANGE_SEP, rest)
    if half and not sep:
        (m1, p1), (m2, p2) = half
        return (DateValue(year=start.year, month=m1, part=p1, raw=m.group(0)),
                DateValue(year=start.year, month=m2, part=p2, raw=m.group(0)), m.group(0))
    if sep or (start.month and re.match(rf"(?:{MONTH})", rest)):  # 4月6月: the dash was lost
        tail = rest[sep.end():] if sep else rest
        m2 = POINT.match(tail)
        m3 = None if m2 else _END_ONLY.match(tail)
        md = None if (m2 or m3 or not start.day) else _DAY_ONLY.match(tail)
        if m2 or m3 or md:
            if m2:
                end = point_from_match(m2)
            elif m3:
                end = DateValue(month=int(m3.group("month")), part=PARTS[m3.group("part")], raw=m3.group(0))
            else:
                end = DateValue(month=start.month, day=int(md.group("day")), raw=md.group(0))
            if end.year is None:
                end.year = start.year  # 2024年5月—6月: the end shares the year the range writes
            raw = text[m.start(): m.end() + (sep.end() if sep else 0) + (m2 or m3 or md).end()]
            return start, end, raw
    oe = _OPEN_END.match(rest)
    if oe:
        return start, None, text[m.start(): m.end() + oe.end()]
    return start, start.model_copy(), m.group(0)
