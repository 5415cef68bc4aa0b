"""Template years: 202*年, 20XX年, 20××年, and 202223年 (a template year typed over). They are
kept in the text as written, flagged, and never read as a year (extraction uses `is_template_year`)."""
from __future__ import annotations

import re

from . import NormalizeContext, StepReport, step

#: a date alone on its line, as in a 落款 (2024年8月20日, 二〇二四年八月二十日)
TEMPLATE_YEAR = re.compile(r"(?<!\d)(?:20[0-9\*＊×xX]{0,2}[\*＊×xX]{1,3}|20\d{4,}|[Xx×]{4})(?=年)")


# every template year ends right before 年 in one of *＊×xX or in six digits: texts without such a 年 have none
# (the pattern opens with 年 itself, so the engine scans for that character instead of testing every position)
_MAYBE_TEMPLATE = re.compile(r"年(?:(?<=[\*＊×xX]年)|(?<=\d{6}年))")


def is_template_year(raw: str) -> bool:
    return bool(TEMPLATE_YEAR.fullmatch(raw.rstrip("年")))


@step("flag_template_years")
def flag_template_years(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    if not _MAYBE_TEMPLATE.search(text):
        return text
    hits = [m.group(0) + "年" for m in TEMPLATE_YEAR.finditer(text)]
    if hits:
        distinct = sorted(set(hits))
        report.warn("template_year", f"template year(s) {', '.join(distinct)} ({len(hits)} place(s)); no year is read from them",
                    count=len(hits), examples=distinct)
        ctx.template_year = distinct[0]
    return text
