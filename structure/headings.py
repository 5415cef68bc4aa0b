"""The official heading hierarchy: 一、 （一） 1、/1. （1） ① 第一阶段, into a tree.

Levels are not a fixed table: they come from the order in which marker styles nest in the
document (seed 001 goes 一、 → 1、 → ① with no （一）), kept on a stack. A marker is a heading
only if its number is the next one expected at its place (一、 after 一、 is not; 3、 under a fresh
parent is not), which keeps numbered sentences and page numbers out of the tree.

Headings run into the body are split off: after a finished sentence (`…本方案。一、指导思想`),
and, in documents flattened that way, also where a short heading phrase runs straight into its
body with no punctuation (`一、指导思想增强…`, `（一）抓好政治理论学习讲清楚…`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from fangan.lexicon.orgs import is_org_line
from fangan.lexicon.segment import cut
from fangan.model import Repair, Section, Change

from . import StructureResult
from .title import choose_title
from .numerals import cn_to_int

_CN = "[一二三四五六七八九十]+|[壹贰叁肆伍陆柒捌玖拾]+"


@dataclass(frozen=True)
class Style:
    name: str  # the marker with its number abstracted: 一、 （一） 1、 1. （1） ① 第一阶段
    pattern: re.Pattern


STYLES: tuple[Style, ...] = (
    Style("第N阶段", re.compile(rf"第(?P<n>{_CN})(?:阶段)[：:]?")),
    Style("一、", re.compile(rf"(?P<n>{_CN})[、．]")),
    Style("（一）", re.compile(rf"[（(](?P<n>{_CN})[)）]")),
    Style("（1）", re.compile(r"[（(](?P<n>\d{1,2})[)）]")),
    Style("1、", re.compile(r"(?P<n>\d{1,2})、")),
    Style("1.", re.compile(r"(?P<n>\d{1,2})[.．](?![\d.．])")),
    Style("①", re.compile(r"(?P<n>[①-⑳])")),
)


def _value(style: Style, n: str) -> int:
    if style.name == "①":
        return ord(n) - ord("①") + 1
    return cn_to_int(n)


def _canonical_marker(style: Style, m: re.Match) -> str:
    text = m.group(0)
    if style.name == "第N阶段":
        return text.rstrip("：:")
    if style.name in ("（一）", "（1）"):
        return f"（{m.group('n')}）"
    if style.name == "一、":
        return f"{m.group('n')}、"
    return text


def match_marker(s: str, pos: int = 0) -> Optional[tuple[Style, re.Match]]:
    for style in STYLES:
        m = style.pattern.match(s, pos)
        if m:
            after = s[m.end(): m.end() + 1]
            if style.name in ("1、", "1.", "（1）") and after and (after.isdigit() or after in "%％年月日号元万个"):
                continue
            if style.name == "1." and (not after or not re.match(r"[\u4e00-\u9fff“（]", after)):
                continue  # 1.5 or 1.A: not a heading
            return style, m
    return None


# --- titles -----------------------------------------------------------------------------------

_TRAIL = "。；;，,：:、 "


def heading_title(rest: str, whole_line: bool) -> str:
    """The heading's title from the text after its marker (conventions: up to the first 。 or ：,
    trailing punctuation stripped; "" when the item opens with an ordinary sentence)."""
    rest = rest.strip()
    if not rest:
        return ""
    if whole_line and not re.search("[。：:；;]", rest.rstrip(_TRAIL)):
        return rest.rstrip(_TRAIL)
    seg = re.split("[。：:；;]", rest, maxsplit=1)[0].rstrip(_TRAIL)
    return seg if is_title_phrase(seg) else ""


def is_title_phrase(seg: str) -> bool:
    """A heading phrase, not an opening sentence: short; at most a couple of short comma parts
    (提高认识，加强领导) and no enumeration that runs on (围绕政治鉴别、依法行政、…)."""
    if not seg or len(seg) > 32:
        return False
    parts = re.split("[，,]", seg)
    if len(parts) == 1:
        return seg.count("、") <= 2 or len(seg) <= 16
    return len(parts) <= 3 and all(1 <= len(p) <= 10 for p in parts) and len(seg) <= 24


KNOWN_HEADINGS = frozenset(
    "指导思想 总体思路 总体要求 总体目标 工作目标 创建目标 奋斗目标 目标任务 主要目标 基本原则 工作原则 主要任务 重点任务 工作任务 "
    "工作重点 主要内容 活动内容 工作内容 讨论内容 实施范围 适用范围 活动主题 活动时间 活动对象 参加对象 实施步骤 方法步骤 工作步骤 "
    "步骤安排 进度安排 时间安排 活动安排 实施安排 工作安排 组织领导 组织机构 组织保障 保障措施 工作措施 创建措施 主要措施 具体措施 "
    "工作要求 创建要求 有关要求 具体要求 活动要求 责任分工 职责分工 工作职责 考核评估 监督检查 督导检查 考核办法 检查验收 经费保障".split()
)
HEAD_FINAL = frozenset(
    "思想 目标 任务 步骤 措施 要求 领导 保障 原则 内容 安排 范围 对象 重点 方式 方法 依据 职责 分工 机制 建设 学习 氛围 创建 "
    "活动 工作 管理 宣传 监督 考核 责任 意义 形式 成果 纪律 作用 教育 服务 体系 制度 队伍 能力 水平 环境 文化 落实".split()
)
SENTENCE_START = (
    "以", "为", "根据", "按照", "通过", "坚持", "增强", "讲清楚", "充分", "加强", "要", "各", "全面", "进一步", "深入", "围绕", "结合",
    "认真", "切实", "积极", "紧紧", "严格", "建立", "成立", "由", "对", "在", "从", "把", "将", "本", "全县", "全市", "全区", "全省",
    "今年", "到20", "力争", "确保", "着力", "主要", "采取", "组织", "做好", "贯彻", "落实", "坚决", "大力", "不断", "努力", "使", "实现",
    "局", "县", "市", "区", "各级", "创建工作", "活动", "工作", "重点", "我局", "我委", "我院",
)


def split_run_in_heading(rest: str) -> Optional[int]:
    """Where a heading phrase with no punctuation ends and its body begins, or None.
    Candidate cut points are word boundaries in the first clause; a cut is taken when the head is a
    known plan heading, or ends in a heading noun while the tail opens like a sentence."""
    clause = re.split("[，,。；;：:“”\"（(]", rest, maxsplit=1)[0]
    if len(clause) < 4 or clause == rest:
        return None  # a heading alone on its line
    words = cut(clause[:40])
    best = None
    pos = 0
    for i, w in enumerate(words[:-1] if len(clause) == len(rest) else words):
        pos += len(w)
        head, tail = rest[:pos], rest[pos:]
        if not (2 <= len(head) <= 24) or not tail:
            continue
        score = 0
        if head in KNOWN_HEADINGS:
            score += 5
        if w in HEAD_FINAL:
            score += 2
        if tail.startswith(SENTENCE_START):
            score += 2
        if score >= 4 and (best is None or score > best[0]):
            best = (score, pos)
    return best[1] if best else None


# --- the tree ---------------------------------------------------------------------------------


@dataclass
class _Open:
    style: str
    value: int
    section: Optional[Section]  # None in a _Sim copy, which tracks numbering only


def _expected(stack: list[_Open], style: str) -> int:
    """The number a marker of `style` must carry here: one more than its open sibling, else 1."""
    for o in reversed(stack):
        if o.style == style:
            return o.value + 1
    return 1


def _close_to(stack: list[_Open], style: str) -> None:
    """Close the open sections down to (and including) the last one of `style`, so that a new
    marker of that style becomes its sibling; a new style leaves the stack as it is (a child)."""
    if any(o.style == style for o in stack):
        while stack[-1].style != style:
            stack.pop()
        stack.pop()


class TreeBuilder:
    """Accepts markers in document order and keeps the stack of open sections."""

    def __init__(self) -> None:
        self.roots: list[Section] = []
        self.stack: list[_Open] = []

    def accepts(self, style: str, value: int) -> bool:
        return value == _expected(self.stack, style)

    def add(self, style: str, value: int, marker: str, title: str, text: str) -> Section:
        _close_to(self.stack, style)
        siblings = self.stack[-1].section.children if self.stack else self.roots
        sid = (self.stack[-1].section.id + "." if self.stack else "s") + str(len(siblings) + 1)
        sec = Section(id=sid, marker=marker, level=len(self.stack) + 1, title=title, text=text)
        siblings.append(sec)
        self.stack.append(_Open(style, value, sec))
        return sec


def _embedded_markers(line: str, tree: TreeBuilder, anywhere: bool) -> list[int]:
    """Positions inside `line` where a run-in heading starts: after a finished sentence, or (in
    flattened documents) right after any hanzi, and only where the number is the next expected."""
    cuts = []
    sim = _Sim(tree)
    first = match_marker(line)
    if first:
        sim.take(first[0].name, _value(first[0], first[1].group("n")))
    for m in re.finditer(r"(?<=[。；;！？!?：:])|(?<=[\u4e00-\u9fff”）)])" if anywhere else r"(?<=[。；;！？!?：:])", line):
        pos = m.start()
        if pos == 0 or pos >= len(line) - 2:
            continue
        hit = match_marker(line, pos)
        if not hit:
            continue
        style, mm = hit
        if style.name == "①":
            continue  # inline ①…⑧ stay in their paragraph (they become child sections there)
        if style.name == "1、" and not anywhere:
            continue  # 主要有：1、…2、… inside a paragraph is an inline list, not a heading
        value = _value(style, mm.group("n"))
        if sim.accepts(style.name, value):
            sim.take(style.name, value)
            cuts.append(pos)
    return cuts


class _Sim:
    """A copy of the tree's numbering state, to test cuts before committing them."""

    def __init__(self, tree: TreeBuilder) -> None:
        self.stack = list(tree.stack)

    def accepts(self, style: str, value: int) -> bool:
        return value == _expected(self.stack, style)

    def take(self, style: str, value: int) -> None:
        _close_to(self.stack, style)
        self.stack.append(_Open(style, value, None))


