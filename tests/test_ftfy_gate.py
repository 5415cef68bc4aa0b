"""repair_mojibake asks ftfy only about lines ftfy might change: a line without C1 controls, surrogates or anything
ftfy's own badness pattern finds is what `ftfy.fix_text` gives back, decided without importing ftfy."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.normalizers import encoding

FAST = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))

ftfy = pytest.importorskip("ftfy")

_PIECES = ["计算方法：", "人次数", "×", "÷", "100%", "“", "”", "2万元", "cm", "A3", "（", "）", "。", " ", "\xa0", "Ã", "Â", "©",
           "©", "â€™", "Ã©", "æ–‡ä»¶", "Ä", "ãƒ", "œ", "Œ", "\x85", "\x9d", "\ud83d", "\ude00", "é", "ñ", "Ð", "µ", "°", "±",
           "│", "¥", "€", "a", "Z", "—", "…", "浣犲ソ", "锟斤拷", "\ufffd", "·", "¼"]


def _plain(line: str) -> str:
    return ftfy.fix_text(line, encoding._ftfy_config())


def test_badness_pattern_is_ftfys():
    import ftfy.badness

    if ftfy.__version__ not in encoding._FTFY_READ:
        assert encoding._ftfy_badness() is None  # (another version: ftfy decides every line)
        return
    ours = encoding._ftfy_badness()
    assert ours is not None
    assert (ours.pattern, ours.flags) == (ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags)


@FAST
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_ftfy_is_asked_only_about_lines_it_may_change(line):
    if encoding._ftfy_keeps(line):
        assert _plain(line) == line
    assert encoding._ftfy(line) == _plain(line)


def test_ftfy_gate_on_lines():
    kept = ["计算方法：出院患者使用基本药物总人次数/同期出院总人次数×100%。", "按“2万元×班级数”奖励；（29.7cm×42cm 以内）", ""]
    for line in kept:
        assert encoding._ftfy_keeps(line) and _plain(line) == line
    for line in ["æ–‡ä»¶", "sÃ³", "a\x85b", "x\ud83d"]:  # mojibake, a C1 control, a lone surrogate: ftfy decides
        assert not encoding._ftfy_keeps(line)
        assert encoding._ftfy(line) == _plain(line)
