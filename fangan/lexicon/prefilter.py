"""Cheap necessary conditions in front of expensive patterns.

Python's `re` tries a pattern at every position of the text. A pattern that opens with a literal or a
character class is skipped along quickly, but one that opens with a lookbehind, an optional group or
an alternation of several shapes (a date: 2024年…, 5月…, 二〇二四年…, 年底, 上半年) runs its whole
first step at every character of the plan. `gated(rx)` puts in front of such a pattern a lookahead
for the characters a match can begin with, read off the pattern's own parse tree: the engine then
rejects every other position with one class test. The lookahead is a strict consequence of the
pattern (every match begins with one of those characters), so matches, groups and spans are
unchanged; when the first characters cannot be bounded (the pattern may begin with any character,
or match the empty string) the pattern is returned as it is.
"""
from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _c, _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = tuple(op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None)


class _Unbounded(Exception):
    """The pattern may begin with any character (or with something this reader does not know)."""


def _char(code: int) -> str:
    return re.escape(chr(code))


def _class_items(items) -> list[str]:
    out = []
    for op, av in items:
        if op is _c.LITERAL:
            out.append(_char(av))
        elif op is _c.RANGE:
            out.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is _c.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
        else:  # NEGATE, a charset bitmap, a big charset: bounded only by everything
            raise _Unbounded
    return out


def _first(seq) -> tuple[list[str], bool]:
    """(class items a match of `seq` can begin with, whether `seq` can match the empty string)."""
    items: list[str] = []
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the first character comes from what follows
        if op is _c.LITERAL:
            return items + [_char(av)], False
        if op is _c.IN:
            return items + _class_items(av), False
        if op is _c.SUBPATTERN:
            group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Unbounded
            first, empty = _first(sub)
        elif op is _c.BRANCH:
            first, empty = [], False
            for alt in av[1]:
                f, e = _first(alt)
                first += f
                empty = empty or e
        elif op in _REPEATS:
            lo, _hi, sub = av
            first, empty = _first(sub)
            empty = empty or lo == 0
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            first, empty = _first(av)
        else:  # ANY, NOT_LITERAL, group references, conditionals
            raise _Unbounded
        items += first
        if not empty:
            return items, False
    return items, True


def _scanned_fast(seq) -> bool:
    """Whether `re` already skips along the text for this pattern: it opens (inside plain groups) with a
    literal, a class, or alternatives that each open with a literal (then a lookahead would only slow it)."""
    while seq and seq[0][0] is _c.SUBPATTERN and not (seq[0][1][1] or seq[0][1][2]):
        seq = seq[0][1][3]
    if not seq:
        return False
    op, av = seq[0]
    if op is _c.BRANCH:
        return all(alt and alt[0][0] is _c.LITERAL for alt in av[1])
    return op is _c.LITERAL or op is _c.IN


def first_class(pattern: str, flags: int = 0) -> str | None:
    """A character class that every match of `pattern` begins with, or None when there is none."""
    try:
        items, empty = _first(_p.parse(pattern, flags))
    except _Unbounded:
        return None
    if empty or not items:
        return None
    return "[" + "".join(dict.fromkeys(items)) + "]"


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def gated(rx: re.Pattern) -> re.Pattern:
    """`rx` with a lookahead for its possible first characters in front: the same matches, found faster."""
    if rx.pattern.startswith(("(?=[", "^")) or _GLOBAL_FLAGS.match(rx.pattern):
        return rx  # gated already; anchored at the start; inline global flags must stay first
    try:  # the parse tree is the `re` module's own: a Python that changes it only loses the gate
        if _scanned_fast(_p.parse(rx.pattern, rx.flags & ~re.UNICODE)):
            return rx  # `re` skips along the text for this one by itself
        cls = first_class(rx.pattern, rx.flags & ~re.UNICODE)
    except Exception:
        return rx
    if cls is None:
        return rx
    return re.compile(f"(?={cls})(?:{rx.pattern})", rx.flags)


def lines_with(text: str, word: str):
    """(start, end) of every line of `text` that holds `word`, in order: a pattern whose matches hold
    `word` and never cross a line break need be run on these lines only."""
    at = text.find(word)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            yield start, len(text)
            return
        yield start, end
        at = text.find(word, end)
