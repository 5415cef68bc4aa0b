"""Page breaks of document-sharing sites, and paragraphs they flattened into spaces.

Sites such as 淘文阁 or 文库 clones print each page of the original as one line that starts with a
page number `N、`, wherever the page broke: between paragraphs or in the middle of a word (围 / 2、绕).
A chain of such numbers 1, 2, 3 … is told apart from a real numbered list by where it sits: it
starts at the first line of the body, and its later numbers continue a sentence the previous
line left open. Real items `1、` follow a finished sentence and stay.
"""
from __future__ import annotations

import re
from typing import Optional

from . import NormalizeContext, StepReport, joined, lines_of, step
from fangan.lexicon.markers import LINE_MARKER as _MARKER_START  # one marker table for every stage

TERMINAL = "。！？；：…”」』.!?;:"
MIN_PAGE_CHARS = 150
_PAGE_NO = re.compile(r"^(\d{1,3})、")


_CLOSERS = ("）", ")", "”", "」", "』")


def _surely_open(prev: str) -> bool:
    """Open, and not closed by a bracket or a quote (which may end a finished item: …（暨十佳歌手比赛））."""
    prev = prev.rstrip()
    return _continues(prev) and (not prev.endswith(_CLOSERS) or _MARKER_START.fullmatch(prev) is not None)


def _continues(prev: str) -> bool:
    """The line leaves its sentence open (a page broke inside it): no final punctuation, or only a marker (2.)."""
    prev = prev.rstrip()
    return bool(prev) and (prev[-1] not in TERMINAL or _MARKER_START.fullmatch(prev) is not None)


# characters no line of a plan starts with: a page marker before them broke a sentence
_NO_LINE_START = "：:，,。、；;）)】》”！？"
# how many lines apart two items of one list may stand (an item's body may take a line or two)
LIST_REACH = 3


def _in_a_list(lines: list[str], j: int, k: int, last_pick: int) -> bool:
    """Line j's number k has neighbours of its own list: k-1 a few lines above (not the page marker before it),
    or k+1 a few lines below on a line a sentence finished before (a page marker after it breaks a sentence)."""
    def number(i: int) -> Optional[int]:
        m = _PAGE_NO.match(lines[i])
        return int(m.group(1)) if m else None

    if lines[j][_PAGE_NO.match(lines[j]).end():][:1] in _NO_LINE_START:
        return False  # no item opens with a colon or a comma: 2、试场安排 / 2、：试场编排好 is a page break
    above = any(number(i) == k - 1 and i != last_pick for i in range(max(0, j - LIST_REACH), j))
    below = any(number(i) == k + 1 and not _continues(lines[i - 1])
                for i in range(j + 1, min(len(lines), j + 1 + LIST_REACH)))
    return above or below


def _prefer_unlisted(lines: list[str], candidates: list[int], k: int, last_pick: int) -> list[int]:
    """The candidates that are not items of a visible list, when there are any (else all of them)."""
    unlisted = [j for j in candidates if not _in_a_list(lines, j, k, last_pick)]
    return unlisted or candidates


def find_page_markers(lines: list[str], docshare: bool, pages: Optional[int] = None) -> list[int]:
    """Indexes of lines that begin with a page number, or [] when the numbers are a real list. Past `pages`, the
    count the site states (which may be short of its markers), only a number inside a sentence continues the
    chain: a real item `3、` after a finished sentence past page 2 of 2 is the document's."""
    if not lines or not _PAGE_NO.match(lines[0]) or _PAGE_NO.match(lines[0]).group(1) != "1":
        return []
    picks = [0]
    k, i = 2, 1
    # (a short text, a snippet, has no page length to speak of)
    min_page = MIN_PAGE_CHARS if sum(map(len, lines)) >= 3 * MIN_PAGE_CHARS else 0
    while i < len(lines):
        # a page holds a few hundred characters at least: numbers on consecutive short lines are a list
        candidates = [j for j in range(i, len(lines)) if (m := _PAGE_NO.match(lines[j])) and int(m.group(1)) == k
                      and sum(len(x) for x in lines[picks[-1]: j]) >= min_page]
        if not candidates:
            break
        # a number whose list is there (its item k-1 just above, or k+1 just below) is the document's own
        candidates = _prefer_unlisted(lines, candidates, k, picks[-1])
        mid = _prefer_unlisted(lines, [j for j in candidates if _continues(lines[j - 1])], k, picks[-1])
        # a line closed by a bracket or a quote may be a finished item; one broken inside a word is surely open
        strong = [j for j in mid if _surely_open(lines[j - 1])]
        past_count = pages is not None and k > pages
        if past_count:
            # past the stated count only a break inside a sentence that no list explains continues the chain
            strong = [j for j in strong if not _in_a_list(lines, j, k, picks[-1])]
        if strong or (mid and not past_count):
            pick = (strong or mid)[0]
        elif docshare and not past_count:
            pick = candidates[0]
        else:
            break
        picks.append(pick)
        k, i = k + 1, pick + 1
    later = picks[1:]
    mid_sentence = sum(1 for j in later if _continues(lines[j - 1]))
    if docshare and (later or len(lines) == 1 or not _MARKER_START.match(lines[0][2:])):
        return picks
    # without site evidence, ask for two page breaks inside sentences, and most of them so
    if mid_sentence >= 2 and mid_sentence * 2 >= len(later):
        return picks
    return []


