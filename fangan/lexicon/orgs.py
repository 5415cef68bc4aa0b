"""Organisations: the suffixes that end a unit's name, and the shape of a whole name.

One list serves the issuer line, the letterhead above a title, the learner's signature check and
the responsible-party rules, so a unit that one of them knows (县人民政府办公室, 县第一中学,
县卫生监督所) is known to all. Party names inside sentences may also end in the looser
`NAME_ONLY_SUFFIXES` (人民银行, 县妇联, 各乡镇); `is_org_name` is the shape check the party rules use.
"""
from __future__ import annotations

import re

# Longest first inside each alternation is not needed: the pattern is anchored at the end of a name.
ORG_SUFFIXES: tuple[str, ...] = (
    "办公室", "指挥部", "委员会", "领导小组", "工作小组", "工作组", "小组", "专班", "党委", "党组", "支部", "总工会", "工会",
    "中心", "医院", "卫生院", "院", "局", "委", "办", "科", "室", "处", "所", "站", "厅", "部", "队", "协会", "学会",
    "单位", "组织", "机构", "政府", "街道", "社区", "公司", "学校", "中学", "小学", "幼儿园", "大学", "学院",
)
# Endings that make a party's name inside a sentence but are too loose for a line standing alone (a
# letterhead or signature must stay what the stages before extraction already call one): central and
# enterprise names (海关总署, 人民银行, 证监会, 供销合作总社), generic subjects (各乡镇), people's organisations
# and media written short (县妇联, 市科协, 县红十字会, 县广播电视台, 市图书馆).
NAME_ONLY_SUFFIXES: tuple[str, ...] = (
    "总署", "总社", "银行", "集团", "监会", "组委会", "联合会", "村委会", "居委会", "乡镇", "县区", "部门", "机关", "团委",
    "学生会", "家委会", "妇联", "残联", "科协", "侨联", "文联", "工商联", "红十字会", "共青团", "台", "社", "馆",
)
ORG_SUFFIX = "(?:" + "|".join(ORG_SUFFIXES) + r")(?:[（(][^）)]{1,6}[）)])?"
ORG_END = re.compile(ORG_SUFFIX + "$")
# a line that is nothing but one or more unit names (a letterhead or a signature): no sentence punctuation
ORG_LINE = re.compile(rf"^[^，。；：:！？!?\s]{{2,40}}{ORG_SUFFIX}$")


# a party's name ends in an organisation suffix or a group word (督查组, 工作专班); the group words
# live with the other role vocabulary in `fangan.lexicon.roles`
from fangan.lexicon.roles import FALSE_ENDINGS, GROUP_WORDS, NOT_UNITS, PERSON_ENDINGS, alternation  # noqa: E402

NAME_END = re.compile("(?:" + "|".join(ORG_SUFFIXES + NAME_ONLY_SUFFIXES) + "|" + alternation(GROUP_WORDS)
                      + r")(?:[（(][^）)]{1,6}[）)])?$")
_PERSON_END = re.compile(alternation(PERSON_ENDINGS + FALSE_ENDINGS) + "$")
# hanzi; 的 and 、 only inside quotes (“除火患、保平安”冬春专项行动领导小组)
_NAME_CHARS = re.compile(r"^(?:[^\W\d_a-zA-Z的]|[「」（）]|“[^”]+”)+$")


def is_org_name(name: str) -> bool:
    """A whole unit name: 2–30 hanzi ending in an organisation suffix or group word, not a post or person
    (局长助理, 分管领导) and not a stand-in for the plan's own body (本单位, 全区)."""
    return (2 <= len(name) <= 30 and bool(_NAME_CHARS.match(name)) and name.count("“") == name.count("”")
            and bool(NAME_END.search(name)) and not _PERSON_END.search(name) and name not in NOT_UNITS)


def is_org_line(line: str) -> bool:
    """A letterhead or signature line: a unit name (or several, space-separated), nothing else."""
    parts = line.strip().split()
    return bool(parts) and all(ORG_LINE.match(p) for p in parts)
