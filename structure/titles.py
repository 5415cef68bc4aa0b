"""A heading's title from the text after its marker (../shared/gold/CONVENTIONS.md, Sections).

Up to the first 。 or ：, trailing punctuation stripped; a date parenthetical before that delimiter
belongs to the title; "" when the item opens with an ordinary sentence; a whole short line is its
own title. Alignment and conversion spaces are not part of a title (其 他 → 其他, 2026 年 4 月 →
2026年4月); a time 8：00 does not end a title at its colon.
"""
from __future__ import annotations

import re
from typing import Optional

from fangan.line_cache import MAX_CACHED_LINE, remember

_TRAIL = "。；;，,：:、 "
# a colon inside a clock time (8：00, 14 : 00) is not a delimiter: [。；;]|(?<!\d)(?<!\d\s)[：:]|[：:](?!\s*\d{2}(?!\d)),
# written with the delimiter first and the tests on it after (every alternative takes one character; a pattern
# that opens with a character class lets the regex engine skip to it, one that opens with a lookbehind is tried
# at every position: 5x faster over b20's lines, the same matches: tests/test_structure_gates.py)
_DELIM = re.compile(r"[。；;：:](?:(?<=[。；;])|(?<!\d[：:])(?<!\d\s[：:])|(?<=[：:])(?!\s*\d{2}(?!\d)))")
# the longest a heading phrase runs before it is a sentence
MAX_TITLE = 32
# a phrase of comma parts is a heading (提高认识，加强领导) when the parts are short and few
MAX_PARTS, MAX_PART, MAX_PARTS_TITLE = 3, 10, 24
# a short phrase may list a few things (组织领导、宣传发动); a long enumeration runs on as a sentence
MAX_ENUMERATION, SHORT_TITLE = 2, 16
# a run-in heading's comma parts are phrases; a clause with 的 or over 20 hanzi is a sentence
MAX_RUN_IN_PART = 20
_CJKISH = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’「」『』"
# (?<=[CJK])\s+|\s+(?=[CJK]), written to open with the space (the regex engine skips to it; same matches)
_SPACE_BY_CJK = re.compile(rf"\s(?:(?<=[{_CJKISH}]\s)\s*|\s*(?=[{_CJKISH}]))")


def clean_title(title: str) -> str:
    """Spaces next to hanzi or fullwidth punctuation are layout, not words."""
    return _SPACE_BY_CJK.sub("", title).strip()


_COMMA = re.compile("[，,]")
_OPEN, _CLOSE = "（(《“「『【", "）)》”」』】"


_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")


def first_delimiter(text: str) -> Optional[re.Match]:
    """The first 。 or ： that ends a title, outside brackets and quotes: a colon inside a
    parenthetical (活动一（负责人：杨佩琼）) belongs to the title, as a date parenthetical does."""
    if _BRACKET.search(text) is None:
        return _DELIM.search(text)  # no bracket at all: the first delimiter is outside every one
    opened = closed = 0  # bracket counts before the delimiter, kept up as the delimiters go by
    seen = 0
    for m in _DELIM.finditer(text):
        between = text[seen: m.start()]
        opened += sum(map(between.count, _OPEN))
        closed += sum(map(between.count, _CLOSE))
        seen = m.start()
        if opened <= closed:
            return m
    # a bracket that never closes (damaged text) hides nothing
    if sum(text.count(c) for c in _OPEN) > sum(text.count(c) for c in _CLOSE):
        return _DELIM.search(text)
    return None


# the titles read so far, one plain dict per value of `whole_line` (a dict's get instead of line_cache's wrapper
# and its key tuple: asked once per heading line the tree meets, ~11k on b20); at most MAX_TITLES texts of at most
# MAX_CACHED_LINE characters, then started again
_TITLES: dict[bool, dict[str, str]] = {False: {}, True: {}}
MAX_TITLES = 16384


def heading_title(rest: str, whole_line: bool) -> str:
    """The title of a heading whose text after its marker is `rest` (`whole_line`: the line is short and holds no
    sentence mark). A pure function of its arguments, and headings repeat across documents (指导思想, 保障措施):
    remembered."""
    memo = _TITLES[whole_line]
    got = memo.get(rest)
    if got is None:
        got = remember(memo, rest, _read_title(rest, whole_line), MAX_TITLES)
    return got


def _clear_titles() -> None:
    for memo in _TITLES.values():
        memo.clear()


def _read_title(rest: str, whole_line: bool) -> str:
    rest = rest.strip()
    if not rest:
        return ""
    if whole_line and not first_delimiter(rest.rstrip(_TRAIL)):
        return clean_title(rest.rstrip(_TRAIL))
    m = first_delimiter(rest)
    parts = [rest[: m.start()], rest[m.end():]] if m else [rest]
    seg = clean_title(parts[0].rstrip(_TRAIL))
    body_follows = len(parts) > 1 and len(parts[1].strip()) > 0
    # a phrase with its body after it is a run-in heading; a lone sentence is a plain item
    return seg if is_title_phrase(seg) or (body_follows and is_run_in_title(seg)) else ""


heading_title.__wrapped__ = _read_title  # the title as read, without the memo
heading_title.cache_clear = _clear_titles


def is_run_in_title(seg: str) -> bool:
    """A longer heading that a body follows (实施工业绿色生产，推动…总量趋零增长。正文…): two or three
    comma parts, no run-on enumeration."""
    parts = _COMMA.split(seg)
    return (len(seg) <= MAX_TITLE and len(parts) <= MAX_PARTS and all(len(p) <= MAX_RUN_IN_PART for p in parts)
            and seg.count("、") <= MAX_ENUMERATION and "的" not in seg)


# a parenthetical note after a heading phrase (颁奖仪式（颁奖曲，领导颁发）（10分钟）) is part of the
# title but not of the phrase whose shape is judged
_PARENTHETICAL = re.compile(r"[（(][^（()）]*[)）]")


def is_title_phrase(seg: str) -> bool:
    """A heading phrase, not an opening sentence: short; at most a couple of short comma parts
    (提高认识，加强领导) and no enumeration that runs on (围绕政治鉴别、依法行政、…); a parenthetical
    note does not count."""
    core = _PARENTHETICAL.sub("", seg).strip()
    if core and core != seg:
        seg = core
    if not seg or len(seg) > MAX_TITLE:
        return False
    parts = _COMMA.split(seg)
    if len(parts) == 1:
        return seg.count("、") <= MAX_ENUMERATION or len(seg) <= SHORT_TITLE
    return len(parts) <= MAX_PARTS and all(1 <= len(p) <= MAX_PART for p in parts) and len(seg) <= MAX_PARTS_TITLE
