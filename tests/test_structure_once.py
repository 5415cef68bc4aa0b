"""The structure stage reads each line's marker once and makes each section's model once: what it
hands on is what the plain path (match_marker on every line, a pydantic Section per heading) gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from fangan.lexicon.markers import match_marker
from fangan.model import Section
from fangan.structure import build_structure
from fangan.structure.runin import split_run_in
from fangan.structure import tree as T
from fangan.structure.tree import TreeBuilder

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "structure").glob("*.txt"))


def _lines(path: Path) -> list[str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
    return split_run_in(lines)[0]


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.children)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_tree_sections_are_the_validated_ones(path, monkeypatch):
    """The tree makes each section once, as its heading line comes, and fills its text and title in
    place when it is finished: the sections are those Section(...) validates from the same fields,
    and those the tree gives when Section is validated (the path taken when it is not a plain model)."""
    from fangan.structure import tree as T

    def build():
        tree = TreeBuilder()
        for i, line in enumerate(_lines(path)):
            tree.add_line(line, i)
        return tree.finish()

    result = build()
    assert all(isinstance(s, Section) for s in _walk(result.sections)) and len(list(_walk(result.sections))) > 3
    assert [s.model_dump() for s in result.sections] == [Section.model_validate(s.model_dump()).model_dump()
                                                         for s in result.sections]
    monkeypatch.setattr(T, "_section", T._validated_section)
    validated = build()
    assert [s.model_dump() for s in validated.sections] == [s.model_dump() for s in result.sections]
    assert [s.model_fields_set for s in _walk(validated.sections)] == [s.model_fields_set for s in _walk(result.sections)]


def test_whole_sentence_heading_titled_from_its_marker():
    st = build_structure("壹、总则\n正文。\n贰、本实施计划如有未尽事宜，得适时修订之。\n叁、本计划未尽事宜，另行通知。")
    assert [s.title for s in st.sections] == ["总则", "本实施计划如有未尽事宜，得适时修订之", "本计划未尽事宜，另行通知"]


# --- each shortcut against its plain form, on strings made of markers, numbers, breaks and text ---

import random  # noqa: E402
import re  # noqa: E402

from fangan.lexicon import markers as M  # noqa: E402
from fangan.structure import runin as R  # noqa: E402

_BITS = ["一、", "二、", "三、", "（一）", "（二）", "(三)", "1.", "2．", "3、", "（1）", "(2)", "1）", "①", "②", "第一阶段", "第二章",
         "第三条", "壹、", "贰、", "十二、", "一.", "2020年", "3个", "1.5", "高一（1）班", "。", "；", "：", " ", "\u3000", "加强",
         "组织领导", "工作", "指导思想", "活动时间", "15:30", "一是", "等", "节", "附件1：", "附：", "、", "1", "一", "（", "）"]


def _strings(n: int, seed: int, most: int = 10) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_BITS) for _ in range(rng.randint(1, most))) for _ in range(n)]


def _plain_match(s: str, pos: int = 0):
    """match_marker before _ANY_STYLE carried the number: every style's own pattern, in order."""
    if pos >= len(s) or s[pos] not in M.MARKER_FIRST_CHARS:
        return None
    for style in M.STYLES:
        if style.pattern.match(s, pos):
            return M._match_marker.__wrapped__(s, pos)
    return None


def test_match_marker_reads_the_number_from_the_one_pass():
    for s in _strings(6000, 1):
        for pos in (0, 1, 2):
            got = M._match_marker.__wrapped__(s, pos) if pos < len(s) and s[pos] in M.MARKER_FIRST_CHARS else None
            assert got == _plain_match(s, pos), (s, pos)
    found = [M.match_marker(s) for s in _strings(2000, 2)]
    assert sum(m is not None for m in found) > 300 and len({m.style.name for m in found if m}) == len(M.STYLES)


_AFTER_ANY_FIRST = re.compile(r"(?:[。；;！？!?：:\u4e00-\u9fff”）)〉》」』】]\s*|(?<=\S)\s+)" + R._MARKER_FIRST_AHEAD
                              + r"|(?<=\d)(?=[（(一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾])")


def _plain_run_in_markers(line: str):
    first = match_marker(line)
    if first is None:
        return None, ()
    found = []
    for m in _AFTER_ANY_FIRST.finditer(line, first.end, min(len(line), first.end + R.RUN_IN_SPAN)):
        marker = match_marker(line, m.end())
        if marker is None or marker.style.name == "①" or M.is_enumeration(line, marker):
            continue
        found.append(marker)
    return first, tuple(found)


def test_run_in_marker_gate_hides_no_candidate():
    some = 0
    for s in _strings(6000, 3, most=16) + ["三、工作要点（一）日常工作1．加强", "一、活动时间：11月18日上午二、活动内容"]:
        plain = _plain_run_in_markers(s)
        assert R._heading_and_run_in_markers.__wrapped__(s) == plain, s
        some += bool(plain[1])
    assert some > 200


