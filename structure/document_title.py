"""The document's title, chosen by ranking candidates rather than by position.

Candidates come from everywhere a title shows: the page (`<title>`, `<h1>`, ArticleTitle/og:title, a known CMS's
title element), a crawler's `标题：` line, a metadata box, site chrome (breadcrumbs, 文库 file names), and the first
lines of the body itself (a title may be wrapped over two or three lines, or stand below a letterhead). Each is
cleaned of site decoration (`_xx网`, `-xx政府门户网站`, ` .doc`, a label, stray spaces between hanzi) and scored by
what a plan title looks like: it ends in a document kind (…方案, …的通知, …意见（试行）), often names an issuer
(关于) or a year, and it is none of: a site name, a label line, a date line, a file name, a breadcrumb, a toolbar,
a letterhead (`县人民政府办公室`), a numbered item (`1、`).

Which candidate wins follows ../shared/gold/CONVENTIONS.md ("title is the document's own first line, with site
decoration removed"):

1. a crawler header whose very first line is `标题：X` names the title line: X is the title and the body below is
   kept whole (the document's own heading stays in the text);
2. else the body's own title line(s) at the top of the text — a title-shaped line, or lines that join into a
   candidate — are the title and leave the body; a candidate run into the first line (`X为认真贯彻…`) is split off;
3. else the best-scoring candidate from the page and its chrome;
4. else a short first line that is not a sentence (the old positional rule), else "".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from fangan.lexicon import chrome as chrome_words
from fangan.lexicon.dates import DATE_ONLY_LINE as _DATE_LINE
from fangan.lexicon.kinds import ends_in_kind
from fangan.lexicon.markers import match_marker
from fangan.lexicon.orgs import is_org_line
from fangan.model import Change, Repair
from fangan.parsers import TitleCandidate

# how much a source is trusted, other things equal (a CMS's own title element most, `<title>` least)
SOURCE_PRIOR = {"site_title": 1.0, "label": 0.9, "meta": 0.8, "hint": 0.7, "core": 0.6, "h1": 0.6, "chrome": 0.5,
                "page_title": 0.4, "body": 0.7}
_DOC_NUMBER = re.compile(r"^\S{0,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号$")
_FILE_NAME = re.compile(r"\.(?:docx?|wps|pdf|pptx?|xlsx?|txt|rtf|html?|aspx?)$", re.I)
_LABEL_START = re.compile("^(?:" + "|".join(chrome_words.spaced(x) for x in sorted(chrome_words.METADATA_LABELS, key=len, reverse=True)) + r")\s*[：:]\s*")
_CHROME_WORDS = re.compile(r"标题[：:]|索\s*引\s*号|当前位置|您的位置|来源[：:]|发布时间|下载|分享|举报|收藏|浏览次数|首页\s*[>›»]")
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—–]{1,2}\s|(?<![0-9A-Za-z])-(?![0-9A-Za-z]))\s*[^_|｜\-—–]{2,30}$")
# a stray space before the document kind at the end (大排查 实施方案》的通知); a space between two phrases of a
# title (“先锋工程”建设 深入开展…) is the title's own
_KIND_GAP = re.compile(r"(?<=[\u3400-\u9fff”》」）])[ \u3000\xa0]+(?=[\u3400-\u9fff]{0,4}(?:方案|计划|规划|意见|办法|细则|要点)(?:[（(][^）)]{1,12}[）)])?》?(?:的通知)?$)")
_SENTENCE_END = ("。", "；", "：", ":", "！", "？", "，", ",")
# compiled once (asked for every document; a pattern given as a string is looked up in re's cache per call)
_WORD_PRINT = re.compile(r"^Microsoft\s+(?:Word|Office Word)\s*-\s*", re.I)
_FILE_EXTENSION = re.compile(r"\s*\.(?:docx?|wps|pdf|txt)\s*$", re.I)
_SITE_PART_END = re.compile(r"(?:人民政府|政府门户网站|门户网站|网站|网|文库|委员会|中学|小学|大学|学院|学校)$")
_LABEL_LINE = re.compile(r"^\S{1,10}[：:]")
_YEAR_IN = re.compile(r"(?:19|20)\d{2}")
_CLAUSE_MARK = re.compile(r"[，。；]")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_SENTENCE_MARK = re.compile("[。；]")
_COMMA_OR_PERIOD = re.compile("[，。]")


@dataclass
class TitleChoice:
    title: str
    lines: list[str]  # the body lines, the title line(s) removed when they were in the body
    source: str = ""
    repairs: list[Repair] = field(default_factory=list)


def clean_candidate(text: str) -> str:
    """A candidate without site decoration: label, site suffix, file extension, stray spaces between hanzi."""
    t = (text or "").strip()
    t = _WORD_PRINT.sub("", t)  # a PDF printed from Word
    t = _LABEL_START.sub("", t)
    t = _FILE_EXTENSION.sub("", t)
    m = _SITE_SUFFIX.search(t)
    if m and chrome_words.SITE_WORDS.search(m.group(0).strip(" _|｜-—–")) or (m and _is_site_part(m.group(0))):
        t = t[: m.start()]
    t = _KIND_GAP.sub("", t)
    return t.strip(" \t-_|｜·:：")


def _is_site_part(part: str) -> bool:
    p = part.strip(" _|｜-—–")
    return bool(_SITE_PART_END.search(p)) and not ends_in_kind(p)


def _kind_end(t: str) -> bool:
    return ends_in_kind(t)


def is_not_a_title(t: str) -> Optional[str]:
    """Why `t` cannot be a title (a reason word), or None."""
    s = t.strip()
    if len(s) < 4:
        return "too short"
    if len(s) > 120:
        return "too long"
    if _CHROME_WORDS.search(s) or chrome_words.TOOLBAR.match(s):
        return "chrome"
    if _DATE_LINE.match(s):
        return "date line"
    if _DOC_NUMBER.match(s):
        return "document number"
    if _FILE_NAME.search(s):
        return "file name"
    if is_org_line(s):
        return "letterhead"
    if match_marker(s) is not None:
        return "numbered item"
    if _LABEL_LINE.match(s) and not _kind_end(s):
        return "label"  # (2020寒假社会实践：高一年级开展方案 is a title)
    if s.endswith(_SENTENCE_END):
        return "sentence"
    if chrome_words.SITE_WORDS.search(s) and not _kind_end(s):
        return "site name"
    return None


def shape_score(t: str) -> float:
    """How much `t` looks like a plan title (0 = not at all)."""
    if is_not_a_title(t):
        return 0.0
    score = 1.0
    if _kind_end(t):
        score += 3.0
    if "关于" in t:
        score += 1.0
    if _YEAR_IN.search(t):
        score += 0.5
    if _CLAUSE_MARK.search(t):
        score -= 1.5
    return max(score, 0.0)


def _squash(s: str) -> str:
    return _SPACES.sub("", s)


def _body_title(lines: list[str], candidates: list[TitleCandidate]) -> Optional[tuple[int, int, str, str]]:
    """(first line, number of lines, title, how) of the body's own title among its first lines."""
    # the most trusted source names a text that several sources share
    ordered = sorted(candidates, key=lambda c: SOURCE_PRIOR.get(c.source, 0.5))
    wanted = {_squash(c.text): c for c in ordered if len(c.text) >= 4 and shape_score(c.text) > 0}
    for i in range(min(4, len(lines))):
        ln = lines[i]
        for n in (1, 2, 3) if wanted else ():  # no source names a title (most plain-text inputs): nothing to match
            if i + n > len(lines):
                break
            joined = "".join(lines[i: i + n])
            if _squash(joined) in wanted:
                return i, n, clean_candidate(joined), "body line(s) matching the " + wanted[_squash(joined)].source
        # a title wrapped over two lines (国务院办公厅关于加快发展 / 体育竞赛表演产业的指导意见), or one line
        for n in (1, 2, 3):
            if i + n > len(lines):
                break
            joined = "".join(lines[i: i + n])
            if len(joined) > 120 or (n > 1 and match_marker(lines[i + n - 1]) is not None):
                break  # a numbered line (一、总体要求) opens the body: it never continues a wrapped title
            if _kind_end(joined) and shape_score(joined) > 0 and not any(_ends_sentence(x) for x in lines[i: i + n]):
                if n > 1 and (is_org_line(lines[i]) or is_not_a_title(lines[i]) not in (None, "too short")):
                    break  # a letterhead (or a label, a widget) above the title is not part of it
                # a short tail finishes a wrapped title (关于印发…实施方案 / 的通知)
                nxt = lines[i + n] if i + n < len(lines) else ""
                if nxt and len(nxt) <= 12 and _kind_end(nxt) and not _ends_sentence(nxt) and nxt.startswith(("的", "之")):
                    joined, n = joined + nxt, n + 1
                return i, n, clean_candidate(joined), "body title line" + ("s" if n > 1 else "")
        # only a letterhead, a document number, a date or a short label may stand above the title
        if not (is_org_line(ln) or _DOC_NUMBER.match(ln) or _DATE_LINE.match(ln) or (len(ln) <= 12 and not _ends_sentence(ln))):
            return None
    return None


