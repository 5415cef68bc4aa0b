"""Necessary-condition gates for line rules, computed from the rules' own patterns.

Most lines of a plan are body text, and a chrome rule is a regex tried on every line. Each rule's pattern says,
in its literals, what a line must contain for the rule to match at all (`标签` for `^(?P<title>.*?)\\s*标签[：:].*$`,
one of `doc pdf wps …` for a file name). `required_literals` reads those strings off the parsed pattern, and
`gate` joins the strings of several rules into one search: a line it does not find is matched by none of them, so
the rules are skipped without changing any result. Nothing is typed twice: edit a rule, and its gate follows.

`first_chars` does the same for patterns anchored at the start of a line: the characters a match can open with
(`^(?:页面链接…|[=#…]{4,})` opens with 页 = # …), so a line opening with anything else is not tried.

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


def first_chars(pattern: re.Pattern | str, flags: int = 0) -> Optional[frozenset[str]]:
    """The characters a match of `pattern` at the start of a string (`pattern.match`) can begin with, or None when
    that is not a short list (a class like \\d, any character, a match that may be empty, case-insensitivity).
    Zero-width elements (anchors, lookarounds) are passed over: they consume nothing, so the set is never too small."""
    if isinstance(pattern, re.Pattern):
        flags, pattern = pattern.flags, pattern.pattern
    if flags & (re.IGNORECASE | re.VERBOSE):
        return None
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    chars, nullable = _first(list(parsed))
    return None if chars is None or nullable else frozenset(chars)


def _first(items: list) -> tuple[Optional[set[str]], bool]:
    """(characters the sequence can start with or None for unknown, whether it can match the empty string)."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_of(op, av) -> tuple[Optional[set[str]], bool]:
    plain = _chars(op, av)
    if plain is not None:
        return set(plain), False
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True  # zero width
    if op is _c.SUBPATTERN:
        return (None, False) if av[1] & (re.IGNORECASE | re.VERBOSE) else _first(list(av[3]))
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _first(list(av))
    if op is _c.BRANCH:
        out: set[str] = set()
        any_nullable = False
        for alt in av[1]:
            chars, nullable = _first(list(alt))
            if chars is None:
                return None, False
            out |= chars
            any_nullable = any_nullable or nullable
        return out, any_nullable
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, _hi, body = av
        chars, nullable = _first(list(body))
        return chars, (chars is not None and (lo == 0 or nullable))
    return None, False  # a class, any character, a back-reference: anything may come first


def gate(patterns: Iterable[re.Pattern | str]) -> Optional[re.Pattern]:
    """One search pattern that finds something in every string any of `patterns` matches (None: no such gate)."""
    union: set[str] = set()
    for pattern in patterns:
        req = required_literals(pattern)
        if not req:
            return None
        union |= req
    return re.compile("|".join(map(re.escape, sorted(union, key=lambda s: (-len(s), s)))))
