"""Extraction shortcuts of the fifth speed pass, each checked against the plain path it replaces: the same items on
fixtures, dev texts and generated strings."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fangan.extract import lines as plan_lines
from fangan.extract import parties
from fangan.lexicon.roles import DUTY_SECTIONS

from plan_texts import sample_plan_texts

FAST = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


TEXTS = sample_plan_texts()


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
    if not parties._may_name_a_party(line):
        assert parties._line_parties(line, False) == ()


def test_party_gate_keeps_lines_with_parties():
    text = "县公安局负责治安。\n一般工作。\n（区经济发展局农业处）\n由局效能办对各单位进行督查。\n与区总工会密切合作\n无关"
    assert [parties._may_name_a_party(line) for line in text.split("\n")] == [True, False, True, True, True, False]
    assert [p.name for _, _, p in parties.find_parties(text)] == ["县公安局", "区经济发展局农业处", "局效能办", "区总工会"]


# --- targets: the quantity loop reads each clause and comparator once ------------------------------

from fangan.extract import targets as T  # noqa: E402


def _plain_find_targets(text):
    """find_targets as it was before the quantity loop shared its clause and comparator readings (verbatim)."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, T.Target, bool]] = []  # (start, end, target, has a comparator)
    for m in T._RANGE.finditer(text):
        if m.group("unit") in T.NOT_UNITS:
            taken.append((m.start(), m.end()))  # 12—17 周岁: an age range, nothing inside it is a target
            continue
        if T._is_date_part(text, m):
            continue
        if float(m.group("hi")) <= float(m.group("lo")):
            continue  # 表 9-1: a caption's number, no range runs downwards
        if m.group("unit") in T.SCORE_UNITS and not T._comparator_before(text, m.start())[0]:
            taken.append((m.start(), m.end()))  # 优秀8-10分: a rubric's band
            continue
        if T.RANK_BEFORE.search(text[max(0, m.start() - 3):m.start()]):
            taken.append((m.start(), m.end()))  # 获全省前6-10名: a band of ranks
            continue
        if m.group("unit") in T.TIME_UNITS and T._TIME_FRAME_AT.match(text, m.end()) and not T._comparator_before(text, m.start())[0]:
            taken.append((m.start(), m.end()))  # 24-48小时后: a time frame
            continue
        unit = m.group("unit").replace("％", "%")
        ind = T._indicator(text, m.start(), m.end(), stated=bool(T._comparator_before(text, m.start())[0]))
        if not ind:
            continue
        taken.append((m.start(), m.end()))
        for cmp, val in ((">=", m.group("lo")), ("<=", m.group("hi"))):
            found.append((m.start(), m.end(), T.Target(indicator=ind, comparator=cmp, value=float(val), unit=unit, raw=m.group(0)), True))
    for m in T._QUANTITY.finditer(text):
        if (any(a <= m.start() < b for a, b in taken) or T._is_date_part(text, m) or m.group("unit") in T.NOT_UNITS
                or T._is_identifier(m.group("num")) or T._is_outline_number(text, m) or T._EVENT_AT.match(text, m.end())
                or (m.group("unit") in ("米", "公里", "千米") and T.EVENT_BEFORE.search(text[max(0, m.start() - 3):m.start()]))
                or T._SENIORITY_AT.match(text, m.end()) or T._SCORE_CONSEQUENCE_AT.match(text, m.end())
                or (T.RANK_BEFORE.search(text[max(0, m.start() - 3):m.start()]) and T._CONDITION_AT.match(text, m.end()))
                or (m.group("unit") in ("年", "周岁") and T._PEOPLE_AT.match(text, m.end()))
                or (m.group("unit") == "秒" and T.COMPOUND_TIME_BEFORE.search(text[max(0, m.start() - 6):m.start()]))):
            continue
        share = m.group("unit") in T.SHARE_UNITS
        cmp, phrase_start = T._comparator_before(text, m.start(), share=share)
        # the comparator right before the number, not one before a whole the share is of
        near_cmp = T._comparator_before(text, m.start())[0] if share else cmp
        suffix = m.group("suffix")
        if cmp is None and m.group("unit") in T.TIME_UNITS and T._TIME_FRAME_AT.match(text, m.end() - len(suffix or "")):
            continue  # 3个月内, 用3年时间: a time frame
        if suffix:
            cmp = T.SUFFIX_COMPARATORS[suffix] if cmp in (None, "==", ">=", "<=") else cmp
        if cmp in (None, "==") and not near_cmp and T._is_fact(text, m.start(), m.group("unit")):
            continue
        if T._is_condition(text, m.start(), m.end(), cmp) or (
                cmp is not None and T.CONDITION_BEFORE_COMPARATOR.search(text[max(0, phrase_start - 3):phrase_start])):
            continue
        if m.group("unit") in T.SCORE_UNITS and (cmp is None or T.SCORE_WORDS.search(text[max(0, phrase_start - 4):phrase_start])):
            continue  # a rubric's points (集队2分, 扣2分) weigh an assessment
        if cmp in T.PROHIBITED and T.PROHIBITIONS.search(text[T._clause_start(text, phrase_start, T._CLAUSE_END):phrase_start]):
            cmp = T.PROHIBITED[cmp]  # what is forbidden below the line is required above it
        ind = T._indicator(text, phrase_start, m.end(), stated=cmp is not None)
        if not ind:
            continue
        target = T.Target(indicator=ind, comparator=cmp or "==", value=float(m.group("num")), unit=m.group("unit").replace("％", "%"),
                        raw=text[phrase_start:m.end()])
        found.append((phrase_start, m.end(), target, cmp is not None))
    # a bare quantity inside a clause that holds a stated target only scopes its indicator (10个街道…达到100%)
    clauses_with_cmp = {T._clause_start(text, a, T._CLAUSE_END) for a, _, _, has in found if has}
    for a, b, target, has in sorted(found, key=lambda f: f[0]):
        if not has and T._clause_start(text, a, T._CLAUSE_END) in clauses_with_cmp:
            continue
        yield a, b, target
    yield from T._full_coverage(text)


