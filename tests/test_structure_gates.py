"""The cheap tests that let the structure stage skip work must never change an answer: each gate is a
necessary condition of the work it guards (checked here against the ungated code on strings built
from the lexicon's own vocabulary), and each cached or rewritten helper answers as its plain form."""
from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings, strategies as st

from fangan.lexicon import headings as H
from fangan.structure import runin as R
from fangan.structure import titles as T

# pieces a heading line is made of: the vocabulary the gates are derived from, and what breaks it
_PIECES = (sorted(H.KNOWN_HEADINGS)[:20] + list(H.HEADING_SUBJECTS[:20]) + list(H.HEADING_FIELDS) + sorted(H.HEAD_FINAL)[:20]
           + list(H.SENTENCE_START[:30]) + list(H.BODY_LABELS) + list(H.NAME_END) + list(H.MID_PHRASE[:6])
           + list(H.NOT_SENTENCE_START)
           + ["，", "。", "：", ":", "；", "（", "）", " ", "、", "区交通局", "各乡镇政府", "要", "负责", "牵头", "我们",
              "全体", "学生", "阶段", "（4月1日至4月7日）", "组 长", "1", "2020年"])


def _ungated(rest: str, threshold: int, monkeypatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(R, "_may_cut", lambda r, t: True)
        return R.split_run_in_heading(rest, threshold)


def test_cut_gate_never_hides_a_cut(monkeypatch):
    rng = random.Random(12)
    cuts = 0
    for _ in range(3000):
        rest = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 8)))
        for threshold in (R.CUT_THRESHOLD, R.SURE_CUT):
            expected = _ungated(rest, threshold, monkeypatch)
            assert R.split_run_in_heading(rest, threshold) == expected, (rest, threshold)
            cuts += expected is not None
    assert cuts > 50  # the strings do reach cuts, so the comparison means something


@pytest.mark.parametrize("rest", ["指导思想以习近平新时代中国特色社会主义思想为指导", "活动时间11月18日上午",
                                  "组织领导成立工作领导小组", "保障措施各单位要高度重视"])
def test_cut_gate_passes_known_run_in_headings(rest):
    assert R._may_cut(rest, R.SURE_CUT)


def test_known_heading_pattern_covers_the_grammar():
    phrases = list(H.KNOWN_HEADINGS) + [s + f for s in ("",) + H.HEADING_SUBJECTS for f in H.HEADING_FIELDS]
    phrases += [s + f + j + g for s in ("", "活动", "资金使用") for f in H.HEADING_FIELDS for j in ("", "、", "与")
                for g in H.HEADING_FIELDS[:5]]
    for p in phrases:
        assert H.is_known_heading(p, "。")
        assert R._KNOWN_HEAD_THEN_BODY.match(p + "要") is not None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="（(《“「『【）)》”」』】。；;：:8 0活动一负责人", max_size=14))
def test_first_delimiter_matches_the_prefix_count(text):
    def by_prefix(t):
        for m in T._DELIM.finditer(t):
            before = t[: m.start()]
            if sum(before.count(c) for c in T._OPEN) <= sum(before.count(c) for c in T._CLOSE):
                return m.span()
        if sum(t.count(c) for c in T._OPEN) > sum(t.count(c) for c in T._CLOSE):
            m = T._DELIM.search(t)
            return m and m.span()
        return None

    m = T.first_delimiter(text)
    assert (m and m.span()) == by_prefix(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="。；;！？!?：: \u3000\t一二十（(）).．、第①1活动附件", max_size=12))
def test_line_gates_are_supersets(line):
    if R._AFTER_BREAK.search(line):
        assert R._MAY_BREAK_BEFORE_MARKER.search(line)
    if R._RUN_IN_ATTACHMENT.search(line):
        assert "附" in line
    if R._DANGLING.search(line) or R._dangling_after_heading(line):
        assert line.rstrip()[-1:] in R._DANGLING_END


