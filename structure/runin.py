"""Run-in headings: every heading gets a line of its own, and a heading cut by a line wrap is one line.

* After a finished sentence (`…本方案。一、指导思想`) a marker starts a new line when the numbering
  accepts it at that place (the next number, or a continuation across parents; in a flattened
  document also a skipped or repeated number of a style already open, as the tree would keep it).
* A document is flattened when markers hide after finished sentences or spaces in its lines, or
  when heading lines run straight into the next heading (`三、工作要点（一）日常工作1．…`, crawler
  output); then markers also start a line right after any hanzi, a time or a space (a label's colon
  may open a new list: `要求： 1.`), and a heading phrase ends at the space its line break left
  (`二、参与人员 高三师生…`, `space_cut`) or where the phrase ends (`split_run_in_heading`).
* Where a heading phrase with no punctuation ends is a ranking of word-boundary cuts: a known heading
  (listed, or built by the field grammar of `fangan.lexicon.headings`: 活动时间, 参加人员, 投资规模),
  a heading noun at the end of the head, and a body that opens like a sentence (按照…, or a unit as its
  subject: 区交通局要牵头…). A cut never splits a heading noun phrase (基础设施 / 建设) or a unit's name
  (校评选工作 / 领导小组). Clean text needs a known heading and a sentence opener (`一、指导思想以…`);
  flattened text, an item whose first clause runs on without punctuation, and the later items of a
  list whose items ran in need less. A stage with its dates (`（三）组织实施阶段（4月1日至4月7日）全力…`)
  is cut off in any text.
* A marker left dangling at the end of a line (`…工作任务：1.` / `加强…`) or alone on its line moves to
  the text it numbers; a heading wrapped over two lines (`…食品安全保障` / `工作。…`) is joined.
Every change is reported (`Repair` step `split_run_in_headings`).
"""
from __future__ import annotations

import re
from collections import deque
from itertools import compress
from operator import attrgetter
from typing import Optional

from fangan.lexicon.headings import (BODY_LABELS, HEAD_FINAL, HEADING_FIELDS, KNOWN_HEADING_PATTERN, KNOWN_HEADINGS, NAME_END,
                                     NOT_SENTENCE_START, head_noun_before_sentence, is_known_heading, opens_sentence,
                                     unit_subject)
from fangan.lexicon.markers import MARKER_FIRST_CHARS, STYLES, Marker, is_enumeration, match_marker
from fangan.lexicon.segment import cut
from fangan.model import Change, Repair

from fangan.line_cache import MAX_CACHED_LINE, line_cache, remember
from .titles import MAX_TITLE, is_title_phrase
from .tree import Numbering, has_inline_circled, section_title

# where a run-in marker may start: after a finished sentence, or (flattened text) after any hanzi;
# the lookahead lets only characters that can open a marker through to match_marker
# styles that number an inline list outside flattened text (主要有：1、…2、…; ①…)
INLINE_LIST_STYLES = ("1、", "①")
_MARKER_FIRST_AHEAD = r"(?=[第（(①-⑳0-9一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾])"
# ... and then only what one of the marker styles matches (match_marker finds nothing elsewhere): most
# lines with a colon or period before a digit (时间：2024年) or a numeral (：一是) are dropped by the
# regex engine, not by a Python loop over their candidates
_ANY_STYLE_AHEAD = "(?=" + "|".join(f"(?:{s.pattern.pattern.replace('?P<n>', '')})" for s in STYLES) + ")"
_MARKER_AHEAD = _MARKER_FIRST_AHEAD + _ANY_STYLE_AHEAD
# outside flattened text (_embedded_markers with anywhere=False) 1、 and ① markers are never run-in
# headings; where their patterns match no other style does, so these candidates are dropped too
_HEADING_STYLE_AHEAD = "(?=" + "|".join(f"(?:{s.pattern.pattern.replace('?P<n>', '')})" for s in STYLES
                                        if s.name not in INLINE_LIST_STYLES) + ")"
_HEADING_AHEAD = _MARKER_FIRST_AHEAD + _HEADING_STYLE_AHEAD
_AFTER_SENTENCE = re.compile(r"[。；;！？!?：:]\s*" + _HEADING_AHEAD)
# flattened text keeps a space (or a finished sentence) where a paragraph ended
_AFTER_BREAK = re.compile(r"(?:[。；;！？!?：:]\s*|(?<=\S)\s+)" + _HEADING_AHEAD)
# a superset of _AFTER_BREAK without its lookbehind (a space at the very start of a line also
# passes), which lets the regex engine skip to the candidate characters: a cheap test that must
# pass for _AFTER_BREAK to match
_MAY_BREAK_BEFORE_MARKER = re.compile(r"[。；;！？!?：:\s]\s*" + _HEADING_AHEAD)
_AFTER_ANY = re.compile(r"(?:[。；;！？!?：:\u4e00-\u9fff”）)〉》」』】]\s*|(?<=\S)\s+)" + _MARKER_AHEAD
                        # a numeral or bracket marker right after a time or date (15:30二、主题)
                        + r"|(?<=\d)(?=[（(一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾])" + _ANY_STYLE_AHEAD)
# where _AFTER_ANY's matches end (the match's start: it takes the marker's first character), found from that
# character and looking back: a hanzi or closing mark right before it, a space (after some text:
# `_after_any_ends` drops a leading run of spaces), or a digit before a numeral or bracket; then a marker
# style must match there, a lookahead run from inside a one-character lookbehind (it starts at the character
# taken). Opening with the character class lets the regex engine skip to those characters; the zero-width form
# (?=[第…])(?:(?<=…)|(?<=\s)|(?<=\d)(?=…))(?=style…) was tried at every position (same positions:
# tests/test_structure_gates.py)
_FIRST_CLASS = "[第（(①-⑳0-9一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾]"
_AT_ANY_BREAK = re.compile(_FIRST_CLASS + r"(?:(?<=[。；;！？!?：:\u4e00-\u9fff”）)〉》」』】]" + _FIRST_CLASS + r")"
                           r"|(?<=\s" + _FIRST_CLASS + r")|(?<=\d[（(一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾]))"
                           r"(?<=" + _ANY_STYLE_AHEAD + _FIRST_CLASS + ")")