def _targets(found):
    return [(a, b, t.model_dump()) for a, b, t in found]


TARGET_TEXTS = [
    "到2025年，全县适龄儿童接种率达到95%以上，接种人数不少于2000人，差错率控制在0.1%以内。",
    "共有17个乡镇，建成17座垃圾转运站，依托49个站点。\n365人死亡，4026人重伤。\n每人限报1门，不得超过40分钟。",
    "男子1000米跑\n获全省前6-10名\n得分前3名的学生\n3.1 家庭环境分析\n24-48小时后\n4分30秒以内\n工作满30年的教师",
    "严禁超过3次\n不少于本单位执法人员总数的5%\n到达50米处\n1—2个示范点\n80%—90%\n共需资金约2.391亿元\n15381666576",
    # a comparator on the line before its number: the target's clause is the comparator's, not the number's
    "严禁不超过\n3次", "控制在\n5%以内，10个街道", "至少！3个，2人",
    "班主任办公室\n500元/间\n10个街道办事处覆盖率达到100%\n凡超过3次的\n对有2家及以上企业的乡镇\n民国102年",
]
TARGET_PIECES = ["1", "2", "30", "5.5", "2024", "15381666576", "3.1", "年", "月", "个", "人", "名", "%", "分", "秒", "米", "元", "次",
                 "周岁", "天", "小时", "以上", "以内", "内", "左右", "达到", "不少于", "不超过", "至少", "超过", "到达", "严禁", "前",
                 "共有", "约", "的", "总数的", "—", "-", "至", "，", "。", "、", "：", "\n", " ", "凡", "如", "扣", "死亡", "跑",
                 "教龄", "建成", "示范点", "覆盖率", "男子", "民国", "学生", "全覆盖", "（", "）"]


@pytest.mark.parametrize("text", TARGET_TEXTS + TEXTS)
def test_quantity_loop_finds_what_the_plain_loop_finds(text):
    assert _targets(T.find_targets(text)) == _targets(_plain_find_targets(text))


@FAST
@given(st.lists(st.sampled_from(TARGET_PIECES), max_size=40).map("".join))
def test_quantity_loop_on_generated_text(text):
    assert _targets(T.find_targets(text)) == _targets(_plain_find_targets(text))


