"""Normalizers: damaged text → the text of the original document, explainably.

Each repair is a small named step, `fn(text, ctx, report) -> text`, registered with `@step(name)`.
The report records what the step changed (`Repair`), what it cut (`Removed`) and what it could not
fix (`RecordWarning`), so a record always says which repairs ran and what they did — the model is ftfy's
`fix_and_explain`. `DEFAULT_STEPS` is the order; callers may pass their own list of names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Protocol, runtime_checkable

from fangan.model import Change, Removed, Repair, RecordWarning
from fangan.parsers import TitleCandidate

MAX_EXAMPLES = 40


@runtime_checkable
class BoilerplateLearner(Protocol):
    """Batch-level knowledge of recurring chrome lines (`normalizers/batch.py`), as steps see it."""

    def is_chrome(self, line: str, site: Optional[str]) -> bool: ...


@dataclass
class NormalizeContext:
    """What a step may know beyond the text itself, and what steps hand to each other and to later stages.

    Every field a step shares is declared here (no hidden channels through `metadata`, which holds the
    source's own metadata only and goes to the record as is)."""

    script_variant: str = "auto"  # auto | t2s | tw2s | hk2s
    site: Optional[str] = None
    title_hint: Optional[str] = None
    batch: Optional[BoilerplateLearner] = None  # learned recurring chrome lines, see batch.py
    metadata: dict[str, str] = field(default_factory=dict)  # source metadata (parser), for the record
    # filled by steps for later steps and stages to read
    script: str = "unknown"
    title_candidates: list[TitleCandidate] = field(default_factory=list)
    site_family: Optional[str] = None  # "docshare" once chrome of a document-sharing site is seen (page markers expected)
    page_count: Optional[int] = None  # pages of the original a document-sharing site states (共5页, 页数:5)
    template_year: Optional[str] = None  # a template year (202*年) the document uses, flagged by flag_template_years

    def add_title_candidate(self, text: str, source: str, leading: bool = False) -> None:
        if text and all(c.text != text for c in self.title_candidates):
            self.title_candidates.append(TitleCandidate(text, source, leading))


class StepReport:
    """Collects one step's changes; `Explanation` turns reports into record fields."""

    def __init__(self, step: str):
        self.step = step
        self.count = 0
        self.changes: list[Change] = []
        self.removed: list[Removed] = []
        self.warnings: list[RecordWarning] = []
        self.detail: Optional[str] = None

    def change(self, before: str, after: str, context: str = "", n: int = 1) -> None:
        self.count += n
        if len(self.changes) < MAX_EXAMPLES:
            self.changes.append(Change(before=before, after=after, context=context[:80]))

    def remove(self, text: str, reason: str) -> None:
        self.count += 1
        self.removed.append(Removed(step=self.step, text=text, reason=reason))

    def warn(self, code: str, message: str, count: int = 1, examples: Optional[list[str]] = None) -> None:
        self.warnings.append(RecordWarning(code=code, message=message, step=self.step, count=count, examples=(examples or [])[:10]))


# The text a step last split into lines or joined from them, with those lines. Most steps hand their input on
# unchanged or build their output from a list of lines, so the next step, handed the very same string, takes its lines
# from here instead of splitting the whole text again (a document went through six splits). One tuple, read and
# replaced at once: threads (a Dask worker's) never pair one text with another's lines. The text held keeps its id
# from being reused. Callers never mutate the lines they get.
_LAST_LINES: tuple[str, list[str]] = ("", [""])


def lines_of(text: str) -> list[str]:
    """`text.split("\n")`, shared: the lines must not be mutated."""
    global _LAST_LINES
    last = _LAST_LINES
    if last[0] is text:
        return last[1]
    lines = text.split("\n")
    _LAST_LINES = (text, lines)
    return lines


def joined(lines: list[str]) -> str:
    """`"\n".join(lines)`, remembered with `lines` for `lines_of` when they are its split (no line holds a line
    break: the text then holds exactly one between each two lines). `lines` must not be mutated afterwards."""
    global _LAST_LINES
    text = "\n".join(lines)
    if text.count("\n") == len(lines) - 1:
        _LAST_LINES = (text, lines)
    return text


StepFn = Callable[[str, NormalizeContext, StepReport], str]
STEPS: dict[str, StepFn] = {}


def step(name: str):
    """Register a normalization step under `name`."""

    def deco(fn: StepFn) -> StepFn:
        STEPS[name] = fn
        fn.step_name = name  # type: ignore[attr-defined]
        return fn

    return deco


@dataclass
class Explanation:
    text: str
    script: str
    repairs: list[Repair]
    removed: list[Removed]
    warnings: list[RecordWarning]
    context: NormalizeContext


def _load_builtin_steps() -> None:
    if _BUILTINS_LOADED:
        return  # (once per process, not an import statement per document)
    from . import defaults  # noqa: F401

    _BUILTINS_LOADED.append(True)


_BUILTINS_LOADED: list = []


def default_steps() -> list[str]:
    _load_builtin_steps()
    from .defaults import DEFAULT_STEPS

    return list(DEFAULT_STEPS)


def normalize_and_explain(text: str, ctx: Optional[NormalizeContext] = None, steps: Optional[list[str]] = None) -> Explanation:
    ctx = ctx or NormalizeContext()
    names = steps if steps is not None else default_steps()
    _load_builtin_steps()
    repairs: list[Repair] = []
    removed: list[Removed] = []
    warnings: list[RecordWarning] = []
    for name in names:
        fn = STEPS[name]
        report = StepReport(name)
        text = fn(text, ctx, report)
        if report.count or report.detail:
            repairs.append(Repair(step=name, count=report.count, changes=report.changes, detail=report.detail))
        removed.extend(report.removed)
        warnings.extend(report.warnings)
    return Explanation(text=text, script=ctx.script, repairs=repairs, removed=removed, warnings=warnings, context=ctx)


def normalize(text: str, ctx: Optional[NormalizeContext] = None) -> str:
    return normalize_and_explain(text, ctx).text