def _after_any_ends(line: str) -> list[int]:
    """[m.end() for m in _AFTER_ANY.finditer(line)], faster: a match ends where _AT_ANY_BREAK's
    matches start (matches cannot overlap: each ends before a marker's first character, which is no
    space), except after spaces that open the line (_AFTER_ANY's space run needs text before it)."""
    ends = [m.start() for m in _AT_ANY_BREAK.finditer(line)]
    if not ends:
        return ends
    if line[:1].isspace():
        lead = len(line) - len(line.lstrip())
        ends = [e for e in ends if e > lead or not line[e - 1].isspace()]
    if any(line[e - 1].isdecimal() and line[e] not in "（(" for e in ends):
        ends = _after_digit_and_numeral(line, ends)
    return ends


def _after_digit_and_numeral(line: str, ends: list[int]) -> list[int]:
    """A numeral right after a digit (15:30二、): _AFTER_ANY tries its empty after-a-digit match only
    where its first alternative, which takes the numeral as the hanzi before a marker, fails; that
    one ends at the next candidate past the numeral and its spaces."""
    have = set(ends)
    kept = []
    for e in ends:
        if line[e - 1].isdecimal() and line[e] not in "（(":
            nxt = e + 1
            while nxt < len(line) and line[nxt].isspace():
                nxt += 1
            if nxt in have:
                continue
        kept.append(e)
    return kept


# the same with the first-character lookahead only, for a search that stops at an end position (a
# style's lookahead could not see past it, where match_marker on the whole line does)
_AFTER_ANY_FIRST = re.compile(r"(?:[。；;！？!?：:\u4e00-\u9fff”）)〉》」』】]\s*|(?<=\S)\s+)" + _MARKER_FIRST_AHEAD
                              + r"|(?<=\d)(?=[（(一二三四五六七八九十壹贰貳叁參参肆伍陆陸柒捌玖拾])")
# a marker at the very end of a line, after a finished clause: it numbers the next line
_DANGLING = re.compile(r"(?<=[。；;：:！？）)])\s*(\d{1,2}[.．、]|[（(]\d{1,2}[)）]|[（(][一二三四五六七八九十]+[)）])\s*$")
# a heading wrapped over two lines: the second line opens with a short end of the phrase (…保障 / 工作。…)
WRAP_TAIL = re.compile(r"^[\u4e00-\u9fff]{1,8}。")
# a line wraps only when it is long: a short heading line is a whole heading
MIN_WRAPPED_HEADING = 12
# a fragment this short continues a parenthetical a wrap left open (线上初赛（2026 / 年 / 4 / 月）)
MAX_FRAGMENT = 4
# the longest heading line taken for a wrapped one (longer lines are paragraphs)
MAX_WRAPPED_HEADING = 30
# the rest of a parenthetical a wrap cut off (年4月）)
MAX_PARENTHETICAL = 16
# a stage heading with its dates, run into its body: （三）组织实施阶段（4月1日至4月7日）全力做好…
_DATED_STAGE = re.compile(r"^[^，。；：,;:（(]{2,20}?阶段\s*[（(][^（）()]*?[\d月日年][^（）()]*?[)）](?=[\u4e00-\u9fff])")
# a document is flattened when at least this many markers hide after finished sentences
FLAT_MIN_MARKERS = 2
# scores of a cut between a heading phrase and its body (split_run_in_heading)
KNOWN_HEADING_SCORE = 5  # the head is a heading plans use again and again (指导思想)
HEAD_FINAL_SCORE = 2  # the head ends in a heading noun (…措施)
SENTENCE_START_SCORE = 2  # the tail opens like a sentence (以…, 加强…)
CUT_THRESHOLD = 4  # in flattened text: a known heading, or a heading noun before a sentence opener
_PUNCT = "，,。；;：:、）)”！？!?"
# outside flattened text only a known heading that a sentence follows is cut (一、指导思想以…)
SURE_CUT = KNOWN_HEADING_SCORE + SENTENCE_START_SCORE
MIN_HEAD, MAX_HEAD = 2, 24
HEAD_FINAL_WORDS = tuple(HEAD_FINAL)
# a heading noun or field that continues a phrase (split_run_in_heading; joined once, not per candidate cut)
_PHRASE_GOES_ON = HEAD_FINAL_WORDS + HEADING_FIELDS
# a number may skip this much inside a flattened line (三、 → 五、) and still be a heading there
MAX_SKIP = 1


# flattened text keeps a space where a heading line ended: 二、参与人员 高三师生… (the head has no
# punctuation and no digit at its end, so 2019年 8月 and 组 长 are not cut; a parenthetical after
# the space, 致辞 （5分钟）, stays with its heading)
_SPACE_AFTER_HEAD = re.compile(r"^(?=[^\s]*?[\u4e00-\u9fff].*?[\u4e00-\u9fff])([^\s，,。；;：:！？!?]{%d,%d}?)(?<![\d])\s+(?=[^\s，,。；;：:！？!?、）)（(])" % (MIN_HEAD, MAX_TITLE))


