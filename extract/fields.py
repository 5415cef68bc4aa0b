"""Orchestration: run the pipeline over one document, place every item in its section, and read
the metadata (issuer, addressee, document number, date, year)."""
from __future__ import annotations

import bisect
import re
from typing import Optional

from fangan.lexicon.dates import SIGNATURE_DATE_LINE
from fangan.lexicon.orgs import ORG_SUFFIX
from fangan.lexicon.parts import is_addressee_line
from fangan.model import Document, Goal, RecordWarning, Section

from . import Extraction
from .dates import parse_point, _year
from fangan.lexicon.quantities import GOAL_LABEL
from fangan.gates import lines_with

from .lines import plan_lines
from .items import goal as new_goal
from .rules import _walk, find_phases, find_sentence_phases

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（【]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］)）】]\s*\d{1,4}\s*号")
# DOC_NUMBER from its bracket on: a match opens at most 10 characters before the first place this matches
_DOC_NUMBER_TAIL = re.compile(r"[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,4}\s*号")
TITLE_YEAR = re.compile(r"(?<![\d《])((?:19|20)\d{2})(?:年|年度)")
ISSUER_LINE = re.compile(rf"^[^，。；：:]{{2,40}}{ORG_SUFFIX}$")


def all_sections(sections: list[Section]) -> list[Section]:
    """Every section, depth first (the order of `fangan.model.iter_sections`), as one list: the index and the
    goal spans walk it, without a generator and a path of titles per section."""
    out: list[Section] = []
    _add_sections(sections, out)
    return out


def _add_sections(sections: list[Section], out: list[Section]) -> None:
    for sec in sections:
        out.append(sec)
        if sec.children:
            _add_sections(sec.children, out)


class SectionIndex:
    """Character offset in the record's text → id of the section that holds it."""

    def __init__(self, text: str, sections: list[Section], section_lines: Optional[dict[str, int]] = None,
                 flat: Optional[list[Section]] = None) -> None:
        flat = all_sections(sections) if flat is None else flat
        # the text split at its line breaks, and where each line starts: the split the finders read (`.lines`)
        self.lines, self.starts, _ = plan_lines(text)
        self.heading_line: dict[str, int] = {}
        marks: list[tuple[int, str]] = []
        if section_lines is not None:
            # the structure stage says where each heading sits: no text matching needed
            for sec in flat:
                i = section_lines.get(sec.id)
                if i is not None and 0 <= i < len(self.lines):
                    self.heading_line[sec.id] = i
                    marks.append((i, sec.id))
        else:
            cursor = 0
            for sec in flat:
                head = sec.text.split("\n", 1)[0]
                for i in range(cursor, len(self.lines)):
                    if self.lines[i] == head:
                        self.heading_line[sec.id] = i
                        marks.append((i, sec.id))
                        cursor = i
                        break
        # a later section on the same line (inline ①) does not take the line from its parent
        self.line_section: list[Optional[str]] = [None] * len(self.lines)
        marks_by_line: dict[int, str] = {}
        for i, sid in marks:
            marks_by_line.setdefault(i, sid)
        heads = sorted(marks_by_line)
        for i, nxt in zip(heads, heads[1:] + [len(self.lines)]):  # a section holds its lines up to the next heading
            self.line_section[i:nxt] = [marks_by_line[i]] * (nxt - i)
        self.next_heading = sorted(self.heading_line.values())

    def section_at(self, offset: int) -> Optional[str]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.line_section[i] if 0 <= i < len(self.lines) else None

    def body_span(self, sid: str) -> Optional[tuple[int, int]]:
        """The section's own body: after its heading line up to the next heading line."""
        i = self.heading_line.get(sid)
        if i is None:
            return None
        # the first heading line after it (found by bisection, and the text's length by addition: a plan with many
        # goal sections is not walked and joined again for each)
        k = bisect.bisect_right(self.next_heading, i)
        end_line = self.next_heading[k] if k < len(self.next_heading) else len(self.lines)
        start = self.starts[i]
        end = self.starts[end_line] - 1 if end_line < len(self.lines) else self.starts[-1] + len(self.lines[-1])
        return start, end


