"""The structure stage reads what it needs to know about a line alone once (`runin.line_facts`) and
what the numbering alone cannot decide about its run-in candidates once per line
(`runin._run_in_candidates`): the plain path, where every step asks its own question about every
line (match_marker, the break and sentence searches, the heading cut, the candidates' tests, the
title and the circled-number search), gives the same lines, repairs, markers and tree."""
from __future__ import annotations

import random
from collections import deque
from pathlib import Path
from typing import Optional

import pytest

from fangan.lexicon.markers import match_marker
from fangan.model import Change, Repair
from fangan.structure import runin as R
from fangan.structure import tree as T

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "structure").glob("*.txt"))


# --- the plain path: the splitter as it was before the facts, every question asked of every line ---

def _plain_embedded(line: str, numbering, anywhere: bool, after=None) -> list[int]:
    if anywhere and after is None and "附" in line:
        for m in R._RUN_IN_ATTACHMENT.finditer(line):
            if 0 < m.end() < len(line) - 2:
                return _plain_embedded(line[: m.end()], numbering, anywhere, R._AFTER_ANY) + [m.end()]
    pattern = after or (R._AFTER_ANY if anywhere else R._AFTER_SENTENCE)
    candidates = [m.end() for m in pattern.finditer(line)]
    cuts = []
    sim = None
    first = match_marker(line)
    for pos in candidates:
        if pos == 0 or pos >= len(line) - 2:
            continue
        marker = match_marker(line, pos)
        if marker is None or marker.style.name == "①":
            continue
        before = line[:pos].rstrip()
        if marker.style.name.startswith("第") and not (line[:pos][-1:].isspace() or line[:pos][-1:] in "。；;！？!?：:") \
                and not (first is not None and pos == first.end):
            continue
        if marker.style.name == "1、" and not anywhere:
            continue
        if sim is None:
            sim = numbering.copy()
            if first:
                sim.take(first, sim.place(first))
        broke = line[pos - 1].isspace() or before[-1:] in "。；;！？!?"
        if R._accepts_run_in(sim, marker, anywhere, before[-1:] in "：:", broke):
            sim.take(marker, sim.place(marker))
            cuts.append(pos)
    return cuts


def _plain_flattened(lines: list[str]) -> bool:
    hidden = sum(len(_plain_embedded(ln, T.Numbering(), False, R._AFTER_BREAK)) for ln in lines)
    if hidden >= R.FLAT_MIN_MARKERS:
        return True
    numbering = T.Numbering()
    count = 0
    for ln in lines:
        first, following = R._heading_and_run_in_markers.__wrapped__(ln)
        if first is None:
            continue
        numbering.take(first, numbering.place(first))
        for marker in following:
            placement = numbering.place(marker)
            if placement.kind == "continue" or (
                    placement.kind == "next" and (placement.depth < len(numbering.stack) or marker.value == 1)):
                count += 1
                numbering.take(marker, placement)
                break
    return hidden + count >= R.FLAT_MIN_MARKERS


def _plain_split(lines: list[str]) -> tuple[list[str], list[Repair], list]:
    changes: list[Change] = []
    lines = R._join_wrapped_headings(lines, changes)
    flat = _plain_flattened(lines)
    numbering = T.Numbering()  # placed at every heading
    out: list[str] = []
    bodies: set[int] = set()
    queue = deque(lines)
    cut_body: Optional[str] = None
    run_in_styles: set[str] = set()
    while queue:
        ln = queue.popleft()
        if cut_body is not None and ln is cut_body:
            bodies.add(len(out))
        cuts = _plain_embedded(ln, numbering, anywhere=flat)
        if cuts:
            pieces = [ln[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(ln)])]
            for p in pieces[1:]:
                changes.append(Change(before=p[:12], after="⏎ " + p[:12]))
            queue.extendleft(reversed(pieces[1:]))
            ln = pieces[0]
        if queue:
            ln, queue[0] = R._reattach_dangling(ln, queue[0], changes)
            if not ln.strip():
                continue
        marker = match_marker(ln)
        if marker is not None:
            numbering.take(marker, numbering.place(marker))
            rest = ln[marker.end:]
            if marker.style.name.startswith("第"):
                rest = rest.lstrip("：: ")
            if rest:
                at, by_phrase = R._heading_cut.__wrapped__(rest, flat, marker.style.name in run_in_styles)
                if at and by_phrase and not flat:
                    run_in_styles.add(marker.style.name)
                if at:
                    head_end = len(ln) - len(rest) + at
                    changes.append(Change(before=rest[: at + 4], after=rest[:at] + " ⏎ " + rest[at: at + 4]))
                    cut_body = ln[head_end:]
                    queue.appendleft(cut_body)
                    ln = ln[:head_end].rstrip()
        out.append(ln)
    if changes or len(out) != len(lines):
        out = R._join_wrapped_headings(out, changes, frozenset(bodies))
    repairs = [Repair(step="split_run_in_headings", count=len(changes), changes=changes[:40])] if changes else []
    return out, repairs, [match_marker(ln) for ln in out]