def space_cut(rest: str) -> Optional[int]:
    """In flattened text: where a heading phrase ends at the space its line break left (二、参与人员
    高三师生…), or None. The head must read as a heading phrase, not a clause."""
    m = _SPACE_AFTER_HEAD.match(rest)
    if m is None or not is_title_phrase(m.group(1)) or len(rest) - m.end() < MIN_HEAD:
        return None
    if re.search(r"\d\s*[年月日号时点分]?$", m.group(1)):
        return None  # a date or time that goes on after its space (2019年 8月)
    head = m.group(1)
    if re.fullmatch(r"[\u4e00-\u9fff）)]", head[-1]) is None:
        return None  # “我型我秀” 环保服饰…: a quoted name inside its heading
    if any(head.count(a) != head.count(b) for a, b in ("“”", "（）", "()", "《》", "「」")):
        return None  # a space inside a quote or bracket (“红歌歌唱比赛 ”)
    return m.end()


# the end of an item's first clause, of its heading phrase (commas inside), and its comma parts
# (compiled once: asked for every item)
_CLAUSE_END = re.compile("[，,。；;：:“”\"（(]")
_PHRASE_END = re.compile("[。；;：:“”\"（(]")
_COMMA = re.compile("[，,]")


# an item whose first clause runs this long without punctuation is a heading run into its body
# (（二）投资规模按照2015、2016年两年行动计划的工作目标…): the heading ended somewhere inside it
RUN_ON_CLAUSE = 22


def _runs_on(rest: str) -> bool:
    return len(_CLAUSE_END.split(rest, maxsplit=1)[0]) > RUN_ON_CLAUSE


def split_run_in_heading(rest: str, threshold: int = CUT_THRESHOLD) -> Optional[int]:
    """Where a heading phrase with no punctuation ends and its body begins, or None.
    Candidate cut points are word boundaries in the first clause; a cut is taken when the head is a
    known plan heading, or ends in a heading noun while the tail opens like a sentence."""
    if not _may_cut(rest, threshold):
        return None
    clause = _CLAUSE_END.split(rest, maxsplit=1)[0]
    if len(clause) < 4 or clause == rest:
        return None  # a heading alone on its line
    # a heading phrase its punctuation already ends (强化责任落实。…) is cut only at a known heading
    finished = rest[len(clause)] in "。；;" and is_title_phrase(clause)
    # a heading of comma parts may run in after its last part (明确建设主体，分工实施 / 依照…)
    phrase = _PHRASE_END.split(rest, maxsplit=1)[0]
    if phrase != clause and not is_title_phrase(phrase[: phrase.find("，") if "，" in phrase else len(phrase)]):
        phrase = clause
    words = cut(phrase[:40])
    best = None
    pos = 0
    for w in words[:-1] if len(phrase) == len(rest) else words:
        pos += len(w)
        head, tail = rest[:pos], rest[pos:]
        if not (MIN_HEAD <= len(head) <= MAX_HEAD) or not tail or tail.startswith(NOT_SENTENCE_START) or tail[0] in _PUNCT:
            continue  # a cut before punctuation leaves the heading's own colon or comma to the body
        if tail.startswith(_PHRASE_GOES_ON) and head not in KNOWN_HEADINGS:
            continue  # a heading noun after the cut: the phrase goes on (基础设施 / 建设)
        if tail.startswith(NAME_END) and not (is_known_heading(head, tail) and unit_subject(tail)):
            continue  # the end of a unit's name (组织领导 / 小组); 阶段安排 / 领导小组办公室负责… is a cut
        if pos > len(clause) and (not is_title_phrase(head) or any(opens_sentence(p) for p in _COMMA.split(head)[1:])):
            continue  # past the first comma only a phrase of short parts is a heading (not …机会，对工作)
        score = 0
        if is_known_heading(head, tail):
            score += KNOWN_HEADING_SCORE
        if head.endswith(HEAD_FINAL_WORDS):
            score += HEAD_FINAL_SCORE
        if opens_sentence(tail):
            score += SENTENCE_START_SCORE
        if score >= max(threshold, KNOWN_HEADING_SCORE if finished else 0) and (best is None or score > best[0]):
            best = (score, pos)
    if best is None:
        return _label_cut(rest, clause, known_only=threshold > CUT_THRESHOLD)
    return best[1]


# a known heading with text after it that a cut may leave as the body (not punctuation, not 及/和…):
# every cut `split_run_in_heading` takes on a known head, and every label cut, has one at its start
_KNOWN_HEAD_THEN_BODY = re.compile(
    f"{KNOWN_HEADING_PATTERN}(?!{'|'.join(re.escape(w) for w in tuple(_PUNCT) + NOT_SENTENCE_START)})(?=[\\s\\S])")


def _may_cut(rest: str, threshold: int) -> bool:
    """A cheap necessary condition for `split_run_in_heading` to cut, read off its scores: a score of
    `threshold` needs a known heading as the head (some prefix of the line, before a tail that does
    not open with punctuation or a conjunction), or, when a heading noun and a sentence opener
    together reach it, a heading noun within MAX_HEAD before such an opener; the label cut needs a
    colon (and, above CUT_THRESHOLD, a known head too). Most items fail all three and are not
    segmented at all."""
    if _KNOWN_HEAD_THEN_BODY.match(rest):
        return True
    if threshold <= max(HEAD_FINAL_SCORE, SENTENCE_START_SCORE):
        return True  # one of the two alone may reach the threshold: no gate
    if threshold <= HEAD_FINAL_SCORE + SENTENCE_START_SCORE and head_noun_before_sentence(rest, MAX_HEAD):
        return True
    return threshold <= CUT_THRESHOLD and ("：" in rest or ":" in rest)


