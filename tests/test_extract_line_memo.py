"""Extraction shortcuts of the sixth speed pass (a plan read line by line, each line's answers remembered), each
checked against the plain path it replaces: the same items on fixtures, dev texts and generated strings."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fangan.extract import targets as T

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "extract").glob("*.txt"))]
    for name in ("dev", "seeds"):
        if (SHARED / name).is_dir():
            texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((SHARED / name).glob("*.txt"))[:60]]
    return texts


TEXTS = _texts()
PIECES = ["1", "2", "30", "5.5", "2024", "3.1", "年", "月", "个", "人", "%", "分", "秒", "米", "元", "次", "周岁", "小时",
          "以上", "左右", "达到", "不少于", "至少", "的", "—", "——", "-", "~", "至", "到", "，", "。", "、", "：", "\n", "\n\n",
          " ", "\u3000", "\t", "\r", "扣", "跑", "教龄", "建成", "覆盖率", "民国", "学生", "（", "）", "/", "\\"]
GENERATED = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


# --- targets: a plan's quantities, line by line ---------------------------------------------------------------

def _plain_quantities(text):
    """(start, outcome) of every match of _QUANTITY in the whole text, each read afresh (the reading the line memo
    stands for)."""
    return [(m.start(), T._quantity(text, m)[0]) for m in T._QUANTITY.finditer(text)]


@FAST
@given(st.lists(GENERATED, min_size=1, max_size=6))
@example(["2024年", "、3个", "5 人\n6人"])
def test_quantities_line_by_line_are_the_whole_texts(texts):
    T._LINE_QUANTITIES.clear()
    for text in texts + ["\n".join(texts), "\n".join(reversed(texts))]:  # lines met again in other plans
        assert T._quantities(text) == _plain_quantities(text)


def test_quantities_of_fixtures_line_by_line_are_the_whole_texts():
    T._LINE_QUANTITIES.clear()
    for text in TEXTS + TEXTS[::-1]:
        assert T._quantities(text) == _plain_quantities(text)
    assert T._LINE_QUANTITIES


def test_lines_without_a_quantity_are_remembered_too():
    T._LINE_QUANTITIES.clear()
    T._quantities("一、总体要求\n建成5座示范点\n5—6人\n")
    assert T._LINE_QUANTITIES["一、总体要求"] == (False, ()) and T._LINE_QUANTITIES[""] == (False, ())
    assert len(T._LINE_QUANTITIES["建成5座示范点"][1]) == 1 and T._LINE_QUANTITIES["5—6人"] == (True, ())


def _ranges_in_windows(text):
    _, windows = T._read_lines(text)
    return [m.span() + m.groups() for start, end in windows for m in T._RANGE.finditer(text, start, end)]


def _ranges(text):
    return [m.span() + m.groups() for m in T._RANGE.finditer(text)]


@FAST
@given(GENERATED)
@example("5个\n\n  \n —6个")
@example("达到5 -\n\n 6个以上")
@example("5—\n—6人")
@example("2024年5\r-\r6月")
@example("1-\n2-\n3个")
def test_ranges_found_in_the_stretches_are_the_whole_texts(text):
    T._LINE_QUANTITIES.clear()
    assert _ranges_in_windows(text) == _ranges(text)
    assert _ranges_in_windows(text) == _ranges(text)  # (its lines remembered)


def test_ranges_of_fixtures_found_in_the_stretches_are_the_whole_texts():
    T._LINE_QUANTITIES.clear()
    for text in TEXTS:
        assert _ranges_in_windows(text) == _ranges(text)


@pytest.mark.parametrize("text", ["建成5\n—6个", "建成5—\n\n6个", "建成5—6个"])
def test_a_range_across_a_line_break_is_found(text):
    assert len(_ranges_in_windows(text)) == 1


def test_dash_characters_are_the_patterns():
    assert T._literal_chars(T.RANGE_DASH) == set(T._DASH_CHARS)
    assert T._RANGE_HINT.search("到\u3000") and T._RANGE_HINT.search("－ 3") and not T._RANGE_HINT.search("–x")
