"""The heading tree from body lines plus the format's heading hints.

Every line that opens with a marker becomes a section (outside attachments): the numbering
sequence is a signal, not a gate. Where a number breaks the sequence (a second 四、, 三、 → 五、,
2. after 3．) the section is still made, placed by its marker style, and a warning names it.

Placement (`Numbering.place`), in order of evidence:
1. an unnumbered line with a heading level from the format (Markdown #, Word heading style, <hN>,
   PDF font rank) closes every open section of the same or a deeper level; on a numbered line the
   level is checked against the numbering, and a disagreement is reported (`heading_level_conflict`);
2. the style is open: the new section is a sibling of the open one of that style; its twin is open
   (1、 and 1.): the next number continues it as a sibling, a new 1 starts a list inside it;
3. the document has already nested this style against its usual rank (1. under （1）): it goes there;
4. else the usual depth of the style (`Style.rank`: 壹、 → 一、 → （一） → 第N阶段 → 1. → （1） → ①):
   open sections of the same or a deeper rank are closed.
A number that continues the last sibling under the previous parent ((三) under 一、, then （四）
under 二、, as central documents number their subsections) is a continuation, not a gap.

Only one kind of marker line is refused, and named in a `heading_rejected` warning: an `N、` out of
sequence right after a paragraph that stops mid-sentence (a page number of a document-sharing site).
`附件` lines after the plan (also 附表, 附录 and the school pages' 附：《…》) open top-level parts; a top-level numbering that starts again at 1 after
a full sequence says the page may hold several plans (`several_plans`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from fangan.lexicon.markers import ATTACHMENT, TWINS, Marker, match_marker
from fangan.lexicon.script import to_simplified
from fangan.model import Section, RecordWarning

from fangan.line_cache import line_cache
from .titles import clean_title, heading_title

# a heading line is short: beyond this it is a paragraph whose first words carry a run-in title
WHOLE_LINE_HEADING = 40
# an attachment heading (附件1：xxx表) is one short line
ATTACHMENT_LINE = 60
# an attachment part with this much body is finished: a further 附件 line opens the next part
ATTACHMENT_BODY = 20
# a line longer than this is a paragraph, whatever its formatting: no heading hint is looked up
MAX_HINTED_LINE = 120
# at most this many example lines in one warning
EXAMPLES = 8
# how a finished paragraph ends
SENTENCE_END = "。！？；：…”’」』）)!?;:"


# add_line's marker not read by its caller
_UNREAD = object()


_SECTION_FIELDS = frozenset(Section.model_fields)
# the fields set of every section the tree makes, one set shared (a set of 6 names copied per section cost a quarter
# of a microsecond; every field is set, so pydantic only ever adds a name already in it, and nothing in the
# pipeline asks for unset fields)
_ALL_SECTION_FIELDS = set(_SECTION_FIELDS)
_set = object.__setattr__
_new = object.__new__


def _construct_section(id: str, marker: str, level: int, title: str, text: str, children: list[Section]) -> Section:
    """Section.model_construct with every field given, without its per-field loop (the tree's data is
    valid by construction: strings, a level from 1, Sections as children): the instance
    `Section(...)` would validate into, field for field (tests/test_structure_once.py)."""
    sec = _new(Section)
    _set(sec, "__dict__", {"id": id, "marker": marker, "level": level, "title": title, "text": text, "children": children})
    _set(sec, "__pydantic_fields_set__", _ALL_SECTION_FIELDS)
    _set(sec, "__pydantic_extra__", None)
    _set(sec, "__pydantic_private__", None)
    return sec


def _validated_section(id: str, marker: str, level: int, title: str, text: str, children: list[Section]) -> Section:
    return Section(id=id, marker=marker, level=level, title=title, text=text, children=children)


def _plain_model(model) -> bool:
    """The model has nothing model_construct would have to run or rename: no aliases, no private
    attributes, no post-init, no extra fields kept, no validators; else sections are validated."""
    fields = model.model_fields.values()
    return (not model.__private_attributes__ and model.__pydantic_post_init__ is None
            and model.model_config.get("extra") != "allow"
            and all(f.alias is None and f.validation_alias is None for f in fields)
            and not model.__pydantic_decorators__.field_validators and not model.__pydantic_decorators__.model_validators)


_section = _construct_section if _plain_model(Section) and list(Section.model_fields) == [
    "id", "marker", "level", "title", "text", "children"] else _validated_section


_WARNING_FIELDS = frozenset(RecordWarning.model_fields)


def _construct_warning(code: str, message: str, step: str, count: int, examples: list[str]) -> RecordWarning:
    """RecordWarning(...) made as _construct_section makes a Section (every field given, all valid by
    construction: strings, a count, a list of strings): the instance validation would give."""
    w = object.__new__(RecordWarning)
    _set(w, "__dict__", {"code": code, "message": message, "step": step, "count": count, "examples": examples})
    _set(w, "__pydantic_fields_set__", set(_WARNING_FIELDS))
    _set(w, "__pydantic_extra__", None)
    _set(w, "__pydantic_private__", None)
    return w


def _validated_warning(code: str, message: str, step: str, count: int, examples: list[str]) -> RecordWarning:
    return RecordWarning(code=code, message=message, step=step, count=count, examples=examples)


_warning = _construct_warning if _plain_model(RecordWarning) and list(RecordWarning.model_fields) == [
    "code", "message", "step", "count", "examples"] else _validated_warning


def _put(sec: Section, name: str, value) -> None:
    """A field of a section the tree is still building, set in place (the section was made by
    _construct_section and holds its fields in its __dict__; no assignment through pydantic)."""
    sec.__dict__[name] = value


def _validated(sec: Section) -> Section:
    """The section as Section(...) validates it, children first: when Section is not a plain model
    (_section is _validated_section) the tree's sections are validated once it is finished."""
    d = sec.__dict__
    return _validated_section(d["id"], d["marker"], d["level"], d["title"], d["text"], [_validated(c) for c in d["children"]])


