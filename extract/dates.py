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
from typing import Optional

from fangan.model import DateValue
from fangan.normalizers.years import is_template_year
from fangan.structure.numerals import cn_to_int

PARTS = {"初": "early", "上旬": "early", "中旬": "mid", "下旬": "late", "底": "end", "末": "end"}

_CN_YEAR = "[〇○零一二三四五六七八九]{4}"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
YEAR = rf"(?P<year>(?:19|20)[\d\*＊×xX]{{2,4}}|{_CN_YEAR}|[Xx×]{{4}})年(?:度)?"
MONTH = rf"(?P<month>1[0-2]|0?[1-9]|{_CN_SMALL})月(?:份)?"
DAY = rf"(?P<day>3[01]|[12]\d|0?[1-9]|{_CN_SMALL})[日号]"
PART = r"(?P<part>上旬|中旬|下旬|初|底|末)"

# one point in time: [year] month [day|part] | [year] 年底/年初 | year
POINT = re.compile(
    rf"(?:{YEAR})?(?:(?:{MONTH})(?:{DAY}|{PART})?|(?P<yearpart>年底|年末|年初|年中))"
    rf"|(?P<yearonly>(?:19|20)\d{{2}})年(?!\d)"
)
RANGE_SEP = r"\s*(?:至|到|—+|-+|－|–|~|～|〜)\s*"


def _year(raw: Optional[str]) -> Optional[int]:
    if not raw:
        return None
    if is_template_year(raw) or not re.fullmatch(r"\d{4}|" + _CN_YEAR, raw):
        return None
    y = cn_to_int(raw, positional=True)
    return y if 1949 <= y <= 2100 else None


def point_from_match(m: re.Match) -> DateValue:
    g = m.groupdict()
    raw = m.group(0)
    if g.get("yearonly"):
        return DateValue(year=_year(g["yearonly"]), raw=raw)
    year = _year(g.get("year"))
    if g.get("yearpart"):
        part = {"年底": "end", "年末": "end", "年初": "early", "年中": "mid"}[g["yearpart"]]
        return DateValue(year=year, month=12 if part == "end" else (1 if part == "early" else None), part=part, raw=raw)
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


def parse_range(text: str) -> Optional[tuple[DateValue, DateValue, str]]:
    """The first date or date range in `text`: (start, end, raw). A single date gives start == end."""
    m = POINT.search(text)
    if not m:
        return None
    start = point_from_match(m)
    rest = text[m.end():]
    sep = re.match(RANGE_SEP, rest)
    if sep or (start.month and re.match(rf"(?:{MONTH})", rest)):  # 4月6月: the dash was lost
        tail = rest[sep.end():] if sep else rest
        m2 = POINT.match(tail)
        m3 = None if m2 else _END_ONLY.match(tail)
        if m2 or m3:
            end = point_from_match(m2) if m2 else DateValue(month=int(m3.group("month")), part=PARTS[m3.group("part")], raw=m3.group(0))
            if end.year is None:
                end.year = start.year  # 2024年5月—6月: the end shares the year the range writes
            raw = text[m.start(): m.end() + (sep.end() if sep else 0) + (m2.end() if m2 else m3.end())]
            return start, end, raw
    return start, start.model_copy(), m.group(0)
