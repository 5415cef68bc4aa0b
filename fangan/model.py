"""The record: pydantic models for one plan document and for a failed input.

Field names are a public contract (README, "Compatibility"): fields may be added in a minor
version, never renamed or removed without a major one. `fangan/schema/document.schema.json`
is generated from these models (`python -m fangan.schema`) and a test fails when it is stale.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0.0"

DatePart = Literal["early", "mid", "late", "end"]
Script = Literal["traditional", "simplified", "mixed", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DateValue(_Model):
    """A calendar date as written: any of year/month/day may be unknown."""

    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    part: Optional[DatePart] = Field(None, description="early (上旬/初), mid (中旬), late (下旬), end (底/末)")
    raw: str = ""
    year_inferred: Optional[int] = Field(
        None, description="the plan's own year (from its title, date or document number) for a date that writes no year; "
                          "`year` stays as written")

    @property
    def iso(self) -> Optional[str]:
        if self.year and self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return None


class Source(_Model):
    path: str = Field(..., description="input path; archive members as `a.zip!/dir/file.docx`")
    url: Optional[str] = None
    format: str = Field(..., description="txt | md | html | docx | pdf | doc | warc …")
    sha256: str
    encoding: Optional[str] = Field(None, description="codec the bytes were decoded with (text formats)")
    site: Optional[str] = Field(None, description="site family of a scraped page, e.g. wnwk.com")
    captured_at: Optional[str] = Field(None, description="capture time of a web page (ISO 8601)")
    size: Optional[int] = None


class Section(_Model):
    id: str = Field(..., description="stable within the document: s1, s1.2, s1.2.3 …")
    marker: str = Field(..., description="numbering token normalized to fullwidth brackets: 一、 （一） 1、 1. （1） ① 第一阶段")
    level: int = Field(..., ge=1)
    title: str = Field("", description="heading without marker and trailing 。；：, or '' for a plain numbered item")
    text: str = Field("", description="the section's own text (its heading line and body, not its children)")
    children: list["Section"] = Field(default_factory=list)


class Target(_Model):
    indicator: str
    comparator: Literal[">=", "<=", "==", ">", "<", "~"] = "=="
    value: float
    unit: Optional[str] = None
    raw: str = ""


class Goal(_Model):
    text: str
    section_id: Optional[str] = None
    targets: list[Target] = Field(default_factory=list)


class Phase(_Model):
    name: str
    order: int
    start: Optional[DateValue] = None
    end: Optional[DateValue] = None
    raw: str = ""
    section_id: Optional[str] = None


class Deadline(_Model):
    due: DateValue
    action: str = ""
    raw: str = ""
    section_id: Optional[str] = None
    party: Optional[str] = None
    recurring: Optional[str] = Field(None, description="e.g. 'quarterly' for 每季度末前")


class ResponsibleParty(_Model):
    name: str
    role: str = ""
    section_id: Optional[str] = None
    raw: str = ""


class Change(_Model):
    before: str
    after: str
    context: str = ""


class Repair(_Model):
    """What one normalization step changed."""

    step: str
    count: int = 0
    changes: list[Change] = Field(default_factory=list, description="examples, at most a few dozen per step")
    detail: Optional[str] = None


class Removed(_Model):
    """A span cut from the text (boilerplate, page marker, annotation …) — nothing disappears unlisted."""

    step: str
    text: str
    reason: str = ""


class Warning(_Model):
    code: str = Field(..., description="machine-readable, e.g. template_year, irrecoverable_encoding")
    message: str
    step: Optional[str] = None
    count: int = 1
    examples: list[str] = Field(default_factory=list)


class Document(_Model):
    id: str
    schema_version: str = SCHEMA_VERSION
    source: Source
    title: str = ""
    issuer: Optional[str] = None
    addressee: Optional[str] = None
    doc_number: Optional[str] = None
    date: Optional[DateValue] = None
    year: Optional[int] = None
    year_source: Optional[str] = Field(None, description="where `year` came from: text, date, doc_number, title, source_metadata")
    script: Script = "unknown"
    text: str = ""
    sections: list[Section] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    responsible_parties: list[ResponsibleParty] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)
    removed: list[Removed] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict, description="source metadata (uploader, upload date, category …)")


class ErrorRecord(_Model):
    """One input that did not become a document, and why."""

    schema_version: str = SCHEMA_VERSION
    path: str
    sha256: Optional[str] = None
    stage: str = Field(..., description="ingest | parse | normalize | structure | extract | write")
    error: str = Field(..., description="short machine-readable kind, e.g. not_text, encrypted_pdf, needs_ocr")
    reason: str
    time: str


def iter_sections(sections: list[Section], path: tuple[str, ...] = ()):
    """Depth-first (section, path of titles/markers) pairs."""
    for s in sections:
        here = path + ((s.title or s.marker),)
        yield s, here
        yield from iter_sections(s.children, here)