@FAST
@given(st.lists(st.sampled_from(TARGET_PIECES + ["的", "者", "扣", "加", "教龄", "工龄", "接力", "（男）", "男子"]), max_size=12).map("".join))
def test_one_pattern_for_what_follows_a_number(text):
    for pos in range(len(text) + 1):
        plain = any(rx.match(text, pos) for rx in (T._EVENT_AT, T._SENIORITY_AT, T._SCORE_CONSEQUENCE_AT))
        assert bool(T._NOT_TARGET_AFTER.match(text, pos)) == plain


@FAST
@given(st.lists(st.sampled_from(TARGET_PIECES), max_size=30).map("".join))
def test_casualties_read_after_the_unit(text):
    for m in T._QUANTITY.finditer(text):
        assert T._casualties(text, m.start(), m.group("unit")) == bool(T._CASUALTY_AT.match(text, m.end("unit")))


def test_rank_before_needs_qian():
    from fangan.gates import required_literals

    assert required_literals(T.RANK_BEFORE) == frozenset({"前"})


# --- deadlines: only the sentences with a deadline word (a recurring deadline ends in 前, one of them) -------------

from fangan.extract import rules as R  # noqa: E402


def _plain_find_deadlines(text):
    """find_deadlines as it was, over every sentence of the text (rules.sentences)."""
    for s0, s1, sent in R.sentences(text):
        # every recurring deadline opens with 每: most sentences are spared both scans
        recurring_matches = list(R.RECURRING.finditer(sent)) if "每" in sent else []
        recurring = [(r.start(), r.end()) for r in recurring_matches]
        for m in R.POINT.finditer(sent) if R._may_date(sent) and R._DEADLINE_WORD.search(sent) else ():
            if any(a <= m.start() < b for a, b in recurring):
                continue  # 每年末前: the 年末 of a recurring deadline is no date of its own
            kind = R._deadline_kind(sent, m)
            if not kind:
                continue
            why, tail_end = kind
            due = R.point_from_match(m)
            if due.month is None and due.year is None:
                continue
            due.raw = sent[m.start():tail_end].strip()
            action, party = R._action_after(sent, tail_end, len(sent))
            action = action.strip("（）() ")
            if R._NO_ACTION.match(action):
                action = ""  # 报名截止时间：12月3日中午 — a time of day is no action
            if not action and why in ("before", "label"):
                action = R._action_before(sent[:m.start()])
            if not action:
                continue
            yield s0 + m.start(), s0 + len(sent), R.Deadline(due=due, action=action, party=party,
                                                           raw=sent[m.start():].rstrip("。；;"))
        for m in recurring_matches:
            when = m.group("when") or ""
            part = "end" if when in ("末", "底") else ("early" if when == "初" else None)
            day = int(m.group("day")) if m.group("day") else None
            action, party = R._action_after(sent, m.end(), len(sent))
            if action:
                yield s0 + m.start(), s0 + len(sent), R.Deadline(due=R.DateValue(day=day, part=part, raw=m.group(0)), action=action,
                                                               party=party, raw=sent[m.start():].rstrip("。；;"),
                                                               recurring=R.RECURRING_PERIODS[m.group("period")])


def _deadlines(found):
    return [(a, b, d.model_dump()) for a, b, d in found]


DEADLINE_PIECES = ["每", "月", "季度", "年", "周", "末", "底", "初", "15日", "5日", "以", "前", "之前", "报送", "完成", "截止", "时间", "：",
                   "2024年", "3月", "10日", "。", "；", "，", "\n", " ", "工作", "县教育局", "要", "每月15日前", "每季度末前"]


@pytest.mark.parametrize("text", TEXTS + ["每月15日前报送总结。", "每周五报送。\n每季度末前完成自查，3月10日前上报。", "每年底"])
def test_deadline_sentences_without_mei_give_the_same_deadlines(text):
    assert _deadlines(R.find_deadlines(text)) == _deadlines(_plain_find_deadlines(text))


@FAST
@given(st.lists(st.sampled_from(DEADLINE_PIECES), max_size=30).map("".join))
def test_deadlines_on_generated_text(text):
    assert _deadlines(R.find_deadlines(text)) == _deadlines(_plain_find_deadlines(text))


