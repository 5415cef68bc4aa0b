"""Necessary-condition gates for line rules, computed from the rules' own patterns.

Most lines of a plan are body text, and a chrome rule is a regex tried on every line. Each rule's pattern says,
in its literals, what a line must contain for the rule to match at all (`标签` for `^(?P<title>.*?)\\s*标签[：:].*$`,
one of `doc pdf wps …` for a file name). `required_literals` reads those strings off the parsed pattern, and
`gate` joins the strings of several rules into one search: a line it does not find is matched by none of them, so
the rules are skipped without changing any result. Nothing is typed twice: edit a rule, and its gate follows.

`first_chars` does the same for patterns anchored at the start of a line: the characters a match can open with
(`^(?:页面链接…|[=#…]{4,})` opens with 页 = # …), so a line opening with anything else is not tried.

`gated(rx)` serves patterns searched along a whole text. `re` tries a pattern at every position; one that opens
with a literal or a class is skipped along quickly, but one that opens with a lookbehind, an optional group or an
alternation of several shapes (a date: 2024年…, 5月…, 二〇二四年…, 年底, 上半年) runs its whole first step at every
character. `gated` puts in front of it a lookahead for the characters a match can begin with (the same reading of
the parse tree as `first_chars`, ranges and classes included): every other position is rejected with one class
test, and matches, groups and spans are unchanged. `lines_with` gives the lines that hold a word, for patterns
that need the word and never cross a line break.

A pattern the reader cannot vouch for (case-insensitive, a back-reference, no required literal) yields None, and
a gate over it is None: the caller then tries the rules as before. The module imports no stage, so any stage
may use it.
"""
from __future__ import annotations

import itertools
import re
from typing import Iterable, Optional

try:  # the regex parser of the standard library (`sre_parse` before Python 3.11)
    from re import _constants as _c, _parser as _p
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

def required_literals(pattern: re.Pattern | str, flags: int = 0) -> Optional[frozenset[str]]:
    """Strings of which every match of `pattern` contains at least one, or None when none can be named.

    Sound by construction: a literal run of a sequence must appear in any match; a branch requires what each
    alternative requires (their union); a group or a repeat of at least one requires what its body does."""
    if isinstance(pattern, re.Pattern):
        flags, pattern = pattern.flags, pattern.pattern
    if flags & (re.IGNORECASE | re.VERBOSE):
        return None
    parsed = _parse(pattern, flags)
    return None if parsed is None else _seq(list(parsed))


