"""Structure in one pass of small parts: title choice, run-in splitting, then the tree.

`build` takes the normalized text (one paragraph per line) and the parser's heading hints and
returns the `StructureResult`: title, body lines (run-in headings on their own line), the section
tree, the line of each heading (`section_lines`, handed to extraction), repairs and warnings.

* title choice: `document_title.choose_title` ranks the candidates (the format's title, labels,
  metadata boxes, the first lines of the body) and says where the title came from;
* run-in splitting: `runin.split_run_in` (reports its cuts as a repair; reads each line's marker once,
  handed to the tree);
* the tree: `tree.build_tree` from the lines plus the format's heading levels.
"""
from __future__ import annotations

from typing import Optional

from fangan.model import Section

from . import StructureResult
from .document_title import choose_title
from .runin import split_run_in_facts
from .tree import build_tree

# formats whose heading levels are reliable enough to make an unnumbered line a section
UNNUMBERED_HEADING_FORMATS = ("md",)


def build(text: str, title_hint: Optional[str], heading_hints: dict, title_candidates: list,
          source_format: Optional[str] = None) -> StructureResult:
    lines = list(filter(None, map(str.strip, text.split("\n"))))  # each line stripped once, the empty ones left out
    chosen = choose_title(lines, title_candidates, title_hint)
    lines, split_repairs, facts = split_run_in_facts(chosen.lines)
    tree = build_tree(lines, heading_hints, unnumbered_hints=source_format in UNNUMBERED_HEADING_FORMATS, facts=facts)
    # 附件 parts are the plan's attachments, not its sections: they are kept apart in the record
    sections, attachments = [], []
    for s in tree.sections:
        (attachments if is_attachment(s) else sections).append(s)
    return StructureResult(title=chosen.title, lines=lines, sections=sections, attachments=attachments,
                           repairs=list(chosen.repairs) + split_repairs, section_lines=tree.section_lines,
                           warnings=tree.warnings)


def is_attachment(section: Section) -> bool:
    return section.marker.startswith("附")  # 附件, 附表, 附录, 附