def _strip_title_prefix(first: str, candidates: list[str]) -> Optional[tuple[str, str]]:
    for cand in candidates:
        c = cand.strip()
        if len(c) >= 4 and first.startswith(c):
            return c, first[len(c):].lstrip(" ：:")
    return None


def _is_title_line(line: str) -> bool:
    return (len(line) <= 60 and match_marker(line) is None and not line.endswith(("。", "：", ":", "；"))
            and not re.search("[，。]", line))


KIND_WORD = re.compile(r"(?:方案|计划|规划|意见|通知|办法|细则|要点|决定|通报|规定|纲要|措施|安排)$")


def _title_after_issuer(lines: list[str]) -> Optional[tuple[int, int, str]]:
    """A letterhead first (海南省农业农村厅 海南省财政厅), then the title, perhaps wrapped over two
    lines: the title is the first line (or pair) ending in a document kind (…方案, …的通知)."""
    if KIND_WORD.search(lines[0]) or not is_org_line(lines[0]):
        return None
    for i in range(1, min(4, len(lines))):
        ln = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # a short tail line (的通知) finishes a wrapped title
        if nxt and KIND_WORD.search(nxt) and len(nxt) <= 12 and _is_title_line(ln + nxt):
            return i, 2, ln + nxt
        if KIND_WORD.search(ln) and _is_title_line(ln):
            return i, 1, ln
        if nxt and KIND_WORD.search(nxt) and _is_title_line(ln + nxt) and len(nxt) <= 30:
            return i, 2, ln + nxt
    return None


