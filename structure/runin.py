"""Run-in headings: headings that a flattened text put inside a paragraph get their own line.

* After a finished sentence (`…本方案。一、指导思想`) a marker starts a new line when the numbering
  accepts it at that place (the next number, or a continuation across parents; in a flattened
  document also a skipped or repeated number of a style already open, as the tree would keep it).
* In flattened documents (several such markers hidden in lines), also right after any hanzi, and a
  heading phrase that runs straight into its body with no punctuation (`一、指导思想增强…`) ends
  where the phrase ends (`split_run_in_heading`).
* A marker left dangling at the end of a line (`…工作任务：1.` / `加强…`, after a paragraph splitter
  broke at `1. `) moves back to the text it numbers.
Every cut is reported (`Repair` step `split_run_in_headings`).
"""
from __future__ import annotations

import re
from typing import Optional

from fangan.lexicon.headings import (BODY_LABEL_FINAL, HEAD_FINAL, KNOWN_HEADINGS, NOT_SENTENCE_START,
                                     SENTENCE_START)
from fangan.lexicon.markers import Marker, match_marker
from fangan.lexicon.segment import cut
from fangan.model import Change, Repair

from .tree import Numbering

# where a run-in marker may start: after a finished sentence, or (flattened text) after any hanzi
_AFTER_SENTENCE = r"(?<=[。；;！？!?：:])"
_AFTER_ANY = r"(?<=[。；;！？!?：:])|(?<=[\u4e00-\u9fff”）)])"
# a marker at the very end of a line, after a finished clause: it numbers the next line
_DANGLING = re.compile(r"(?<=[。；;：:！？）)])\s*(\d{1,2}[.．、]|[（(]\d{1,2}[)）]|[（(][一二三四五六七八九十]+[)）])\s*$")
# a document is flattened when at least this many markers hide after finished sentences
FLAT_MIN_MARKERS = 2
# scores of a cut between a heading phrase and its body (split_run_in_heading)
KNOWN_HEADING_SCORE = 5  # the head is a heading plans use again and again (指导思想)
HEAD_FINAL_SCORE = 2  # the head ends in a heading noun (…措施)
SENTENCE_START_SCORE = 2  # the tail opens like a sentence (以…, 加强…)
CUT_THRESHOLD = 4
MIN_HEAD, MAX_HEAD = 2, 24
# a number may skip this much inside a flattened line (三、 → 五、) and still be a heading there
MAX_SKIP = 1


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
        if not (MIN_HEAD <= len(head) <= MAX_HEAD) or not tail or tail.startswith(NOT_SENTENCE_START):
            continue
        score = 0
        if head in KNOWN_HEADINGS:
            score += KNOWN_HEADING_SCORE
        if w in HEAD_FINAL:
            score += HEAD_FINAL_SCORE
        if tail.startswith(SENTENCE_START):
            score += SENTENCE_START_SCORE
        if score >= CUT_THRESHOLD and (best is None or score > best[0]):
            best = (score, pos)
    if best is None:
        return _label_cut(rest, clause)
    return best[1]


def _label_cut(rest: str, clause: str) -> Optional[int]:
    """A heading phrase followed by a label that opens its body (畜禽生产环节 / 治理指标：…)."""
    if rest[len(clause): len(clause) + 1] not in ("：", ":"):
        return None
    words = cut(clause)
    if len(words) < 2:
        return None
    label = "".join(words[-2:]) if len(words) >= 3 else words[-1]
    if not label.endswith(BODY_LABEL_FINAL) or len(label) > 4:
        return None
    head = clause[: len(clause) - len(label)]
    return len(head) if MIN_HEAD * 2 <= len(head) <= MAX_HEAD else None


def is_flattened(lines: list[str]) -> bool:
    """Several top-level markers hidden after finished sentences: the document lost its line breaks."""
    return sum(len(_embedded_markers(ln, Numbering(), anywhere=False)) for ln in lines) >= FLAT_MIN_MARKERS


def _accepts_run_in(numbering: Numbering, marker: Marker, anywhere: bool) -> bool:
    placement = numbering.place(marker)
    if placement.kind in ("next", "continue"):
        return True
    # flattened text: a style already open may skip or repeat a number, as the tree keeps it
    if not anywhere or placement.depth >= len(numbering.stack):
        return False
    if numbering.stack[placement.depth].style != marker.style.name:
        return False
    return placement.expected - 1 <= marker.value <= placement.expected + MAX_SKIP


def _embedded_markers(line: str, numbering: Numbering, anywhere: bool) -> list[int]:
    """Positions inside `line` where a run-in heading starts."""
    cuts = []
    sim = numbering.copy()
    first = match_marker(line)
    if first:
        sim.take(first, sim.place(first))
    for m in re.finditer(_AFTER_ANY if anywhere else _AFTER_SENTENCE, line):
        pos = m.start()
        if pos == 0 or pos >= len(line) - 2:
            continue
        marker = match_marker(line, pos)
        if marker is None:
            continue
        if marker.style.name == "①":
            continue  # inline ①…⑧ stay in their paragraph (they become child sections there)
        if marker.style.name == "1." and marker.text.endswith("、") and not anywhere:
            continue  # 主要有：1、…2、… inside a paragraph is an inline list, not a heading
        if _accepts_run_in(sim, marker, anywhere):
            sim.take(marker, sim.place(marker))
            cuts.append(pos)
    return cuts


def _reattach_dangling(lines: list[str], changes: list[Change]) -> list[str]:
    out = list(lines)
    for i in range(len(out) - 1):
        m = _DANGLING.search(out[i])
        if m and match_marker(out[i + 1]) is None and match_marker(m.group(1) + out[i + 1]) is not None:
            changes.append(Change(before=out[i][-6:] + " ⏎ " + out[i + 1][:6], after=out[i][: m.start()][-6:] + " ⏎ "
                                  + m.group(1) + out[i + 1][:6]))
            out[i + 1] = m.group(1) + out[i + 1]
            out[i] = out[i][: m.start()]
    return [ln for ln in out if ln.strip()]


def split_run_in(lines: list[str]) -> tuple[list[str], list[Repair]]:
    """Body lines with every run-in heading on a line of its own, and the repair that says so."""
    changes: list[Change] = []
    lines = _reattach_dangling(lines, changes)
    flat = is_flattened(lines)
    numbering = Numbering()
    out: list[str] = []
    queue = list(lines)
    while queue:
        ln = queue.pop(0)
        cuts = _embedded_markers(ln, numbering, anywhere=flat)
        if cuts:
            pieces = [ln[a:b] for a, b in zip([0] + cuts, cuts + [len(ln)])]
            for p in pieces[1:]:
                changes.append(Change(before=p[:12], after="⏎ " + p[:12]))
            queue[:0] = pieces[1:]
            ln = pieces[0]
        marker = match_marker(ln)
        if marker is not None:
            numbering.take(marker, numbering.place(marker))
            rest = ln[marker.end:]
            if marker.style.name == "第N阶段":
                rest = rest.lstrip("：: ")
            if flat and rest:
                at = split_run_in_heading(rest)
                if at:
                    head_end = len(ln) - len(rest) + at
                    changes.append(Change(before=rest[: at + 4], after=rest[:at] + " ⏎ " + rest[at: at + 4]))
                    queue.insert(0, ln[head_end:])
                    ln = ln[:head_end]
        out.append(ln)
    repairs = [Repair(step="split_run_in_headings", count=len(changes), changes=changes[:40])] if changes else []
    return out, repairs