def _label_cut(rest: str, clause: str, known_only: bool = False) -> Optional[int]:
    """A heading phrase followed by a label that opens its body (畜禽生产环节 / 治理指标：…,
    基层工作效能督查组 / 组 长：林华, 卫生保洁 / 牵头单位联系人：…)."""
    if rest[len(clause): len(clause) + 1] not in ("：", ":"):
        return None
    end = len(clause)
    peeled = True
    while peeled:
        peeled = False
        for label in BODY_LABELS:
            start = _ends_with_spaced(clause[:end], label)
            if start is not None and start >= MIN_HEAD:
                end, peeled = start, True
                break
    if end == len(clause):
        return None
    if known_only and not is_known_heading(rest[:end]):
        return None  # outside flattened text: 组织领导 / 组长：…, but 集合地点负责人： is one label
    return end if MIN_HEAD <= end <= MAX_HEAD else None


def _ends_with_spaced(text: str, label: str) -> Optional[int]:
    """Where `label` starts if `text` ends with it, alignment spaces allowed (组 长)."""
    i, j = len(text), len(label)
    while j and i:
        if text[i - 1] == " ":
            i -= 1
            continue
        if text[i - 1] != label[j - 1]:
            return None
        i, j = i - 1, j - 1
    return i if j == 0 else None


def is_flattened(lines: list[str]) -> bool:
    """Several markers hidden after finished sentences, or headings run straight into the next
    heading: the document lost its line breaks (flattened page, crawler output).
    Only whether the count reaches FLAT_MIN_MARKERS is asked, so counting stops there."""
    return _flattened(lines)[0]


def _flattened(lines: list[str], facts: Optional[list] = None) -> tuple[bool, Optional[set[int]]]:
    """is_flattened, and (when it is not) the indexes of the lines where a marker may follow a break
    (_MAY_BREAK_BEFORE_MARKER, a superset of _AFTER_SENTENCE's candidates). `facts`: the lines'
    `line_facts`, when the caller read them."""
    if facts is None:
        facts = facts_of(lines)
    hidden = 0
    breaks = set()
    for i in compress(range(len(facts)), map(_MAY_BREAK, facts)):  # (the others: _hidden_markers would say 0)
        breaks.add(i)
        hidden += _hidden_markers(lines[i])
        if hidden >= FLAT_MIN_MARKERS:
            return True, None
    need = FLAT_MIN_MARKERS - hidden
    # a line adds at most one run-in heading, and only a line with a marker after its own may: when
    # fewer lines than `need` have one, the numbering need not be walked (most documents)
    with_run_in = 0
    for f in filter(_MARKER, facts):  # (a line without a marker has no run-in markers: run_in is ())
        run_in = f.run_in
        if run_in is None:
            run_in = f.read_run_in()
        if run_in:
            with_run_in += 1
            if with_run_in >= need:
                break
    if with_run_in < need or _run_in_headings(lines, need, facts) < need:
        return False, breaks
    return True, None


@line_cache()
def _hidden_markers(line: str) -> int:
    """Markers hidden after a break inside one line, under a numbering of its own: a function of the
    line alone, and lines repeat within and across documents (boilerplate, list items)."""
    if _MAY_BREAK_BEFORE_MARKER.search(line) is None:
        return 0  # most lines: nothing that could be a marker after a break
    return len(_embedded_markers(line, Numbering(), anywhere=False, after=_AFTER_BREAK))


# a heading that runs into the next one leaves this little text between the two markers
# (三、工作要点（一）日常工作1．…, 一、活动时间：11月18日上午二、活动内容)
RUN_IN_SPAN = 40


@line_cache()
def _heading_and_run_in_markers(line: str) -> tuple[Optional[Marker], tuple[Marker, ...]]:
    """The marker that opens `line`, and the markers that may start a run-in heading within
    RUN_IN_SPAN after it: a function of the line alone (the numbering then judges them in order)."""
    first = match_marker(line)
    if first is None:
        return None, ()
    return first, _run_in_after(line, first)


def _run_in_after(line: str, first: Marker) -> tuple[Marker, ...]:
    """The markers that may start a run-in heading within RUN_IN_SPAN after `first`, the marker the
    line opens with (_heading_and_run_in_markers' second part)."""
    limit = min(len(line), first.end + RUN_IN_SPAN)
    gate = _AT_ANY_BREAK.search(line, first.end)
    if gate is None or gate.start() >= limit:
        return ()  # a candidate below needs what _AT_ANY_BREAK finds (most heading lines have none)
    found = []
    for m in _AFTER_ANY_FIRST.finditer(line, first.end, limit):
        marker = match_marker(line, m.end())
        if marker is None or marker.style.name == "①" or is_enumeration(line, marker):
            continue
        found.append(marker)
    return tuple(found)


def _run_in_headings(lines: list[str], enough: Optional[int] = None, facts: Optional[list] = None) -> int:
    """Markers right after the short text of a heading line that the numbering takes as the very
    next heading (the next sibling, or the first child): headings that lost their line break.
    `enough`: the caller only asks whether the count reaches it; counting stops there."""
    numbering = Numbering()
    count = 0
    for f in (facts if facts is not None else facts_of(lines)):
        if enough is not None and count >= enough:
            break
        first, following = f.marker, f.run_in
        if first is None:
            continue
        if following is None:
            following = f.read_run_in()
        numbering.push(first, numbering.where(first)[0])
        for marker in following:
            depth, kind, _ = numbering.where(marker)
            if kind == "continue" or (kind == "next" and (depth < len(numbering.stack) or marker.value == 1)):
                count += 1
                numbering.push(marker, depth)
                break
    return count