# the run-in candidate patterns as they were before the style lookahead: first character only
_FIRST_ONLY = {
    "_AFTER_SENTENCE": r"[。；;！？!?：:]\s*" + R._MARKER_FIRST_AHEAD,
    "_AFTER_BREAK": r"(?:[。；;！？!?：:]\s*|(?<=\S)\s+)" + R._MARKER_FIRST_AHEAD,
    "_MAY_BREAK_BEFORE_MARKER": r"[。；;！？!?：:\s]\s*" + R._MARKER_FIRST_AHEAD,
    "_AFTER_ANY": R._AFTER_ANY_FIRST.pattern,
}
_MARKERISH = "。；;！？!?：: \u3000一二三十壹（(）)、.．第阶段章条①②1２0年个%班活动附件”》"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_MARKERISH, max_size=16))
def test_style_lookahead_keeps_every_marker_candidate(line):
    """The style lookahead drops exactly the candidates where no marker style matches (match_marker
    would return None there; outside flattened text also 1、 and ①, never run-in headings there);
    every other candidate is found at the same place."""
    import re

    from fangan.lexicon.markers import _ANY_STYLE, match_marker

    from fangan.lexicon.markers import STYLES

    heading_styles = [s.pattern for s in STYLES if s.name not in R.INLINE_LIST_STYLES]
    for name, plain in _FIRST_ONLY.items():
        strict = getattr(R, name)
        if name == "_AFTER_ANY":  # flattened text: every style
            kept = [m.end() for m in re.finditer(plain, line) if _ANY_STYLE.match(line, m.end())]
        else:  # used outside flattened text only, where 1、 and ① are skipped
            kept = [m.end() for m in re.finditer(plain, line) if any(p.match(line, m.end()) for p in heading_styles)]
        assert [m.end() for m in strict.finditer(line)] == kept, (name, line)
        dropped = {m.end() for m in re.finditer(plain, line)} - set(kept)
        for pos in dropped:
            marker = match_marker(line, pos)
            assert marker is None or (name != "_AFTER_ANY" and marker.style.name in R.INLINE_LIST_STYLES), (name, line)


_LINE_PIECES = ["一、", "二、", "三、", "四、", "（一）", "（二）", "（三）", "1.", "2.", "3.", "1、", "2、", "①", "②",
                "第一阶段", "指导思想", "工作目标", "保障措施", "组织领导", "各单位要高度重视", "时间：2024年",
                "。", "；", "：", "，", " ", "加强领导。", "要求：1.", "附件：", "（4月1日至4月7日）", "全力做好"]


_MARKER_PIECES = ["", "", "一、", "二、", "三、", "（一）", "（二）", "（三）", "1.", "2.", "3.", "1、", "2、"]


def _random_line(rng: random.Random) -> str:
    """A line that may open with a marker and hold one after a finished sentence (…。二、…)."""
    line = rng.choice(_MARKER_PIECES) + "".join(rng.choice(_LINE_PIECES) for _ in range(rng.randint(1, 5)))
    if rng.random() < 0.4:
        line += rng.choice("。；：") + rng.choice(_MARKER_PIECES) + rng.choice(_LINE_PIECES) + "各单位要高度重视"
    return line.strip() or "一、"


def _random_document(rng: random.Random) -> list[str]:
    return [_random_line(rng) for _ in range(rng.randint(1, 14))]


