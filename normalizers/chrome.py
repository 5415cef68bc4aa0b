"""Site chrome inside the text: what 范文 and document-sharing sites wrap around a plan.

Two mechanisms. `remove_site_chrome` knows the chrome patterns of Chinese document sites (rules
below, one per kind of line). `remove_learned_boilerplate` asks the batch which line shapes recur
across many documents of one site (see `batch.py`). Both only ever remove whole lines or a
marked tail of a line, and every cut is listed in the record's `removed`.

Chrome lines often carry the title (breadcrumbs, 《X.docx》由会员分享, 您正在浏览：X); those
titles go to `ctx.title_candidates` for `structure/` to match against the body's first line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from fangan.lexicon import chrome as chrome_words
from fangan.lexicon.dates import SIGNATURE_DATE_LINE
from fangan.lexicon.kinds import ends_in_kind
from fangan.lexicon.markers import LINE_MARKER
from fangan.lexicon.parts import is_body_line

from . import NormalizeContext, StepReport, joined, lines_of, step
from fangan.line_cache import line_cache
from fangan.gates import first_chars, gate, gate_words, pivot_pattern, trie_pattern

_C = "[：:]"  # colon, either width (punctuation is canonicalized before this step, but be lenient)
_DOC_EXT = r"\s*\.(?:docx?|pdf|wps|txt|pptx?|xlsx?)"


@dataclass(frozen=True)
class ChromeRule:
    name: str
    pattern: re.Pattern
    title_group: Optional[str] = None  # named group holding the document title, if the line carries it
    docshare: bool = False  # the line is a sign of a document-sharing site (page markers expected)
    max_len: int = 400  # a longer line is body text that happens to match
    top_only: bool = False  # only among the first lines (a file name heads a 文库 page; in a body it is an attachment)


def _r(name: str, pattern: str, title_group: Optional[str] = None, docshare: bool = False, max_len: int = 400,
       top_only: bool = False) -> ChromeRule:
    compiled = re.compile(pattern)
    if title_group is None and "title" in compiled.groupindex:
        title_group = "title"
    return ChromeRule(name, compiled, title_group, docshare, max_len, top_only)


TOP_LINES = 12


LINE_RULES: tuple[ChromeRule, ...] = (
    # navigation
    _r("breadcrumb", rf"^(?:当前位置{_C}?\s*|您的位置{_C}?\s*|位置{_C}\s*)?(?:首页|主页|网站首页)\s*(?:[>›»/]|&gt;)\s*(?:.*(?:[>›»/]|&gt;)\s*)?(?P<title>[^>›»/]*)$"),
    _r("viewing", rf"^您正在浏览{_C}\s*(?P<title>.+)$"),
    _r("tags", rf"^(?P<title>.*?)\s*标签{_C}.*$", max_len=200),
    _r("site_meta", rf"^(?:手机{_C}.*|分类{_C}.*编辑{_C}.*|.*\s分类{_C}\S+\s+编辑{_C}.*)$", max_len=120),
    _r("post_time", rf"^(?:发布|更新|上传|发表)?时间{_C}\s*\d{{4}}[-/年.]\d{{1,2}}[-/月.]\d{{1,2}}.*$", max_len=120),
    _r("post_meta", rf"^(?:来源|作者|编辑|责任编辑|浏览次数|点击数|阅读次数|字号|发布者|发布人){_C}[^，。；！？]{{0,60}}$", max_len=100),  # a sentence is body
    _r("lead_disclaimer", rf"^导语{_C}\s*(?P<title>.+?)一文来源于.*$"),
    _r("disclaimer", r"^.*(?:不代表本站观点|仅供参考|版权归原作者|如有侵权|请联系删除|若需要原创文章).*$", max_len=200),
    _r("comments", r"^(?:网友评论|发表评论|我要评论|评论列表|相关评论|(?P<title>.*?)\s*暂无评论)$"),
    _r("related", r"^(?:相关资源|猜你喜欢|相关搜索|相关推荐|相关文章|热门文章|推荐阅读|延伸阅读|上一篇|下一篇)(?:[：:].*)?$", max_len=120),
    _r("expand", r"^(?:展开阅读全文|阅读全文|点击查看全文|查看更多|收起)$"),
    _r("copyright", r"^(?:copyright|Copyright|COPYRIGHT|©|版权所有).*$|^.*(?:网站版权所有|版权所有\s*©?).*$", max_len=160),
    _r("icp", r"^.*(?:ICP备|ICP证|经营许可证编号|公网安备|网站标识码).*$", max_len=160),
    _r("print_share", r"^(?:【?字体[：:]?\s*大\s*中\s*小】?|打印本页|关闭窗口|分享到[：:]?.*|微信扫一扫.*|扫一扫.*)$", max_len=80),
    # document-sharing sites
    _r("share_bar", r"^收藏\s*分享(?:（赏）|\(赏\))?$", docshare=True),
    _r("doc_file_title", rf"^(?!附件)(?:\d{{4}}年)?(?P<title>[^\s。；：:，][^。；]{{3,120}}?){_DOC_EXT}$", docshare=True, top_only=True),
    _r("uploader", rf"^.*(?:上传人{_C}|文档编号{_C}|上传时间{_C}.*格式{_C}).*$", docshare=True),
    _r("download_bar", r"^下载\s*相关\s*举报$|^(?:下载文档|立即下载|点击下载|文档下载)$", docshare=True),
    _r("page_list", rf"^.*{_DOC_EXT}_第\d+页$|^第\s*\d+\s*页\s*/\s*共\s*\d+\s*页$|^第\s*\d+\s*页\s*共\s*\d+\s*页$", docshare=True),
    _r("preview_end", r"^亲[，,]该文档总共\d+页.*$|^.*全部预览完了.*$", docshare=True),
    _r("resource_header", r"^(?:资源描述|文档介绍|内容简介|文本预览)[：:]?$", docshare=True),
    _r("member_share", rf"^《(?P<title>.+?){_DOC_EXT}》由会员分享.*$", docshare=True, max_len=600),
    _r("member_share_short", r"^.*由会员分享[，,]可在线阅读.*$", docshare=True, max_len=600),
)

# a tail of a line that is chrome: document-sharing sites append their machine summary to the last page
TAIL_RULES: tuple[ChromeRule, ...] = (
    _r("appended_summary", r"\s*内容总结[（(]\d+[）)].*$", docshare=True, max_len=100000),
)


def _clean_title(t: str) -> str:
    t = re.sub(_DOC_EXT + "$", "", t.strip())
    t = re.sub(r"[（(]\d+页珍藏版[）)]$", "", t)
    return t.strip(" 　-_|")


def _looks_like_title(t: str) -> bool:
    return 4 <= len(t) <= 80 and not re.search("[。；]", t)


# ---- generic detectors (any site): label:value metadata, crawler headers, breadcrumbs, share bars, footers ----

_LABELS = sorted(chrome_words.METADATA_LABELS, key=len, reverse=True)
# a label at the start of the line or after a space/punctuation, never inside a word (会议时间：is not 时间：)
_LABEL_RE = re.compile(r"(?:^|(?<=[\s|｜/、，,；;]))(?P<label>" + "|".join(chrome_words.spaced(x) for x in _LABELS) + r")\s*" + _C)
_LABEL_FIRST = first_chars(_LABEL_RE)  # (what a line opening with a label opens with)
_LONG_VALUE_LABELS = {"标题", "文章标题", "题名", "原文链接", "原文地址", "本地目录", "主题分类", "名称"}
_POST_STAMP = re.compile(chrome_words.POST_STAMP)
_CRAWLER = re.compile("^(?:" + "|".join(chrome_words.CRAWLER_LINES) + ")$")
_DOCSHARE = re.compile("^(?:" + "|".join(chrome_words.DOCSHARE_LINES) + ")$")
_SHARE = "|".join(map(re.escape, sorted(chrome_words.SHARE_WORDS, key=len, reverse=True)))
_FOOTER = "|".join(map(re.escape, sorted(chrome_words.FOOTER_WORDS, key=len, reverse=True)))
_FONT_SIZE = r"字体{_C}?\s*大\s*中\s*小".replace("{_C}", _C)
_WIDGETS_LINE = re.compile(rf"^(?:[【\[]?(?:{_SHARE}|{_FOOTER}|{_FONT_SIZE})[】\]]?[\s|/·：:]*)+$")
# a head of a flattened page: 当前位置：首页…栏目 [title] 时间：2015-04-30 10:09 微信 微博 QQ空间
_HEADS = "|".join(map(re.escape, chrome_words.BREADCRUMB_HEADS))
_CRUMB_HEAD = re.compile(
    rf"^(?:{_HEADS}){_C}\s*(?P<crumb>\S[^\n]{{0,200}}?)\s*(?P<stamp>(?:发布|更新)?(?:时间|日期){_C}\s*{chrome_words.POST_STAMP})"
    rf"(?P<share>(?:\s*(?:{_SHARE}))*)\s*")
_SHARE_HEAD = re.compile(rf"^(?:(?:{_SHARE})\s*){{2,}}(?=\S)")
# the end of a flattened page: 来源：中国平潭 附件下载 / 【打印】【关闭】
_SOURCE_TAIL = re.compile(rf"\s*(?:(?:信息|文章)?来源{_C}\s*\S{{1,40}}?)?(?:\s*(?:{_FOOTER}))+\s*$")
_FOOTER_ENDS = tuple(chrome_words.FOOTER_WORDS)
_PAGE_COUNT = re.compile(r"(?:共\s*|页数[：:]\s*|总共)(\d{1,3})\s*页?")


def label_pairs(line: str) -> Optional[list[tuple[str, str]]]:
    """The (label, value) pairs of a line made only of metadata labels and their values, else None.

    索 引 号： 000014349/2018-00217 主题分类： 卫生、体育\\体育 → [("索引号", "000014349/2018-00217"), ("主题分类", …)].
    A value runs to the next label. Lines whose labels are all common body words (时间, 来源, 作者) count only
    when a value is a post stamp or there are several of them: `时间：3月20日` in a schedule stays."""
    if line[:1] in "【[":  # 【发布时间：2020-03-13】【来源：县教育局】: the brackets are decoration
        line = re.sub(r"[【】\[\]]", " ", line).strip()
    if _LABEL_FIRST is not None and line[:1] not in _LABEL_FIRST:
        return None  # cheap: most lines do not open with a label
    if not _LABEL_RE.match(line):
        return None
    hits = list(_LABEL_RE.finditer(line))
    pairs = []
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(line)
        label = re.sub(r"\s+", "", m.group("label"))
        value = line[m.end():end].strip()
        limit = 240 if label in _LONG_VALUE_LABELS else 60
        if len(value) > limit or value.endswith(("。", "；")):
            return None
        pairs.append((label, value))
    labels = {lb for lb, _ in pairs}
    if labels <= chrome_words.WEAK_LABELS:
        if len(pairs) < 2 and not any(_POST_STAMP.match(v) for _, v in pairs):
            return None
    return pairs


def _any_line_rule(rules: tuple[ChromeRule, ...]) -> re.Pattern:
    """One pattern that matches where any of `rules` does (their groups made plain): most lines are text,
    and one failed match rules them all out before the rules are tried one by one."""
    assert all(r.pattern.flags == re.UNICODE and "(?P=" not in r.pattern.pattern for r in rules)
    return re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[A-Za-z_][A-Za-z_0-9]*>', '(?:', r.pattern.pattern)})" for r in rules))


_ANY_LINE_RULE = _any_line_rule(LINE_RULES)
# a line holds one of the rules' required words (read off their patterns: `fangan/gates.py`) or no rule matches it; one
# search for those words rules out most body lines before the rules' own patterns are tried
_LINE_RULE_GATE = gate(r.pattern for r in LINE_RULES)
_DOCSHARE_GATE = gate([_DOCSHARE])
_TAIL_GATES = tuple((rule, gate([rule.pattern])) for rule in TAIL_RULES)
# the characters a line must open with for these start-anchored patterns to match it (read off the patterns;
# None: no such set, try the pattern)
_CRAWLER_FIRST = first_chars(_CRAWLER)
_WIDGETS_FIRST = first_chars(_WIDGETS_LINE)


def _busy_pattern() -> Optional[re.Pattern]:
    """One multiline pattern that, run over "\\n" + the text, finds something in every line the step may cut, trim,
    drop or read a title from (None: no such pattern): a blank line, a word of the whole-line rules' gates or of the docshare and tail gates,
    a first character (after the line's blanks) with which a crawler, widget or label line can open or a bracket
    label_pairs drops, an opening breadcrumb head or share word, a style sheet's brace, a footer word ending the line.
    A line it finds nothing in goes through every rule untouched, so the step keeps it without trying them. Every
    alternative opens with a literal character (the line starts with their newline), so `re` skips along the text
    to those characters by itself."""
    words = gate_words([r.pattern for r in LINE_RULES] + [_DOCSHARE] + [r.pattern for r in TAIL_RULES])
    firsts = [_CRAWLER_FIRST, _WIDGETS_FIRST, _LABEL_FIRST]
    if words is None or any(f is None for f in firsts) or any("\n" in w for w in words):
        return None
    first = frozenset().union(*firsts) | {"【", "["}
    heads = sorted(chrome_words.BREADCRUMB_HEADS + chrome_words.SHARE_WORDS, key=len, reverse=True)
    feet = sorted(_FOOTER_ENDS, key=len, reverse=True)
    ends = {w: "" for w in words} | {"{": ""}  # a string found anywhere …
    ends |= {w: "[^\\S\n]*$" for w in feet if w not in ends}  # … or at the end of a line
    # (a blank line is found too, by its blanks running to its end: every line the scan finds nothing in holds text)
    starts = {"\n" + w: "" for w in heads} | {"\n": "[^\\S\n]*(?:[" + "".join(re.escape(c) for c in sorted(first)) + "]|$)"}
    return re.compile(pivot_pattern(ends) + "|" + trie_pattern(starts), re.M)


_BUSY = _busy_pattern()


def busy_lines(text: str) -> Optional[set[int]]:
    """Indexes of the lines of `text` (split at "\\n") where `_BUSY` finds something in "\\n" + the text (None: every
    line may be busy), from scans that jump to the next line at each hit."""
    if _BUSY is None:
        return None
    padded = "\n" + text
    found: set[int] = set()
    pos = newlines = 0  # newlines: how many stand in padded[:pos]
    while (m := _BUSY.search(padded, pos)) is not None:
        at = m.start()
        newlines += padded.count("\n", pos, at)
        # a hit on a newline opens the line after it; any other hit lies in the line whose newline came last
        found.add(newlines if padded[at] == "\n" else newlines - 1)
        pos = padded.find("\n", at + 1)
        if pos < 0:
            break
        newlines += padded.count("\n", at, pos)
    return found


def _whole_line_rule(stripped: str, top: bool = True, maybe_rule: Optional[bool] = None,
                     maybe_docshare: Optional[bool] = None) -> Optional[tuple[str, Optional[str], bool]]:
    """(rule name, title carried by the line or None, docshare sign) when the whole line is chrome.

    `maybe_rule` / `maybe_docshare`: whether the line holds a word of the rules' gates, when the caller knows
    (found for the whole text at once); None: look for them here."""
    if maybe_rule is None:
        maybe_rule = _LINE_RULE_GATE is None or _LINE_RULE_GATE.search(stripped) is not None
    for rule in (LINE_RULES if maybe_rule and _ANY_LINE_RULE.match(stripped) else ()):
        if len(stripped) <= rule.max_len and (top or not rule.top_only):
            m = rule.pattern.match(stripped)
            if m:
                title = m.groupdict().get(rule.title_group) if rule.title_group else None
                return rule.name, title, rule.docshare
    if len(stripped) <= 400:
        first = stripped[:1]
        if (_CRAWLER_FIRST is None or first in _CRAWLER_FIRST) and _CRAWLER.match(stripped):
            return "crawler_header", None, False
        if maybe_docshare is None:
            maybe_docshare = _DOCSHARE_GATE is None or _DOCSHARE_GATE.search(stripped) is not None
        if maybe_docshare and _DOCSHARE.match(stripped):
            return "docshare_line", None, True
        if (_WIDGETS_FIRST is None or first in _WIDGETS_FIRST) and _WIDGETS_LINE.match(stripped):
            return "share_widgets", None, False
    return None


@line_cache()
def _line_verdict(stripped: str, top: bool) -> Optional[tuple[str, Optional[str], bool]]:
    """`_whole_line_rule(stripped, top)`, remembered by line: a pure function of the line, and the lines the rules are
    tried on recur (a site's chrome lines, 来源：/时间： lines, 本/新… openings of list items)."""
    return _whole_line_rule(stripped, top=top)


def _strip_edges(line: str, report: StepReport, ctx: NormalizeContext) -> str:
    """Chrome at the head or tail of a line that also holds text (a page flattened to one line)."""
    m = _CRUMB_HEAD.match(line) if line.startswith(chrome_words.BREADCRUMB_HEADS) else None
    if m:
        crumb = m.group("crumb")
        # the page title stands after the breadcrumb's last segment: 首页政务公开…文件 关于印发…的通知
        sep = re.search(r"^(.*(?:>|›|»|&gt;))\s*(.+)$", crumb)
        parts = [sep.group(1), sep.group(2)] if sep else crumb.split(" ", 1)
        if len(parts) == 2 and ends_in_kind(parts[1]):
            report.remove(line[: m.start("crumb")] + parts[0], "site chrome: breadcrumb")
            report.remove(parts[1], "site chrome: page title after the breadcrumb (kept as a title candidate)")
            ctx.add_title_candidate(_clean_title(parts[1]), "chrome")
        else:
            report.remove(line[: m.end("crumb")], "site chrome: breadcrumb")
        report.remove(m.group("stamp"), "site chrome: post_time")
        if m.group("share").strip():
            report.remove(m.group("share").strip(), "site chrome: share_widgets")
        line = line[m.end():]
    m = _SHARE_HEAD.match(line) if line.startswith(chrome_words.SHARE_WORDS) else None
    if m:
        report.remove(m.group(0).strip(), "site chrome: share_widgets")
        line = line[m.end():]
    if "{" in line and chrome_words.WORD_CSS_HINT.search(line):
        for css in reversed(list(chrome_words.WORD_CSS.finditer(line))):
            if css.group(0).strip() and chrome_words.WORD_CSS_HINT.search(css.group(0)):
                report.remove(css.group(0).strip(), "site chrome: word_css (style sheet of a pasted Word document)")
                line = line[: css.start()] + " " + line[css.end():]
        line = line.strip()
    m = _SOURCE_TAIL.search(line[-80:]) if line.rstrip().endswith(_FOOTER_ENDS) else None
    if m:
        m = _SOURCE_TAIL.search(line, len(line) - 80 + m.start() if len(line) > 80 else m.start())
    if m and m.start() > 0 and m.group(0).strip():
        report.remove(m.group(0).strip(), "site chrome: source_footer")
        line = line[: m.start()]
    return line


def _cut_line(line: str, i: int, first: int, ctx: NormalizeContext, report: StepReport) -> tuple[Optional[str], bool]:
    """(what is left of line `i` once its chrome is cut, None when nothing is; whether a cut is a docshare sign)."""
    stripped = line.strip()
    docshare = False
    hit = _line_verdict(stripped, i - first < TOP_LINES) if stripped else None
    if hit:
        name, title, sign = hit
        report.remove(stripped, f"site chrome: {name}")
        if title:
            cand = _clean_title(title)
            if _looks_like_title(cand):
                ctx.add_title_candidate(cand, "chrome")
        return None, sign
    pairs = label_pairs(stripped) if stripped else None
    if pairs:
        report.remove(stripped, "site chrome: metadata labels (" + "、".join(lb for lb, _ in pairs) + ")")
        for label, value in pairs:
            if label in chrome_words.TITLE_LABELS and _looks_like_title(_clean_title(value)):
                ctx.add_title_candidate(_clean_title(value), "label", leading=i == first)
        return None, False
    line = _strip_edges(line, report, ctx)
    for rule, needs in _TAIL_GATES:  # (on the line as _strip_edges left it: gated line by line)
        m = rule.pattern.search(line) if needs is None or needs.search(line) else None
        if m and m.start() > 0:
            report.remove(m.group(0).strip(), f"site chrome: {rule.name}")
            docshare = docshare or rule.docshare
            line = line[: m.start()]
    return (line if line.strip() else None), docshare


@step("remove_site_chrome")
def remove_site_chrome(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    lines = lines_of(text)
    kept: list[str] = []
    docshare = False
    first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    # the lines a rule may touch or drop (blank ones), found in one scan of the text; the others (most) hold text and
    # are kept as they are, a run of them at a time
    busy = busy_lines(text)
    changed = False
    done = 0  # the lines before this one are in `kept`
    for i in (range(len(lines)) if busy is None else sorted(busy)):
        kept += lines[done:i]
        done = i + 1
        line = lines[i]
        left, sign = _cut_line(line, i, first, ctx, report)
        docshare = docshare or sign
        if left is not None:
            kept.append(left)
        changed = changed or left is not line
    kept += lines[done:]

    # a title repeated right after the chrome that separated it from the body (范文 sites print it twice); a
    # heading further down (below a document number and a letterhead) is the document's own and stays
    if len(kept) > 1 and kept[1].strip() == kept[0].strip() and _looks_like_title(kept[0].strip()):
        report.remove(kept[1].strip(), "repeated title")
        del kept[1]
        changed = True
    if docshare:
        ctx.site_family = "docshare"
        counts = [int(m.group(1)) for r in report.removed for m in [_PAGE_COUNT.search(r.text)] if m]
        if counts:
            ctx.page_count = max(counts)
    return joined(kept) if changed else text  # (every line kept as it was: joining them gives the text)


def _outside_the_body(lines: list[str], cut: list[int]) -> list[int]:
    """The lines of `cut` that are not the body's: a site prints its chrome around a plan, never between its
    headings, so a sentence or a party line after the first heading and before the last heading or signature
    date is the plan's (what one issuer's plans share: 各单位要高度重视，加强组织领导。 责任单位：县教育局)."""
    if not any(is_body_line(lines[i].strip()) for i in cut):
        return cut
    bounds = [i for i, ln in enumerate(lines) if _body_bound(ln.strip())]
    if not bounds:
        return cut
    first, last = bounds[0], bounds[-1]
    return [i for i in cut if not (first < i < last and is_body_line(lines[i].strip()))]


def _body_bound(stripped: str) -> bool:
    return bool(stripped) and bool(LINE_MARKER.match(stripped) or SIGNATURE_DATE_LINE.match(stripped))


@step("remove_learned_boilerplate")
def remove_learned_boilerplate(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Lines whose shape recurs across many documents of this site (learned from the batch)."""
    batch = ctx.batch
    if batch is None or not hasattr(batch, "is_chrome"):
        return text
    # a learner that judges a whole text at once (the build's per-document view) is asked once
    if hasattr(batch, "chrome_lines"):
        cut = batch.chrome_lines(text, ctx.site)
    elif hasattr(batch, "chrome_flags"):
        cut = [i for i, chrome in enumerate(batch.chrome_flags(text, ctx.site)) if chrome]
    else:
        cut = [i for i, line in enumerate(lines_of(text)) if batch.is_chrome(line, ctx.site)]
    if not cut:
        return text  # (what joining every line back gives)
    lines = lines_of(text)
    cut = _outside_the_body(lines, cut)
    if not cut:
        return text
    kept = []
    done = 0  # the lines before this one are in `kept`
    for i in cut:
        kept += lines[done:i]
        done = i + 1
        report.remove(lines[i].strip(), "recurs across the site's documents (learned from the batch)")
    kept += lines[done:]
    return joined(kept)
