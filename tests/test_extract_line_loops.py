"""Extraction shortcuts of the seventh speed pass, each checked against the plain path it replaces: a plan's split
made at C level (starts, records, the memo's new lines), and the finders visiting only the lines whose record is
not known to give them nothing."""
from __future__ import annotations

import random
from collections import OrderedDict
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fangan.extract import lines as L
from fangan.extract import parties as P
from fangan.extract import rules as R
from fangan.extract import targets as T
from fangan.line_cache import LineMemo

from plan_texts import sample_plan_texts

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


TEXTS = sample_plan_texts()
LINES = ["", " ", "一、总体要求", "建成5座示范点", "到2025年底，覆盖率达到95%以上", "由县教育局负责", "各部门职责分工",
         "（一）职责分工", "1.县卫健局：负责全县督导", "6月30日前完成自查", "长" * 1001, "5—", "6人", "每月5日前报送"]
GENERATED = st.lists(st.sampled_from(LINES), max_size=20).map("\n".join)


def _plain_plan_lines(text: str, memo: LineMemo):
    """The loop plan_lines replaced: a running offset, and each line looked up (or put) in the memo in turn."""
    lines = text.split("\n")
    starts, records, pos = [], [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
        record = memo.get(line)
        if record is None:
            record = L.Line()
            memo.put(line, record)
        records.append(record)
    return lines, starts, records


@FAST
@given(st.lists(GENERATED, min_size=1, max_size=5))
@example(["建成5座示范点\n建成5座示范点\n" + "长" * 1001 + "\n" + "长" * 1001])
def test_plan_lines_are_the_loops_split(texts):
    L.forget()
    plain = LineMemo(max_lines=L.MEMO.max_lines, max_chars=L.MEMO.max_chars, max_line=L.MEMO.max_line)
    for text in texts + ["\n".join(texts)]:
        lines, starts, records = L.plan_lines(text)
        p_lines, p_starts, p_records = _plain_plan_lines(text, plain)
        assert lines == p_lines and starts == p_starts
        # the same sharing of records: one per distinct kept line, one per use of a long line
        assert [records.index(r) for r in records] == [p_records.index(r) for r in p_records]
        assert set(L.MEMO.entries) == set(plain.entries) and L.MEMO.chars == plain.chars
        assert all(L.MEMO.entries[ln] is r for ln, r in zip(lines, records) if ln in L.MEMO)


def test_plan_lines_keep_the_memos_bounds():
    L.forget()
    small = LineMemo(max_lines=4, max_chars=30, max_line=10)
    old, L.MEMO = L.MEMO, small
    try:
        for n in range(30):
            L.plan_lines("\n".join(f"第{i}行" for i in range(n, n + 6)))
            assert len(small) <= 4 and small.chars <= 30 and small.chars == sum(map(len, small.entries))
    finally:
        L.MEMO = old
        L.forget()


def test_put_many_is_put_in_turn():
    rng = random.Random(7)
    for _ in range(200):
        a, b = LineMemo(max_lines=5, max_chars=20, max_line=6), LineMemo(max_lines=5, max_chars=20, max_line=6)
        for _ in range(6):
            new = OrderedDict((w, object()) for w in ("".join(rng.choices("甲乙丙丁", k=rng.randint(0, 6))) for _ in range(rng.randint(0, 5)))
                              if w not in a.entries)
            for line, value in new.items():
                b.put(line, value)
            a.put_many(new)
            assert list(a.entries.items()) == list(b.entries.items()) and a.chars == b.chars


def test_to_read_is_the_filter_of_every_record():
    records = []
    for value in (None, (), ("x",), L.NO_QUANTITIES, (False, ()), (True, ()), None, ()):
        r = L.Line()
        r.deadlines = r.parties = r.quantities = value
        records.append(r)
    for field, nothing in (("deadlines", ()), ("parties", ()), ("quantities", L.NO_QUANTITIES)):
        assert list(L.to_read(records, field, nothing)) == [i for i, r in enumerate(records) if getattr(r, field) != nothing]


def _found(text):
    return ([(a, b, t.model_dump()) for a, b, t in T.find_targets(text)],
            [(a, b, d.model_dump()) for a, b, d in R.find_deadlines(text)],
            [(a, b, p.model_dump()) for a, b, p in P.find_parties(text)])


def _plain_deadlines(text):
    """Every line read for its deadlines, none passed over."""
    out, pos = [], 0
    for line in text.split("\n"):
        for a, b, item in (R._line_deadlines(line) if R._DEADLINE_WORD.search(line) else ()):
            out.append((pos + a, pos + b, item))
        pos += len(line) + 1
    return out


def test_finders_passing_over_known_lines_find_what_they_find_fresh():
    fresh = []
    for text in TEXTS:
        L.forget()
        fresh.append(_found(text))
    L.forget()
    for _ in range(2):  # every plan's lines met before (most records known to give nothing), in other plans too
        for text, expected in zip(TEXTS, fresh):
            assert _found(text) == expected
            assert [(a, b, d.model_dump()) for a, b, d in R.find_deadlines(text)] == _plain_deadlines(text)


@FAST
@given(st.lists(GENERATED, min_size=1, max_size=6))
def test_finders_on_generated_plans_with_repeated_lines(texts):
    fresh = []
    for text in texts:
        L.forget()
        fresh.append(_found(text))
    L.forget()
    for text, expected in zip(texts + texts, fresh + fresh):
        assert _found(text) == expected


# --- the first name of a duty section, looked for around 分工 and 职责 -------------------------------------------

DUTY_PIECES = ["任务", "职责", "工作", "处室", "部门", "分工", "责任", "分", "工", "职", "责", "任", "部", "\n", "。", "一、", "各"]


def test_every_duty_section_name_holds_a_key_near_its_start():
    from fangan.lexicon.roles import DUTY_SECTIONS

    names = {a + b for a in DUTY_PIECES[:7] for b in DUTY_PIECES[:7] if DUTY_SECTIONS.fullmatch(a + b)}
    assert len(names) == 8  # (任务|职责|工作|处室|部门)分工, 工作职责, 部门职责, 责任分工
    for name in names:
        assert len(name) == 4 and any(0 <= name.find(k) <= 2 for k in P._DUTY_KEYS)


@FAST
@given(st.lists(st.sampled_from(DUTY_PIECES), max_size=40).map("".join))
@example("部门职责分工")
@example("工作职责")
@example("职责任务分工")
def test_first_duty_section_is_the_patterns_first_match(text):
    from fangan.lexicon.roles import DUTY_SECTIONS

    m, plain = P._first_duty_section(text), DUTY_SECTIONS.search(text)
    assert (m and m.span()) == (plain and plain.span())


# --- what a list or a subject names, and a year, remembered ---------------------------------------------------

NAME_PIECES = ["县教育局", "县卫健局", "市场监管局", "和", "及", "与", "、", "，", "等", "部门", "有关", "单位", "由", "负责",
               "各乡镇", "“除火患、保平安”", "领导小组", "高兆霞", "社区干部", "3、", "国家发展", "改革委", "（", "）", "同时"]
NAMES = st.lists(st.sampled_from(NAME_PIECES), max_size=8).map("".join)


def _subjects_and_lists():
    found = set()
    for text in TEXTS:
        for line in text.split("\n"):
            for m in P._SUBJECT_VERB.finditer(line):
                found.add(m.group("subj"))
            for m in P._LABEL.finditer(line):
                found.add(m.group("list"))
    return sorted(found)


@FAST
@given(NAMES, st.booleans())
@example("县教育局、县卫健局和市场监管局等部门", False)
@example("区交建局住房发展处高兆霞", True)
def test_remembered_names_are_the_plain_reading(text, flag):
    plain_split = P._split_names.__wrapped__(text, flag)
    plain_subject = P._subject_names_of.__wrapped__(text, flag)
    for _ in range(2):  # read, then remembered
        names, whole = P.split_names(text, person_after=flag)
        assert (tuple(names), whole) == plain_split and type(names) is list
        assert P._subject_names(text, lenient=flag) == list(plain_subject)


def test_remembered_names_on_the_texts_subjects_and_lists():
    P._split_names.cache_clear()
    P._subject_names_of.cache_clear()
    for text in _subjects_and_lists():
        for flag in (False, True):
            expected = (P._split_names.__wrapped__(text, flag), P._subject_names_of.__wrapped__(text, flag))
            assert (P._split_names(text, flag), P._subject_names_of(text, flag)) == expected
    first = P.split_names("县教育局、县卫健局")[0]
    first.append("改")  # a caller's list is its own
    assert P.split_names("县教育局、县卫健局")[0] == ["县教育局", "县卫健局"]


@given(st.text(alphabet="0123456789〇一二三四五六七八九xX*年", max_size=7))
@example("2024")
@example("202*")
@example("二〇二三")
def test_remembered_years_are_the_plain_reading(raw):
    from fangan.extract import dates as D

    assert D._year(raw) == D._year(raw) == D._year_of.__wrapped__(raw) if raw else D._year(raw) is None


# --- fewer scans of the whole text ------------------------------------------------------------------------------

STAGE_PIECES = ["第一阶段", "准备阶段", "阶段", "为", "动员部署阶段", "2024年", "3月", "5月16日", "至", "—", "（", "）",
                "：", "，", "。", "；", "\n", "从", "开展", "分两个阶段"]


@FAST
@given(st.lists(st.sampled_from(STAGE_PIECES), max_size=30).map("".join))
@example("第一阶段为3月16日至4月15日\n2024年5月—6月为动员部署阶段。")
def test_stage_lines_found_once_are_the_ones_each_pattern_found(text):
    from fangan.gates import lines_with

    stage_lines = list(lines_with(text, "阶段"))
    for rx, need in zip(R.PHASE_SENTENCE, R._PHASE_SENTENCE_NEEDS):
        assert R._may_hold(need, text, stage_lines) == R._may_hold(need, text)
    rx = R.PHASE_SENTENCE[1]
    assert [m.span() for m in R._after_a_break(rx, text, stage_lines)] == [m.span() for m in R._after_a_break(rx, text)]


@FAST
@given(st.text(alphabet="县教育局人民政府各单位：:，。 \t", max_size=20))
@example("各乡镇人民政府：")
@example("县直各单位:")
def test_an_addressee_line_ends_in_a_colon(line):
    from fangan.lexicon.parts import COLONS, is_addressee_line

    ln = line.strip()
    if is_addressee_line(ln):
        assert ln[-1] in COLONS
