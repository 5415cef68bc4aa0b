"""Document kinds: the words a plan's title ends in (…实施方案, …的通知, …指导意见（试行）).

Used by the title ranking (`structure/document_title.py`) and by the chrome detectors that find a page title inside a
breadcrumb (`normalizers/chrome.py`).
"""
from __future__ import annotations

import re

DOC_KINDS: tuple[str, ...] = (
    "方案", "计划", "规划", "意见", "通知", "办法", "细则", "要点", "决定", "通报", "规定", "纲要", "措施", "安排",
    "批复", "报告", "公告", "通告", "决议", "指南", "指引", "制度", "章程", "条例", "预案", "函", "总结", "倡议书",
    "请示", "纪要", "须知", "守则",
)
# a title ends in a kind, perhaps followed by bracketed notes: （试行） （2015、2016） (第二阶段) （有修改）
KIND_END = re.compile("(?:" + "|".join(DOC_KINDS) + r")(?:\s*[（(【\[][^（）()【】\[\]]{1,24}[）)】\]])*$")


def ends_in_kind(text: str) -> bool:
    return bool(KIND_END.search(text.strip()))
