"""Extract: structured fields from a structured document.

`extract(doc)` receives a `fangan.model.Document` whose title, text and sections are filled and
returns an `Extraction`: metadata (issuer, addressee, doc_number, date, year) and the item lists
(goals, phases, deadlines, responsible_parties), each item with its `section_id` and `raw` text.

The text-level extractors run as components of a spaCy pipeline (`fangan.extract.nlp`): a blank
`zh` pipeline with the jieba segmenter and rule components registered by name, so a pipeline with
a trained Chinese model can be swapped in through its config.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from fangan.model import DateValue, Deadline, Document, Goal, Phase, ResponsibleParty, RecordWarning


@dataclass
class Extraction:
    issuer: Optional[str] = None
    addressee: Optional[str] = None
    doc_number: Optional[str] = None
    date: Optional[DateValue] = None
    year: Optional[int] = None
    year_source: Optional[str] = None
    goals: list[Goal] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    responsible_parties: list[ResponsibleParty] = field(default_factory=list)
    warnings: list[RecordWarning] = field(default_factory=list)


def extract(doc: Document, structure=None) -> Extraction:
    """`structure` (a `fangan.structure.StructureResult`) hands over the line of every heading, so
    that sections are located by position, not found again by matching their text."""
    from .fields import extract_fields

    return extract_fields(doc, structure)