def _marker_cut(prev: str) -> bool:
    """The page broke inside a marker (（ / 2、4）, 1 / 2、0）): the rest's marker is the tail of the line's own."""
    prev = prev.rstrip()
    return bool(prev) and (prev[-1] in "（(第" or prev[-1].isdigit())


@step("remove_page_markers")
def remove_page_markers(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    lines = lines_of(text)
    picks = set(find_page_markers(lines, ctx.site_family == "docshare", ctx.page_count))
    if not picks:
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        if i not in picks:
            out.append(line)
            continue
        m = _PAGE_NO.match(line)
        rest = line[m.end():]
        report.remove(m.group(0), "page marker of a document-sharing site")
        # (a page that opens with a heading marker, 2、5.绍兴一中…, starts a line of its own)
        if out and _surely_open(out[-1]) and (not _MARKER_START.match(rest) or _marker_cut(out[-1])):
            prev = out[-1].rstrip()
            report.change(f"{prev[-2:]} / {m.group(0)}{rest[:2]}", f"{prev[-2:]}{rest[:2]}", context=prev[-10:] + rest[:10])
            out[-1] = prev + rest
        else:
            out.append(rest)
    report.detail = f"{len(picks)} page markers removed"
    return joined(out)


_CJKISH = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]")
# brackets a plan line never breaks inside: a space within them is spacing (（颁奖曲 集体奖 获奖学生…）)
# (a bracket of either width closes either: (一）, 《…>》 are common typos)
_PAIRS = {"（": "）)", "(": "）)", "《": "》>", "“": "”\"", "【": "】]", "〔": "〕]"}
# how far back an opener still holds a space inside its brackets (an unclosed typo must not glue a page)
MAX_BRACKET_SPAN = 80


def _open_bracket(paragraph: str) -> bool:
    """The paragraph ends inside a bracket or quote opened within its last MAX_BRACKET_SPAN characters."""
    tail = paragraph[-MAX_BRACKET_SPAN:]
    stack: list[str] = []
    for ch in tail:
        if ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif stack and ch in stack[-1]:
            stack.pop()
    return bool(stack)


def _inside_line(paragraph: str, following: str) -> bool:
    """A space a line break cannot have left: inside brackets, or after a single character (组 长：, 一 指导思想),
    which is never a whole line of a plan."""
    if _MARKER_START.match(following):
        return False
    return (_open_bracket(paragraph) or _single_character_tail(paragraph) or _in_name_list(paragraph, following)
            or _SHORT_NOTE.match(following) is not None)


# a short parenthetical after a space stays with its line (致辞 （5分钟）, 评卷 （评卷老师待定））; a long one may
# be a line of its own (（之后毕业生…就餐）)
_SHORT_NOTE = re.compile(r"^[（(][^（）()\s]{1,12}[）)]")


def _single_character_tail(paragraph: str) -> bool:
    """The paragraph ends in one character after a space or a marker: a spaced-out word (组 长, 6.摄 影, 一 指导思想)."""
    last = paragraph.split(" ")[-1].strip()
    m = _MARKER_START.match(last)
    if m and m.end() < len(last):
        last = last[m.end():]
    return len(last) == 1


# a list of names or short cells after a label (组员：冯王亮 周文龙 汪陈帅): short hanzi runs joined by spaces
_LIST_CELL = r"[\u4e00-\u9fff·]{2,4}"
_LIST_TAIL = re.compile(r"[：:\s]" + _LIST_CELL + "$")