def _accepts_run_in(numbering: Numbering, marker: Marker, anywhere: bool, after_label: bool = False,
                    after_break: bool = False) -> bool:
    depth, kind, expected = numbering.where(marker)  # numbering.place(marker)'s fields
    if kind in ("next", "continue"):
        return True
    if anywhere and after_label and marker.value == 1:
        return True  # 要求： 1. …: a label opens a new list, whatever was numbered before
    if anywhere and after_break and marker.style.rank <= 1 and kind == "gap" and marker.value > expected:
        return True  # a chapter (四、) after a line break that skipped numbers: the tree keeps it with a warning
    # flattened text: a style already open may skip or repeat a number, as the tree keeps it; not right
    # after a hanzi, where a numeral is often part of a word (统一、权威, 高一、高二)
    if not anywhere or depth >= len(numbering.stack) or (not after_break and not marker.style.arabic):
        return False
    if numbering.stack[depth].style != marker.style.name:
        return False
    # …专业点评 1.由专业老师…: after a break a list may start again at 1 under an unnumbered label
    return expected - 1 <= marker.value <= expected + MAX_SKIP or (after_break and marker.value == 1)


# an attachment run into the text before it in flattened text: …军训最佳连队。 附：活动安排表 …
_RUN_IN_ATTACHMENT = re.compile(r"(?<=[。；;！？!?\s])\s*(?=(?:附件|附表|附录)\s*\d{0,2}\s*[：:]|附\s*[：:])")


_UNREAD = object()


def _char_before_spaces(line: str, pos: int) -> str:
    """line[:pos].rstrip()[-1:] without copying the line: the last character before `pos` and the
    spaces just before it ("" when there are only spaces)."""
    i = pos
    while i and line[i - 1].isspace():
        i -= 1
    return line[i - 1: i]


def _is_break_char(c: str) -> bool:
    r"""re.search(r"[\s。；;！？!?：:]$", text) for a text (without line breaks) ending in `c`."""
    return c.isspace() or c in "。；;！？!?：:"


def _embedded_markers(line: str, numbering, anywhere: bool, after: Optional[re.Pattern] = None) -> list[int]:
    """Positions inside `line` where a run-in heading (or, in flattened text, an attachment) starts.
    `numbering` (a Numbering or the splitter's _PlacedWhenRead) is only copied, when a candidate is
    a marker worth judging. What the line alone decides (its candidates, `_run_in_candidates`) is
    read once per line; only the numbering's judgement depends on the document."""
    if after is None:
        attachment, first, found = _run_in_candidates(line, anywhere)
    else:
        attachment, first, found = _candidates(line, anywhere, after)
    cuts = _judged(first, found, numbering, anywhere) if found else []
    return cuts if attachment is None else cuts + [attachment]


def _judged(first: Optional[Marker], found: tuple, numbering, anywhere: bool) -> list[int]:
    """The candidates the numbering accepts, in order, each taken before the next is judged."""
    sim = numbering.copy()  # the numbering as it would go on
    if first:
        sim.push(first, sim.where(first)[0])
    cuts = []
    for pos, marker, after_label, broke in found:
        if _accepts_run_in(sim, marker, anywhere, after_label, broke):
            sim.push(marker, sim.where(marker)[0])
            cuts.append(pos)
    return cuts


# the candidates of the lines read so far, one plain dict per value of `anywhere` (asked for every line of a
# flattened document: a dict's get instead of line_cache's wrapper and its key tuple); bounded as _FACTS is
_CANDIDATES: dict[bool, dict[str, tuple]] = {False: {}, True: {}}


def _run_in_candidates(line: str, anywhere: bool) -> tuple:
    """_candidates of a line as the splitter asks (no pattern given): a function of the line and
    whether its document is flattened, and lines repeat within and across documents."""
    memo = _CANDIDATES[anywhere]
    got = memo.get(line)
    if got is None:
        got = remember(memo, line, _candidates(line, anywhere, None), MAX_FACTS)
    return got


def _clear_candidates() -> None:
    for memo in _CANDIDATES.values():
        memo.clear()


_run_in_candidates.cache_clear = _clear_candidates
_run_in_candidates.__wrapped__ = lambda line, anywhere: _candidates(line, anywhere, None)


def _candidates(line: str, anywhere: bool, after: Optional[re.Pattern]) -> tuple:
    """What `_embedded_markers` reads off the line alone: (where a run-in attachment starts or None,
    the line's own marker, the candidates that pass every test but the numbering's, each as
    (position, marker, after a label's colon, after a break)). With an attachment the candidates are
    those of the text before it."""
    if anywhere and after is None and "附" in line:  # every attachment word starts with 附
        for m in _RUN_IN_ATTACHMENT.finditer(line):
            if 0 < m.end() < len(line) - 2:
                return (m.end(),) + _candidates(line[: m.end()], anywhere, _AFTER_ANY)[1:]
    pattern = after or (_AFTER_ANY if anywhere else _AFTER_SENTENCE)
    if pattern is _AFTER_ANY:
        candidates = _after_any_ends(line)
    else:
        candidates = [m.end() for m in pattern.finditer(line)]
    if not candidates:  # most lines: no marker after a break
        return None, None, ()
    found = []
    first = _UNREAD  # the line's own marker, read once a candidate needs it (most have no marker)
    for pos in candidates:
        if pos == 0 or pos >= len(line) - 2:
            continue
        marker = match_marker(line, pos)
        if marker is None:
            continue
        if marker.style.name == "①":
            continue  # inline ①…⑧ stay in their paragraph (they become child sections there)
        if first is _UNREAD:
            first = match_marker(line)
        if marker.style.name.startswith("第") and not _is_break_char(line[pos - 1]) and not (
                first is not None and pos == first.end):
            continue  # 第一阶段 inside a phrase (“成长工作坊”第一阶段——…) is not a run-in heading
        if marker.style.name == "1、" and not anywhere:
            continue  # 主要有：1、…2、… inside a paragraph is an inline list, not a heading
        # read at the candidate, not on a copy of the line before it (a flattened page is one long
        # line with thousands of candidates)
        last = _char_before_spaces(line, pos)
        broke = line[pos - 1].isspace() or last in "。；;！？!?"
        found.append((pos, marker, last in "：:", broke))
    return None, (None if first is _UNREAD else first), tuple(found)