def _ends_sentence(ln: str) -> bool:
    return ln.rstrip().endswith(_SENTENCE_END) or bool(_SENTENCE_MARK.search(ln))


def _run_in(first: str, candidates: list[TitleCandidate]) -> Optional[tuple[str, str]]:
    if any(_squash(c.text) == _squash(first) for c in candidates):
        return None  # the whole line is a title some source names: nothing runs into it
    for c in candidates:
        t = c.text.strip()
        if len(t) >= 4 and first.startswith(t) and len(first) > len(t):
            return t, first[len(t):].lstrip(" ：:")
    return None


def choose_title(lines: list[str], candidates: list[TitleCandidate], title_hint: Optional[str] = None) -> TitleChoice:
    lines = list(lines)
    cands = [c if isinstance(c, TitleCandidate) else TitleCandidate(str(c), "chrome") for c in candidates]
    cands = [TitleCandidate(clean_candidate(c.text), c.source, c.leading) for c in cands if c.text]
    if title_hint and all(c.text != title_hint for c in cands):
        cands.append(TitleCandidate(clean_candidate(title_hint), "hint"))
    cands = [c for c in cands if c.text]

    leading = next((c for c in cands if c.leading and shape_score(c.text) > 0), None)
    if leading is not None:
        return _chosen(leading.text, lines, "label line that opens the document (body kept whole)")
    if not lines:
        best = _best(cands)
        return _chosen(best.text, lines, best.source) if best else TitleChoice("", lines)

    split = _run_in(lines[0], cands)
    if split and split[1]:
        title, rest = split
        lines[0] = rest
        rep = Repair(step="split_run_in_title", count=1, changes=[Change(before=title + rest[:10], after=title + " ⏎ " + rest[:10])])
        choice = _chosen(title, lines, "title run into the first line")
        choice.repairs.insert(0, rep)
        return choice
    found = _body_title(lines, cands)
    if found is not None:
        i, n, title, how = found
        del lines[i: i + n]
        return _chosen(title, lines, how)
    best = _best(cands)
    if best is not None:
        return _chosen(best.text, lines, best.source)
    why = is_not_a_title(lines[0])
    if (why is None or why == "too short") and len(lines[0]) <= 60 and not _COMMA_OR_PERIOD.search(lines[0]):
        title = lines.pop(0)
        return _chosen(title, lines, "first line")
    return TitleChoice("", lines)


def _best(cands: list[TitleCandidate]) -> Optional[TitleCandidate]:
    scored = [(shape_score(c.text) * SOURCE_PRIOR.get(c.source, 0.5), -i, c) for i, c in enumerate(cands)]
    scored = [s for s in scored if s[0] > 0]
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None


def _chosen(title: str, lines: list[str], source: str) -> TitleChoice:
    rep = Repair(step="choose_title", count=1, detail=f"title from the {source}")
    return TitleChoice(title=title, lines=lines, source=source, repairs=[rep])
