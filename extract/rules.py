"""Rule extractors over the clean text of one plan. Each returns (start, end, item) with character
offsets into the text, so the spaCy components in `nlp.py` can attach them to the Doc as spans.

Targets live in `targets.py`, parties in `parties.py`, date parsing in `dates.py`; deadlines, goals
and phases here. Every word list they read is in `fangan.lexicon` (roles, quantities, dates, orgs).

The rules follow the corpus conventions (../shared/gold/CONVENTIONS.md): what counts as a target,
a deadline or a responsible party, and what does not (facts, cited authorities, report recipients,
persons, generic addressees given ordinary instructions).
"""
from __future__ import annotations

import re
from typing import Iterator, Optional

from fangan.lexicon.dates import (
    BEFORE_DEADLINE_WORD, CLOCK_TIME, COMPLETION_WORDS, DEADLINE_AFTER, DEADLINE_BEFORE, DEADLINE_LABELS, DEADLINE_MODALS,
    NOT_ACTIONS, NOT_DEADLINE_BEFORE, PERIOD_LABELS, RECURRING_PERIODS, SCHEDULE_SECTIONS, STEP_WORDS, WEEKDAY,
)
from fangan.gates import gated, lines_with
from fangan.lexicon.quantities import FACT_WORDS, MEANS_CLAUSE, NOT_GOALS
from fangan.lexicon.roles import alternation
from fangan.model import DateValue, Deadline, Phase, Section

from .dates import POINT, RANGE_SEP, parse_range, point_from_match
from .lines import plan_lines, to_read
from .items import deadline_from_dump
from .parties import LEADING_MARKER, SENTENCE, clean_org, find_parties  # noqa: F401  (the party rules live in parties.py)
from .targets import find_targets  # noqa: F401  (the target rules live in targets.py)

# --- sentences ---------------------------------------------------------------------------------

def sentences(text: str) -> Iterator[tuple[int, int, str]]:
    for m in SENTENCE.finditer(text):
        s = m.group(0)
        if s.strip():
            yield m.start(), m.end(), s


# --- goals -------------------------------------------------------------------------------------

AS_GOAL = re.compile(r"[^，。；：\n]{4,60}为目标")


# a goal section's clauses and the words that lead into a goal (compiled once, not looked up in re's cache per clause)
_GOAL_CLAUSE = re.compile(r"[^，。；：\n]+")
_GOAL_LEAD = re.compile(r"^(?:通过[^，]*|实现|使|努力|力争|确保)")


