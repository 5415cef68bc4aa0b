"""Structure in one pass of small parts: title choice, run-in splitting, then the tree.

`build` takes the normalized text (one paragraph per line) and the parser's heading hints and
returns the `StructureResult`: title, body lines (run-in headings on their own line), the section
tree, the line of each heading (`section_lines`, handed to extraction), repairs and warnings.

* title choice: `choose_title` (the first line, a letterhead then the title, or a hint/candidate);
* run-in splitting: `runin.split_run_in` (reports its cuts as a repair);
* the tree: `tree.build_tree` from the lines plus the format's heading levels.
"""
from __future__ import annotations

import re
from typing import Optional

from fangan.lexicon.orgs import is_org_line
from fangan.lexicon.markers import match_marker
from fangan.model import Change, Repair, Section

from . import StructureResult
from .runin import split_run_in
from .tree import build_tree

# formats whose heading levels are reliable enough to make an unnumbered line a section
UNNUMBERED_HEADING_FORMATS = ("md",)


# --- title choice (one call in `build`) ---------------------------------------------------------


def _strip_title_prefix(first: str, candidates: list[str]) -> Optional[tuple[str, str]]:
    for cand in candidates:
        c = cand.strip()
        if len(c) >= 4 and first.startswith(c):
            return c, first[len(c):].lstrip(" ：:")
    return None


def _is_title_line(line: str) -> bool:
    return (len(line) <= 60 and match_marker(line) is None and not line.endswith(("。", "：", ":", "；"))
            and not re.search("[，。]", line))


KIND_WORD = re.compile(r"(?:方案|计划|规划|意见|通知|办法|细则|要点|决定|通报|规定|纲要|措施|安排)$")


def _title_after_issuer(lines: list[str]) -> Optional[tuple[int, int, str]]:
    """A letterhead first (海南省农业农村厅 海南省财政厅), then the title, perhaps wrapped over two
    lines: the title is the first line (or pair) ending in a document kind (…方案, …的通知)."""
    if KIND_WORD.search(lines[0]) or not is_org_line(lines[0]):
        return None
    for i in range(1, min(4, len(lines))):
        ln = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # a short tail line (的通知) finishes a wrapped title
        if nxt and KIND_WORD.search(nxt) and len(nxt) <= 12 and _is_title_line(ln + nxt):
            return i, 2, ln + nxt
        if KIND_WORD.search(ln) and _is_title_line(ln):
            return i, 1, ln
        if nxt and KIND_WORD.search(nxt) and _is_title_line(ln + nxt) and len(nxt) <= 30:
            return i, 2, ln + nxt
    return None


def choose_title(lines: list[str], title_hint: Optional[str], title_candidates: list[str]) -> tuple[str, list[str], list[Repair]]:
    """The document's title, the body lines without it, and the repair when a title was split off."""
    lines = list(lines)
    repairs: list[Repair] = []
    title = ""
    if lines:
        split = _strip_title_prefix(lines[0], list(title_candidates) + ([title_hint] if title_hint else []))
        if split and split[1]:
            title = split[0]
            lines[0] = split[1]
            repairs.append(Repair(step="split_run_in_title", count=1,
                                  changes=[Change(before=split[0] + split[1][:10], after=split[0] + " ⏎ " + split[1][:10])]))
        elif (found := _title_after_issuer(lines)) is not None:
            i, n, title = found
            del lines[i: i + n]
        elif _is_title_line(lines[0]):
            title = lines.pop(0)
        elif title_hint and _is_title_line(title_hint):
            title = title_hint
        elif title_candidates:
            title = title_candidates[0]
    return title, lines, repairs


# --- the pass ----------------------------------------------------------------------------------


def build(text: str, title_hint: Optional[str], heading_hints: dict, title_candidates: list[str],
          source_format: Optional[str] = None) -> StructureResult:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    title, lines, repairs = choose_title(lines, title_hint, title_candidates)
    lines, split_repairs = split_run_in(lines)
    tree = build_tree(lines, heading_hints, unnumbered_hints=source_format in UNNUMBERED_HEADING_FORMATS)
    # 附件 parts are the plan's attachments, not its sections: they are kept apart in the record
    sections = [s for s in tree.sections if not is_attachment(s)]
    attachments = [s for s in tree.sections if is_attachment(s)]
    return StructureResult(title=title, lines=lines, sections=sections, attachments=attachments,
                           repairs=repairs + split_repairs, section_lines=tree.section_lines, warnings=tree.warnings)


def is_attachment(section: Section) -> bool:
    return section.marker.startswith("附")  # 附件, 附表, 附录, 附
