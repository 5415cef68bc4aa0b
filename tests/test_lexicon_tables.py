"""One row per entry of the extraction vocabulary in fangan.lexicon: each entry, put in a plain sentence,
gives exactly the item it stands for. A new entry is tested the moment it is added."""
from __future__ import annotations

import pytest

from fangan.extract.dates import parse_range
from fangan.extract.rules import find_deadlines, find_parties, find_phases, find_targets
from fangan.lexicon import dates as D
from fangan.lexicon import quantities as Q
from fangan.lexicon import roles as R
from fangan.model import Section


@pytest.mark.parametrize("word,cmp", sorted(Q.COMPARATOR_WORDS.items()))
def test_comparator_word(word, cmp):
    (_, _, t), = find_targets(f"年度检查覆盖率{word}95%。")
    assert (t.comparator, t.value, t.unit) == (cmp, 95, "%")


@pytest.mark.parametrize("suffix,cmp", sorted(Q.SUFFIX_COMPARATORS.items()))
def test_suffix_comparator(suffix, cmp):
    (_, _, t), = find_targets(f"年度检查覆盖率达到95%{suffix}。")
    assert (t.comparator, t.value, t.unit) == (cmp, 95, "%")


@pytest.mark.parametrize("unit", Q.UNITS)
def test_unit_by_longest_match(unit):
    (_, _, t), = find_targets(f"培训规模不少于12{unit}。")
    assert (t.comparator, t.value, t.unit) == (">=", 12, unit.replace("％", "%"))  # one spelling of percent


@pytest.mark.parametrize("word", Q.NOT_UNITS)
def test_not_units(word):
    assert list(find_targets(f"全体学生12{word}。")) == []


@pytest.mark.parametrize("label", R.ROLE_LABELS)
def test_role_label(label):
    assert [(p.name, p.role) for _, _, p in find_parties(f"{label}：县教育局、县卫生健康局")] == [
        ("县教育局", label), ("县卫生健康局", label)]


@pytest.mark.parametrize("verb", R.RESPONSIBILITY_VERBS)
def test_responsibility_verb_in_a_role_parenthetical(verb):
    assert [(p.name, p.role) for _, _, p in find_parties(f"完成统计工作。（县教育局、县统计局{verb}）")] == [
        ("县教育局", verb), ("县统计局", verb)]


@pytest.mark.parametrize("verb", [v for v in R.RESPONSIBILITY_VERBS if v not in R.PAREN_ONLY_VERBS])
def test_responsibility_verb_after_a_subject(verb):
    assert [(p.name, p.role) for _, _, p in find_parties(f"县教育局{verb}，各学校配合。")][:1] == [("县教育局", verb)]


@pytest.mark.parametrize("group", R.GROUP_WORDS)
def test_group_word_set_up(group):
    assert [(p.name, p.role) for _, _, p in find_parties(f"成立县安全生产{group}，统筹推进。")] == [(f"县安全生产{group}", "成立")]


def _due(text):
    return [((d.due.month, d.due.day), d.action) for _, _, d in find_deadlines(text)]


@pytest.mark.parametrize("word", D.DEADLINE_AFTER)
def test_deadline_word_after(word):
    assert _due(f"各单位于5月20日{word}报送总结。") == [((5, 20), "报送总结")]


@pytest.mark.parametrize("word", D.BEFORE_DEADLINE_WORD)
def test_words_between_date_and_deadline_word(word):
    assert _due(f"各单位于5月20日{word}前报送总结。") == [((5, 20), "报送总结")]


@pytest.mark.parametrize("word", D.DEADLINE_BEFORE)
def test_deadline_word_before(word):
    assert _due(f"{word}5月20日，各单位报送总结。") == [((5, 20), "各单位报送总结")]


@pytest.mark.parametrize("label", D.DEADLINE_LABELS)
def test_deadline_label(label):
    assert [d.due.day for _, _, d in find_deadlines(f"{label}：5月20日前")] == [20]


@pytest.mark.parametrize("modal", D.DEADLINE_MODALS)
@pytest.mark.parametrize("done", D.COMPLETION_WORDS)
def test_modal_and_completion(modal, done):
    assert [(d.due.month, d.due.day) for _, _, d in find_deadlines(f"5月20日{modal}全部{done}。")] == [(5, 20)]


@pytest.mark.parametrize("word", D.NOT_DEADLINE_BEFORE)
def test_not_deadline_before(word):
    assert _due(f"{word}12月前完成检查。") == []


@pytest.mark.parametrize("part,value", sorted(D.MONTH_PARTS.items()))
def test_month_part(part, value):
    s, e, _ = parse_range(f"6月{part}")
    assert (s.month, s.part) == (6, value) and (e.month, e.part) == (6, value)


@pytest.mark.parametrize("word,point", sorted(D.YEAR_PARTS.items()))
def test_year_part(word, point):
    m = __import__("fangan.extract.dates", fromlist=["POINT"]).POINT.search(word)
    d = __import__("fangan.extract.dates", fromlist=["point_from_match"]).point_from_match(m)
    assert (d.month, d.part) == point


@pytest.mark.parametrize("sep", D.RANGE_SEPARATORS)
def test_range_separator(sep):
    s, e, _ = parse_range(f"3月10日{sep}4月20日")
    assert (s.month, s.day, e.month, e.day) == (3, 10, 4, 20)


@pytest.mark.parametrize("word", D.OPEN_END)
def test_open_end(word):
    s, e, _ = parse_range(f"4月4日{word}")
    assert (s.month, s.day, e) == (4, 4, None)


@pytest.mark.parametrize("period,name", sorted(D.RECURRING_PERIODS.items()))
def test_recurring_period(period, name):
    assert [d.recurring for _, _, d in find_deadlines(f"每{period}末前报送工作总结。")] == [name]


@pytest.mark.parametrize("step", D.STEP_WORDS)
def test_step_word_under_a_schedule(step):
    child = Section(id="s1.1", marker="（一）", level=2, title=step, text=f"（一）{step}。5月1日至5月20日，开展工作。")
    tree = [Section(id="s1", marker="三、", level=1, title="工作步骤", text="三、工作步骤", children=[child])]
    assert [(p.name, p.start.day, p.end.day) for p in find_phases(tree)] == [(step, 1, 20)]
