"""How much a string reads like Chinese text: the check behind every encoding decision.

The scorer itself lives in `fangan.lexicon.chars` (one character model for the parsers, the mojibake repair and
archive member names); this module keeps the parsers' import path.
"""
from __future__ import annotations

from fangan.lexicon.chars import logprob, plausibility  # noqa: F401  (re-exported for the parsers)
