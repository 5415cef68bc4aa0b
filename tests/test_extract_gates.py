"""Extraction shortcuts checked against the plain path they skip: each gate must give what the ungated code gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from fangan.extract import fields, parties, rules
from fangan.gates import required_literals
from fangan.lexicon.roles import DUTY_SECTIONS
from fangan.model import Section, iter_sections

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"

DUTY_TEXT = """一、总体要求
各单位要高度重视。
二、任务分工
1.县公安局负责治安。
（1）细则
县民政局要做好救助，县财政局负责经费保障。
2.县教育局牵头，县卫健委配合。
三、工作职责
（一）县应急局负责统筹
县消防救援大队应会同属地乡镇开展检查。
四、保障措施
县财政局负责经费。
五、部门职责分工
一、另一节
"""


def _texts() -> list[str]:
    texts = [DUTY_TEXT, "", "任务分工", "\n\n二、任务分工\n", DUTY_TEXT.replace("\n", "\n  ")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "extract").glob("*.txt"))]
    if SHARED_DEV.is_dir():
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SHARED_DEV.glob("*.txt"))[:60]]
    return texts


def _plain_duty_lines(lines: list[str]) -> list[bool]:
    """_duty_lines without the gate: every line asked whether it is a heading."""
    inside, style, out = False, None, []
    for line in lines:
        hm = parties._heading(line)
        if hm and inside and hm[0] == style:
            inside = False
        if hm and DUTY_SECTIONS.search(hm[1]) and len(hm[1]) <= 12:
            inside, style = True, hm[0]
            out.append(False)
            continue
        out.append(inside)
    return out


def test_duty_section_words_hold_fen_gong_or_zhi_ze():
    # the gate in _duty_lines reads only lines with 分工 or 职责 while outside a duty section
    assert all("分工" in w or "职责" in w for w in required_literals(DUTY_SECTIONS))


@pytest.mark.parametrize("text", _texts())
def test_duty_lines_gate_matches_plain(text):
    lines = text.split("\n")
    assert parties._duty_lines(lines) == _plain_duty_lines(lines)
    assert any(_plain_duty_lines(DUTY_TEXT.split("\n")))  # the sample opens duty sections at all


def _tree() -> list[Section]:
    leaf = lambda i, title, text="": Section(id=i, marker="1.", level=3, title=title, text=text)  # noqa: E731
    return [
        Section(id="s1", marker="一、", level=1, title="工作步骤", text="一、工作步骤", children=[
            Section(id="s1.1", marker="（一）", level=2, title="动员部署阶段（3月1日至3月15日）", text="（一）动员部署阶段（3月1日至3月15日）"),
            Section(id="s1.2", marker="（二）", level=2, title="集中整治", text="（二）集中整治\n时间：2024年4月1日至4月30日",
                    children=[leaf("s1.2.1", "排查", "1.排查（5月1日至5月9日）")]),
            Section(id="s1.3", marker="（三）", level=2, title="", text="（三）总结提升阶段（6月1日至6月30日）全面总结"),
        ]),
        Section(id="s2", marker="二、", level=1, title="保障措施", text="二、保障措施", children=[
            Section(id="s2.1", marker="（一）", level=2, title="", text="（一）加强领导（7月1日前）"),
            Section(id="s2.2", marker="（二）", level=2, title="第一阶段", text="（二）第一阶段：动员（8月1日-8月5日）"),
        ]),
    ]


def _plain_walk(sections, schedule=False):
    for sec in sections:
        yield sec, schedule
        yield from _plain_walk(sec.children, schedule or bool(rules.SCHEDULE_SECTIONS.search(sec.title or "")))


def test_walk_and_flat_sections_keep_the_depth_first_order():
    tree = _tree()
    assert [(s.id, f) for s, f in rules._walk(tree)] == [(s.id, f) for s, f in _plain_walk(tree)]
    assert [s.id for s in fields.all_sections(tree)] == [s.id for s, _ in iter_sections(tree)]


def test_stage_title_needs_jie_duan():
    # _stage skips STAGE_TITLE (and the line split) on a title without 阶段 outside a schedule
    assert required_literals(rules.STAGE_TITLE) == frozenset({"阶段"})


def test_phases_of_a_tree():
    phases = rules.find_phases(_tree())
    assert [(p.name, p.section_id, p.start.month if p.start else None) for p in phases] == [
        ("动员部署阶段", "s1.1", 3), ("集中整治", "s1.2", 4), ("总结提升阶段", "s1.3", 6), ("动员", "s2.2", 8)]


HANZI_ALPHABET = "中文人和及\n 12a，、。"


@pytest.mark.parametrize("text", ["", "中", "中文", "a中1文", "中\n文", "一二三四五六", "一二三四五六七", "一a二b三c四d五e六f七", "和及与"])
def test_hanzi_count_patterns_match_findall(text):
    import re

    from fangan.extract import targets

    count = len(re.findall(r"[\u4e00-\u9fff]", text))
    assert bool(targets._TWO_HANZI.search(text)) == (count >= 2)
    assert bool(targets._SEVEN_HANZI.search(text)) == (count > 6)
    for pos in range(len(text) + 1):
        assert bool(targets._SEVEN_HANZI.search(text, pos)) == (len(re.findall(r"[\u4e00-\u9fff]", text[pos:])) > 6)


def test_hanzi_count_patterns_on_generated_strings():
    import re

    from hypothesis import given, settings, strategies as st

    from fangan.extract import targets

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=HANZI_ALPHABET, max_size=20))
    def check(text):
        count = len(re.findall(r"[\u4e00-\u9fff]", text))
        assert bool(targets._TWO_HANZI.search(text)) == (count >= 2)
        assert bool(targets._SEVEN_HANZI.search(text)) == (count > 6)

    check()


PHASE_TEXTS = [
    "2024年5月—6月为动员部署阶段；7月为整改落实阶段。",
    "第一阶段为3月16日至4月15日，第二阶段：5月1日至5月30日\n",
    "一、工作安排\n动员部署阶段（3月1日-3月15日），集中整治阶段：4月。\n第三阶段 自6月起",
    "2024年\n5月为 准备阶段", "5月为分两个阶段", "为期三个月，分阶段推进", "",
]


def _phases(text):
    return [(a, p.model_dump()) for a, p in rules.find_sentence_phases(text)]


@pytest.mark.parametrize("text", PHASE_TEXTS + _texts())
def test_sentence_phase_gates_match_plain(text, monkeypatch):
    gated_result = _phases(text)
    monkeypatch.setattr(rules, "_PHASE_SENTENCE_NEEDS", (None, None, None))
    assert gated_result == _phases(text)


def test_sentence_phases_found():
    assert [p["name"] for _, p in _phases(PHASE_TEXTS[0])] == ["动员部署阶段", "整改落实阶段"]
    assert [p["name"] for _, p in _phases(PHASE_TEXTS[1])] == ["第一阶段", "第二阶段"]


def test_sentence_phase_gates_on_generated_text():
    from hypothesis import given, settings, strategies as st

    pieces = st.sampled_from(["为", "阶段", "第", "一", "二", "月", "3", "12", "2024年", "至", "，", "。", "：", "（", "）",
                              "\n", " ", "动员", "部署", "个", "日", "是", "自"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=24).map("".join))
    def check(text):
        gated_result = _phases(text)
        saved = rules._PHASE_SENTENCE_NEEDS
        rules._PHASE_SENTENCE_NEEDS = (None, None, None)
        try:
            assert gated_result == _phases(text)
        finally:
            rules._PHASE_SENTENCE_NEEDS = saved

    check()


def _plain_lines(text):
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


@pytest.mark.parametrize("text", _texts() + ["", "\n\n", "a\nb", "\n".join(str(i) for i in range(13)),
                                             "\n".join(str(i) for i in range(14)), "\n \n".join("行%d" % i for i in range(40))])
def test_edge_lines_are_what_metadata_reads_of_all_lines(text):
    full, edge = _plain_lines(text), fields._edge_lines(text)
    if len(full) <= 13:
        assert edge == full
    else:
        assert edge == full[:6] + full[-7:]


def test_edge_lines_on_generated_text():
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(["", " ", "甲", "乙 ", "\t丙"]), max_size=30).map("\n".join))
    def check(text):
        full, edge = _plain_lines(text), fields._edge_lines(text)
        assert edge == (full if len(full) <= 13 else full[:6] + full[-7:])

    check()


@pytest.mark.parametrize("text", ["2024-05-01前完成", "2024/5/1前", "5.20前报送", "6月底前完成", "2025年完成", "下半年完成",
                                  "年底前", "20240501前", "19日前", "三日内完成", "前期完成", "每月5日前报送"])
def test_may_date_holds_wherever_point_matches(text):
    if rules.POINT.search(text):
        assert rules._may_date(text)


def test_may_date_on_generated_text():
    from hypothesis import given, settings, strategies as st

    pieces = st.sampled_from(["19", "20", "24", "1", "5", "0", "月", "年", "日", "号", ".", "-", "/", "底", "上半", "前", "完成",
                              "之前", "截止日期：", " ", "一", "十", "〇", "X", "度", "份", "旬", "上"])

    @settings(max_examples=600, deadline=None)
    @given(st.lists(pieces, max_size=16).map("".join))
    def check(text):
        if rules.POINT.search(text):
            assert rules._may_date(text)

    check()


def test_deadlines_still_found_behind_the_date_gate():
    found = [d.due.model_dump(exclude={"raw"}) for _, _, d in rules.find_deadlines("各单位于2024年6月30日前完成自查。请于5.20前报送材料。")]
    assert [(d["year"], d["month"], d["day"]) for d in found] == [(2024, 6, 30), (None, 5, 20)]


def _plain_quantity_patterns():
    """_QUANTITY and _RANGE without the lookaheads before their units."""
    import re

    from fangan.extract import targets as t

    return (re.compile(t._QUANTITY.pattern.replace(t._ANY_UNIT_AHEAD, "")),
            re.compile(t._RANGE.pattern.replace(t._UNIT_AHEAD, "").replace(t._ANY_UNIT_AHEAD, "")))


QUANTITY_TEXTS = ["建成17座垃圾转运站，覆盖率达到95%以上", "1—2个", "80%—90%", "12—17 周岁", "表 9-1", "3.1 家庭", "2020-2022年",
                  "5 米", "5\n米", "每人限报1门", "20 3、15年", "24-48小时后", "不少于本单位执法人员总数的5%", "1/2"]


@pytest.mark.parametrize("text", QUANTITY_TEXTS + _texts())
def test_unit_lookaheads_keep_the_matches(text):
    from fangan.extract import targets as t

    plain_q, plain_r = _plain_quantity_patterns()
    assert plain_q.pattern != t._QUANTITY.pattern and plain_r.pattern != t._RANGE.pattern
    for fast, plain in ((t._QUANTITY, plain_q), (t._RANGE, plain_r)):
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


def test_unit_lookaheads_on_generated_text():
    from hypothesis import given, settings, strategies as st

    from fangan.extract import targets as t

    plain_q, plain_r = _plain_quantity_patterns()
    pieces = st.sampled_from(["1", "20", "3.5", ".", " ", "\u3000", "\n", "个", "个月", "%", "％", "周岁", "岁", "万元", "平方米", "/",
                              "人", "—", "-", "至", "到", "~", "以上", "以内", "左右", "的", "建成", "、", "年", "米"])

    @settings(max_examples=500, deadline=None)
    @given(st.lists(pieces, max_size=16).map("".join))
    def check(text):
        for fast, plain in ((t._QUANTITY, plain_q), (t._RANGE, plain_r)):
            assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]

    check()


@pytest.mark.parametrize("text", _texts() + ["总体目标：到2025年，建成10个。\n工作目标是:提高\n目标\n发展目标为：", "主要目标：", "无"])
def test_goal_labels_on_the_lines_that_say_mu_biao(text):
    from fangan.lexicon.quantities import GOAL_LABEL

    assert all("目标" in w for w in required_literals(GOAL_LABEL))
    index = fields.SectionIndex(text, [])
    plain = [(m.end(), text.find("\n", m.end()) if text.find("\n", m.end()) >= 0 else len(text)) for m in GOAL_LABEL.finditer(text)]
    assert fields._goal_spans(text, index, []) == plain
