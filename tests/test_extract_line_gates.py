"""Extraction shortcuts of the fifth speed pass, each checked against the plain path it replaces: the same items on
fixtures, dev texts and generated strings."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.extract import parties
from fangan.lexicon.roles import DUTY_SECTIONS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FAST = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "extract").glob("*.txt"))]
    for name in ("dev", "seeds"):
        if (SHARED / name).is_dir():
            texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((SHARED / name).glob("*.txt"))[:60]]
    return texts


TEXTS = _texts()


# --- parties: only the lines a rule can read ------------------------------------------------------

def _plain_parties(text: str) -> list[tuple]:
    """find_parties as it was: every line of the text read, in order."""
    found, pos = [], 0
    lines = text.split("\n")
    dm = DUTY_SECTIONS.search(text)
    duties = parties._duty_lines(lines, text.count("\n", 0, dm.start())) if dm else [False] * len(lines)
    for line, duty in zip(lines, duties):
        found += [(pos + a, pos + b, name, role, raw.strip()[:200]) for a, b, name, role, raw in parties._line_parties(line, duty)]
        pos += len(line) + 1
    found.sort(key=lambda f: f[0])
    return found


def _parties(text: str) -> list[tuple]:
    return [(a, b, p.name, p.role, p.raw) for a, b, p in parties.find_parties(text)]


PARTY_PIECES = sorted(set(parties.PARTY_WORDS)) + [
    "由", "对", "组织", "在", "与", "将", "定期", "为", "的", "下", "县公安局", "区教育局", "市卫生局", "各乡镇", "等部门", "负责",
    "（", "）", "(", ")", "。", "；", "！", "，", "、", "：", ":", " ", "\u3000", "\n", "\n", "任务分工", "二、", "（一）", "1.", "开展检查",
    "工作", "协调", "办公室", "设在", "成立", "设", "领导小组", "专项", "张伟"]


@pytest.mark.parametrize("text", TEXTS)
def test_party_lines_are_the_lines_read_plainly(text):
    assert _parties(text) == _plain_parties(text)


@FAST
@given(st.lists(st.sampled_from(PARTY_PIECES), max_size=40).map("".join))
def test_party_lines_on_generated_text(text):
    assert _parties(text) == _plain_parties(text)


@FAST
@given(st.lists(st.sampled_from([p for p in PARTY_PIECES if p != "\n"]), max_size=30).map("".join))
def test_a_line_no_gate_finds_names_no_party(line):
    if 0 not in parties._party_line_starts(line):
        assert parties._line_parties(line, False) == ()


def test_party_gate_keeps_lines_with_parties():
    text = "县公安局负责治安。\n一般工作。\n（区经济发展局农业处）\n由局效能办对各单位进行督查。\n与区总工会密切合作\n无关"
    starts = [text.index(line) for line in text.split("\n")]
    assert sorted(parties._party_line_starts(text)) == [starts[i] for i in (0, 2, 3, 4)]
    assert [p.name for _, _, p in parties.find_parties(text)] == ["县公安局", "区经济发展局农业处", "局效能办", "区总工会"]