def _parse(pattern: str, flags: int):
    """The parsed pattern, or None when it cannot be read or matches case-insensitively (an inline (?i) too)."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:  # a pattern this reader does not know: no gate
        return None
    return None if parsed.state.flags & (re.IGNORECASE | re.VERBOSE) else parsed


def _better(a: Optional[frozenset[str]], b: Optional[frozenset[str]]) -> Optional[frozenset[str]]:
    """The more selective of two requirements: longer shortest string, then fewer strings, then rarer characters
    (a plan writes 第 on every other line and 页 almost never)."""
    if a is None:
        return b
    if b is None:
        return a
    ka, kb = _key(a), _key(b)
    if ka != kb:
        return a if ka > kb else b
    return a if _commonness(a) <= _commonness(b) else b


def _key(req: frozenset[str]) -> tuple[int, int]:
    return min(map(len, req)), -len(req)


def _commonness(req: frozenset[str]) -> float:
    """How often the strings may occur: each as often as its rarest hanzi (character model counts; other
    characters, whose counts the model does not know well, count as common)."""
    from fangan.lexicon.chars import is_hanzi, model

    uni = model().uni
    return sum(min(uni.get(c, 0) if is_hanzi(c) else 1e12 for c in s) for s in req)


#: at most this many strings from a run that holds character classes ([：:] after 时间 gives 时间： and 时间:)
MAX_PRODUCT = 16


def _chars(op, av) -> Optional[frozenset[str]]:
    """The characters one element matches, when it matches exactly one character from a plain set."""
    if op is _c.LITERAL:
        return frozenset(chr(av))
    if op is _c.IN and all(o is _c.LITERAL for o, _ in av):  # (a negated or ranged class is not plain)
        return frozenset(chr(v) for _, v in av)
    return None


def _seq(items: list) -> Optional[frozenset[str]]:
    """A sequence requires what any one of its elements requires; consecutive single characters form runs, whose
    strings (one per choice of character at each position) must appear."""
    best: Optional[frozenset[str]] = None
    run: list[frozenset[str]] = []
    size = 1

    def flush() -> None:
        nonlocal best, run, size
        if run:
            best = _better(best, frozenset("".join(p) for p in itertools.product(*run)))
        run, size = [], 1

    for op, av in items:
        chars = _chars(op, av)
        if chars is not None:
            if size * len(chars) > MAX_PRODUCT:
                flush()
            run.append(chars)
            size *= len(chars)
            continue
        flush()
        if op is _c.GROUPREF or op is getattr(_c, "GROUPREF_EXISTS", None):
            return None  # what a back-reference matches depends on the text: do not reason about it
        best = _better(best, _item(op, av))
    flush()
    return best


def _item(op, av) -> Optional[frozenset[str]]:
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        return None if add_flags & (re.IGNORECASE | re.VERBOSE) else _seq(list(body))
    if op is _c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            req = _seq(list(alt))
            if req is None:
                return None
            out |= req
        return frozenset(out)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, _hi, body = av
        return _seq(list(body)) if lo >= 1 else None
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _seq(list(av))
    return None  # any other element (a class, a lookaround, an anchor) requires nothing we can name


class _Unbounded(Exception):
    """The pattern may begin with any character (or with something this reader does not know)."""


_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = tuple(op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None)


def _class_items(items) -> list[tuple]:
    """A character class as items: ("char", c), ("range", lo, hi) or ("category", "\\d")."""
    out: list[tuple] = []
    for op, av in items:
        if op is _c.LITERAL:
            out.append(("char", chr(av)))
        elif op is _c.RANGE:
            out.append(("range", chr(av[0]), chr(av[1])))
        elif op is _c.CATEGORY and av in _CATEGORIES:
            out.append(("category", _CATEGORIES[av]))
        else:  # NEGATE, a charset bitmap, a big charset: bounded only by everything
            raise _Unbounded
    return out


def _first_items(seq) -> tuple[list[tuple], bool]:
    """(class items a match of `seq` can begin with, whether `seq` can match the empty string)."""
    items: list[tuple] = []
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the first character comes from what follows
        if op is _c.LITERAL:
            return items + [("char", chr(av))], False
        if op is _c.IN:
            return items + _class_items(av), False
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE:
                raise _Unbounded
            first, empty = _first_items(sub)
        elif op is _c.BRANCH:
            first, empty = [], False
            for alt in av[1]:
                f, e = _first_items(alt)
                first += f
                empty = empty or e
        elif op in _REPEATS:
            lo, _hi, sub = av
            first, empty = _first_items(sub)
            empty = empty or lo == 0
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            first, empty = _first_items(av)
        else:  # ANY, NOT_LITERAL, group references, conditionals
            raise _Unbounded
        items += first
        if not empty:
            return items, False
    return items, True


def _first_of_pattern(parsed) -> Optional[list[tuple]]:
    try:
        items, empty = _first_items(list(parsed))
    except _Unbounded:
        return None
    return None if empty or not items else items


def first_chars(pattern: re.Pattern | str, flags: int = 0) -> Optional[frozenset[str]]:
    """The characters a match of `pattern` at the start of a string (`pattern.match`) can begin with, or None when
    that is not a short list (a class like \\d, any character, a match that may be empty, case-insensitivity).
    Zero-width elements (anchors, lookarounds) are passed over: they consume nothing, so the set is never too small."""
    if isinstance(pattern, re.Pattern):
        flags, pattern = pattern.flags, pattern.pattern
    if flags & (re.IGNORECASE | re.VERBOSE):
        return None
    parsed = _parse(pattern, flags)
    items = _first_of_pattern(parsed) if parsed is not None else None
    if items is None or any(kind != "char" for kind, *_ in items):
        return None
    return frozenset(c for _, c in items)


def first_class(pattern: str, flags: int = 0) -> str | None:
    """A character class that every match of `pattern` begins with, or None when there is none."""
    items = _first_of_pattern(_p.parse(pattern, flags))
    if items is None:
        return None
    out = []
    for kind, *av in items:
        if kind == "char":
            out.append(re.escape(av[0]))
        elif kind == "range":
            out.append(f"{re.escape(av[0])}-{re.escape(av[1])}")
        else:
            out.append(av[0])
    return "[" + "".join(dict.fromkeys(out)) + "]"


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


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def gate_words(patterns: Iterable[re.Pattern | str]) -> Optional[list[str]]:
    """Strings of which every match of any of `patterns` holds one (longest first; None: no such strings)."""
    union: set[str] = set()
    for pattern in patterns:
        req = required_literals(pattern)
        if not req:
            return None
        union |= req
    return sorted(union, key=lambda s: (-len(s), s))


def gate(patterns: Iterable[re.Pattern | str]) -> Optional[re.Pattern]:
    """One search pattern that finds something in every string any of `patterns` matches (None: no such gate)."""
    words = gate_words(patterns)
    return None if words is None else re.compile("|".join(map(re.escape, words)))


def trie_pattern(ends: dict[str, str]) -> str:
    """A pattern that matches where one of the strings of `ends` stands followed by its ending pattern, written as a
    trie (strings sharing a first character are one alternative): `re` tries the alternatives one after the other
    at each character it stops at, so fewer alternatives cost less."""
    if "" in ends and ends[""] == "":
        return ""  # (found here already: longer strings add nothing)
    alternatives = [ends[""]] if "" in ends else []
    by_first: dict[str, dict[str, str]] = {}
    for w, end in ends.items():
        if w:
            by_first.setdefault(w[0], {})[w[1:]] = end
    for ch in sorted(by_first):
        alternatives.append(re.escape(ch) + trie_pattern(by_first[ch]))
    if not alternatives:
        return "(?!)"  # (no string: nothing matches)
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def pivot_pattern(ends: dict[str, str]) -> str:
    """A pattern that finds (at or before the place of) every string of `ends` followed by its ending pattern, each
    string entered at its rarest hanzi (character model counts; its first character when it holds none) and its
    head checked by a lookbehind: `re` stops only at those characters, not at every 一 or 作 a string opens with.
    A match begins at the string's rarest character, in the string, so on its line. Alternatives are grouped by
    that character."""
    from fangan.lexicon.chars import is_hanzi, model

    uni = model().uni
    by_pivot: dict[str, list[str]] = {}
    for w, end in ends.items():
        if not w:
            raise ValueError("an empty string is found everywhere")
        counts = [uni.get(c, 0) if is_hanzi(c) else float("inf") for c in w]
        k = min(range(len(w)), key=lambda i: (counts[i], i)) if min(counts) < float("inf") else 0
        behind = f"(?<={re.escape(w[:k + 1])})" if k else ""
        by_pivot.setdefault(w[k], []).append(behind + re.escape(w[k + 1:]) + end)
    alternatives = []
    for ch in sorted(by_pivot):
        rests = sorted(set(by_pivot[ch]))
        alternatives.append(re.escape(ch) + ("" if "" in rests else "(?:" + "|".join(rests) + ")"))
    return "|".join(alternatives) if alternatives else "(?!)"


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


def _hit_lines(find, text: str):
    """(start, end) of every line of `text` holding a hit, in order: `find(pos)` gives the next hit at or after
    `pos` (-1: none); after a hit the search goes on from the next line."""
    at = find(0)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            yield start, len(text)
            return
        yield start, end
        at = find(end + 1)


def lines_with(text: str, word: str):
    """(start, end) of every line of `text` that holds `word`, in order: a pattern whose matches hold
    `word` and never cross a line break need be run on these lines only."""
    return _hit_lines(lambda pos: text.find(word, pos), text)


def lines_matching(pattern: re.Pattern, text: str):
    """(start, end) of every line of `text` where `pattern` finds something, in order (a match is counted on the
    line it opens), from scans of the whole text that jump to the next line at each hit."""
    def find(pos: int) -> int:
        m = pattern.search(text, pos)
        return -1 if m is None else m.start()

    return _hit_lines(find, text)


def lines_hit(pattern: re.Pattern, text: str) -> list[int]:
    """Indexes of the lines of `text` (split at "\\n") where `pattern` finds something, in order, from scans of the
    whole text that jump to the next line at each hit. `pattern` must never match a newline (a match begun in one
    line is counted there)."""
    found: list[int] = []
    line = prev = 0
    for start, _end in lines_matching(pattern, text):
        line += text.count("\n", prev, start)
        found.append(line)
        prev = start
    return found
