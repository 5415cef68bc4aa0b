"""Heading detection and the section tree. First slice: headings on their own lines only."""
from __future__ import annotations

import re

from fangan.model import Section

from . import StructureResult

_MARKER = re.compile(r"^(?P<m>[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+、|\d+\.(?!\d)|（\d+）|[①-⑳]|第[一二三四五六七八九十]+阶段)")


def build(text, title_hint, heading_hints, title_candidates) -> StructureResult:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    title = ""
    if lines and not _MARKER.match(lines[0]) and len(lines[0]) <= 60 and not lines[0].endswith(("。", "：")):
        title = lines.pop(0)
    styles: list[str] = []
    roots: list[Section] = []
    stack: list[Section] = []
    for ln in lines:
        m = _MARKER.match(ln)
        if not m:
            continue
        marker = m.group("m")
        style = re.sub(r"[一二三四五六七八九十\d①-⑳]+", "N", marker)
        if style not in styles:
            styles.append(style)
        level = styles.index(style) + 1
        rest = ln[m.end():].strip()
        title_part = re.split("[。：:]", rest, 1)[0].rstrip("；;，") if rest else ""
        while stack and stack[-1].level >= level:
            stack.pop()
        siblings = stack[-1].children if stack else roots
        sid = (stack[-1].id + "." if stack else "s") + str(len(siblings) + 1)
        sec = Section(id=sid, marker=marker, level=level, title=title_part, text=ln)
        siblings.append(sec)
        stack.append(sec)
    return StructureResult(title=title, lines=lines, sections=roots)
