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
from typing import Optional

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
    """(lines, the offset each starts at, the record of each) of `text` split at "\\n"."""
    if getattr(_last, "text", None) is text:
        return _last.split
    lines = text.split("\n")
    starts: list[int] = []
    records: list[Line] = []
    entries, put = MEMO.entries, MEMO.put
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
        record = entries.get(line)
        if record is None:
            record = Line()
            put(line, record)  # (a line too long to be kept has a record for this plan only)
        else:
            try:
                entries.move_to_end(line)
            except KeyError:  # (another thread's plan pushed it out just now)
                pass
        records.append(record)
    split = lines, starts, records
    _last.text, _last.split = text, split
    return split


def forget() -> None:
    """Empty the memo and the last split (tests)."""
    MEMO.clear()
    _last.text = _last.split = None