def _reattach_dangling(line: str, following: str, changes: list[Change]) -> tuple[str, str]:
    """A marker at the end of a line, or alone on its line, numbers the text of the next line."""
    if line.rstrip()[-1:] not in _DANGLING_END:
        return line, following  # both patterns end in a marker's last character, then spaces
    m = _DANGLING.search(line) or _dangling_after_heading(line)
    if not m or match_marker(following) is not None:
        return line, following
    # 1. 2020年…: a space keeps the marker apart from a number that opens its text
    joined = m.group(1) + (" " if following[:1].isdigit() else "") + following
    if match_marker(joined) is None:
        return line, following
    changes.append(Change(before=line[-6:] + " ⏎ " + following[:6], after=line[: m.start()][-6:] + " ⏎ " + joined[:8]))
    return line[: m.start()].rstrip(), joined


# the last character of every marker _DANGLING and _DANGLING_MARKER accept (1. 1、 （1） （一）)
_DANGLING_END = ".．、)）"
_DANGLING_MARKER = re.compile(r"(\d{1,2}[.．、]|[（(]\d{1,2}[)）]|[（(][一二三四五六七八九十]+[)）])\s*$")


def _dangling_after_heading(line: str) -> Optional[re.Match]:
    """A short heading line that ends in the next item's marker (（八）其他有关工作1.), or a marker
    alone on its line (（1） / 加强…)."""
    m = _DANGLING_MARKER.search(line)
    if not m:
        return None
    if m.start() == 0:
        return m
    head = match_marker(line)
    if head is not None and head.end < m.start() and len(line) <= MAX_WRAPPED_HEADING and not re.search("[。；;，,]", line):
        return m
    return None


def _continues_heading(heading: str, following: str) -> bool:
    """The next line opens with the last word of the heading phrase and its period, and its body
    goes on after it (…食品安全保障 / 工作。实施…); a finished heading (保障措施) is not continued."""
    m = WRAP_TAIL.match(following)
    marker = match_marker(heading)
    if not m or m.end() >= len(following) or marker is None or len(heading) < MIN_WRAPPED_HEADING:
        return False
    return not is_known_heading(heading[marker.end:].strip())


def _closes_parenthesis(heading: str, following: str) -> bool:
    """The heading broke inside its parenthetical (线上初赛（2026 / 年4月）)."""
    opened = heading.count("（") + heading.count("(") - heading.count("）") - heading.count(")")
    if opened <= 0:
        return False
    if len(following) <= MAX_FRAGMENT and not re.search("[（(。；]", following):
        return True
    close = re.search("[）)]", following[:MAX_PARENTHETICAL])
    return close is not None and not re.search("[（(。；]", following[: close.start()])


# a line that ends in a finished clause or a closed parenthetical is not a heading cut by a wrap
_CLOSED_LINE = re.compile(r"[。；;：:，,）)]$")


# the last characters of a finished clause (_CLOSED_LINE)
_CLOSED_END = "。；;：:，,）)"


def _may_join(lines: list[str]) -> bool:
    """A necessary condition for _join_wrapped_headings to join anything. Its first join is made on
    two lines as given: a short line that opens with a marker's first character and does not end a
    clause, and the next, which either opens with a wrap's tail (_continues_heading) or closes a
    parenthesis the short line left open (_closes_parenthesis)."""
    for p, n in zip(lines, lines[1:]):
        if len(p) <= MAX_WRAPPED_HEADING and p[:1] in MARKER_FIRST_CHARS and p[-1:] not in _CLOSED_END and (
                WRAP_TAIL.match(n) or p.count("（") + p.count("(") > p.count("）") + p.count(")")):
            return True
    return False


def _join_wrapped_headings(lines: list[str], changes: list[Change], keep: frozenset = frozenset()) -> list[str]:
    """A heading line cut by a line wrap (6.开展首届青运会食品安全保障 / 工作。…) is one paragraph.
    `keep`: indexes of lines that a heading-phrase cut made, never joined back."""
    if not _may_join(lines):
        return list(lines)  # most documents: nothing to join, and no line-by-line walk
    out: list[str] = []
    for i, ln in enumerate(lines):
        prev = out[-1] if out else ""
        if (prev and i not in keep and len(prev) <= MAX_WRAPPED_HEADING and match_marker(prev) is not None
                and not _CLOSED_LINE.search(prev) and match_marker(ln) is None
                and (_continues_heading(prev, ln) or _closes_parenthesis(prev, ln))):
            changes.append(Change(before=prev[-6:] + " ⏎ " + ln[:6], after=prev[-6:] + ln[:6]))
            out[-1] = prev + ln
            continue
        out.append(ln)
    return out


@line_cache()
def _heading_cut(rest: str, flat: bool, sibling_ran_in: bool) -> tuple[Optional[int], bool]:
    """Where the heading phrase of an item (`rest`, the text after its marker) ends and its body
    begins, or None; and whether the phrase ranking (`split_run_in_heading`) found it. A function of
    the item's text and two facts about its document, so repeated items are decided once."""
    # (_DATED_STAGE needs the word 阶段: one substring search skips its pattern on the other items)
    dated = _DATED_STAGE.match(rest) if "阶段" in rest else None
    if dated:
        return dated.end(), False  # a stage with its dates is cut off in any text
    # outside flattened text only a known heading opening a sentence is cut off (一、指导思想以…)
    runs_on = flat or _runs_on(rest)  # (asked once: the space cut and the threshold both read it)
    if runs_on:
        at = space_cut(rest)  # (a run-on line too: 一、督查组成员 督查组工作由…)
        if at is not None:
            return at, False
    loose = runs_on or sibling_ran_in
    return split_run_in_heading(rest, CUT_THRESHOLD if loose else SURE_CUT), True


