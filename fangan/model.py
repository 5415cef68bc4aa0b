"""The record: pydantic models for one plan document and for a failed input.

Field names are a public contract (README, "Compatibility"): fields may be added in a minor
version, never renamed or removed without a major one. `fangan/schemas/document.schema.json`
is generated from these models (`python -m fangan.schema`) and a test fails when it is stale.
"""
from __future__ import annotations

import base64
import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.1.0"

DatePart = Literal["early", "mid", "late", "end"]
Script = Literal["traditional", "simplified", "mixed", "unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_REASON_CHARS = 500


def json_safe_path(path: str) -> tuple[str, Optional[str]]:
    """(display path, base64 of its bytes or None). A file name that is not valid UTF-8 reaches Python as
    lone surrogates (os.fsdecode's surrogateescape), which JSON cannot hold: the display path shows each
    such byte as `\\xNN` and the exact bytes are kept, base64-encoded, beside it."""
    if not _SURROGATE.search(path):
        return path, None
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a byte (e.g. decoded UTF-16)
        raw = path.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace"), base64.b64encode(raw).decode("ascii")


_BYTES_REPR = re.compile(r"""\bb(?:'(?:[^'\\]|\\.){0,200}'|"(?:[^"\\]|\\.){0,200}")""")


def readable(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """A message fit for a person and for JSON: no control characters, no lone surrogates, no bytes reprs
    (a library's exception message often quotes the raw bytes it choked on), bounded length."""
    text = _BYTES_REPR.sub("<bytes>", text)
    text = _SURROGATE.sub(_show_surrogate, text)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_surrogate(m: re.Match) -> str:
    cp = ord(m.group())
    return f"\\x{cp - 0xDC00:02x}" if 0xDC80 <= cp <= 0xDCFF else "\ufffd"  # a byte escaped by surrogateescape


def _escape_path_fields(data):
    if isinstance(data, dict) and isinstance(data.get("path"), str):
        shown, raw = json_safe_path(data["path"])
        if raw is not None:
            data = {**data, "path": shown, "path_bytes": raw}
    return data


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
    path_bytes: Optional[str] = Field(None, description="base64 of the path's bytes when they are not valid UTF-8 "
                                      "(`path` then shows each such byte as \\xNN)")

    _escape = model_validator(mode="before")(_escape_path_fields)


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


class RecordWarning(_Model):
    """What a stage could not fix or had to guess (named so as not to shadow the builtin `Warning`)."""

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
    attachments: list[Section] = Field(default_factory=list, description="附件 parts after the plan (marker 附件 or 附件N), kept apart from its sections")
    goals: list[Goal] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    responsible_parties: list[ResponsibleParty] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)
    removed: list[Removed] = Field(default_factory=list)
    warnings: list[RecordWarning] = Field(default_factory=list)
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
    path_bytes: Optional[str] = Field(None, description="base64 of the path's bytes when they are not valid UTF-8 "
                                      "(`path` then shows each such byte as \\xNN)")

    @model_validator(mode="before")
    @classmethod
    def _safe_text(cls, data):
        data = _escape_path_fields(data)
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = {**data, "reason": readable(data["reason"])}
        return data


def iter_sections(sections: list[Section], path: tuple[str, ...] = ()):
    """Depth-first (section, path of titles/markers) pairs."""
    for s in sections:
        here = path + ((s.title or s.marker),)
        yield s, here
        yield from iter_sections(s.children, here)