def _docs(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    lines = _strings(4000, seed + 1, most=14)
    return [[rng.choice(lines) for _ in range(rng.randint(2, 20))] for _ in range(n)]


def test_splitter_markers_are_the_lines_markers():
    docs = _docs(400, 5)
    got = [R.split_run_in_marked(list(d)) for d in docs]
    for out, _, markers in got:
        assert markers == [match_marker(ln) for ln in out]
    # the break search against the plain path: tests/test_structure_facts.py
    assert sum(bool(rep) for _, rep, _ in got) > 20


def test_placing_in_an_open_style_is_what_the_general_rule_decides():
    from fangan.structure.tree import Numbering, Placement

    rng = random.Random(8)
    heads = [m for m in (match_marker(s) for s in _strings(3000, 9)) if m is not None]
    checked = outer = 0
    for _ in range(300):
        numbering = Numbering()
        for _ in range(rng.randint(1, 30)):
            marker = rng.choice(heads)
            placement = numbering.place(marker)
            i = numbering._open_index(marker.style.name)
            if i is not None:  # the style is open, innermost or further out: what the general rule decides there
                assert placement == Placement(i, *numbering._number_kind(marker, i))
                checked += 1
                outer += i < len(numbering.stack) - 1
            numbering.take(marker, placement)
    assert checked > 300 and outer > 100


def test_several_plans_warning_reads_the_highest_top_level_number():
    text = "一、甲\n二、乙\n四、丁\n一、再来\n二、又\n"
    warnings = {w.code: w for w in build_structure(text).warnings}
    assert warnings["several_plans"].count == 1
    assert "several_plans" not in {w.code for w in build_structure("一、甲\n二、乙\n一、再来").warnings}


def test_constructed_sections_are_the_validated_ones():
    import pickle

    from fangan.structure import tree as T

    assert T._section is T._construct_section  # Section is a plain model: the fast path is the one used
    rng = random.Random(4)
    for _ in range(200):
        leaf = [T._construct_section(f"s1.{i}", rng.choice(["1.", "（1）", ""]), 2, rng.choice(["", "题"]), "正文", [])
                for i in range(rng.randint(0, 3))]
        args = ("s1", rng.choice(["一、", "附件1", ""]), 1, rng.choice(["", "指导思想"]), rng.choice(["一、指导思想", "a\nb"]))
        fast = T._construct_section(*args, leaf)
        plain = Section(id=args[0], marker=args[1], level=args[2], title=args[3], text=args[4],
                        children=[Section(**c.model_dump()) for c in leaf])
        assert fast == plain
        assert fast.model_dump() == plain.model_dump() and fast.model_dump(mode="json") == plain.model_dump(mode="json")
        assert fast.model_dump_json(indent=2) == plain.model_dump_json(indent=2)
        assert fast.model_fields_set == plain.model_fields_set
        assert pickle.loads(pickle.dumps(fast)) == plain
        assert Section.model_validate(fast.model_dump()) == fast


def test_markers_made_once_per_key_are_the_markers_made_per_line(monkeypatch):
    """match_marker shares one Marker per (style, text matched, number, start, end): each is the
    Marker made for the line itself."""
    def plain_marker(i, m, n, end):
        style = M.STYLES[i]
        return M.Marker(style, M._value(style, n), M._canonical(style, m, n), m.start(), end)

    strings = _strings(6000, 11, most=12)
    shared = [[M._match_marker.__wrapped__(s, pos) if pos < len(s) and s[pos] in M.MARKER_FIRST_CHARS else None
               for pos in range(4)] for s in strings]
    monkeypatch.setattr(M, "_marker", plain_marker)
    plain = [[M._match_marker.__wrapped__(s, pos) if pos < len(s) and s[pos] in M.MARKER_FIRST_CHARS else None
              for pos in range(4)] for s in strings]
    assert shared == plain
    assert sum(m is not None for ms in shared for m in ms) > 1000
    monkeypatch.setattr(M, "MAX_MARKERS", 3)  # a full table starts again: same markers
    assert [[M._match_marker.__wrapped__(s, pos) if pos < len(s) and s[pos] in M.MARKER_FIRST_CHARS else None
             for pos in range(4)] for s in strings] == plain


def _plain_place(numbering, marker, hint=None):
    """Numbering.place as the general rule reads: _open_index, then _number_kind, every time."""
    from fangan.structure.tree import TWINS, Placement

    if hint is not None:
        depth = len(numbering.stack)
        while depth and (numbering.stack[depth - 1].hint is None or numbering.stack[depth - 1].hint >= hint):
            depth -= 1
        return Placement(depth, "unnumbered", 0) if marker is None else Placement(depth, *numbering._number_kind(marker, depth))
    style = marker.style.name
    i = numbering._open_index(style)
    if i is not None:
        return Placement(i, *numbering._number_kind(marker, i))
    twin = TWINS.get(style)
    j = numbering._open_index(twin) if twin else None
    if j is not None:
        if marker.value == numbering.stack[j].value + 1:
            return Placement(j, "next", marker.value)
        if marker.value == 1:
            return Placement(len(numbering.stack), "next", 1)
    depth = None
    if style in numbering.parent_style:
        parent = numbering.parent_style[style]
        if parent is None:
            depth = 0 if marker.style.rank <= min((o.rank for o in numbering.stack if o.style), default=99) else None
        elif (j := numbering._open_index(parent)) is not None and numbering.stack[j].rank >= marker.style.rank:
            depth = j + 1
    if depth is None:
        depth = len(numbering.stack)
        while depth and numbering.stack[depth - 1].hint is None and numbering.stack[depth - 1].rank >= marker.style.rank:
            depth -= 1
    return Placement(depth, *numbering._number_kind(marker, depth))


def test_place_is_the_general_rule_everywhere():
    """Every placement (open styles, twins, a style first nested at the top, hints, unnumbered
    lines) is what the general rule decides; and taking it leaves the numbering the general rule's take left."""
    from fangan.structure.tree import Numbering

    rng = random.Random(10)
    heads = [m for m in (match_marker(s) for s in _strings(3000, 12)) if m is not None]
    top_first = 0
    for _ in range(600):
        numbering = Numbering()
        for _ in range(rng.randint(1, 40)):
            marker = None if rng.random() < 0.05 else rng.choice(heads)
            hint = rng.choice([None, None, None, 1, 2, 3]) if marker is not None else rng.choice([1, 2, 3])
            placement = numbering.place(marker, hint)
            assert placement == _plain_place(numbering, marker, hint)
            top_first += marker is not None and hint is None and numbering.parent_style.get(marker.style.name, 0) is None
            stack = [(o.style, o.rank, o.value, o.hint) for o in numbering.stack[:placement.depth]]
            numbering.take(marker, placement, hint)
            assert [(o.style, o.rank, o.value, o.hint) for o in numbering.stack[:-1]] == stack
            top = numbering.stack[-1]
            assert (top.style, top.rank, top.value, top.hint) == (
                (marker.style.name, marker.style.rank, marker.value, hint) if marker else ("", -1.0, 0, hint))
    assert top_first > 300


def test_constructed_warnings_are_the_validated_ones(monkeypatch):
    import pickle

    from fangan.model import RecordWarning
    from fangan.structure import tree as T

    assert T._warning is T._construct_warning  # RecordWarning is a plain model: the fast path is the one used
    rng = random.Random(6)
    for _ in range(200):
        args = (rng.choice(["numbering_gap", "heading_rejected"]), "message", "structure", rng.randint(1, 9),
                [rng.choice(["一、甲", "2、乙"]) for _ in range(rng.randint(0, 3))])
        fast, plain = T._construct_warning(*args), RecordWarning(code=args[0], message=args[1], step=args[2], count=args[3],
                                                                   examples=list(args[4]))
        assert fast == plain and fast.model_dump() == plain.model_dump()
        assert fast.model_dump_json() == plain.model_dump_json() and fast.model_fields_set == plain.model_fields_set
        assert pickle.loads(pickle.dumps(fast)) == plain and RecordWarning.model_validate(fast.model_dump()) == fast
    text = "一、甲\n三、丙\n三、丙又\n（二）乙\n"
    fast = [w.model_dump() for w in build_structure(text).warnings]
    assert {w["code"] for w in fast} >= {"numbering_gap", "numbering_repeat"}
    monkeypatch.setattr(T, "_warning", T._validated_warning)
    assert [w.model_dump() for w in build_structure(text).warnings] == fast


def test_where_and_push_are_place_and_take():
    """Numbering.where (the tuple the tree and the splitter read) is place(marker) field for field, and
    push(marker, depth) leaves the numbering as take(marker, placement) does, on random numberings."""
    from dataclasses import astuple

    from fangan.structure.tree import Numbering

    rng = random.Random(21)
    heads = [m for m in (match_marker(s) for s in _strings(3000, 22)) if m is not None]
    kinds = set()
    for _ in range(400):
        a, b = Numbering(), Numbering()
        for _ in range(rng.randint(1, 30)):
            marker = rng.choice(heads)
            placement = a.place(marker)
            got = b.where(marker)
            assert got == astuple(placement)
            kinds.add(got[1])
            a.take(marker, placement)
            b.push(marker, got[0])
            assert [(o.style, o.rank, o.value, o.hint) for o in a.stack] == [(o.style, o.rank, o.value, o.hint) for o in b.stack]
            assert a.parent_style == b.parent_style and a.last == b.last
    assert kinds >= {"next", "gap", "repeat", "continue"}


def test_tree_sections_made_inline_are_construct_sections():
    """The tree makes each section inline (_new_section): the instance _construct_section makes, field for
    field, with the same pydantic state, on every fixture and random documents."""
    docs = [p.read_text(encoding="utf-8") for p in FIXTURES] + ["\n".join(d) for d in _docs(200, 23)]

    def walk(secs):
        for s in secs:
            yield s
            yield from walk(s.children)

    n = 0
    for text in docs:
        for s in walk(build_structure(text).sections):
            d = s.__dict__
            made = T._construct_section(d["id"], d["marker"], d["level"], d["title"], d["text"], d["children"])
            assert type(s) is Section and s == made and s.model_dump() == made.model_dump()
            assert s.__pydantic_fields_set__ == made.__pydantic_fields_set__
            assert s.__pydantic_extra__ is None and s.__pydantic_private__ is None
            n += 1
    assert n > 500


def test_tree_sections_share_one_full_fields_set():
    """The tree's sections share one fields set, the set of every field (each is set): an assignment through
    pydantic adds a name already in it, so neither that section nor any other changes what is set."""
    result = build_structure("一、总体要求\n（一）指导思想\n正文。\n二、工作步骤\n1.动员\n")
    secs = list(_walk(result.sections))
    assert len(secs) == 4 and all(s.model_fields_set == set(Section.model_fields) for s in secs)
    secs[0].title = "改"
    assert all(s.model_fields_set == set(Section.model_fields) for s in secs)
    assert secs[1].model_dump(exclude_unset=True) == secs[1].model_dump()


def test_enumeration_gate_passes_every_character_a_pattern_opens_with():
    """is_enumeration tries its pattern only after a character one of the patterns may open with (、, a bracket, a
    plain numeral, a decimal digit of any script): checked over every character of the basic plane."""
    from fangan.lexicon import markers as M

    tails = ("1、", "一、", "1)", "）", "等", "、")
    for cp in range(0x10000):
        c = chr(cp)
        if any(M._ENUMERATION_AFTER[a].match(c + t) for a in (True, False) for t in tails):
            assert c in M._ENUMERATION_FIRST or c.isdecimal(), hex(cp)
    # and on marker lines: the gated answer is the pattern's
    checked = 0
    for s in _strings(4000, 25) + ["一、二、三等奖", "（1）、（2）班", "二、三节课", "1、２、加强", "一、加强"]:
        for pos in range(len(s)):
            first = M._ANY_STYLE.match(s, pos)
            if first is None:
                continue
            at, number = M._STYLE_AT[first.lastgroup]
            marker = M._marker(at, first, first.group(number), first.end())
            plain = (lambda e: e is not None and (e.group(0)[-1] not in "等节次之" or marker.text.endswith("、")))(
                M._ENUMERATION_AFTER[marker.style.arabic].match(s, marker.end))
            assert M.is_enumeration(s, marker) == plain, s
            checked += 1
    assert checked > 1000


def _tree_dump(result):
    return ([s.model_dump() for s in result.sections], result.section_lines, [w.model_dump() for w in result.warnings])


def test_add_facts_is_add_line_per_line():
    """TreeBuilder.add_facts (one loop: body lines and numbered lines added without add_line's calls) builds the
    tree add_line builds line by line from the same facts: random documents (gaps, repeats, twins, circled
    items, page numbers), the fixtures, attachments (附件 parts, a plan inside one) and heading hints."""
    from fangan.structure import runin as R

    extra = [["一、总则", "正文。", "附件1：名单", "张三", "附件2", "一、目的", "（一）细则", "二、要求"],
             ["一、甲", "围绕中心工作开展各项工作持续推进落实各项任务要求不断提高工作水平和质量效益的", "2、绕", "二、乙"],
             ["1.一", "①甲②乙", "2.二", "第一章 总则", "第一条 目的", "壹、", "附：《表》"]]
    docs = _docs(300, 26) + [_lines(p) for p in FIXTURES] + extra
    sections = warned = 0
    for hints in ({}, {"总则": 1, "目的": 2, "正文。": 3}):
        for lines in docs:
            facts = R.facts_of(lines)
            a = TreeBuilder(hints, unnumbered_hints=bool(hints))
            a.add_facts(lines, facts)
            b = TreeBuilder(hints, unnumbered_hints=bool(hints))
            for i, (line, f) in enumerate(zip(lines, facts)):
                b.add_line(line, i, None, f)
            got = _tree_dump(a.finish())
            assert got == _tree_dump(b.finish()), lines
            sections += len(got[1])
            warned += len(got[2])
    assert sections > 2000 and warned > 100