def test_split_run_in_walks_the_numbering_only_where_it_is_read(monkeypatch):
    """split_run_in places headings in its numbering only when _embedded_markers copies it, and hands
    only lines that may hold a run-in marker to _embedded_markers; every line handed over, with the
    numbering walked at every heading, gives the same lines and repairs."""
    class PlacedAtOnce(R._PlacedWhenRead):
        def add(self, marker):
            self.numbering.take(marker, self.numbering.place(marker))

        def copy(self):
            assert not self.unplaced
            return self.numbering.copy()

    rng = random.Random(7)
    docs = [_random_document(rng) for _ in range(1500)]
    gated = [R.split_run_in(list(d)) for d in docs]
    monkeypatch.setattr(R, "_may_hold_run_in", lambda line: True)
    monkeypatch.setattr(R, "_PlacedWhenRead", PlacedAtOnce)
    R.line_facts.cache_clear()  # the facts of a line hold what _may_hold_run_in said of it
    try:
        plain = [R.split_run_in(list(d)) for d in docs]
    finally:
        R.line_facts.cache_clear()
    assert gated == plain
    assert sum(bool(repairs) for _, repairs in gated) > 100  # the documents do get cut


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=_MARKERISH, min_size=1, max_size=12), min_size=1, max_size=6))
def test_is_flattened_gates(lines):
    """is_flattened asks its per-line caches only about lines that pass their first test."""
    hidden = sum(R._hidden_markers(ln) for ln in lines)
    run_in = sum(1 for ln in lines if R._heading_and_run_in_markers(ln)[1])
    need = R.FLAT_MIN_MARKERS - hidden
    plain = hidden >= R.FLAT_MIN_MARKERS or (run_in >= need and R._run_in_headings(lines, need) >= need)
    assert R.is_flattened(lines) == plain


def test_tree_joins_body_lines_as_appending_them_did():
    """The tree keeps a section's body lines in a list and joins them once; appending each line to the
    section's text as it came (the plain form) gives the same sections, attachments included."""
    from fangan.structure import tree as T

    class Appending(T.TreeBuilder):
        def _append(self, top, line):
            top.section.text += "\n" + line

    def build(builder, lines):
        tree = builder()
        for i, line in enumerate(lines):
            tree.add_line(line, i)
        result = tree.finish()
        return [s.model_dump() for s in result.sections], result.section_lines, [w.model_dump() for w in result.warnings]

    rng = random.Random(3)
    extra = ["附件1：报名表", "附件2", "人员名单", "一、活动安排", "①报名", "正文一段。", "（一）时间", "各单位要高度重视。"]
    for _ in range(800):
        lines = [_random_line(rng) if rng.random() < 0.6 else rng.choice(extra) for _ in range(rng.randint(1, 20))]
        assert build(T.TreeBuilder, lines) == build(Appending, lines), lines


def test_long_section_and_attachment_keep_every_line():
    """40,000 body lines in one section and in one attachment (each appended once, not copied with
    the text before it): every line is in the text, in order."""
    from fangan.structure.tree import build_tree

    body = ["第%d段正文。" % i for i in range(40000)]
    sections = build_tree(["一、总则"] + body + ["附件1：报名表"] + body).sections
    assert sections[0].text == "\n".join(["一、总则"] + body)
    assert sections[1].text == "\n".join(["附件1：报名表"] + body) and sections[1].title == "报名表"


@settings(max_examples=6000, deadline=None)
@given(st.text(alphabet=_MARKERISH + "\t的统进1）", max_size=16))
@example("0一十.")  # a digit, then a numeral that is itself the hanzi before a marker
@example("15:30二、主题")
def test_after_any_ends_as_the_pattern(line):
    """_after_any_ends finds where _AFTER_ANY's matches end, from the marker's side."""
    assert R._after_any_ends(line) == [m.end() for m in R._AFTER_ANY.finditer(line)], line


