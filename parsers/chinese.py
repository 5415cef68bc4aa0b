"""How much a string reads like Chinese text: the check behind every encoding decision.

The scorer itself lives in `fangan.lexicon.chars` (one character model for the parsers, the mojibake repair and
archive member names); this module keeps the parsers' import path.
"""
from __future__ import annotations

import re

from fangan.lexicon.chars import logprob, plausibility  # noqa: F401  (re-exported for the parsers)


# one C-level pass each instead of a Python loop per character (`\s` is exactly `str.isspace`; a hanzi is never space)
_SPACE = re.compile(r"\s")
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f]")


def han_share(text: str, sample: int = 200_000) -> float:
    """Share of hanzi (any CJK ideograph block) among the visible characters of `text`."""
    head = text[:sample]
    visible = len(head) - len(_SPACE.findall(head))
    han = len(_HAN.findall(head))
    return han / visible if visible else 0.0
