"""Chinese numerals: kept as an import path; the numerals live in `fangan.lexicon.markers`."""
from __future__ import annotations

from fangan.lexicon.markers import DIGITS, cn_to_int  # noqa: F401
