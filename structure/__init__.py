"""Structure: clean text → title, body lines and the official heading tree.

Input is the normalized text (one paragraph per line). Output (`StructureResult`) is what the record
stores as `title`, `text` (body lines, run-in headings split onto their own line) and `sections`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from fangan.model import Repair, Section, RecordWarning


@dataclass
class StructureResult:
    title: str
    lines: list[str]  # body paragraphs, title excluded
    sections: list[Section]
    # 附件 blocks after the plan (marker 附件 / 附件N), each with its own text and, when it is a plan
    # itself, its own headings as children
    attachments: list[Section] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    # line index in `lines` where each section's heading sits, by section id
    section_lines: dict[str, int] = field(default_factory=dict)
    # what the tree could not take as written: numbering gaps and repeats, level conflicts, attachments
    warnings: list[RecordWarning] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def build_structure(text: str, title_hint: Optional[str] = None, heading_hints: Optional[dict[str, int]] = None,
                    title_candidates: Optional[list[str]] = None, source_format: Optional[str] = None) -> StructureResult:
    """`heading_hints`: heading levels the parser read from the format (text → level);
    `source_format` says how far they are trusted (Markdown headings without a number are sections)."""
    from .headings import build

    return build(text, title_hint=title_hint, heading_hints=heading_hints or {}, title_candidates=title_candidates or [],
                 source_format=source_format)
