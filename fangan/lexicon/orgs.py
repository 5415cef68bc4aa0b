"""Organisations: the suffixes that end a unit's name, and the shape of a whole name.

One list serves the issuer line, the letterhead above a title, the learner's signature check and
the responsible-party rules, so a unit that one of them knows (县人民政府办公室, 县第一中学,
县卫生监督所) is known to all.
"""
from __future__ import annotations

import re

# Longest first inside each alternation is not needed: the pattern is anchored at the end of a name.
ORG_SUFFIXES: tuple[str, ...] = (
    "办公室", "指挥部", "委员会", "领导小组", "工作小组", "工作组", "小组", "专班", "党委", "党组", "支部", "总工会", "工会",
    "中心", "医院", "卫生院", "院", "局", "委", "办", "科", "室", "处", "所", "站", "厅", "部", "队", "协会", "学会",
    "单位", "组织", "机构", "政府", "街道", "社区", "公司", "学校", "中学", "小学", "幼儿园", "大学", "学院",
)
ORG_SUFFIX = "(?:" + "|".join(ORG_SUFFIXES) + r")(?:[（(][^）)]{1,6}[）)])?"
ORG_END = re.compile(ORG_SUFFIX + "$")
# a line that is nothing but one or more unit names (a letterhead or a signature): no sentence punctuation
ORG_LINE = re.compile(rf"^[^，。；：:！？!?\s]{{2,40}}{ORG_SUFFIX}$")


def is_org_line(line: str) -> bool:
    """A letterhead or signature line: a unit name (or several, space-separated), nothing else."""
    parts = line.strip().split()
    return bool(parts) and all(ORG_LINE.match(p) for p in parts)