@dataclass(slots=True)  # made and read for every heading, three times per document
class _Open:
    style: str  # style name, or "" for an unnumbered heading given by the format
    rank: float
    value: int
    hint: Optional[int]  # heading level the format gave the line, if any
    section: Optional[Section] = None
    body: Optional[list] = None  # the section's body lines, joined to its text once the tree is built


@dataclass(slots=True)
class Placement:
    depth: int  # how many open sections stay open: the new one is a child of stack[depth - 1]
    kind: str  # next | continue | gap | repeat | start | unnumbered
    expected: int


class Numbering:
    """The stack of open sections and what the document has shown about its numbering.
    The run-in splitter runs a copy of it to test cuts; the tree builder commits to it."""

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.parent_style: dict[str, Optional[str]] = {}  # where each style first nested
        self.last: dict[str, tuple[int, Optional[str]]] = {}  # style → (last value, its parent's style)

    def copy(self) -> "Numbering":
        other = Numbering()
        other.stack = [_Open(o.style, o.rank, o.value, o.hint) for o in self.stack]
        other.parent_style = dict(self.parent_style)
        other.last = dict(self.last)
        return other

    def _open_index(self, style: str) -> Optional[int]:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].style == style:
                return i
        return None

    def place(self, marker: Optional[Marker], hint: Optional[int] = None) -> Placement:
        if hint is not None:
            depth = len(self.stack)
            while depth and (self.stack[depth - 1].hint is None or self.stack[depth - 1].hint >= hint):
                depth -= 1
            if marker is None:
                return Placement(depth, "unnumbered", 0)
            return Placement(depth, *self._number_kind(marker, depth))
        assert marker is not None
        return Placement(*self.where(marker))

    def where(self, marker: Marker) -> tuple[int, str, int]:
        """place(marker) without a hint, as the tuple (depth, kind, expected): the tree and the run-in
        splitter place every heading this way and read the three fields at once (no Placement made)."""
        style = marker.style.name
        stack = self.stack
        i = len(stack) - 1
        while i >= 0 and stack[i].style != style:
            i -= 1
        if i >= 0:
            # the most common heading: the style is open (the innermost section of it is the one at
            # i, what _open_index finds); what _number_kind decides there, without its call
            prev = stack[i].value
            value = marker.value
            return i, "next" if value == prev + 1 else ("repeat" if value <= prev else "gap"), prev + 1
        twin = TWINS.get(style)
        j = self._open_index(twin) if twin else None
        if j is not None:
            if marker.value == self.stack[j].value + 1:
                return j, "next", marker.value  # 1、 then 2.: one list, written two ways
            if marker.value == 1:
                return len(self.stack), "next", 1  # 6、议程 then 1.…: a list inside the item
        depth = None
        if style in self.parent_style:
            # the document nested this style under one of equal or lower usual rank: follow the document
            parent = self.parent_style[style]
            if parent is None:
                lowest = 99  # the lowest usual rank open (min over the numbered open sections, 99 when none)
                for o in self.stack:
                    if o.style and o.rank < lowest:
                        lowest = o.rank
                depth = 0 if marker.style.rank <= lowest else None
            elif (j := self._open_index(parent)) is not None and self.stack[j].rank >= marker.style.rank:
                depth = j + 1
        if depth is None:
            depth = len(self.stack)
            while depth and self.stack[depth - 1].hint is None and self.stack[depth - 1].rank >= marker.style.rank:
                depth -= 1
        return (depth,) + self._number_kind(marker, depth)

    def _number_kind(self, marker: Marker, depth: int) -> tuple[str, int]:
        style = marker.style.name
        if depth < len(self.stack) and self.stack[depth].style == style:
            prev = self.stack[depth].value
            expected = prev + 1
            if marker.value == expected:
                return "next", expected
            return ("repeat" if marker.value <= prev else "gap"), expected
        parent = self.stack[depth - 1].style if depth else None
        last = self.last.get(style)
        if last and last[1] == parent and marker.value == last[0] + 1 and marker.value != 1:
            return "continue", marker.value
        if marker.value == 1:
            return "next", 1
        if not self.stack and not self.last:
            return "start", 1  # an excerpt may start at 玖、
        return "gap", 1

    def accepts(self, marker: Marker) -> bool:
        return self.where(marker)[1] in ("next", "continue")

    def take(self, marker: Optional[Marker], placement: Placement, hint: Optional[int] = None,
             section: Optional[Section] = None) -> None:
        self.push(marker, placement.depth, hint, section)

    def push(self, marker: Optional[Marker], depth: int, hint: Optional[int] = None,
             section: Optional[Section] = None) -> None:
        """take() of a placement at `depth` (the depth where() said)."""
        stack = self.stack
        del stack[depth:]
        parent = stack[-1].style if stack else None
        if marker is None:
            stack.append(_Open("", -1.0, 0, hint, section))
            return
        style = marker.style
        self.parent_style.setdefault(style.name, parent)
        self.last[style.name] = (marker.value, parent)
        stack.append(_Open(style.name, style.rank, marker.value, hint, section))