def build(text: str, title_hint: Optional[str], heading_hints: dict, title_candidates: list[str]) -> StructureResult:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    repairs: list[Repair] = []
    chosen = choose_title(lines, title_candidates, title_hint)
    title, lines, repairs = chosen.title, chosen.lines, list(chosen.repairs)

    tree = TreeBuilder()
    # flattened documents: several top-level markers hidden after finished sentences
    flat = sum(len(_embedded_markers(ln, TreeBuilder(), anywhere=False)) for ln in lines) >= 2
    out: list[str] = []
    section_lines: dict[str, int] = {}
    split_changes: list[Change] = []
    queue = list(lines)
    while queue:
        ln = queue.pop(0)
        cuts = _embedded_markers(ln, tree, anywhere=flat)
        if cuts:
            pieces = [ln[a:b] for a, b in zip([0] + cuts, cuts + [len(ln)])]
            for p in pieces[1:]:
                split_changes.append(Change(before=p[:12], after="⏎ " + p[:12]))
            queue[:0] = pieces[1:]
            ln = pieces[0]
        hit = match_marker(ln)
        if hit:
            style, m = hit
            value = _value(style, m.group("n"))
            # an excerpt may start at 玖、: the first heading of a document may take any number if it stands alone
            excerpt_start = not tree.roots and len(ln) <= 30 and not re.search("[。；，]", ln) and style.name in ("一、", "（一）")
            if tree.accepts(style.name, value) or excerpt_start:
                rest = ln[m.end():]
                if style.name == "第N阶段":
                    rest = rest.lstrip("：: ")
                if flat and rest:
                    cut = split_run_in_heading(rest)
                    if cut:
                        split_changes.append(Change(before=rest[: cut + 4], after=rest[:cut] + " ⏎ " + rest[cut: cut + 4]))
                        queue.insert(0, rest[cut:])
                        ln = ln[: m.end()] + rest[:cut]
                        rest = rest[:cut]
                whole = len(ln) <= 40 and not re.search("[。；;]", ln)
                sec = tree.add(style.name, value, _canonical_marker(style, m), heading_title(rest, whole), ln)
                section_lines[sec.id] = len(out)
                out.append(ln)
                _inline_circled(ln, tree, section_lines, len(out) - 1)
                continue
        # body line: belongs to the innermost open section
        if tree.stack:
            tree.stack[-1].section.text += "\n" + ln
        out.append(ln)
        _inline_circled(ln, tree, section_lines, len(out) - 1)
    if split_changes:
        repairs.append(Repair(step="split_run_in_headings", count=len(split_changes), changes=split_changes[:40]))
    return StructureResult(title=title, lines=out, sections=tree.roots, repairs=repairs, section_lines=section_lines)


def _inline_circled(line: str, tree: TreeBuilder, section_lines: dict, index: int) -> None:
    """①…⑧ inside a paragraph: child sections of the paragraph's section, text left in place."""
    starts = [m.start() for m in re.finditer("[①-⑳]", line) if m.start() > 0]
    if not starts or not tree.stack:
        return
    for a, b in zip(starts, starts[1:] + [len(line)]):
        piece = line[a:b]
        value = ord(piece[0]) - ord("①") + 1
        if not tree.accepts("①", value):
            continue
        sec = tree.add("①", value, piece[0], "", piece)  # inline list items carry no heading of their own
        section_lines[sec.id] = index
