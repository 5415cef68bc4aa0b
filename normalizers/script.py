"""Script: record the source's script and convert to simplified with OpenCC (phrase-level).

t2s by default; tw2s / hk2s for Taiwan / Hong Kong sources (`NormalizeContext.script_variant`).
Never tw2sp: its mainland-phrase table rewrites plan vocabulary (阶段→级段, 核心→内核, 建立→创建).
"""
from __future__ import annotations

from fangan.lexicon.script import VARIANTS, converter
from fangan.model import Change

from . import NormalizeContext, StepReport, step



def detect_script(text: str) -> str:
    """traditional | simplified | mixed | unknown, from characters that differ between the two."""
    t2s = converter("t2s")
    s2t = converter("s2t")
    sample = text[:50000]
    simplified_form = t2s.convert(sample)
    trad_chars = sum(1 for a, b in zip(sample, simplified_form) if a != b)
    traditional_form = s2t.convert(sample)
    simp_chars = sum(1 for a, b in zip(sample, traditional_form) if a != b)
    if trad_chars == 0 and simp_chars == 0:
        return "unknown"
    total = trad_chars + simp_chars
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
        n = sum(1 for a, b in zip(text, out) if a != b)
        report.count = n
        report.detail = f"OpenCC {config}: {n} characters converted (source script: {ctx.script})"
        # a few word-level examples for the explanation
        seen = set()
        i = 0
        while i < len(text) and len(report.changes) < 20:
            if text[i] != out[i] and text[i] not in seen:
                seen.add(text[i])
                report.changes.append(Change(before=text[i], after=out[i], context=text[max(0, i - 3) : i + 4]))
            i += 1
    return out