# what hint keys leave out (spaces and punctuation), and the marks that end a sentence in a heading
_HINT_NOISE = re.compile(r"[\s。；;：:，,]+")
_SENTENCE_MARK = re.compile("[。；;]")


@line_cache()  # asked for every body line of a document with hints: a function of the line
def hint_key(text: str, simplified: bool = False) -> str:
    """Heading hints are keyed by the parser's text; the body has been normalized since (script,
    width, spaces), so both sides are compared in one canonical form (`simplified`: the text is
    already in simplified script, as body lines are)."""
    t = unicodedata.normalize("NFKC", text if simplified else to_simplified(text))
    return _HINT_NOISE.sub("", t)


@dataclass
class TreeResult:
    sections: list[Section] = field(default_factory=list)
    section_lines: dict[str, int] = field(default_factory=dict)
    warnings: list[RecordWarning] = field(default_factory=list)


class _Warnings:
    """Collects one warning per code, with a count and example lines; the records are made once, at
    the end (a damaged numbering adds thousands, and a model attribute is slow to update)."""

    def __init__(self) -> None:
        self.by_code: dict[str, tuple[str, list]] = {}  # code → (message, [count, examples])

    def add(self, code: str, message: str, example: str, keep_all: bool = False) -> None:
        """`keep_all`: every example is kept (lines left out of the tree are each named)."""
        w = self.by_code.get(code)
        if w is None:
            self.by_code[code] = (message, [1, [example[:40]]])
            return
        tally = w[1]
        tally[0] += 1
        if keep_all or len(tally[1]) < EXAMPLES:
            tally[1].append(example[:40])

    def list(self) -> list[RecordWarning]:
        return [_warning(code, message, "structure", count, examples)
                for code, (message, (count, examples)) in self.by_code.items()]