def test_a_recurring_deadline_needs_a_deadline_word():
    from re import _constants as c, _parser as parser

    # every match of RECURRING ends in the literal 前 (its pattern's last element), a deadline word
    assert list(parser.parse(R.RECURRING.pattern))[-1] == (c.LITERAL, ord("前")) and "前" in R._DEADLINE_WORDS


def test_a_remembered_line_gives_fresh_deadlines():
    text = "3月10日前完成自查。\n3月10日前完成自查。"
    first, second = [d for _, _, d in R.find_deadlines(text)]
    first.section_id, first.due.year_inferred = "s1", 2024  # what the extraction fills in afterwards
    assert second.section_id is None and second.due.year_inferred is None
    again = [d for _, _, d in R.find_deadlines(text)][0]
    assert again.section_id is None and again.due.year_inferred is None and again.model_dump() == second.model_dump()


# --- phases: a section with a title and no schedule is asked about only when its title says 阶段 ----------------

def _section_trees():
    from fangan.structure import build_structure

    return [build_structure(text).sections for text in TEXTS[:40]]


@pytest.mark.parametrize("schedule", [False, True])
def test_phase_filter_skips_only_sections_that_are_no_stage(schedule):
    from fangan.model import Section

    secs = [sec for tree in _section_trees() for sec, _ in R._walk(tree)]
    secs += [Section(id="s1", marker="一、", level=1, title=t, text=f"一、{t}\n正文") for t in
             ("工作安排", "准备阶段（3月1日至3月10日）", "", "动员部署（3月）", "第一阶段")]
    for sec in secs:
        if sec.title and not schedule and "阶段" not in sec.title:
            assert R._stage(sec, schedule) is None


def test_phases_from_a_shared_walk_are_the_phases():
    for tree in _section_trees():
        assert [p.model_dump() for p in R.find_phases(tree, R._walk(tree))] == [p.model_dump() for p in R.find_phases(tree)]


# --- targets: a line whose reads stay on it is read once, in any plan -----------------------------------------

LINE_PIECES = [p for p in TARGET_PIECES if p != "\n"] + ["分钟", "小时", "时", "30秒", "4", "－", "—", "\u3000", "以上教龄", "及以上的老师",
                                                        "（男）", "跑", "月", "8", "如", "扣2分", "共", "5年"]


def _fresh_targets(text):
    plan_lines.forget()
    return _targets(T.find_targets(text))


@FAST
@given(st.lists(st.lists(st.sampled_from(LINE_PIECES), max_size=12).map("".join), min_size=1, max_size=8),
       st.lists(st.lists(st.sampled_from(LINE_PIECES), max_size=12).map("".join), max_size=8), st.randoms())
def test_a_remembered_line_reads_the_same_in_another_plan(lines, others, rnd):
    """Lines read in one plan are met again next to other lines (other ends, other neighbours): each plan's targets
    are still what the plain loop finds in it."""
    plan_lines.forget()
    first = "\n".join(lines)
    assert _targets(T.find_targets(first)) == _targets(_plain_find_targets(first))
    mixed = lines + others
    rnd.shuffle(mixed)
    for second in ("\n".join(mixed), "\n".join(reversed(lines)), "\n\n".join(mixed) + "\n", " " + "\n".join(mixed)):
        assert _targets(T.find_targets(second)) == _targets(_plain_find_targets(second))


def test_remembered_lines_of_fixtures_read_the_same_in_every_order():
    import random

    lines = [ln for text in TEXTS for ln in text.split("\n")]
    rnd = random.Random(7)
    plan_lines.forget()
    for _ in range(3):
        rnd.shuffle(lines)
        text = "\n".join(lines[:400])
        assert _targets(T.find_targets(text)) == _targets(_plain_find_targets(text))
    assert any(r.quantities for r in plan_lines.MEMO.entries.values())  # (lines were remembered and met again)


BACK_PATTERNS = [T._CMP_AT_END, T._SHARE_CMP, T.ERA_BEFORE, T.RANK_BEFORE, T.EVENT_BEFORE, T.COMPOUND_TIME_BEFORE,
                 T.CONDITION_BEFORE_COMPARATOR, T.SCORE_WORDS, T._ADVERB_CMP]


@FAST
@given(st.lists(st.sampled_from(LINE_PIECES + ["\n", "\n", " ", "达到", "控制在", "民国", "男子", "如果", "扣", "至少建成"]),
                max_size=12).map("".join))