def _in_name_list(paragraph: str, following: str) -> bool:
    """The space is one more gap of a list the line already opened: a short cell after a label's colon or a space
    ends the paragraph, and the next token is such a cell too."""
    return re.fullmatch(_LIST_CELL, following) is not None and _LIST_TAIL.search(paragraph) is not None


def _is_break(paragraph: str, following: str) -> bool:
    if not paragraph or not following:
        return False
    if _MARKER_START.fullmatch(paragraph.strip()):
        return False  # a bare marker (（一）) and its text were one paragraph
    if paragraph[-1] in TERMINAL or _MARKER_START.match(following):
        return True
    # a paragraph closed by its role list（X牵头，Y参与）/（Z负责）
    if re.search(r"[（(][^（）()]*(?:负责|牵头|参与|配合|责任单位|责任部门)[^（）()]*[）)]$", paragraph):
        return True
    # a space between a number or Latin word and hanzi (教育部 96 年 8 月) is spacing, not a break; after a
    # heading (1．开展宣传教育活动 2013 年春节前…) it is a break
    if re.search(r"[0-9A-Za-z]$", paragraph) or (
            re.fullmatch(r"[0-9A-Za-z.%]+", following) and not _MARKER_START.match(paragraph)):
        return False
    # a short unpunctuated line before the space: a title, issuer, addressee or heading line
    if len(paragraph) <= 40 and not re.search("[，。；,;]", paragraph):
        return True
    # a numbered heading phrase whose clauses are joined by commas, not finished (2. 搭建学习平台，促进教师…素养
    # 定期向教师…): the space is the only trace of its line break, so it stays a break
    return _is_heading_phrase(paragraph)


# the longest numbered heading phrase with commas that a line break may end
MAX_HEADING_PHRASE = 60


def _is_heading_phrase(paragraph: str) -> bool:
    m = _MARKER_START.match(paragraph)
    # (a clause left open by a comma continues on the next line whatever its length)
    return (m is not None and len(paragraph) <= MAX_HEADING_PHRASE and not _open_bracket(paragraph)
            and paragraph[-1] not in "，,、"
            and not re.search("[。；;！？!?：:]", paragraph[m.end():]))


_BREAK = re.compile(f"[{TERMINAL}] (?=\\S)")  # a space after a finished sentence


@step("split_space_separated_paragraphs")
def split_space_separated_paragraphs(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Some sites flatten a document to one line per page with a space between paragraphs.
    In such lines (many spaces right after a finished sentence) a space after a finished sentence,
    a heading or a short title line is a paragraph break; any other space between hanzi is a
    line-wrap left by the flattening and is dropped (提出 的 → 提出的)."""
    out: list[str] = []
    split = False  # (whether a line became more than one or changed: else the text is handed back as it is)
    for line in lines_of(text):
        if len(line) < 150 or " " not in line:  # (most lines: too short to be a page, or no space to split at)
            out.append(line)
            continue
        breaks = len(_BREAK.findall(line))
        # a document-sharing page is flattened page by page: one break is evidence enough there
        if breaks < (1 if ctx.site_family == "docshare" else 3):
            out.append(line)
            continue
        tokens = line.split(" ")
        paragraph = tokens[0]
        pieces = []
        for tok in tokens[1:]:
            if not tok:
                continue
            if not paragraph:  # the line opened with spaces: its first word opens the first paragraph
                paragraph = tok
                continue
            if _inside_line(paragraph, tok):
                paragraph = paragraph + " " + tok  # spacing inside a line: kept as it was
            elif _is_break(paragraph, tok):
                pieces.append(paragraph)
                paragraph = tok
            else:
                both_cjk = _CJKISH.match(tok[0]) and _CJKISH.match(paragraph[-1])
                if both_cjk:
                    report.change(f"{paragraph[-2:]} {tok[:2]}", f"{paragraph[-2:]}{tok[:2]}", context="line-wrap space")
                paragraph = paragraph + ("" if both_cjk else " ") + tok
        pieces.append(paragraph)
        split = split or len(pieces) > 1 or pieces[0] != line
        if len(pieces) > 1:
            report.count += len(pieces) - 1
            report.detail = (report.detail or "") + f"split a flattened line into {len(pieces)} paragraphs; "
        out.extend(pieces)
    return joined(out) if split else text