def test_join_gate_never_hides_a_join(monkeypatch):
    """_join_wrapped_headings walks a document only when _may_join says a join is possible; walking
    every document gives the same lines and changes."""
    pieces = ["6.开展首届青运会食品安全保障", "工作。实施全过程监管", "一、线上初赛（2026", "年4月）", "年", "（二）", "保障措施",
              "工作。", "（1", "各单位要高度重视。", "二、活动时间（", "3月）报名", "1.加强领导", "组织实施阶段"]
    rng = random.Random(5)
    joined = 0
    for _ in range(3000):
        lines = [rng.choice(pieces) + (rng.choice(pieces) if rng.random() < 0.3 else "") for _ in range(rng.randint(1, 8))]
        gated_changes, plain_changes = [], []
        gated = R._join_wrapped_headings(lines, gated_changes)
        with monkeypatch.context() as m:
            m.setattr(R, "_may_join", lambda ls: True)
            plain = R._join_wrapped_headings(lines, plain_changes)
        assert (gated, gated_changes) == (plain, plain_changes), lines
        joined += gated != lines
    assert joined > 100


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=" \u3000\t。；:：!一1（", min_size=1, max_size=10), st.integers(min_value=1, max_value=10))
def test_candidate_context_read_in_place(line, pos):
    """_embedded_markers reads what precedes a candidate at its position, as the copies of the line
    before it said (a flattened page is one long line with thousands of candidates)."""
    import re

    pos = min(pos, len(line))
    assert R._char_before_spaces(line, pos) == line[:pos].rstrip()[-1:]
    assert R._is_break_char(line[pos - 1]) == bool(re.search(r"[\s。；;！？!?：:]$", line[:pos]))


def test_flattened_page_keeps_its_cuts():
    """One long flattened line: every run-in heading after a finished sentence is cut (the cut
    positions are read at each candidate)."""
    line = "".join(f"{n}、第{n}项工作要求。" for n in "一二三四五六七八九十") * 1
    lines, repairs = R.split_run_in([line])
    assert [ln[:2] for ln in lines] == [f"{n}、" for n in "一二三四五六七八九十"]


def _plain_heading_cut(rest: str, flat: bool, sibling_ran_in: bool):
    """_heading_cut as written before its gates: the dated-stage pattern tried on every item, the run-on
    test asked twice."""
    dated = R._DATED_STAGE.match(rest)
    if dated:
        return dated.end(), False
    if flat or R._runs_on(rest):
        at = R.space_cut(rest)
        if at is not None:
            return at, False
    loose = flat or R._runs_on(rest) or sibling_ran_in
    return R.split_run_in_heading(rest, R.CUT_THRESHOLD if loose else R.SURE_CUT), True


def test_heading_cut_gates_change_no_cut():
    """The dated-stage pattern needs the word 阶段 (its gate), and the run-on test is asked once: every
    item's cut, under the four document facts, is the plain function's."""
    rng = random.Random(31)
    bits = ["组织实施阶段", "阶段", "（4月1日至4月7日）", "（三）", "全力做好", "指导思想", "以", "，", "。", " ", "加强领导",
            "工作", "2024年", "准备阶段（", "月", "日）", "活动时间", "督查组成员 ", "按照", "保障措施"]
    items = ["".join(rng.choice(bits) for _ in range(rng.randint(1, 10))) for _ in range(4000)]
    items += ["组织实施阶段（4月1日至4月7日）全力做好", "准备阶段（3月）动员部署", "指导思想以习近平新时代"]
    dated = 0
    for rest in items:
        for flat in (False, True):
            for sib in (False, True):
                assert R._heading_cut.__wrapped__(rest, flat, sib) == _plain_heading_cut(rest, flat, sib), rest
        dated += R._DATED_STAGE.match(rest) is not None
    assert dated > 20