class _Spans:
    """Goals by character span, for "the first goal, in the order they were added, whose span holds this
    offset" — what a scan over every goal finds, but looked for only among the spans that open at most the
    longest span's length before the offset (a plan with thousands of targets made the scan quadratic)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.items: list[tuple[int, int, Goal]] = []  # (order added, end, goal), sorted with starts
        self.longest = 0

    def add(self, start: int, end: int, goal: Goal) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.items.insert(i, (len(self.items), end, goal))
        self.longest = max(self.longest, end - start)

    def first_holding(self, offset: int) -> Optional[Goal]:
        lo = bisect.bisect_left(self.starts, offset - self.longest)
        hi = bisect.bisect_right(self.starts, offset)
        held = [(order, goal) for order, end, goal in self.items[lo:hi] if offset < end]
        return min(held, key=lambda h: h[0])[1] if held else None


def _goal_spans(text: str, index: SectionIndex, flat: list[Section]) -> list[tuple[int, int]]:
    spans = []
    for sec in flat:
        if "目标" in (sec.title or "") and (span := index.body_span(sec.id)):
            head_len = len(index.lines[index.heading_line[sec.id]])
            title_in_heading = sec.text.split("\n", 1)[0]
            # a run-in heading (（一）目标。正文…) keeps its body on the heading line
            after_title = title_in_heading.find(sec.title) + len(sec.title) if sec.title else len(sec.marker)
            spans.append((span[0] + min(after_title + 1, head_len), span[1]))
    # a goal label holds 目标 and never crosses a line: only the lines that say 目标 are searched
    for start, end in lines_with(text, "目标"):
        for m in GOAL_LABEL.finditer(text, start, end):
            line_end = text.find("\n", m.end())
            spans.append((m.end(), line_end if line_end >= 0 else len(text)))
    return spans


def _doc_number(s: str, end: Optional[int] = None) -> Optional[re.Match]:
    """DOC_NUMBER.search(s[:end]), without trying its run of hanzi at every character: only from 10 characters
    before the first bracketed year that a number and 号 follow, and not at all when no 号 stands there (every match
    ends in one; the patterns look neither behind nor ahead, so `end` reads as the slice would)."""
    end = len(s) if end is None else min(end, len(s))
    if s.find("号", 0, end) < 0:
        return None
    tail = _DOC_NUMBER_TAIL.search(s, 0, end)
    return DOC_NUMBER.search(s, max(0, tail.start() - 10), end) if tail else None


_LAST_CLAUSE_BREAK = re.compile(".*[，。；：\n]", re.S)
_NEXT_CLAUSE_BREAK = re.compile("[，。；\n]")


def _clause_around(text: str, a: int, b: int) -> tuple[int, int]:
    """The clause holding text[a:b]: from after the last of ，。；：or a line break before `a` up to the first
    of ，。；or a line break from `b`. Looked for near the target first (a search per break character from
    the text's start or to its end made a plan with many targets quadratic)."""
    lo = max(0, a - 200)
    last = _LAST_CLAUSE_BREAK.match(text, lo, a) or (_LAST_CLAUSE_BREAK.match(text, 0, lo) if lo else None)
    nxt = _NEXT_CLAUSE_BREAK.search(text, b)
    return (last.end() if last else 0), (nxt.start() if nxt else len(text))


def _edge_lines(text: str, head: int = 6, tail: int = 7, raw: Optional[list[str]] = None) -> list[str]:
    """The text's non-empty lines, stripped, as far as _metadata reads them: the first `head` and the last `tail`
    (a plan of thousands of lines is not stripped line by line); all of them when these two overlap. `raw`: the
    text split at its line breaks, when the caller has it."""
    if raw is None:
        raw = text.split("\n")
    first: list[str] = []
    for i, ln in enumerate(raw):
        if ln.strip():
            first.append(ln.strip())
            if len(first) == head:
                break
    else:
        return first  # fewer than `head` non-empty lines: that is all of them
    last: list[str] = []
    for j in range(len(raw) - 1, i, -1):
        if raw[j].strip():
            last.append(raw[j].strip())
            if len(last) == tail:
                return first + last[::-1]
    return [ln.strip() for ln in raw if ln.strip()]  # the two ends meet


def _metadata(doc: Document, ex: Extraction, raw_lines: Optional[list[str]] = None) -> None:
    # the signature is read from the last 7 lines, the issuer from the first 6
    lines = _edge_lines(doc.text, raw=raw_lines)
    m = _doc_number(doc.text, 2000) or _doc_number(doc.title or "")
    if m:
        ex.doc_number = m.group(0)
    # 落款: a date alone on one of the last lines, the issuer on the line before it
    for i in range(len(lines) - 1, max(-1, len(lines) - 7), -1):
        if SIGNATURE_DATE_LINE.match(lines[i]):
            ex.date = parse_point(lines[i])
            if ex.date:
                ex.date.raw = lines[i]
            if i > 0 and ISSUER_LINE.match(lines[i - 1]):
                ex.issuer = lines[i - 1]
            break
    head = lines[:6]
    for i, ln in enumerate(head):
        if ex.issuer is None and (  # (the pattern last: most lines are followed by no 关于…)
                (i + 1 < len(head) and head[i + 1].startswith("关于")) or (i == 0 and (doc.title or "").startswith("关于"))) \
                and ISSUER_LINE.match(ln):
            ex.issuer = ln
        if ex.addressee is None and is_addressee_line(ln):  # (a stripped line)
            ex.addressee = ln[:-1].rstrip()

    if any(w.code == "template_year" for w in doc.warnings):
        ex.year, ex.year_source = None, None
        return
    ty = TITLE_YEAR.search(doc.title or "")
    if ty:
        ex.year, ex.year_source = int(ty.group(1)), "title"
    elif ex.date and ex.date.year:
        ex.year, ex.year_source = ex.date.year, "date"
    elif m and _year(m.group("year")):
        ex.year, ex.year_source = int(m.group("year")), "doc_number"


def extract_fields(doc: Document, structure=None) -> Extraction:
    from .nlp import find_all

    ex = Extraction()
    text = doc.text
    walk = _walk(doc.sections)  # every section depth first, with whether a schedule holds it (for the phases)
    flat = [sec for sec, _ in walk]
    index = SectionIndex(text, doc.sections, structure.section_lines if structure is not None else None, flat)
    spans = _goal_spans(text, index, flat)
    found = find_all(text, spans)

    # goals: stated aims, and every clause that carries a quantified target
    goals: dict[tuple[int, int], Goal] = {}
    for a, b, clause in found.get("goal_statements", []):
        goals[(a, b)] = new_goal(clause, index.section_at(a))
    holders = _Spans()
    for (a, b), goal in goals.items():
        holders.add(a, b, goal)
    for a, b, target in found.get("targets", []):
        holder = holders.first_holding(a)
        if holder is None:
            # no goal holds the target, so none has this clause's span (c0 <= a < c1): a new one, added last (the
            # clause is cut only then: a target a goal holds needs none)
            c0, c1 = _clause_around(text, a, b)
            holder = goals[(c0, c1)] = new_goal(text[c0:c1].strip(), index.section_at(a))
            holders.add(c0, c1, holder)
        holder.targets.append(target)
    ex.goals = _merge_duplicates([g for _, g in sorted(goals.items())])

    for a, _b, item in found.get("deadlines", []):
        item.section_id = index.section_at(a)
        ex.deadlines.append(item)
    seen = set()
    for a, _b, item in found.get("parties", []):
        item.section_id = index.section_at(a)
        key = (item.name, item.section_id)
        if key not in seen:
            seen.add(key)
            ex.responsible_parties.append(item)
    ex.phases = find_phases(doc.sections, walk)
    if not ex.phases:
        for a, phase in find_sentence_phases(text):
            phase.section_id = index.section_at(a)
            ex.phases.append(phase)
    _metadata(doc, ex, index.lines)  # (the index split the text at its line breaks already)
    _infer_years(ex)
    if ex.year is None and any(w.code == "template_year" for w in doc.warnings):
        ex.warnings.append(RecordWarning(code="year_unknown", message="the plan's year is a template placeholder", step="extract"))
    return ex


def _infer_years(ex: Extraction) -> None:
    """A phase or deadline that writes no year (7月15日前) happens in the plan's own year, when the plan
    states one: carried as `year_inferred`, never written into `year` (CONVENTIONS: a date carries the
    year it writes)."""
    if ex.year is None:
        return
    dates = [d for p in ex.phases for d in (p.start, p.end)] + [d.due for d in ex.deadlines]
    for d in dates:
        if d is not None and d.year is None and (d.month or d.part):
            d.year_inferred = ex.year


def _merge_duplicates(goals: list[Goal]) -> list[Goal]:
    """One goal per text: a clause stated twice keeps its first place and all its targets."""
    by_text: dict[str, Goal] = {}
    for g in goals:
        if g.text in by_text:
            by_text[g.text].targets.extend(g.targets)
        else:
            by_text[g.text] = g
    return list(by_text.values())
