"""A plan's lines, split once and looked up once for all the finders.

The finders that read a plan line by line (targets, deadlines, parties) and the section index all split the text at
its line breaks; each line's answers are a fact of the line alone for most of them, and plans repeat lines (within a
plan and across the plans of one site). So the text is split once, and each line is looked up once in one memo of
lines met before: its record (`Line`) holds what each finder found on it, filled in by the finder that reads it
first (None: not read yet, or, for the quantities, read in a way that depends on the lines around it). The split of
the last text asked about is kept, so the finders and the index that run one after the other on the same text share
it (the same object, held here, so that its identity cannot be reused; one per thread).
"""
from __future__ import annotations

import threading
from collections import deque
from itertools import accumulate, compress, repeat
from operator import attrgetter, ne, not_
from typing import Iterator, Optional

from fangan.line_cache import LineMemo


class Line:
    """What the finders found on one line (None: not read yet)."""

    __slots__ = ("quantities", "deadlines", "parties", "party_structural", "duty_parties", "heading")

    def __init__(self) -> None:
        self.quantities: Optional[tuple] = None  # (whether a range may hold its dash, ((start, outcome), …)); targets.py
        self.deadlines: Optional[tuple] = None  # ((start, end, Deadline fields), …); rules.find_deadlines
        self.parties: Optional[tuple] = None  # ((start, end, name, role, raw), …) outside a duty section; parties.py
        self.party_structural = 0  # how many of those the line's structure names (the rest are relations)
        self.duty_parties: Optional[tuple] = None  # … and in a duty section
        self.heading: Optional[tuple] = None  # (its heading style or None, whether it opens a duty section); parties.py


# 16,384 lines (b20's 95,678 lines hold 18,380 distinct ones), at most 2 M characters of lines of at most 1,000
MEMO = LineMemo(max_lines=16384, max_chars=2_000_000, max_line=1000)
# the last text and (its lines, their starts, their records), per thread (a Dask worker may run plans in threads)
_last = threading.local()


def plan_lines(text: str) -> tuple[list[str], list[int], list[Line]]:
    """(lines, the offset each starts at, the record of each) of `text` split at "\\n".

    Each step is one C-level pass over the lines (no Python loop per line): the starts are the running sum of the
    lines' lengths and breaks, the records one look-up per line, the lines found refreshed in the memo's order; only
    the lines not found (few: plans repeat lines) get a record in a loop, and are put in the memo at once."""
    if getattr(_last, "text", None) is text:
        return _last.split
    lines = text.split("\n")
    starts = list(accumulate(map(_PLUS_ONE, map(len, lines)), initial=0))
    starts.pop()  # (the offset after the last line's end)
    entries = MEMO.entries
    records = list(map(entries.get, lines))
    try:
        deque(map(entries.move_to_end, compress(lines, records)), 0)  # (a record is never falsy)
    except KeyError:  # (another thread's plan pushed a line out just now: the others are refreshed one by one)
        _refresh(entries, compress(lines, records))
    if None in records:
        _new_records(lines, records)
    split = lines, starts, records
    _last.text, _last.split = text, split
    return split


_PLUS_ONE = (1).__add__  # a line's length and its line break


def _refresh(entries, lines) -> None:
    for line in lines:
        try:
            entries.move_to_end(line)
        except KeyError:
            pass


def _new_records(lines: list[str], records: list) -> None:
    """A record for each line not found (None in `records`): one per distinct line, kept in the memo unless too long
    (a long line has a record for this use only)."""
    fresh: dict[str, Line] = {}
    for i in [*compress(range(len(lines)), map(not_, records))]:
        line = lines[i]
        record = fresh.get(line)
        if record is None:
            record = Line()
            if len(line) <= MEMO.max_line:
                fresh[line] = record
        records[i] = record
    MEMO.put_many(fresh)


# what a line that holds no quantity and no range dash has for the targets (one object: most lines)
NO_QUANTITIES = (False, ())


def to_read(records: list[Line], field: str, nothing: tuple) -> Iterator[int]:
    """Indexes of the lines whose record's `field` is not `nothing` (what a line that gives the finder nothing has),
    in order: the lines a finder must read or take answers from; the others (most lines) are passed over at C level,
    not visited one by one. Lazy: a record filled in while the indexes are walked is read as it is then (a line met
    twice in a plan is read once)."""
    return compress(range(len(records)), map(ne, map(attrgetter(field), records), repeat(nothing)))


def forget() -> None:
    """Empty the memo and the last split (tests)."""
    MEMO.clear()
    _last.text = _last.split = None