def find_goal_statements(text: str, goal_spans: list[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    """Aims framed as goals: clauses of goal sections and labelled goal paragraphs, and …为目标."""
    for a, b in goal_spans:
        body = text[a:b]
        for m in _GOAL_CLAUSE.finditer(body):
            clause = m.group(0).strip()
            clause = _GOAL_LEAD.sub("", clause) if len(clause) > 8 else clause
            if len(clause) >= 4 and not MEANS_CLAUSE.match(clause) and not NOT_GOALS.match(clause):
                yield a + m.start(), a + m.end(), clause
    for start, end in lines_with(text, "为目标"):  # a …为目标 clause never crosses a line break
        for m in AS_GOAL.finditer(text[start:end]):
            if not any(a <= start + m.start() < b for a, b in goal_spans):
                yield start + m.start(), start + m.end(), m.group(0)


# --- deadlines ---------------------------------------------------------------------------------

RECURRING = re.compile(rf"每(?P<period>{alternation(RECURRING_PERIODS)})(?P<when>末|底|初|(?P<day>\d{{1,2}})[日号])?(?:以)?前")


def _action_after(text: str, end: int, sent_end: int) -> tuple[str, Optional[str]]:
    rest = text[end:sent_end].rstrip("。；;")
    party = None
    if rest.startswith(("，", ",")):
        clauses = [c for c in re.split("[，,]", rest) if c.strip()]
        action = clauses[-1] if clauses else ""
        if clauses:
            sm = re.match(r"(?P<p>[^，]{2,30}?)(?:要|将|应|须|必须)", clauses[0])
            if sm:
                party = clean_org(sm.group("p").split("、")[-1]) and sm.group("p")
    else:
        action = re.split("[，,]", rest, maxsplit=1)[0]
    return action.strip(), party


_DL_AFTER = re.compile(rf"^[）)]?\s*(?:[（(]{WEEKDAY}[）)]|{WEEKDAY})?\s*[（(]?(?:{alternation(BEFORE_DEADLINE_WORD)}|{CLOCK_TIME}|\s){{0,4}}"
                       rf"(?P<word>{alternation(DEADLINE_AFTER)})(?:后)?[）)]?")  # 10月28日（中午之前）
_DL_BEFORE = re.compile(rf"(?:{alternation(DEADLINE_BEFORE)})\s*(?:于|到|至)?\s*$")
_DL_MODAL = re.compile(rf"^\s*(?:{alternation(DEADLINE_MODALS)})[^，。；]{{0,12}}?(?:{alternation(COMPLETION_WORDS)})")
_DL_LABEL = re.compile(rf"(?:{alternation(DEADLINE_LABELS)})\s*(?:[：:]|为)?\s*(?:{alternation(DEADLINE_BEFORE)})?\s*$")
_NOT_DL = re.compile(rf"(?:{alternation(NOT_DEADLINE_BEFORE)})\s*$")
# asked for every date in a deadline sentence: compiled once (not looked up in re's cache per call)
_RANGE_NEXT = re.compile(RANGE_SEP + r"(?:\d|[一二三四五六七八九十])")  # .match at a position: as on the slice (no lookbehind)
_RANGE_SEP_END = re.compile(RANGE_SEP + r"$")
_FIRST_CLAUSE_SEP = re.compile("[，,。；]")
_COMMA = re.compile("[，,]")
_CONJ_OPENER = re.compile(r"^(?:但|并|且|而|或)")
_TIME_WORD_END = re.compile(r"(?:截止)?(?:时间|日期)$")


def _in_range(sent: str, m: re.Match) -> bool:
    """A point that opens or closes a range (3月10日至24日) belongs to a period, not a deadline."""
    if _RANGE_NEXT.match(sent, m.end()):
        return True
    return bool(_RANGE_SEP_END.search(sent[:m.start()])) and bool(POINT.search(sent[max(0, m.start() - 14):m.start()]))


def _inside_bracket(before: str) -> bool:
    return before.rfind("（") > before.rfind("）") or before.rfind("(") > before.rfind(")")


def _deadline_kind(sent: str, m: re.Match) -> Optional[tuple[str, int]]:
    """Why the date is a deadline, and where its wording ends: a deadline word after it (7月5日前,
    6月10日下午下班前), before it (截止11月5日, 不晚于5月21日), a modal and a completion (12月8日须全部测试完毕),
    or a deadline label (完成时限：4月15日前)."""
    before, after = sent[:m.start()], sent[m.end():]
    if _NOT_DL.search(before) or _in_range(sent, m):
        return None
    label = bool(_DL_LABEL.search(before))
    am = _DL_AFTER.match(after)
    if am:
        return ("label" if label else "after"), m.end() + am.end()
    if _DL_BEFORE.search(before) and not _inside_bracket(before) and not FACT_WORDS.search(_FIRST_CLAUSE_SEP.split(after + "。", 1)[0]):
        # 截止2021年6月15日共有在编教职工216名: the date of a fact, not a deadline
        return ("label" if label else "before"), m.end()
    if _DL_MODAL.match(after):
        return "modal", m.end()
    if label and not _inside_bracket(before):
        return "label", m.end()  # 报名截止时间：12月3日中午 — the label says the date is a deadline
    return None


_NO_ACTION = re.compile(rf"^(?:{alternation(BEFORE_DEADLINE_WORD)}|{CLOCK_TIME}|[\s\d:：.、，,])*$")


def _action_before(before: str) -> str:
    """The action of a deadline whose date ends its clause (上交时间：截止2022年12月8日; 经批准后方可延期体检，但不能
    晚于3月19日): the clause before the deadline words, without labels and conjunctions."""
    clauses = [c.strip(" ：:（(") for c in _COMMA.split(_DL_LABEL.sub("", _DL_BEFORE.sub("", before)))]
    for clause in reversed(clauses):
        clause = _CONJ_OPENER.sub("", _TIME_WORD_END.sub("", clause)).strip()
        clause = LEADING_MARKER.sub("", clause).strip()
        if clause and not NOT_ACTIONS.match(clause):
            return clause
    return "完成"


# a dated deadline needs one of these words (_deadline_kind): a deadline word after the date or before it,
# a completion after a modal, or a deadline label; a recurring one ends in 前 (RECURRING), one of them too: a
# sentence without any holds no deadline (a sentence with 每 alone is not read)
_DEADLINE_WORDS = DEADLINE_AFTER + DEADLINE_BEFORE + COMPLETION_WORDS + DEADLINE_LABELS
_DEADLINE_WORD = gated(re.compile(alternation(_DEADLINE_WORDS)))
assert RECURRING.pattern.endswith("前") and "前" in _DEADLINE_WORDS
_SENTENCE_BREAK = re.compile("[。；;！？\n]")
_LAST_SENTENCE_BREAK = re.compile(".*[。；;！？\n]", re.S)


def _deadline_sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """`sentences(text)`, only those that hold a deadline word: the words are found in one scan of
    the text and each one's sentence is cut around it (SENTENCE: a run up to a break, plus the break
    unless it is a line break)."""
    end = 0
    for w in _DEADLINE_WORD.finditer(text):
        at = w.start()
        if at < end:
            continue  # in the sentence already given
        # the break that closed the sentence given last (at end - 1, or a line break at end) or a later one:
        # each stretch of text is read once, even in a plan flattened to one line
        lo = max(0, end - 1)
        lb = _LAST_SENTENCE_BREAK.match(text, lo, at)
        start = lb.end() if lb else lo
        b = _SENTENCE_BREAK.search(text, at)
        end = len(text) if b is None else b.start() + (text[b.start()] != "\n")
        yield start, end, text[start:end]


def _may_date(sent: str) -> bool:
    """Whether POINT can match in `sent`: each of its forms holds 月, 年 (a year, 年底, 上半年…) or the separator
    of a written-out date (2024-05-01, 2024/5/1, 5.20); most deadline-word sentences hold none (a test reads the
    pattern's requirements)."""
    return "月" in sent or "年" in sent or "." in sent or "-" in sent or "/" in sent


def find_deadlines(text: str) -> Iterator[tuple[int, int, Deadline]]:
    """Every deadline of the text, in text order. A sentence never crosses a line and its deadlines are read from
    it alone, so a line's deadlines are a fact of the line: the text is read line by line (`.lines`), a line's
    deadlines are remembered with it (plans repeat lines, within a plan and across a site's plans), only a line
    never met is searched for a deadline word and read, and the items are made anew per use (the extraction fills
    in their section and year)."""
    lines, starts, records = plan_lines(text)
    for i in to_read(records, "deadlines", ()):  # (a line known to hold none is not visited)
        record = records[i]
        items = record.deadlines
        if items is None:
            line = lines[i]
            items = record.deadlines = _line_deadlines(line) if _DEADLINE_WORD.search(line) else ()
        if items:
            start = starts[i]
            for a, b, item in items:
                yield start + a, start + b, deadline_from_dump(item)


def _line_deadlines(line: str) -> tuple[tuple[int, int, dict], ...]:
    return tuple((a, b, d.model_dump()) for a, b, d in _deadlines_in(line))


def _deadlines_in(text: str) -> Iterator[tuple[int, int, Deadline]]:
    """The deadlines of `text` read sentence by sentence (find_deadlines reads them line by line)."""
    for s0, s1, sent in _deadline_sentences(text):
        # every recurring deadline opens with 每: most sentences are spared both scans
        recurring_matches = list(RECURRING.finditer(sent)) if "每" in sent else []
        recurring = [(r.start(), r.end()) for r in recurring_matches]
        for m in POINT.finditer(sent) if _may_date(sent) else ():  # (every sentence given holds a deadline word)
            if any(a <= m.start() < b for a, b in recurring):
                continue  # 每年末前: the 年末 of a recurring deadline is no date of its own
            kind = _deadline_kind(sent, m)
            if not kind:
                continue
            why, tail_end = kind
            due = point_from_match(m)
            if due.month is None and due.year is None:
                continue
            due.raw = sent[m.start():tail_end].strip()
            action, party = _action_after(sent, tail_end, len(sent))
            action = action.strip("（）() ")
            if _NO_ACTION.match(action):
                action = ""  # 报名截止时间：12月3日中午 — a time of day is no action
            if not action and why in ("before", "label"):
                action = _action_before(sent[:m.start()])
            if not action:
                continue
            yield s0 + m.start(), s0 + len(sent), Deadline(due=due, action=action, party=party,
                                                           raw=sent[m.start():].rstrip("。；;"))
        for m in recurring_matches:
            when = m.group("when") or ""
            part = "end" if when in ("末", "底") else ("early" if when == "初" else None)
            day = int(m.group("day")) if m.group("day") else None
            action, party = _action_after(sent, m.end(), len(sent))
            if action:
                yield s0 + m.start(), s0 + len(sent), Deadline(due=DateValue(day=day, part=part, raw=m.group(0)), action=action,
                                                               party=party, raw=sent[m.start():].rstrip("。；;"),
                                                               recurring=RECURRING_PERIODS[m.group("period")])


# --- phases (from the section tree) ------------------------------------------------------------

# a stage heading: 准备阶段（2024年9月上旬至9月底）, possibly with its body run in after the date
# the name is a noun phrase: no spaces, not a clause about stages (分两个阶段, 为…阶段, 部署…下阶段)
STAGE_TITLE = re.compile(r"^(?![为分下本该这此在各进])(?P<name>(?:(?!个阶段)[^，。；：:（(\s]){2,20}?阶段)\s*(?:[（(](?P<when>[^）)]*)[）)])?")
ORDINAL_STAGE = re.compile(r"^第[一二三四五六七八九十\d]+阶段$")
# a dated step under a schedule section: 线上初赛（2026 年 4 月）, 动员部署（3月10日至3月25日）
DATED_STEP = re.compile(r"^(?P<name>[^，。；：:（(]{2,24}?)\s*[（(](?P<when>[^）)]*)[）)]")
_STEP_WORD = re.compile("^" + alternation(STEP_WORDS))
_DATE_FIRST = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*年)?\s*\d{1,2}\s*月")

_STAGE_NAME = r"(?![为分下本该这此在各进])(?:(?!个阶段)[^，。；：、\s（(为]){2,10}阶段"  # not 分两个阶段
_WHEN = r"(?P<when>(?:(?:19|20)[\d\*＊×xX]{2,4}\s*年)?\s*\d{1,2}\s*月[^，。；为]{0,20}?)"
PHASE_SENTENCE = (
    gated(re.compile(_WHEN + r"为(?P<name>" + _STAGE_NAME + ")")),
    re.compile(r"(?:^|(?<=[，。；：\n]))(?:第[一二三四五六七八九十]+阶段[：:]?)?(?P<name>" + _STAGE_NAME + r")[（(：:]\s*" + _WHEN + r"[）)，。；]"),
    # 第一阶段为3月16日至4月15日
    gated(re.compile(r"(?:^|(?<=[，。；\n]))(?P<name>第[一二三四五六七八九十]+阶段)[：:为是]?\s*(?:从|自)?" + _WHEN + r"(?=[，。；\n]|$)")),
)


# what a match of PHASE_SENTENCE[0] and [2] holds on one line (its stage name: no whitespace, a numeral or 为
# before it); a text with none of them on its lines that say 阶段 is not scanned with the whole pattern
_PHASE_SENTENCE_NEEDS = (
    re.compile(r"为[^，。；：、\s（(为]{2,10}阶段"),
    None,
    re.compile(r"第[一二三四五六七八九十]+阶段"),
)


def _may_hold(need: Optional[re.Pattern], text: str, stage_lines: Optional[list[tuple[int, int]]] = None) -> bool:
    """`stage_lines`: lines_with(text, "阶段"), when the caller has them."""
    if need is None:
        return True
    return any(need.search(text, start, end) for start, end in (lines_with(text, "阶段") if stage_lines is None else stage_lines))


def _after_a_break(rx: re.Pattern, text: str, stage_lines: Optional[list[tuple[int, int]]] = None) -> Iterator[re.Match]:
    """`rx.finditer(text)` for the stage pattern that opens a clause (PHASE_SENTENCE[1]): its match starts at
    the text's start or after [，。；：\n] and reaches its 阶段 on the same line, so only those places of the
    lines that say 阶段 are tried, in order and without overlap."""
    pos = 0
    for start, end in lines_with(text, "阶段") if stage_lines is None else stage_lines:
        for at in [start] + [c.end() for c in _CLAUSE_BREAK.finditer(text, start, end)]:
            if at < pos:
                continue
            m = rx.match(text, at)
            if m:
                yield m
                pos = m.end()


_CLAUSE_BREAK = re.compile("[，。；：]")


def find_sentence_phases(text: str) -> list[tuple[int, Phase]]:
    """Stages stated in running text (2024年5月—6月为动员部署阶段；第一阶段为3月16日至4月15日) when no
    section names them."""
    found = []
    if "阶段" not in text or "月" not in text:
        return []  # every pattern names a 阶段 and dates it by month
    taken = bytearray(len(text))  # the characters a stage already found covers: one look per match
    stage_lines = list(lines_with(text, "阶段"))  # (found once for the three patterns)
    for rx, need in zip(PHASE_SENTENCE, _PHASE_SENTENCE_NEEDS):
        if not _may_hold(need, text, stage_lines):
            continue
        for m in (_after_a_break(rx, text, stage_lines) if rx is PHASE_SENTENCE[1] else rx.finditer(text)):
            if taken[m.start()]:
                continue
            rng = parse_range(m.group("when"))
            if rng:
                found.append((m.start(), m.end(), Phase(name=m.group("name"), order=0, start=rng[0], end=rng[1], raw=m.group(0))))
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    found.sort(key=lambda x: x[0])
    for i, (_, _, p) in enumerate(found, 1):
        p.order = i
    return [(a, p) for a, _, p in found]


def _walk(sections: list[Section], schedule: bool = False) -> list[tuple[Section, bool]]:
    """(section, whether an ancestor's title names a schedule: 工作步骤, 时间安排, 进度安排, 活动日程 …), depth
    first. Built as one list (no generator resumed per section and level); a leaf's title is not searched."""
    out: list[tuple[Section, bool]] = []
    _walk_into(sections, schedule, out)
    return out


def _walk_into(sections: list[Section], schedule: bool, out: list) -> None:
    for sec in sections:
        out.append((sec, schedule))
        if sec.children:
            _walk_into(sec.children, schedule or bool(SCHEDULE_SECTIONS.search(sec.title or "")), out)


def _period_in_body(lines: list[str]) -> Optional[tuple]:
    """活动时间：…, 时间：… — the dated period a step's body gives."""
    for ln in lines:
        if PERIOD_LABELS.match(ln.strip()):
            return parse_range(ln)
    return None


def _stage(sec: Section, schedule: bool) -> Optional[tuple[str, Optional[tuple], str]]:
    """(name, date range or None, raw) when the section is a stage of the plan's timeline."""
    title = sec.title or ""
    # STAGE_TITLE needs 阶段: a titled section without it that no schedule holds is no stage, and its text is
    # not split into lines (most sections end here)
    m = STAGE_TITLE.match(title) if "阶段" in title else None
    if title and m is None and not schedule:
        return None
    if not title:
        # a stage the structure read as a plain item: （三）组织实施阶段（4月1日至4月7日）全力做好… — only with its date
        head = sec.text.split("\n", 1)[0][len(sec.marker):].strip()
        hm = STAGE_TITLE.match(head) if "阶段" in head else None
        if hm and hm.group("when") and parse_range(hm.group("when")):
            return hm.group("name"), parse_range(hm.group("when")), sec.text.split("\n", 1)[0]
        return None
    lines = sec.text.split("\n")
    head, body = lines[0], [ln for ln in lines[1:] if ln.strip()]
    if m and ORDINAL_STAGE.match(m.group("name")) and not m.group("when"):
        # 第一阶段：动员部署（3月1日-3月15日） — the words after the colon name the stage
        rest = head[head.find(m.group("name")) + len(m.group("name")):]
        cm = re.match(r"^\s*[：:]\s*(?P<name>[^，。；：:（(\s]{2,15})\s*[（(](?P<when>[^）)]*)[）)]", rest)
        if cm and parse_range(cm.group("when")):
            return cm.group("name"), parse_range(cm.group("when")), head
        if body and len(body[0]) <= 40 and not re.search("[。，；,;]", body[0]):
            # （一）第一阶段 / 学科组同课异构活动（2025年11月24日- 11月28日）: the line below names the stage
            nm = DATED_STEP.match(body[0].strip())
            name = (nm.group("name") if nm else body[0]).strip()
            rng = (parse_range(nm.group("when")) if nm else None) or _period_in_body(body[1:])
            return name, rng, body[0]
    if m:
        when = m.group("when") or head[len(sec.marker): len(sec.marker) + len(m.group("name")) + 40]
        rng = parse_range(when)
        if rng is None and body and (_DATE_FIRST.match(body[0]) or PERIOD_LABELS.match(body[0].strip())):
            rng = parse_range(body[0][:60])  # 准备阶段 / 时间：2024年3月1日至3月10日 — the date opens the body
        return m.group("name"), rng, head
    if not schedule:
        return None
    dm = DATED_STEP.match(title)
    if dm and parse_range(dm.group("when")):
        return dm.group("name").strip(), parse_range(dm.group("when")), head
    if _STEP_WORD.match(title) and len(title) <= 12:
        rng = parse_range(head[len(sec.marker):][:60]) or _period_in_body(body)
        if rng:
            return title, rng, head
    return None


def find_phases(sections: list[Section], walk: Optional[list[tuple[Section, bool]]] = None) -> list[Phase]:
    """The stages of the plan's timeline, from its sections (`walk`: `_walk(sections)` when the caller has it)."""
    phases: list[Phase] = []
    for sec, schedule in _walk(sections) if walk is None else walk:
        title = sec.title
        if title:
            if not schedule and "阶段" not in title:
                continue  # what _stage answers first for most sections (no stage title, no schedule): None
        elif "阶段" not in sec.text:
            continue  # an untitled section is a stage only when its heading line says 阶段 (STAGE_TITLE needs it)
        stage = _stage(sec, schedule)
        if not stage:
            continue
        name, rng, head = stage
        start, end, raw = rng if rng else (None, None, "")
        phases.append(Phase(name=name, order=len(phases) + 1, start=start, end=end, raw=raw or head[:80], section_id=sec.id))
    return phases