_GAP_MESSAGE = {
    "gap": "heading numbers skip (kept as sections, placed by their marker style)",
    "repeat": "heading numbers repeat or go back (kept as sections, placed by their marker style)",
    "start": "the first heading does not start at 1 (an excerpt?)",
}
_WARNING_CODE = {"gap": "numbering_gap", "repeat": "numbering_repeat", "start": "numbering_gap"}
# placements that continue the numbering (no warning, and never a sentence's page number)
_IN_SEQUENCE = ("next", "continue")


class TreeBuilder:
    def __init__(self, hints: Optional[dict[str, int]] = None, unnumbered_hints: bool = False) -> None:
        self.numbering = Numbering()
        # the sections, made as their heading lines come (_construct_section: their text and titles are
        # set in place when the tree is finished)
        self.roots: list[Section] = []
        self.chapters: list[tuple[Section, Marker]] = []  # sections a chapter-level marker opened
        self.result = TreeResult()
        self.warnings = _Warnings()
        self.hints = {hint_key(k): v for k, v in (hints or {}).items() if k.strip() and v}
        self.unnumbered_hints = unnumbered_hints
        self.attachment: Optional[Section] = None
        self.attachment_open: Optional[_Open] = None  # the attachment's entry (its body lines)
        self.attachment_chars = 0
        self.attachment_plan = False  # the open attachment holds a plan with its own headings
        self.top_max: Optional[int] = None  # the highest top-level number so far (None: no top-level heading yet)
        self.last_line: Optional[str] = None  # the body line before the current one
        self.bodies: list[_Open] = []  # open sections given body lines (joined into their text by finish)

    # --- adding sections ---------------------------------------------------------------------

    def _new_section(self, depth: int, marker_text: str, title: str, line: str, index: int,
                     marker: Optional[Marker] = None) -> Section:
        """A section opened at `depth` (a child of the open section at depth - 1)."""
        parent = self.numbering.stack[depth - 1].section if depth else None
        siblings = parent.children if parent else self.roots
        sid = (parent.id + "." if parent else "s") + str(len(siblings) + 1)
        sec = _construct_section(sid, marker_text, depth + 1, title, line, [])
        siblings.append(sec)
        self.result.section_lines[sid] = index
        if marker is not None and marker.style.rank <= CHAPTER_RANK:
            self.chapters.append((sec, marker))  # may be titled as a whole-sentence heading when finished
        return sec

    def _body(self, line: str) -> None:
        self.last_line = line
        stack = self.numbering.stack
        if stack and stack[-1].section is not None:
            self._append(stack[-1], line)

    def _append(self, top: _Open, line: str) -> None:
        """A body line of the section `top` holds: kept in a list and joined into the section's text
        at the end (appending to the model's text copied it, through pydantic's __setattr__, for every
        body line: quadratic in the section's length)."""
        if top.body is None:
            top.body = [top.section.text]
            self.bodies.append(top)
        top.body.append(line)

    def add_line(self, line: str, index: int, marker: Optional[Marker] | object = _UNREAD, facts=None) -> None:
        """`marker`: match_marker(line), when the caller has read it; `facts`: the splitter's facts of
        the line (runin.line_facts: its marker, its title (read_title) and whether a circled number
        follows its start)."""
        if facts is not None:
            marker = facts.marker
        elif marker is _UNREAD:
            marker = match_marker(line)
        # every attachment heading opens with 附 (ATTACHMENT): other lines skip the test
        if (line[:1] == "附" and self._opens_attachment(line)) or (self.attachment is not None and not self.attachment_plan):
            self._attachment_line(line, index, marker)
            return
        hint = None
        if self.hints and len(line) <= MAX_HINTED_LINE:
            hint = self.hints.get(hint_key(line, simplified=True))
        if marker is None and not (hint is not None and self.unnumbered_hints and len(line) <= WHOLE_LINE_HEADING):
            self._body(line)
            # most lines: no circled number after their first character
            if facts.circled if facts is not None else has_inline_circled(line):
                self._inline_circled(line, index)
            return
        if marker is None:
            self.last_line = None  # a heading line ends what came before it
            placement = self.numbering.place(None, hint)
            sec = self._new_section(placement.depth, "", clean_title(line.rstrip("。；;：: ")), line, index)
            self.numbering.take(None, placement, hint, sec)
            return
        # a numbered line is placed by its numbering; the format's level only checks it (pages style
        # sub-items as headings and leave chapters plain, so a level alone is weaker evidence)
        numbering = self.numbering
        depth, kind, _ = numbering.where(marker)  # place(marker), read at once
        if kind not in _IN_SEQUENCE and self._continues_sentence(marker, kind):
            self._reject(line)
            return
        self.last_line = None
        if hint is not None and numbering.place(marker, hint).depth != depth:
            self.warnings.add("heading_level_conflict",
                              "the format's heading level and the marker's place in the numbering disagree (the numbering wins)",
                              line)
        if kind in _WARNING_CODE:
            self.warnings.add(_WARNING_CODE[kind], _GAP_MESSAGE[kind], line)
        if depth == 0:
            self._note_restart(marker, line)
        if facts is None:
            title = section_title(line, marker)
        else:  # the line's facts keep its title once read
            title = facts.title
            if title is None:
                title = facts.read_title()
        sec = self._new_section(depth, marker.text, title, line, index, marker)
        numbering.push(marker, depth, hint, sec)
        if facts.circled if facts is not None else has_inline_circled(line):
            self._inline_circled(line, index)

    def add_facts(self, lines: list[str], facts: list) -> None:
        """add_line(line, i, facts=f) for every line and its facts (runin.line_facts)."""
        add_line = self.add_line
        for index, (line, f) in enumerate(zip(lines, facts)):
            add_line(line, index, None, f)

    def _reject(self, line: str) -> None:
        """A numbered line kept as text (_continues_sentence)."""
        self.warnings.add("heading_rejected", "a number out of sequence that continues the sentence before it "
                          "(a page number left by a document-sharing site?) is kept as text", line, keep_all=True)
        self._body(line)

    def _continues_sentence(self, marker: Marker, kind: str) -> bool:
        """`N、` out of sequence (`kind`: its placement's) right after a paragraph that stops mid-sentence:
        the page numbers of document-sharing sites look like this (围 / 2、绕), headings do not."""
        if kind not in ("gap", "repeat", "start") or not marker.style.arabic or not marker.text.endswith("、"):
            return False
        prev = self.last_line
        return prev is not None and len(prev) > WHOLE_LINE_HEADING and prev[-1] not in SENTENCE_END

    def _note_restart(self, marker: Marker, line: str) -> None:
        """A top-level numbering that starts again at 1 after a full sequence: several plans on one page
        (`marker` opens a top-level section)."""
        if marker.value == 1 and self.top_max is not None and self.top_max >= 3:
            self.warnings.add("several_plans", "the top-level numbering starts again: the page may hold several plans", line)
        # a running maximum (the max of a growing list was quadratic in a page of many top-level items)
        self.top_max = marker.value if self.top_max is None else max(self.top_max, marker.value)

    def _inline_circled(self, line: str, index: int) -> None:
        """①…⑧ inside a paragraph: child sections of the paragraph's section, text left in place."""
        if _CIRCLED.search(line, 1) is None or not self.numbering.stack:
            return  # most lines: no circled number after their first character
        starts = [m.start() for m in _CIRCLED.finditer(line, 1)]
        for a, b in zip(starts, starts[1:] + [len(line)]):
            piece = line[a:b]
            marker = match_marker(piece)
            if marker is None or not self.numbering.accepts(marker):
                continue
            depth = self.numbering.where(marker)[0]
            # inline list items carry no heading of their own
            sec = self._new_section(depth, marker.text, "", piece, index, marker)
            self.numbering.push(marker, depth, None, sec)

    # --- attachments -------------------------------------------------------------------------

    def _opens_attachment(self, line: str) -> bool:
        """附件 after the plan's own sections (a 附件 line before them lists what a notice sends: the
        plan itself follows and is not an attachment)."""
        if not self.roots or len(line) > ATTACHMENT_LINE or ATTACHMENT.match(line) is None:
            return False
        return self.attachment is None or self.attachment_plan or self.attachment_chars >= ATTACHMENT_BODY

    def _attachment_line(self, line: str, index: int, marker: Optional[Marker]) -> None:
        m = ATTACHMENT.match(line) if len(line) <= ATTACHMENT_LINE else None
        if m and (self.attachment is None or self.attachment_plan or self.attachment_chars >= ATTACHMENT_BODY):
            self.numbering.stack.clear()
            marker = m.group("kind") + (m.group("n") or "")
            sec = self._new_section(0, marker, m.group("rest").rstrip("。；;：: "), line, index)
            # hint 0: no heading level of the format closes an attachment, only the next 附件 does
            self.attachment_open = _Open("附件", -1.0, 0, 0, sec)
            self.numbering.stack.append(self.attachment_open)
            self.attachment, self.attachment_chars, self.attachment_plan = sec, 0, False
            return
        self.attachment_chars += len(line)
        # no line added to the attachment's text yet (its text is still its heading line)
        alone = self.attachment_open.body is None and "\n" not in self.attachment.text
        if not self.attachment.title and alone and marker is None \
                and len(line) <= WHOLE_LINE_HEADING and not re.search("[。；;，,]", line):
            _put(self.attachment, "title", clean_title(line.rstrip("：: ")))  # 附件1 / 人员名单: the title on its own line
        if marker is not None and marker.style.rank <= CHAPTER_RANK and marker.value == 1:
            # the attachment is a plan of its own (一、… from 1): its headings are its children
            self.attachment_plan = True
            self.add_line(line, index, marker)
            return
        self._append(self.attachment_open, line)
        if marker:
            self.warnings.add("attachment_items", "numbered lines inside an attachment are kept as its text, not as sections",
                              line)

    def finish(self) -> TreeResult:
        for top in self.bodies:
            _put(top.section, "text", "\n".join(top.body))
        for sec, marker in self.chapters:
            _title_whole_sentence_heading(sec, marker)
        self.result.sections = self.roots if _section is _construct_section else [_validated(s) for s in self.roots]
        self.result.warnings = self.warnings.list()
        return self.result