class _PlacedWhenRead:
    """The run-in splitter's numbering: the headings read are placed, in order, only when a copy is
    asked for (_embedded_markers judging a candidate marker; nothing else reads it). Most documents
    never ask after their last headings, many never at all: their numbering is not walked here."""

    def __init__(self) -> None:
        self.numbering = Numbering()
        self.unplaced: list[Marker] = []

    def add(self, marker: Marker) -> None:
        self.unplaced.append(marker)

    def copy(self) -> Numbering:
        numbering = self.numbering
        where, push = numbering.where, numbering.push
        for m in self.unplaced:
            push(m, where(m)[0])
        self.unplaced.clear()
        return numbering.copy()


# outside flattened text a line holds a run-in marker only after a finished sentence (_embedded_markers'
# candidates): a line without one needs neither that search nor the numbering
_may_hold_run_in = _AFTER_SENTENCE.search


def split_run_in(lines: list[str]) -> tuple[list[str], list[Repair]]:
    """Body lines with every run-in heading on a line of its own, and the repair that says so."""
    out, repairs, _ = split_run_in_marked(lines)
    return out, repairs


def split_run_in_marked(lines: list[str]) -> tuple[list[str], list[Repair], list[Optional[Marker]]]:
    """split_run_in, and the marker each body line opens with (match_marker of the line), read once
    here for the tree."""
    out, repairs, facts = split_run_in_facts(lines)
    return out, repairs, [f.marker for f in facts]


class LineFacts:
    """What the splitter and the tree read off one line alone: its marker and the run-in markers
    after it, whether a marker may follow a break in it (a superset test) or a finished sentence,
    whether it ends in a marker's last character, the text after its marker and the section title
    the tree makes of it, whether a circled number follows its first character. Read once per line
    (`line_facts`, cached: lines repeat within and across documents) instead of by a call or a
    cache of each step; shared, so never changed once made (the memo of its heading cuts is itself
    a function of the line and the two document facts it is keyed by)."""

    __slots__ = ("line", "marker", "run_in", "may_break", "may_hold", "dangling", "blank", "rest", "title", "circled",
                 "cuts", "may_join")

    def read_title(self) -> str:
        """The title of the section the line opens (`title`: None until the tree asks; a line the
        splitter cuts never reaches it)."""
        if self.title is None:
            self.title = section_title(self.line, self.marker)
        return self.title

    def read_run_in(self) -> tuple[Marker, ...]:
        """The run-in markers after the line's own (`run_in`: None until read; only the flattening test
        of a document not flattened by its hidden markers reads them)."""
        if self.run_in is None:
            self.run_in = _run_in_after(self.line, self.marker)
        return self.run_in

    def heading_cut(self, flat: bool, sibling_ran_in: bool) -> tuple[Optional[int], bool]:
        """_heading_cut(self.rest, flat, sibling_ran_in), asked once per line and document facts
        (`cuts` holds the four answers, by 2 * flat + sibling_ran_in; the splitter reads it inline)."""
        k = 2 * flat + sibling_ran_in
        got = self.cuts[k]
        if got is None:
            got = self.cuts[k] = _heading_cut(self.rest, flat, sibling_ran_in)
        return got


# the facts of the lines read so far (a plain dict: a document's facts are one C-level map of its get, see
# `facts_of`); at most MAX_FACTS lines of at most MAX_CACHED_LINE characters, MAX_FACTS_CHARS in all, then
# started again (a benchmark corpus of 20 MB holds ~18,500 distinct lines: the lru bound of 16,384 thrashed)
_FACTS: dict[str, "LineFacts"] = {}
_known_facts = _FACTS.get
MAX_FACTS = 32768
MAX_FACTS_CHARS = 4_000_000
_facts_chars = 0


def line_facts(line: str) -> LineFacts:
    """The facts of one line (`_read_facts`), remembered."""
    f = _known_facts(line)
    if f is None:
        f = _read_facts(line)
        if len(line) <= MAX_CACHED_LINE:
            _remember_facts(line, f)
    return f


def _remember_facts(line: str, f: LineFacts) -> None:
    global _facts_chars
    if len(_FACTS) >= MAX_FACTS or _facts_chars >= MAX_FACTS_CHARS:
        _FACTS.clear()
        _facts_chars = 0
    _FACTS[line] = f
    _facts_chars += len(line)


def _clear_facts() -> None:
    global _facts_chars
    _FACTS.clear()
    _facts_chars = 0


line_facts.cache_clear = _clear_facts


def facts_of(lines: list[str]) -> list[LineFacts]:
    """[line_facts(ln) for ln in lines], with the lines already read found by one map of the memo's get
    (most lines of a document were read before: a Python call per line cost more than the lookup)."""
    facts = list(map(_known_facts, lines))
    if None in facts:
        for i, f in enumerate(facts):
            if f is None:
                facts[i] = line_facts(lines[i])
    return facts


def _read_facts(line: str) -> LineFacts:
    f = LineFacts()
    f.line = line
    # the marker (no marker opens with any other first character, where match_marker says None at once)
    # and the run-in markers after it (_heading_and_run_in_markers), read when asked
    f.marker = match_marker(line) if line[:1] in MARKER_FIRST_CHARS else None
    f.run_in = None if f.marker is not None else ()
    f.may_break = _MAY_BREAK_BEFORE_MARKER.search(line) is not None
    # _AFTER_SENTENCE's matches are _MAY_BREAK_BEFORE_MARKER's too: a line that fails the second holds none
    f.may_hold = f.may_break and _may_hold_run_in(line) is not None
    # _reattach_dangling's own first test: the last character before trailing spaces (most lines have none: no copy)
    last = line[-1:]
    f.dangling = (line.rstrip()[-1:] if last.isspace() else last) in _DANGLING_END
    f.blank = not line or line.isspace()  # (not line.strip())
    f.rest = f.title = None
    if f.marker is not None:
        rest = line[f.marker.end:]
        if f.marker.style.name.startswith("第"):
            rest = rest.lstrip("：: ")
        f.rest = rest
    f.circled = has_inline_circled(line)
    f.cuts = [None, None, None, None] if f.rest else None  # asked only of a marker line with text after it
    # _may_join's pair test needs, of the line after a short heading, a wrap's tail at its start, or of the
    # short heading itself a parenthesis it leaves open: a document none of whose lines has either joins nothing
    f.may_join = WRAP_TAIL.match(line) is not None or (
        len(line) <= MAX_WRAPPED_HEADING and line[:1] in MARKER_FIRST_CHARS and line[-1:] not in _CLOSED_END
        and line.count("（") + line.count("(") > line.count("）") + line.count(")"))
    return f


