"""Pinyin annotations that converter sites put after each character: 衛(wèi)生 → 衛生."""
from __future__ import annotations

import re

from . import NormalizeContext, StepReport, step

# a syllable: Latin letters with at least one tone-marked vowel, or toneless syllable with a tone digit;
# u:/ü variants included. Only directly after a hanzi, so （一） or （责任部门：…） never match.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙ"
_SYLLABLE = rf"(?:[a-zA-Z{_TONED}:]*[{_TONED}][a-zA-Z{_TONED}:]*|[a-zA-Z]{{1,6}}[1-5])"
# (the bracket comes first and the hanzi before it is checked behind it: the same matches, but the regex engine
# scans for the bracket instead of trying a lookbehind at every position)
_ANNOTATION = re.compile(rf"[(（](?<=[\u3400-\u9fff][(（])\s*({_SYLLABLE}(?:\s+{_SYLLABLE})?)\s*[)）]")


# `_ANNOTATION` for each of its opening brackets alone: a pattern that opens with one literal character is scanned for
# by re's fast literal search, where the two-bracket class was tested at every character. A match holds no opening
# bracket after its first character, so matches never overlap and every bracket is tried as `sub` tries it: the
# matches of the two are those of `_ANNOTATION`, merged in order.
_ANNOTATION_AT = tuple(re.compile(rf"{re.escape(b)}(?<=[\u3400-\u9fff]{re.escape(b)})\s*({_SYLLABLE}(?:\s+{_SYLLABLE})?)\s*[)）]")
                       for b in "(（")


@step("strip_pinyin_annotations")
def strip_pinyin_annotations(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    found = [m for pattern in _ANNOTATION_AT for m in pattern.finditer(text)]
    if not found:
        return text
    found.sort(key=re.Match.start)
    out: list[str] = []
    last = 0
    for m in found:
        report.change(m.group(0), "", context=text[max(0, m.start() - 4) : m.end() + 4])
        out.append(text[last:m.start()])
        last = m.end()
    out.append(text[last:])
    return "".join(out)