_CIRCLED = re.compile("[①-⑳]")


def has_inline_circled(line: str) -> bool:
    """A circled number (①…) after the line's first character: the tree looks for inline items."""
    return _CIRCLED.search(line, 1) is not None


def section_title(line: str, marker: Marker) -> str:
    """The title of the section a heading line opens, from the text after its marker."""
    rest = line[marker.end:]
    if marker.style.name.startswith("第"):
        rest = rest.lstrip("：: ")
    whole = len(line) <= WHOLE_LINE_HEADING and not _SENTENCE_MARK.search(line)
    return heading_title(rest, whole)

# chapter-level styles (壹、 一、): an item of theirs is a heading even when it is one sentence
CHAPTER_RANK = 1
# the longest whole-sentence heading
MAX_SENTENCE_HEADING = 60


def _title_whole_sentence_heading(sec: Section, marker: Marker) -> None:
    """A chapter-level item with no body and no children is a heading written as a sentence
    (肆、本实施计划如有未尽事宜，得适时修订之。): its title is the text up to 。. `marker`: the
    chapter-level marker its heading line opened with."""
    if sec.title or sec.children or "\n" in sec.text:
        return
    # its text is its heading line, which opened with `marker`
    sentence = _SENTENCE_MARK.split(sec.text[marker.end:], maxsplit=1)[0].strip()
    if sentence and len(sentence) <= MAX_SENTENCE_HEADING:
        _put(sec, "title", clean_title(sentence.rstrip("，,：: ")))


def build_tree(lines: list[str], hints: Optional[dict[str, int]] = None, unnumbered_hints: bool = False,
               markers: Optional[list[Optional[Marker]]] = None, facts: Optional[list] = None) -> TreeResult:
    """`markers`: the marker each line opens with (match_marker of the line), when the caller read them;
    `facts`: the splitter's facts of each line (runin.line_facts), which hold the markers too."""
    tree = TreeBuilder(hints, unnumbered_hints)
    if facts is not None:
        tree.add_facts(lines, facts)
    elif markers is None:
        for i, line in enumerate(lines):
            tree.add_line(line, i)
    else:
        for i, line in enumerate(lines):
            tree.add_line(line, i, markers[i])
    return tree.finish()