line_facts.__wrapped__ = _read_facts  # the facts as read, without the memo


_MAY_JOIN = attrgetter("may_join")
_MAY_BREAK = attrgetter("may_break")
_MARKER = attrgetter("marker")  # (a Marker is always true)


def _quiet(facts: list[LineFacts]) -> bool:
    """A document (not flattened, nothing joined) whose lines the splitter leaves as they are: no line
    may hold a run-in marker after a finished sentence, none but the last ends in a marker that may
    move to the next line, and no heading is cut off its body (asked as the walk asks, for a document
    where no sibling ran in: with no cut none did). Most documents; their walk is skipped."""
    last = len(facts) - 1
    for i, f in enumerate(facts):
        if f.may_hold or f.blank or (f.dangling and i < last):
            return False
        if f.rest:  # a marker with text after it: the walk asks where its heading ends
            got = f.cuts[0]
            if got is None:
                got = f.heading_cut(False, False)
            if got[0]:
                return False
    return True


def split_run_in_facts(lines: list[str]) -> tuple[list[str], list[Repair], list[LineFacts]]:
    """split_run_in, and the facts of each body line (`line_facts`), read once here for the tree."""
    changes: list[Change] = []
    facts = facts_of(lines)
    if any(map(_MAY_JOIN, facts)):  # most documents: no line a wrapped heading's join needs (_may_join's pairs)
        joined = _join_wrapped_headings(lines, changes)
        if len(joined) != len(lines):  # lines were joined: their facts are read again
            facts = facts_of(joined)
        lines = joined
    flat = _flattened(lines, facts)[0]
    if not flat and not changes and _quiet(facts):
        return list(lines), [], facts  # what the walk below gives such a document: its lines as they are
    flat2 = 2 * flat  # the index of the document's heading cuts in LineFacts.cuts
    numbering = _PlacedWhenRead()
    add_heading = numbering.add
    out: list[str] = []
    kept: list[LineFacts] = []
    bodies: set[int] = set()  # lines that start where a heading-phrase cut put them
    queue = deque(lines)  # lines still to read; pieces cut off go back to its front (O(1) at both ends)
    cut_body: Optional[str] = None
    run_in_styles: set[str] = set()  # marker styles whose headings ran into their body
    given = 0  # index in `lines` of the next line as given (pieces cut off come before it)
    n_given = len(lines)
    while queue:
        ln = queue.popleft()
        if cut_body is not None and ln is cut_body:
            bodies.add(len(out))
        if given < n_given and ln is lines[given]:  # a line as given: its facts are read already
            f = facts[given]
            given += 1
        else:
            f = line_facts(ln)
        # outside flattened text a run-in marker needs a finished sentence before it (most lines have none)
        if flat or f.may_hold:
            cuts = _embedded_markers(ln, numbering, anywhere=flat)
            if cuts:
                pieces = [ln[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(ln)])]
                for p in pieces[1:]:
                    changes.append(Change(before=p[:12], after="⏎ " + p[:12]))
                queue.extendleft(reversed(pieces[1:]))
                ln = pieces[0]
                f = line_facts(ln)
        if queue:
            if f.dangling:
                following = queue[0]
                reattached, queue[0] = _reattach_dangling(ln, following, changes)
                if queue[0] is not following and given < n_given and following is lines[given]:
                    given += 1  # the line as given was replaced: the next one comes after it
                if reattached is not ln:
                    ln, f = reattached, line_facts(reattached)
            if f.blank:
                continue
        marker = f.marker
        if marker is not None:
            add_heading(marker)
            rest = f.rest
            if rest:
                # a sibling that already ran into its body says this list is written that way
                sibling_ran_in = marker.style.name in run_in_styles
                got = f.cuts[flat2 + sibling_ran_in]  # f.heading_cut(flat, sibling_ran_in), without its call
                if got is None:
                    got = f.heading_cut(flat, sibling_ran_in)
                at, by_phrase = got
                if at and by_phrase and not flat:
                    run_in_styles.add(marker.style.name)
                if at:
                    head_end = len(ln) - len(rest) + at
                    changes.append(Change(before=rest[: at + 4], after=rest[:at] + " ⏎ " + rest[at: at + 4]))
                    cut_body = ln[head_end:]
                    queue.appendleft(cut_body)
                    ln = ln[:head_end].rstrip()
                    f = line_facts(ln)  # the heading part, read again (its marker's end may differ)
        out.append(ln)
        kept.append(f)
    # pieces cut out of flattened lines may end in a wrapped heading too; when nothing was joined, cut,
    # moved or dropped, `out` is the list the first join already found nothing to join in
    if changes or len(out) != len(lines):
        joined = _join_wrapped_headings(out, changes, frozenset(bodies))
        if len(joined) != len(out):  # lines were joined: their facts are read again
            kept = facts_of(joined)
        out = joined
    repairs = [Repair(step="split_run_in_headings", count=len(changes), changes=changes[:40])] if changes else []
    return out, repairs, kept