def _plain_facts(line: str) -> tuple:
    marker = match_marker(line)
    title = T.heading_title.__wrapped__((line[marker.end:].lstrip("：: ") if marker.style.name.startswith("第")
                                         else line[marker.end:]),
                                        len(line) <= T.WHOLE_LINE_HEADING and not T._SENTENCE_MARK.search(line)) if marker else None
    return (marker, R._heading_and_run_in_markers.__wrapped__(line)[1],
            R._MAY_BREAK_BEFORE_MARKER.search(line) is not None, R._AFTER_SENTENCE.search(line) is not None,
            line.rstrip()[-1:] in R._DANGLING_END, not line.strip(), title, T._CIRCLED.search(line, 1) is not None)


def _facts(f) -> tuple:
    return (f.marker, f.read_run_in(), f.may_break, f.may_hold, f.dangling, f.blank, f.read_title() if f.marker else None,
            f.circled)


# --- documents: random lines of markers, breaks and heading words, and the structure fixtures ---

_BITS = ["一、", "二、", "三、", "四、", "（一）", "（二）", "(三)", "1.", "2．", "3、", "1、", "2、", "（1）", "(2)", "1）", "①", "②",
         "第一阶段", "第二阶段", "第二章", "第三条", "壹、", "贰、", "一.", "2020年", "3个", "1.5", "高一（1）班", "。", "；",
         "：", " ", "\u3000", "加强", "组织领导", "工作", "指导思想", "活动时间", "保障措施", "各单位要高度重视", "按照",
         "15:30", "一是", "等", "附件1：", "附：", "、", "1", "一", "（", "）", "（4月1日至4月7日）", "全力做好", "要求：1."]


def _line(rng: random.Random) -> str:
    return "".join(rng.choice(_BITS) for _ in range(rng.randint(1, 12))).strip() or "一、"