def test_class_first_patterns_match_their_lookbehind_first_forms():
    """Three patterns are written to open with a character class (the regex engine skips to it) instead of a
    lookbehind or lookahead (tried at every position): the run-in candidate positions (_AT_ANY_BREAK, whose
    match now takes the marker's first character), the title delimiter and the spaces next to hanzi; on random
    strings they find what the zero-width-first forms find."""
    import re

    from fangan.structure import titles as Ti

    first = "[第（(①-⑳0-9一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾]"
    at_break = re.compile(rf"(?={first})(?:(?<=[。；;！？!?：:\u4e00-\u9fff”）)〉》」』】])|(?<=\s)"
                          r"|(?<=\d)(?=[（(一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾]))" + R._ANY_STYLE_AHEAD)
    delim = re.compile(r"[。；;]|(?<!\d)(?<!\d\s)[：:]|[：:](?!\s*\d{2}(?!\d))")
    space = re.compile(rf"(?<=[{Ti._CJKISH}])\s+|\s+(?=[{Ti._CJKISH}])")
    rng = random.Random(41)
    bits = ["一、", "二", "（", "(", "1", "2.", "3、", "１", "第三阶段", "第一章", "。", "：", ":", " ", "\u3000", "加", "强", "）",
            "①", "15:30", "十", "壹、", "参", "年", "、", "．", ".", "5%", "（2）", "(三)", "；", "8：00", "a", "“", "，"]
    found = 0
    for _ in range(60000):
        s = "".join(rng.choice(bits) for _ in range(rng.randint(0, 14)))
        got = [m.start() for m in R._AT_ANY_BREAK.finditer(s)]
        assert got == [m.end() for m in at_break.finditer(s)], s
        for pos in range(0, len(s), 2):
            a, b = R._AT_ANY_BREAK.search(s, pos), at_break.search(s, pos)
            assert (a and a.start()) == (b and b.start()), (s, pos)
        assert [m.span() for m in Ti._DELIM.finditer(s)] == [m.span() for m in delim.finditer(s)], s
        assert [m.span() for m in Ti._SPACE_BY_CJK.finditer(s)] == [m.span() for m in space.finditer(s)], s
        found += len(got)
    assert found > 10000


def test_head_noun_search_span_bounds_every_match():
    """head_noun_before_sentence searches only the first `before + _NOUN_THEN_SENTENCE_SPAN` characters: the bound
    is above the widest a match and its lookahead can reach (the pattern with its lookahead made consuming), and
    on random texts the answer is the whole text's."""
    import re
    from re import _parser

    from fangan.lexicon import headings as H

    pattern = H._HEAD_NOUN_BEFORE_SENTENCE.pattern
    consuming = pattern.replace("(?=", "(?:", 1)
    assert _parser.parse(consuming).getwidth()[1] < H._NOUN_THEN_SENTENCE_SPAN
    rng = random.Random(51)
    bits = ["保障措施", "按照", "建设", "区交通局要", "领导小组办公室负责", "工作", "措施", "，", "以", "目标", "各乡镇政府（含街道）负责",
            "活动", "组织", "加强", "我局", "的", "。"]
    whole = lambda t, b: (lambda m: m is not None and m.start() < b)(re.compile(pattern).search(t))
    hits = 0
    for _ in range(20000):
        t = "".join(rng.choice(bits) for _ in range(rng.randint(0, 16)))
        for before in (1, 5, 12, 24):
            got = H.head_noun_before_sentence(t, before)
            assert got == whole(t, before), (t, before)
            hits += got
    assert hits > 1000


def test_heading_title_memo_is_the_title_as_read(monkeypatch):
    """heading_title remembers a text's title per value of `whole_line` (bounded, started again when full; a long
    text is never kept): always what _read_title reads."""
    from fangan.structure import titles as Ti

    monkeypatch.setattr(Ti, "MAX_TITLES", 7)
    Ti.heading_title.cache_clear()
    rng = random.Random(61)
    bits = ["指导思想", "：", "。", "以", "加强", "，", " ", "（2026 年 4 月）", "8：00", "工作", "保障措施", "的", "、"]
    texts = ["".join(rng.choice(bits) for _ in range(rng.randint(0, 9))) for _ in range(3000)] + ["加强" * 400]
    for t in texts + texts[:500]:
        for whole in (False, True):
            assert Ti.heading_title(t, whole) == Ti._read_title(t, whole)
            assert len(Ti._TITLES[whole]) <= 7 and all(len(k) <= Ti.MAX_CACHED_LINE for k in Ti._TITLES[whole])
    Ti.heading_title.cache_clear()
    assert not Ti._TITLES[False] and not Ti._TITLES[True]
