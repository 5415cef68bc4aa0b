"""Learning site chrome from a batch: lines (or line shapes) that recur across many documents of
one site are the site's, not the plans'. The pipeline feeds every parsed document to `add` before
normalizing any, and the `remove_learned_boilerplate` step asks `is_chrome`."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Optional

from fangan.lexicon.orgs import is_org_line

from .years import DATE_LINE

_DIGITS = re.compile(r"\d+")
# 落款: a date line, or a short issuer name, recurs in every document of one issuer
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)")


def line_shape(line: str) -> str:
    """A line with its numbers abstracted: `第3页 / 共5页` and `第4页 / 共5页` share a shape."""
    return _DIGITS.sub("#", line.strip())


class BatchLearner:
    min_documents = 3  # a shape must recur in at least this many documents …
    min_share = 0.5  # … and in at least this share of its site's documents

    def __init__(self) -> None:
        self.docs_per_site: Counter[str] = Counter()
        self.shape_docs: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, text: str, site: Optional[str] = None) -> None:
        key = site or ""
        self.docs_per_site[key] += 1
        shapes = {line_shape(ln) for ln in text.split("\n") if 0 < len(ln.strip()) <= 200}
        self.shape_docs[key].update(shapes)

    def is_chrome(self, line: str, site: Optional[str] = None) -> bool:
        key = site or ""
        n = self.docs_per_site.get(key, 0)
        if n < self.min_documents:
            return False
        shape = line_shape(line)
        if not shape or _HEADING.match(shape):
            return False  # 一、指导思想 recurs across plans because plans share an outline, not a site
        if DATE_LINE.match(line.strip()) or is_org_line(line):
            return False  # one issuer's documents share a signature and a date shape: that is the body
        k = self.shape_docs[key].get(shape, 0)
        return k >= self.min_documents and k / n >= self.min_share