def _documents(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    pool = [_line(rng) for _ in range(3000)]
    return [[rng.choice(pool) for _ in range(rng.randint(1, 24))] for _ in range(n)]


def _fixture_lines() -> list[list[str]]:
    return [[ln.strip() for ln in p.read_text(encoding="utf-8").split("\n") if ln.strip()] for p in FIXTURES]


def _dump(out, repairs, markers):
    return out, [r.model_dump() for r in repairs], markers


def test_facts_are_what_each_step_reads_of_the_line():
    for doc in _documents(300, 1) + _fixture_lines():
        for ln in doc:
            assert _facts(R.line_facts.__wrapped__(ln)) == _plain_facts(ln), ln
            assert _facts(R.line_facts(ln)) == _plain_facts(ln), ln


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_splitter_with_facts_is_the_plain_splitter(seed):
    docs = _documents(700, seed)
    cut = flat = 0
    for doc in docs:
        got = R.split_run_in_marked(list(doc))
        assert _dump(*got) == _dump(*_plain_split(list(doc))), doc
        cut += bool(got[1])
        flat += _plain_flattened(doc)
    assert cut > 100 and flat > 50  # the documents do get cut, flattened ones too


def test_splitter_with_facts_is_the_plain_splitter_on_the_fixtures():
    for doc in _fixture_lines():
        assert _dump(*R.split_run_in_marked(list(doc))) == _dump(*_plain_split(list(doc)))
        # one flattened line per document too (a page that lost its line breaks)
        assert _dump(*R.split_run_in_marked([" ".join(doc)])) == _dump(*_plain_split([" ".join(doc)]))


def test_candidates_are_read_once_per_line_as_the_plain_search_reads_them():
    for doc in _documents(300, 5):
        for ln in doc:
            for anywhere in (False, True):
                numbering = R._PlacedWhenRead()
                for m in (match_marker(x) for x in doc):
                    if m is not None:
                        numbering.add(m)
                plain = T.Numbering()
                for m in numbering.unplaced:
                    plain.take(m, plain.place(m))
                assert R._embedded_markers(ln, numbering, anywhere) == _plain_embedded(ln, plain, anywhere), (ln, anywhere)


def _tree(result):
    return [s.model_dump() for s in result.sections], result.section_lines, [w.model_dump() for w in result.warnings]


def test_tree_from_facts_is_the_tree_from_lines():
    docs = _documents(400, 6) + _fixture_lines() + [["一、总则", "正文①甲②乙。", "附件1：报名表", "一、活动安排", "②报名"]]
    for doc in docs:
        lines, _, facts = R.split_run_in_facts(list(doc))
        assert _tree(T.build_tree(lines, facts=facts)) == _tree(T.build_tree(lines)), doc
        assert _tree(T.build_tree(lines, {lines[0]: 1}, True, facts=facts)) == _tree(T.build_tree(lines, {lines[0]: 1}, True))


def test_join_gate_of_the_facts_never_hides_a_join():
    """A document none of whose lines may take part in a join (LineFacts.may_join) is one _may_join
    finds nothing to join in."""
    pieces = ["6.开展首届青运会食品安全保障", "工作。实施全过程监管", "一、线上初赛（2026", "年4月）", "年", "（二）", "保障措施",
              "工作。", "（1", "各单位要高度重视。", "二、活动时间（", "3月）报名", "1.加强领导", "组织实施阶段", "(3", "三、(四"]
    rng = random.Random(9)
    may = 0
    for _ in range(4000):
        lines = [rng.choice(pieces) + (rng.choice(pieces) if rng.random() < 0.3 else "") for _ in range(rng.randint(1, 8))]
        if R._may_join(lines):
            may += 1
            assert any(R.line_facts(ln).may_join for ln in lines), lines
    assert may > 500


def test_body_title_without_candidates_skips_only_the_candidate_match():
    """With no title candidate (plain-text inputs) nothing can match one: the body's own title is
    found as when a candidate that matches no line is given (the match loop then runs and finds nothing)."""
    from fangan.parsers import TitleCandidate
    from fangan.structure import document_title as D

    unmatched = TitleCandidate("关于印发某某县从未出现过的专项实施方案的通知", "meta")
    assert D.shape_score(unmatched.text) > 0
    heads = ["县卫生健康局关于印发", "2024年食品安全专项整治工作方案", "的通知", "各乡镇人民政府：", "长宁县人民政府办公室",
             "县府办〔2024〕3号", "2024年3月1日", "一、工作目标", "为切实加强监管，制定本方案。", "实施方案"]
    rng = random.Random(13)
    found = 0
    for _ in range(3000):
        lines = [rng.choice(heads) for _ in range(rng.randint(1, 6))]
        got = D._body_title(lines, [])
        assert got == D._body_title(lines, [unmatched]), lines
        found += got is not None
    assert found > 300


def test_quiet_documents_skip_only_a_walk_that_changes_nothing(monkeypatch):
    """A document _quiet says the splitter leaves as it is gives, walked line by line, its lines
    unchanged and no repair; every document gives the same lines, repairs and facts either way."""
    docs = _documents(800, 14) + _fixture_lines() + [["一、总则", "正文。", "二、要求", "各单位要高度重视"] * 3]

    def split(d):
        out, repairs, facts = R.split_run_in_facts(list(d))
        return out, [r.model_dump() for r in repairs], [f.marker for f in facts]

    fast = [split(d) for d in docs]
    quiet = [d for d in docs if not R._flattened(d)[0] and not R._may_join(d) and R._quiet([R.line_facts(ln) for ln in d])]
    monkeypatch.setattr(R, "_quiet", lambda facts: False)
    assert [split(d) for d in docs] == fast
    assert len(quiet) > 30 and len(docs) - len(quiet) > 300
    for d in quiet:
        assert split(d)[:2] == (d, [])


def test_facts_of_a_document_are_each_lines_facts_memo_full_or_cleared(monkeypatch):
    """facts_of (one map of the memo's get, then the lines not yet read) gives each line's facts, in
    order, whatever the memo holds: empty, partly filled, started again when full; a line longer than
    the memo's bound is read every time and never kept."""
    docs = _documents(200, 11) + _fixture_lines() + [["一、" + "加强" * 400, "二、总体要求", "一、" + "加强" * 400]]
    for bound in (R.MAX_FACTS, 7):
        monkeypatch.setattr(R, "MAX_FACTS", bound)
        R.line_facts.cache_clear()
        for doc in docs:
            got = R.facts_of(doc)
            assert [f.line for f in got] == doc
            assert [_facts(f) for f in got] == [_plain_facts(ln) for ln in doc]
            assert len(R._FACTS) <= bound
            assert all(len(ln) <= R.MAX_CACHED_LINE for ln in R._FACTS)
    R.line_facts.cache_clear()
    assert not R._FACTS and R._facts_chars == 0


def test_run_in_candidates_memo_is_the_candidates(monkeypatch):
    """_run_in_candidates remembers a line's candidates per value of `anywhere` (bounded, started again when
    full; a long line is never kept): always what _candidates reads of the line."""
    monkeypatch.setattr(R, "MAX_FACTS", 9)
    R._run_in_candidates.cache_clear()
    for doc in _documents(150, 12) + _fixture_lines():
        for ln in doc + ["一、" + "加强。1.工作" * 100]:
            for anywhere in (False, True):
                assert R._run_in_candidates(ln, anywhere) == R._candidates(ln, anywhere, None)
                assert len(R._CANDIDATES[anywhere]) <= 9
    R._run_in_candidates.cache_clear()
    assert not R._CANDIDATES[True] and not R._CANDIDATES[False]
