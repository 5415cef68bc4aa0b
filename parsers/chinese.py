"""How much a string reads like Chinese text: the check behind every encoding decision.

The scorer itself lives in `fangan.lexicon.chars` (one character model for the parsers, the mojibake repair and
archive member names); this module keeps the parsers' import path.
"""
from __future__ import annotations

from fangan.lexicon.chars import logprob, plausibility  # noqa: F401  (re-exported for the parsers)


def han_share(text: str, sample: int = 200_000) -> float:
    """Share of hanzi (any CJK ideograph block) among the visible characters of `text`."""
    visible = han = 0
    for c in text[:sample]:
        if c.isspace():
            continue
        visible += 1
        cp = ord(c)
        if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3134F:
            han += 1
    return han / visible if visible else 0.0
