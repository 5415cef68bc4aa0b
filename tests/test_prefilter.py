"""The prefilters in front of expensive patterns change no match: `gated(rx)` finds what `rx` finds."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from fangan.gates import first_class, gated
from fangan.extract import dates, rules, targets


def test_first_class_reads_literals_classes_branches_and_optional_parts():
    assert first_class(r"(?<![\d.])(?:19|20)\d{2}年") == "[12]"
    assert first_class(r"(?:年)?\s*月") == "[年\\s月]"  # an optional part lets the next one begin the match
    assert first_class(r"第[一二]阶段|上半年") == "[第上]"
    assert first_class(r"(?:^|(?<=[，。]))第") == "[第]"  # anchors and lookarounds consume nothing


def test_first_class_gives_up_where_a_match_may_begin_anywhere():
    assert first_class(r"[^，。]{2,6}为目标") is None  # a negated class
    assert first_class(r".阶段") is None
    assert first_class(r"\d*") is None  # may match the empty string
    assert first_class(r"(?i:a)b") is None  # scoped flags: left alone


def test_gated_keeps_groups_and_returns_unboundable_patterns_unchanged():
    rx = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月")
    g = gated(rx)
    m = g.search("于2024年5月前")
    assert (m.span(), m.group("y"), m.group("m"), m.re.groups) == ((1, 8), "2024", "5", 2)
    loose = re.compile(r"[^，]{2}为目标")
    assert gated(loose) is loose
    flagged = re.compile(r"(?i)x\d")
    assert gated(flagged) is flagged


def test_gated_leaves_alone_what_re_already_scans_quickly_and_what_it_gated():
    for fast in (r"(?:负责|牵头)", r"[，。]x", r"负责\d", r"^\d年"):
        rx = re.compile(fast)
        assert gated(rx) is rx
    once = gated(re.compile(r"(?:任务|职责)分工|责任分工"))
    assert once.pattern.startswith("(?=[") and gated(once) is once


_ALPHABET = "0123456789年月日号底末初上下半旬中前至到—-~.、，。；：:（）()\n 一二三四五六七八九十〇第阶段为个%人次分元X*"
GATED = [dates.POINT, dates.MONTH_RANGE, *rules.PHASE_SENTENCE]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_gated_patterns_find_what_the_plain_patterns_find(text):
    for rx in GATED:
        plain = re.compile(rx.pattern[rx.pattern.index("(?:") + 3:-1] if rx.pattern.startswith("(?=") else rx.pattern, rx.flags)
        assert [(m.span(), m.groupdict()) for m in rx.finditer(text)] == [(m.span(), m.groupdict()) for m in plain.finditer(text)]


_PHASE_ALPHABET = "阶段第一二月日至为：:，。；（）()\n 0123456789准备动员部署个年份"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["准备阶段", "第一阶段", "阶段", "3月", "5月10日", "2024年", "至", "（", "）", "，", "：", "。", "\n", " ", "为"])
                | st.text(alphabet=_PHASE_ALPHABET, max_size=8), max_size=16))
def test_stage_clauses_are_found_where_the_plain_search_finds_them(pieces):
    text = "".join(pieces)
    rx = rules.PHASE_SENTENCE[1]
    assert [m.span() for m in rules._after_a_break(rx, text)] == [m.span() for m in rx.finditer(text)]


def test_a_stage_clause_whose_date_runs_past_the_line_still_bars_what_it_covers():
    text = "准备阶段：3月\n至5月，动员阶段：6月）"
    rx = rules.PHASE_SENTENCE[1]
    assert [m.group(0) for m in rules._after_a_break(rx, text)] == [m.group(0) for m in rx.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["全覆盖", "为目标", "实现", "服务", "，", "。", "\n", "、", "100%", "达到"]), max_size=20))
def test_line_limited_searches_find_what_the_whole_text_search_finds(pieces):
    text = "".join(pieces)
    plain = re.compile(rf"(?P<ind>[^{targets._PIECE_END}]{{2,16}}?)全覆盖(?=[{targets._CLAUSE_END}]|$)")
    assert [(a, b) for a, b, _ in targets._full_coverage(text)] == [
        m.span() for m in plain.finditer(text) if len(targets._LEAD.sub("", m.group("ind")).strip()) >= 2]
    assert [(a, b) for a, b, _ in rules.find_goal_statements(text, [])] == [m.span() for m in rules.AS_GOAL.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["5月10日前", "截止", "完成", "每月", "报送", "。", "；", ";", "！", "？", "\n", "，", " ", "前", "。。", "工作"]),
                max_size=24))
def test_deadline_sentences_are_the_sentences_that_hold_a_deadline_word(pieces):
    text = "".join(pieces)
    assert list(rules._deadline_sentences(text)) == [s for s in rules.sentences(text) if rules._DEADLINE_WORD.search(s[2])]


_TARGET_ALPHABET = "0123456789.-—/\\、，。 年月个人%分钟以上至到~万元米第" 


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_TARGET_ALPHABET, max_size=40))
def test_quantity_patterns_that_open_with_a_digit_match_as_the_lookbehind_forms(text):
    from fangan.lexicon.quantities import NUMBER
    q = targets._QUANTITY.pattern.replace(targets._QUANTITY_NUMBER, rf"(?<![\d.\-—/\\])(?<!\d、)(?P<num>{NUMBER})")
    r = targets._RANGE.pattern.replace(targets._RANGE_LOW, rf"(?<![\d.\-—/])(?P<lo>{NUMBER})")
    for new, old in ((targets._QUANTITY, q), (targets._RANGE, r)):
        assert old != new.pattern
        assert [(m.span(), m.groupdict()) for m in new.finditer(text)] == [(m.span(), m.groupdict()) for m in re.finditer(old, text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="，。；：\n达到95%以上目标", min_size=1, max_size=40), st.data())
def test_a_targets_clause_is_cut_as_the_whole_text_searches_cut_it(text, data):
    from fangan.extract.fields import _clause_around
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a, len(text)))
    c0 = max(text.rfind(ch, 0, a) for ch in "，。；：\n") + 1
    ends = [e for e in (text.find(ch, b) for ch in "，。；\n") if e >= 0]
    assert _clause_around(text, a, b) == (c0, min(ends) if ends else len(text))


def test_a_targets_clause_reaches_back_past_a_long_run_without_breaks():
    from fangan.extract.fields import _clause_around
    text = "前言，" + "达" * 300 + "95%以上" + "标" * 300
    a = text.index("95")
    assert _clause_around(text, a, a + 5) == (3, len(text))
    assert _clause_around("达" * 300 + "95%", 300, 303) == (0, 303)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="。；;！!， \u3000\t区局（）负责", max_size=20), st.data())
def test_a_bracket_after_a_finished_sentence_is_told_by_reading_back_over_spaces(sent, data):
    from fangan.extract.parties import _after_a_sentence
    at = data.draw(st.integers(0, len(sent)))
    before = sent[:at].rstrip()
    assert _after_a_sentence(sent, at) == (not before or before[-1] in "。；;！!")


def test_sentence_stages_keep_the_first_stage_that_covers_a_place():
    text = "准备阶段（3月1日至3月10日）；2024年5月—6月为动员部署阶段；第一阶段为3月16日至4月15日"
    assert [p.name for _, p in rules.find_sentence_phases(text)] == ["准备阶段", "动员部署阶段", "第一阶段"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)), max_size=30), st.lists(st.integers(0, 90), max_size=30))
def test_the_goal_that_holds_a_target_is_the_first_one_a_scan_finds(spans, offsets):
    from fangan.extract.fields import _Spans
    from fangan.model import Goal
    goals = {(a, a + n): Goal(text=f"{a}-{a + n}") for a, n in spans}
    index = _Spans()
    for (a, b), g in goals.items():
        index.add(a, b, g)
    for x in offsets:
        expected = next((g for (ga, gb), g in goals.items() if ga <= x < gb), None)
        assert index.first_holding(x) is expected
        if expected is None:  # a target's own clause joins the goals, last
            goals[(x, x + 3)] = g = Goal(text=f"{x}")
            index.add(x, x + 3, g)


def test_a_line_too_long_to_keep_names_the_parties_a_short_one_names():
    from fangan.extract.parties import _CACHED_LINE_CHARS, find_parties
    short = "完成统计工作。（县教育局、县统计局负责）"
    long = "开展工作。" * (_CACHED_LINE_CHARS // 5 + 1) + short
    assert len(long) > _CACHED_LINE_CHARS
    assert [(p.name, p.role) for _, _, p in find_parties(long)] == [(p.name, p.role) for _, _, p in find_parties(short)] == [
        ("县教育局", "负责"), ("县统计局", "负责")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab阶段\n ", max_size=40), st.sampled_from(["阶段", "a", "ab", "段"]))
def test_lines_with_lines_matching_and_lines_hit_give_the_lines_that_hold_a_hit(text, word):
    import re

    from fangan.gates import lines_hit, lines_matching, lines_with

    offsets, pos = [], 0
    for line in text.split("\n"):
        offsets.append((pos, pos + len(line), line))
        pos += len(line) + 1
    assert list(lines_with(text, word)) == [(a, b) for a, b, line in offsets if word in line]
    assert list(lines_matching(re.compile(re.escape(word)), text)) == [(a, b) for a, b, line in offsets if word in line]
    assert lines_hit(re.compile(re.escape(word)), text) == [i for i, (_, _, line) in enumerate(offsets) if word in line]
