"""Script: record the source's script and convert to simplified with OpenCC (phrase-level).

t2s by default; tw2s / hk2s for Taiwan / Hong Kong sources (`NormalizeContext.script_variant`).
Never tw2sp: its mainland-phrase table rewrites plan vocabulary (阶段→级段, 核心→内核, 建立→创建).

Detection reads Chinese characters only, by a count: the characters that exist in one script and
not the other are computed once per process from OpenCC's own character tables (each CJK ideograph
converted on its own), so a document costs one regex scan per script instead of two whole-text
OpenCC conversions and two Python loops.
"""
from __future__ import annotations

import re
from functools import lru_cache

from fangan.lexicon.script import VARIANTS, converter
from fangan.model import Change

from . import NormalizeContext, StepReport, step

SAMPLE = 50000  # characters read for detection: a plan's script does not change halfway
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000))  # extension A and the unified ideographs


@lru_cache(maxsize=None)
def _script_patterns() -> tuple[re.Pattern, re.Pattern]:
    """(traditional-only, simplified-only) ideographs as compiled character classes.

    Each ideograph is converted alone (newline-separated, so no phrase rule applies): one that t2s
    changes is written only in traditional script, one that s2t changes only in simplified."""
    cjk = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi)]
    block = "\n".join(cjk)
    as_simplified = converter("t2s").convert(block).split("\n")
    as_traditional = converter("s2t").convert(block).split("\n")
    trad = "".join(c for c, s in zip(cjk, as_simplified) if s != c)
    simp = "".join(c for c, t in zip(cjk, as_traditional) if t != c)
    return re.compile(f"[{re.escape(trad)}]"), re.compile(f"[{re.escape(simp)}]")


def script_counts(text: str) -> tuple[int, int]:
    """(traditional-only, simplified-only) characters in the first SAMPLE characters of `text`."""
    trad, simp = _script_patterns()
    sample = text[:SAMPLE]
    return len(trad.findall(sample)), len(simp.findall(sample))


def detect_script(text: str) -> str:
    """traditional | simplified | mixed | unknown, from characters that differ between the two."""
    trad, simp = _script_patterns()
    sample = text[:SAMPLE]
    trad_chars = len(trad.findall(sample))
    # simplified-only characters are counted only until they make the text simplified (a share that more of them
    # can only raise): one is enough when there is no traditional-only character, as in most mainland plans
    simp_chars = 0
    for _ in simp.finditer(sample):
        simp_chars += 1
        if simp_chars / (trad_chars + simp_chars) >= 0.9:
            return "simplified"
    total = trad_chars + simp_chars
    if total == 0:
        return "unknown"
    if trad_chars / total >= 0.9:
        return "traditional"
    if simp_chars / total >= 0.9:
        return "simplified"
    return "mixed"


@step("convert_script")
def convert_script(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    ctx.script = detect_script(text)
    config = ctx.script_variant if ctx.script_variant in VARIANTS else "t2s"
    if ctx.script == "simplified" and ctx.script_variant == "auto":
        return text
    out = converter(config).convert(text)
    if out != text:
        n = changed_count(text, out)
        report.count = n
        report.detail = f"OpenCC {config}: {n} characters converted (source script: {ctx.script})"
        _examples(text, out, report)
    return out


def changed_count(a: str, b: str) -> int:
    """`sum(map(operator.ne, a, b))`: the places (up to the shorter length) where the two differ, counted at C speed.
    Each string is read as one integer of 32-bit lanes (UTF-32, one lane per character); their XOR has a nonzero
    lane where they differ, and folding each lane's bits into its lowest one (right shifts adding up to 31 never
    reach the lane below) leaves one bit per differing place to count."""
    n = min(len(a), len(b))
    if n == 0:
        return 0
    x = (int.from_bytes(a[:n].encode("utf-32-le", "surrogatepass"), "little")
         ^ int.from_bytes(b[:n].encode("utf-32-le", "surrogatepass"), "little"))
    for shift in (16, 8, 4, 2, 1):
        x |= x >> shift
    return (x & int.from_bytes(b"\x01\x00\x00\x00" * n, "little")).bit_count()  # (lane k's lowest bit: 32k)


def _examples(text: str, out: str, report: StepReport, limit: int = 20) -> None:
    """A few character-level examples for the explanation (stops at `limit` distinct characters)."""
    seen = set()
    for i, (a, b) in enumerate(zip(text, out)):
        if a != b and a not in seen:
            seen.add(a)
            report.changes.append(Change(before=a, after=b, context=text[max(0, i - 3): i + 4]))
            if len(report.changes) >= limit:
                break
