"""A bounded cache for pure functions of a line of text, for every stage.

Lines repeat within a document and across documents (boilerplate, list items, the same headings, a
damaged template header), so a stage may remember what it decided about a line. A line longer than
`max_line` is computed every time: long lines seldom repeat, and a cache of them would hold megabytes
of text. The module imports no stage, so any stage may use it.
"""
from __future__ import annotations

import inspect
from collections import OrderedDict
from functools import lru_cache, update_wrapper

# longer lines are not remembered (16384 entries of at most this many characters: a few MB at most)
MAX_CACHED_LINE = 512


def line_cache(maxsize: int = 16384, max_line: int = MAX_CACHED_LINE):
    """lru_cache(maxsize) for a function whose first argument is a line of text; lines longer than
    `max_line` bypass the cache. `cache_clear`/`cache_info` are those of the cache."""
    def decorate(func):
        cached = lru_cache(maxsize=maxsize)(func)

        if _takes_one_argument(func):  # most do: a call without packing arguments (~180k calls a 20 MB build)
            def wrapper(line):
                return cached(line) if len(line) <= max_line else func(line)
        else:
            def wrapper(line, *args, **kwargs):
                if len(line) > max_line:
                    return func(line, *args, **kwargs)
                return cached(line, *args, **kwargs)

        update_wrapper(wrapper, func)
        wrapper.cache_clear = cached.cache_clear
        wrapper.cache_info = cached.cache_info
        return wrapper
    return decorate


def remember(memo: dict, line: str, value, max_lines: int, max_line: int = MAX_CACHED_LINE):
    """Keep `value` for `line` in a plain dict memo and return it: for a stage that reads its memo with
    `memo.get` itself (a lookup in C, no wrapper call per line) and calls this on a miss. A line longer than
    `max_line` is not kept; a memo holding `max_lines` lines starts again."""
    if len(line) <= max_line:
        if len(memo) >= max_lines:
            memo.clear()
        memo[line] = value
    return value


def _takes_one_argument(func) -> bool:
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(params) == 1 and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD)


class LineMemo:
    """A bounded map from a line to what a stage decided about it, the least recently used line leaving first: at
    most `max_lines` lines and `max_chars` characters of them (a line longer than `max_line` is not kept). For a
    stage that reads a plan line by line and looks each line up itself: `entries` is the ordered dict (a hit is
    `entries.get(line)` then `entries.move_to_end(line)`, which may fail when another thread's use pushed the line
    out in between), `put` adds a line. Threads may share it: its count of characters is then approximate."""

    __slots__ = ("entries", "max_lines", "max_chars", "max_line", "chars")

    def __init__(self, max_lines: int = 16384, max_chars: int = 2_000_000, max_line: int = 1000) -> None:
        self.entries: OrderedDict = OrderedDict()
        self.max_lines, self.max_chars, self.max_line = max_lines, max_chars, max_line
        self.chars = 0

    def get(self, line: str):
        found = self.entries.get(line)
        if found is not None:
            try:
                self.entries.move_to_end(line)
            except KeyError:  # (pushed out by another thread just now)
                pass
        return found

    def put(self, line: str, value) -> None:
        if len(line) > self.max_line or value is None:
            return
        entries = self.entries
        if line in entries:
            entries[line] = value
            try:
                entries.move_to_end(line)
            except KeyError:  # (pushed out by another thread just now)
                pass
            return
        entries[line] = value
        self.chars += len(line)
        self._evict()

    def put_many(self, new: dict) -> None:
        """`put(line, value)` for every item of `new` (lines not in the memo, none longer than `max_line`, no value
        None), in its order, the bounds kept once at the end (a plan's new lines)."""
        if new:
            self.entries.update(new)
            self.chars += sum(map(len, new))
            self._evict()

    def _evict(self) -> None:
        entries = self.entries
        while entries and (len(entries) > self.max_lines or self.chars > self.max_chars):
            try:
                old, _ = entries.popitem(last=False)
            except KeyError:  # (emptied by another thread just now)
                break
            self.chars -= len(old)

    def clear(self) -> None:
        self.entries.clear()
        self.chars = 0

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, line: str) -> bool:
        return line in self.entries

    def __getitem__(self, line: str):
        return self.entries[line]
