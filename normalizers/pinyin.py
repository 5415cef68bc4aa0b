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


@step("strip_pinyin_annotations")
def strip_pinyin_annotations(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    def cut(m: re.Match) -> str:
        report.change(m.group(0), "", context=text[max(0, m.start() - 4) : m.end() + 4])
        return ""

    return _ANNOTATION.sub(cut, text)
