"""Extraction shortcuts of the sixth speed pass (a plan read line by line, each line's answers remembered), each
checked against the plain path it replaces: the same items on fixtures, dev texts and generated strings."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fangan.extract import lines as L
from fangan.extract import targets as T

from plan_texts import sample_plan_texts

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


TEXTS = sample_plan_texts()
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
    L.forget()
    for text in texts + ["\n".join(texts), "\n".join(reversed(texts))]:  # lines met again in other plans
        assert T._quantities(text) == _plain_quantities(text)


def test_quantities_of_fixtures_line_by_line_are_the_whole_texts():
    L.forget()
    for text in TEXTS + TEXTS[::-1]:
        assert T._quantities(text) == _plain_quantities(text)
    assert any(r.quantities for r in L.MEMO.entries.values())


def test_lines_without_a_quantity_are_remembered_too():
    L.forget()
    T._quantities("一、总体要求\n建成5座示范点\n5—6人\n")
    assert L.MEMO["一、总体要求"].quantities == (False, ()) and L.MEMO[""].quantities == (False, ())
    assert len(L.MEMO["建成5座示范点"].quantities[1]) == 1 and L.MEMO["5—6人"].quantities == (True, ())


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
    L.forget()
    assert _ranges_in_windows(text) == _ranges(text)
    assert _ranges_in_windows(text) == _ranges(text)  # (its lines remembered)


def test_ranges_of_fixtures_found_in_the_stretches_are_the_whole_texts():
    L.forget()
    for text in TEXTS:
        assert _ranges_in_windows(text) == _ranges(text)


@pytest.mark.parametrize("text", ["建成5\n—6个", "建成5—\n\n6个", "建成5—6个"])
def test_a_range_across_a_line_break_is_found(text):
    assert len(_ranges_in_windows(text)) == 1


def test_dash_characters_are_the_patterns():
    assert T._literal_chars(T.RANGE_DASH) == set(T._DASH_CHARS)
    assert T._RANGE_HINT.search("到\u3000") and T._RANGE_HINT.search("－ 3") and not T._RANGE_HINT.search("–x")


# --- parties: a plan read line by line, a line outside a duty section remembered -------------------------------

from fangan.extract import parties as P  # noqa: E402


def _plain_parties(text):
    """find_parties as the fifth pass had it: the text searched whole for the lines a rule can read."""
    lines, pos, candidates = text.split("\n"), 0, {}
    starts = []
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    for rx in (P._party_words(), P._ASSIGNED_AT):
        for m in rx.finditer(text):
            i = text.count("\n", 0, m.start())
            candidates[starts[i]] = (starts[i] + len(lines[i]), False)
    for m in P._PAREN.finditer(text):
        i = text.count("\n", 0, m.start())
        if P._after_a_sentence(lines[i], m.start() - starts[i]):
            candidates.setdefault(starts[i], (starts[i] + len(lines[i]), False))
    dm = P.DUTY_SECTIONS.search(text)
    if dm:
        first = text.count("\n", 0, dm.start())
        for i, duty in enumerate(P._duty_lines(lines, first)):
            if duty:
                candidates[starts[i]] = (starts[i] + len(lines[i]), True)
    found = []
    for pos in sorted(candidates):
        end, duty = candidates[pos]
        found += [(pos + a, pos + b, name, role, raw.strip()[:200]) for a, b, name, role, raw in P._line_parties(text[pos:end], duty)]
    found.sort(key=lambda f: f[0])
    return found


def _parties(text):
    return [(a, b, p.name, p.role, p.raw) for a, b, p in P.find_parties(text)]


PARTY_PIECES = sorted(set(P.PARTY_WORDS))[:40] + [
    "由", "对", "组织", "在", "由县公安局\n对", "与", "为", "县公安局", "区教育局", "等部门", "负责", "（", "）", "(", ")", "。", "；",
    "，", "、", "：", " ", "\n", "\n", "任务分工", "二、", "（一）", "1.", "开展检查", "领导小组", "办公室", "设在", "成立"]


@FAST
@given(st.lists(st.lists(st.sampled_from(PARTY_PIECES), max_size=25).map("".join), min_size=1, max_size=4))
@example(["由县公安局\n对各单位进行督查。", "由县公安局对各单位进行督查。"])
@example(["把好检疫关。（区经济发展局农业处）\n（县教育局、县统计局）", "开展检查（县公安局）"])
def test_parties_line_by_line_are_the_whole_texts(texts):
    L.forget()
    for text in texts + ["\n".join(texts)]:  # lines met again in other plans, in and out of duty sections
        assert _parties(text) == _plain_parties(text)


def test_parties_of_fixtures_line_by_line_are_the_whole_texts():
    L.forget()
    for text in TEXTS + TEXTS[::-1]:
        assert _parties(text) == _plain_parties(text)
    assert {r.parties for r in L.MEMO.entries.values()} > {()}


def test_a_duty_sections_line_is_not_read_as_a_plain_one():
    L.forget()
    line = "县公安局要加强巡查。"
    assert _parties(line) == []
    duty = f"三、任务分工\n{line}"
    assert [(name, role) for _, _, name, role, _ in _parties(duty)] == [("县公安局", "任务分工")]
    assert _parties(line) == []  # (and the plain reading it remembered stays)


# --- the memo: bounded in lines and characters --------------------------------------------------------------

def test_line_memo_keeps_its_bounds_and_its_recent_lines():
    from fangan.line_cache import LineMemo

    memo = LineMemo(max_lines=3, max_chars=10, max_line=5)
    memo.put("123456", 1)  # too long: not kept
    assert "123456" not in memo and len(memo) == 0
    for line in ("a", "bb", "ccc"):
        memo.put(line, line)
    assert memo.get("a") == "a"  # now the most recent
    memo.put("dddd", 4)  # 10 characters: "bb" (least recent) leaves
    assert "bb" not in memo and [*memo.entries] == ["ccc", "a", "dddd"] and memo.chars == 8
    memo.put("eeee", 5)  # 12 characters: "ccc" leaves
    assert [*memo.entries] == ["a", "dddd", "eeee"] and memo.chars == 9
    memo.put("a", "again")
    assert memo["a"] == "again" and memo.chars == 9 and [*memo.entries][-1] == "a"
    memo.put("x", None)  # None means "not known": never kept
    assert "x" not in memo
    memo.clear()
    assert len(memo) == 0 and memo.chars == 0


# --- one split and one look-up per line, shared by the finders and the section index ---------------------------

def test_plan_lines_are_the_split_its_starts_and_one_record_per_distinct_line():
    L.forget()
    text = "一、总体要求\n建成5座示范点\n\n建成5座示范点\n" + "长" * 1200 + "\n" + "长" * 1200
    lines, starts, records = L.plan_lines(text)
    assert lines == text.split("\n") and starts == [0, 7, 15, 16, 24, 1225]
    assert all(text[s:s + len(ln)] == ln and (s + len(ln) == len(text) or text[s + len(ln)] == "\n") for ln, s in zip(lines, starts))
    assert records[1] is records[3] and records[4] is not records[5]  # a long line is not kept: a record per use
    assert L.plan_lines(text) is L.plan_lines(text)  # the same text again: the same split
    assert L.plan_lines(text[:-1] + "长")[2] is not records  # an equal text, another object: split anew
    assert len(L.MEMO) == 3 and "长" * 1200 not in L.MEMO


def test_finders_sharing_the_lines_find_what_each_finds_alone():
    from fangan.extract import rules as R

    def found(text):
        return ([(a, b, t.model_dump()) for a, b, t in T.find_targets(text)],
                [(a, b, d.model_dump()) for a, b, d in R.find_deadlines(text)], _parties(text))

    alone = []
    for text in TEXTS[:30]:
        L.forget()
        alone.append(found(text))
    L.forget()
    for _ in range(2):  # every plan's lines met before, in other plans, and read by the other finders first
        for text, expected in zip(TEXTS[:30], alone):
            assert found(text) == expected
            assert (list(R.find_deadlines(text)), _parties(text)) and found(text) == expected


def test_threads_keep_their_own_last_split():
    import threading

    a, b = "甲\n建成5座", "乙\n建成6座\n丙"
    mine = L.plan_lines(a)
    theirs = []
    worker = threading.Thread(target=lambda: theirs.append((L.plan_lines(b), L.plan_lines(b))))
    worker.start()
    worker.join()
    assert theirs[0][0] is theirs[0][1] and theirs[0][0][0] == b.split("\n")
    assert L.plan_lines(a) is mine


# --- phases: an untitled section that does not say 阶段 is not asked about -------------------------------------

def _plain_find_phases(sections):
    from fangan.extract import rules as R
    from fangan.model import Phase

    phases = []
    for sec, schedule in R._walk(sections):
        stage = R._stage(sec, schedule)
        if stage:
            name, rng, head = stage
            start, end, raw = rng if rng else (None, None, "")
            phases.append(Phase(name=name, order=len(phases) + 1, start=start, end=end, raw=raw or head[:80], section_id=sec.id))
    return phases


def test_phases_skipping_untitled_sections_are_the_plain_loops():
    from fangan.extract import rules as R
    from fangan.model import Section
    from fangan.structure import build_structure

    made_up = [Section(id=f"s{i}", marker="（一）", level=1, title="", text=f"（一）{head}\n正文")
               for i, head in enumerate(("组织实施阶段（4月1日至4月7日）全力做好", "动员部署（3月）", "准备阶段", "第一阶段（2024年3月）"))]
    trees = [build_structure(text).sections for text in TEXTS[:60]] + [made_up, [Section(
        id="s1", marker="一、", level=1, title="实施步骤", text="一、实施步骤", children=made_up)]]
    for tree in trees:
        assert [p.model_dump() for p in R.find_phases(tree)] == [p.model_dump() for p in _plain_find_phases(tree)]
    for sec, schedule in (pair for tree in trees for pair in R._walk(tree)):
        if not sec.title and "阶段" not in sec.text:
            assert R._stage(sec, True) is None and R._stage(sec, False) is None
    assert R.find_phases(made_up)  # (an untitled stage with its date is found)


# --- metadata: the document number only where a 号 stands; the issuer's pattern after its cheap condition -------

DOC_NUMBER_PIECES = ["县教发", "〔", "〕", "[", "]", "（", "）", "2024", "1999", "20", "5", "12", "号", "第", " ", "\n", "关于", "通知"]


@FAST
@given(st.lists(st.sampled_from(DOC_NUMBER_PIECES), max_size=40).map("".join), st.integers(0, 60))
@example("县教发〔2024〕5号", 11)
@example("县教发〔2024〕5号", 12)
def test_doc_number_is_the_plain_search_of_the_slice(s, end):
    from fangan.extract import fields as F

    def groups(m):
        return m and (m.group(0), m.group("year"))

    assert groups(F._doc_number(s, end)) == groups(F.DOC_NUMBER.search(s[:end]))
    assert groups(F._doc_number(s)) == groups(F.DOC_NUMBER.search(s))


def test_metadata_of_fixtures_is_the_plain_reading():
    from fangan.extract import Extraction, fields as F
    from fangan.model import Document, Source

    for text in TEXTS:
        lines = text.split("\n")
        doc = Document(id="d", source=Source(path="p", format="txt", sha256="0"), title=lines[0], text=text)
        ex = Extraction()
        F._metadata(doc, ex)
        m = F.DOC_NUMBER.search(text[:2000]) or F.DOC_NUMBER.search(doc.title)
        assert ex.doc_number == (m.group(0) if m else None)
        head = F._edge_lines(text)[:6]
        issuers = [ln for i, ln in enumerate(head) if F.ISSUER_LINE.match(ln) and (
            (i + 1 < len(head) and head[i + 1].startswith("关于")) or (i == 0 and doc.title.startswith("关于")))]
        if ex.issuer is not None and ex.date is None:
            assert ex.issuer == issuers[0]


# --- duty sections: a line's parties read once, its plain reading shared; its heading remembered ----------------

DUTY_LINES = [ln for text in TEXTS for ln in text.split("\n")] + [
    "县公安局要加强巡查。（县教育局负责）", "县公安局、县民政局等部门，联合检查。", "三、任务分工", "（一）职责分工", "1.县教育局：负责…"]


@pytest.mark.parametrize("duty", [False, True])
def test_a_lines_parties_from_its_plain_reading_are_every_rules(duty):
    for line in DUTY_LINES:
        plain, structural = P._plain_parts(line)
        assert (P._with_duty_subjects(line, plain, structural) if duty else plain) == P._line_parties(line, duty)


@FAST
@given(st.lists(st.sampled_from(PARTY_PIECES), max_size=25).map("".join))
def test_a_generated_lines_parties_from_its_plain_reading_are_every_rules(line):
    line = line.replace("\n", "")
    plain, structural = P._plain_parts(line)
    assert plain == P._line_parties(line, False)
    assert P._with_duty_subjects(line, plain, structural) == P._line_parties(line, True)


def test_duty_lines_with_remembered_headings_are_the_plain_ones():
    L.forget()
    for text in TEXTS + ["三、任务分工\n县公安局要加强巡查。\n四、保障措施\n县教育局要…\n（一）职责分工\n1.县民政局要…"]:
        lines = text.split("\n")
        for first in {0, len(lines) // 2}:
            records = L.plan_lines(text)[2]
            assert P._duty_lines(lines, first, records) == P._duty_lines(lines, first)
            assert P._duty_lines(lines, first, records) == P._duty_lines(lines, first)  # (headings remembered)


# --- the section index: a goal section's body found by bisection ----------------------------------------------

def _plain_body_span(index, sid):
    i = index.heading_line.get(sid)
    if i is None:
        return None
    later = [j for j in index.next_heading if j > i]
    end_line = later[0] if later else len(index.lines)
    return index.starts[i], index.starts[end_line] - 1 if end_line < len(index.lines) else len("\n".join(index.lines))


def test_body_spans_are_the_plain_ones():
    from fangan.extract import fields as F
    from fangan.structure import build_structure

    made_up = "\n".join(f"{'一二三四五六七八九'[i]}、目标{i}\n正文{i}。\n" for i in range(9)) + "结尾"
    for text in TEXTS[:60] + [made_up, made_up + "\n", "一、目标\n"]:
        st = build_structure(text)
        L.forget()
        index = F.SectionIndex(st.text, st.sections, st.section_lines)
        for sec in F.all_sections(st.sections):
            assert index.body_span(sec.id) == _plain_body_span(index, sec.id)


# --- targets: a quantity inside a range taken, found by one walk along both ------------------------------------

def _targets_of(found):
    return [(a, b, t.model_dump()) for a, b, t in found]


RANGE_PIECES = ["12至17周岁", "8-10分", "前6-10名", "24-48小时后", "1—2个", "建成3个", "5个", "达到95%", "，", "。", "\n", "优秀",
                "获全省", "年龄", "至", "20", "30人", "3个—5个", "8分-10分", "建成", "覆盖率达到3%—5%", "建成示范点3个至5个"]


@FAST
@given(st.lists(st.sampled_from(RANGE_PIECES), max_size=40).map("".join))
@example("年龄12至17周岁，优秀8-10分，建成3个，获全省前6-10名，12至17周岁" * 3)
@example("建成3个—5个，年龄12至17周岁5个")
@example("覆盖率达到3%—5%，建成示范点3个至5个")
def test_quantities_inside_ranges_taken_are_skipped_as_the_plain_loop_does(text):
    from test_extract_line_gates import _plain_find_targets

    L.forget()
    assert _targets_of(T.find_targets(text)) == _targets_of(_plain_find_targets(text))