@example("4\n分钟30秒")
@example("用了1小时\n 时30秒")
@example("民国\n－102年")
def test_a_look_back_crosses_a_line_break_only_over_what_back_crosses_names(s):
    for rx in BACK_PATTERNS:
        for end in range(len(s) + 1):
            for start in range(max(0, end - 30), end + 1):
                m = rx.search(s[start:end])
                if m and "\n" in m.group(0):
                    after = m.group(0).rsplit("\n", 1)[1]
                    assert all(c.isspace() or c in T.BACK_CROSSES for c in after), (rx.pattern, s)


@FAST
@given(st.lists(st.sampled_from(LINE_PIECES + ["\n", " ", "。", "教龄", "死亡", "以内"]), max_size=12).map("".join))
def test_a_look_on_stops_at_a_character_it_cannot_read(s):
    for rx in T._FORWARD + (T._CONDITION_AT,):
        for pos in range(len(s) + 1):
            m = rx.match(s, pos)
            block = T._BLOCKS_FORWARD.search(s, pos)
            if m and block and rx is not T._CONDITION_AT:
                assert m.end() <= block.start(), (rx.pattern, s, pos)
            if m and rx is T._CONDITION_AT:
                assert "\n" not in m.group(0)


@pytest.mark.parametrize("line, after", [("建成5座（示范", ["点）工作站", "其他"]), ("4", ["分30秒以内", "分钟"]),
                                         ("达到", ["95%的目标", " 95%"]), ("5年", ["教龄的教师", "以上"])])
def test_a_line_read_across_its_end_is_not_remembered(line, after):
    """What a quantity near a line's end gives depends on the next line: each plan's own reading."""
    plan_lines.forget()
    for nxt in after + after[::-1]:
        for text in (f"{line}\n{nxt}", f"前言\n{line}\n{nxt}\n完"):
            assert _targets(T.find_targets(text)) == _targets(_plain_find_targets(text))


# --- duty sections: a clause with no modal or responsibility verb is not cut into words ---------------------

def _plain_duty_subjects(line):
    """In a duty section each sentence may open with the unit it gives a task: 供电公司要排查…,
    公安机关消防机构应会同…, 公安、文化等部门，联合检查…. The unit must be followed by a modal or a
    responsibility verb (a plain action verb after a generic type, 中队每周要…, is not enough)."""
    for m in parties._DUTY_SENTENCE.finditer(line):
        sent = parties._HEADING_MARK.sub("", m.group(0).strip())
        sm = parties._DUTY_CLAUSE_END.search(sent)
        clause, rest = (sent[:sm.start()], sent[sm.end():]) if sm else (sent, "")
        names: list[str] = []
        if "等" in clause and rest and parties.is_org_name(clause.replace("、", "")):
            names = parties._subject_names(clause)  # 公安、文化、安监等部门，联合检查…
        else:
            pos = 0
            for word in parties.get_segmenter().cut(clause):  # the shortest run of whole words that names units
                pos += len(word)
                if pos > 40:
                    break
                head = clause[:pos]
                if parties._DUTY_NEXT.match(clause[pos:]) and not parties._is_clause(head):
                    found, whole = parties.split_names(head)
                    if whole:
                        names = found
                        break
        for n in names:
            yield m.start(), m.end(), n, "任务分工"


DUTY_PIECES = ["县公安局", "县民政局", "、", "等部门", "，", "。", "；", "要", "应当", "会同", "负责", "牵头", "开展", "检查", "供电公司",
               "中队", "每周", "各乡镇", "（一）", "1.", " ", "联合", "做好", "救助", "公安机关消防机构", "应", "属地"]


@pytest.mark.parametrize("line", [ln for text in TEXTS for ln in text.split("\n")][:3000])
def test_duty_subjects_of_text_lines(line):
    assert list(parties._duty_subjects(line)) == list(_plain_duty_subjects(line))


@FAST
@given(st.lists(st.sampled_from(DUTY_PIECES), max_size=16).map("".join))
def test_duty_subjects_of_generated_lines(line):
    assert list(parties._duty_subjects(line)) == list(_plain_duty_subjects(line))
