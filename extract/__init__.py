"""Extract: structured fields from a structured document.

`extract(doc)` receives a `fangan.model.Document` whose title, text and sections are filled
and returns an `Extraction` with metadata (issuer, addressee, doc_number, date, year) and the
item lists (goals, phases, deadlines, responsible_parties). The pipeline copies it into the record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from fangan.model import DateValue, Deadline, Document, Goal, Phase, ResponsibleParty, Warning


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
    warnings: list[Warning] = field(default_factory=list)


def extract(doc: Document) -> Extraction:
    """Fill the field lists. First slice: nothing is extracted yet (the extraction issue fills it)."""
    return Extraction()
