"""HTML pages: the document's own text, as paragraph and heading blocks, without the site around it.

A page goes through four steps:

1. **Charset.** A BOM wins; then the HTTP header (`SourceItem.content_type`), then `<meta charset>` /
   `<meta http-equiv>` / the XML declaration, then detection (`parsers.text.decode_bytes`). A declared charset is
   checked: bytes that do not decode with it, or a page "in gb2312" that is valid UTF-8, are decoded by detection
   and a `declared_charset_wrong` warning says so. gb2312/gbk are read as GB18030, their superset.
2. **Word HTML clean-up.** Pages pasted from Word keep `<o:p>`, `<?xml:namespace>`, `<![if !supportLists]>`
   and `mso-list:Ignore` spans holding the list numbering; the numbering is kept as the block's `marker` (and as
   the start of its text), the spacer spans after it are dropped.
3. **The body.** A known site family (`parsers/sites/*.toml`) names the element holding the document, the chrome
   to drop inside it, its title and its metadata. Otherwise a Word-exported body (many `MsoNormal` paragraphs) is
   taken from their common container, and any other page goes to trafilatura for its main content after the
   obvious chrome (nav, header, footer, sidebars, comments, share bars) is removed.
4. **Blocks.** Elements become blocks in reading order: `<p>`/`<div>`/`<br>` paragraphs, `<hN>` and
   `mso-outline-level` headings with their level, short all-bold paragraphs as headings without a level, table
   rows as `table_row` blocks with cells joined by a tab (a one-cell row is read as ordinary paragraphs).

The title (`title_hint`) comes from the site's title element, else an `<h1>`…`<h3>` that agrees with `<title>`,
else `<title>` without its site suffix (" - XX网", "_XX文库"); it is also the first block, so the structure stage
sees it where a document has it. A page whose body holds only images raises `needs_ocr`.

Several pages of one document arrive as one `multipart/related` item (MHTML, built by `ingest.warc` or saved
by a browser): each part is read as above and the blocks are joined, the repeated title dropped.
"""
from __future__ import annotations

import email
import email.policy
import html as html_lib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

from fangan.ingest import SourceItem
from fangan.lexicon import chrome as chrome_words
from fangan.lexicon.chars import bracketed_spans
from fangan.lexicon.dates import DATE_ONLY_LINE as _DATE_LINE
from fangan.lexicon.kinds import ends_in_kind

from . import Block, ParsedDocument, ParseError, TitleCandidate, register
from . import sites as site_registry
from .text import canonical_codec, decode_bytes, is_multibyte_utf8

# --------------------------------------------------------------------------------------------------------------
# 1. charset

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# labels that mean "we did not really know": a Chinese page declaring these is decoded by detection
_WEAK_LABELS = {"latin-1", "iso8859-1", "iso-8859-1", "ascii", "cp1252", "windows-1252", "us-ascii"}


def charset_from_content_type(content_type: Optional[str]) -> Optional[str]:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]+)", content_type, re.I)
    return m.group(1) if m else None


def _lookup(label: Optional[str]) -> Optional[str]:
    if not label:
        return None
    try:
        return canonical_codec(label.strip().lower())
    except LookupError:
        return None


@dataclass
class Decoded:
    text: str
    codec: str
    source: str  # bom | http | meta | detected
    warnings: list[tuple[str, str]] = field(default_factory=list)


def decode_html(data: bytes, content_type: Optional[str] = None) -> Decoded:
    """Bytes of a page → text, following the order browsers use (BOM, HTTP header, <meta>, detection)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(codec if codec != "utf-16" else ("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"),
                                                  errors="replace"), codec, "bom")
    warnings: list[tuple[str, str]] = []
    declared: list[tuple[str, str]] = []  # (codec, where)
    http = _lookup(charset_from_content_type(content_type))
    if http:
        declared.append((http, "http"))
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_DECL.search(head)
    meta = _lookup(m.group(1).decode("ascii", "ignore")) if m else None
    if meta:
        declared.append((meta, "meta"))
    for codec, where in declared:
        if codec in _WEAK_LABELS and any(b >= 0x80 for b in data[:65536]):
            continue
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            warnings.append(("declared_charset_wrong", f"the page declares {codec} ({where}) but its bytes are not {codec}"))
            continue
        if codec != "utf-8" and is_multibyte_utf8(data):
            warnings.append(("declared_charset_wrong", f"the page declares {codec} ({where}) but is UTF-8"))
            return Decoded(data.decode("utf-8"), "utf-8", "detected", warnings)
        return Decoded(text, codec, where, warnings)
    text, codec = decode_bytes(data, declared[0][0] if declared else None)
    return Decoded(text, codec, "detected", warnings)


# --------------------------------------------------------------------------------------------------------------
# 2. Word HTML and tree loading

_WORD_NOISE = [
    (re.compile(r"<\?xml:namespace[^>]*>", re.I), ""),
    (re.compile(r"<\?xml[^>]*\?>", re.I), ""),
    (re.compile(r"<!\[if\s[^\]]*\]>|<!\[endif\]>", re.I), ""),  # downlevel-revealed: keep what is inside
    (re.compile(r"<!--\[if\s.*?<!\[endif\]-->", re.I | re.S), ""),  # downlevel-hidden: VML, Word XML settings
    (re.compile(r"</?o:p\b[^>]*>", re.I), ""),  # unwrap <o:p>: usually empty, sometimes holds text
    (re.compile(r"</?(?:st1|w|v|x):[a-z]+\b[^>]*>", re.I), ""),  # smart tags and VML wrappers: keep their text
]


def clean_word_html(html: str) -> str:
    if "urn:schemas-microsoft-com" not in html and "mso-" not in html and "<o:p" not in html and "<![if" not in html:
        return html
    for pattern, repl in _WORD_NOISE:
        html = pattern.sub(repl, html)
    return html


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def load_tree(html: str):
    import lxml.html

    html = clean_word_html(html)
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses str input with an encoding declaration
    # lxml refuses (or cuts the page at) characters XML cannot hold: NUL, C0 controls, lone surrogates
    html = _NOT_XML.sub("", html)
    if not html.strip():
        raise ParseError("empty", "the page is empty")
    try:
        root = lxml.html.document_fromstring(html)
    except Exception as e:  # lxml raises ParserError/ValueError on documents it cannot read at all
        raise ParseError("corrupt_html", f"unreadable HTML: {type(e).__name__}: {e}")
    return root


# --------------------------------------------------------------------------------------------------------------
# 4. element tree → blocks

_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select", "option",
         "button", "input", "textarea", "head", "title", "meta", "link", "map", "audio", "video", "source"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote", "pre",
          "address", "center", "ul", "ol", "dl", "dt", "dd", "li", "figure", "figcaption", "form", "fieldset",
          "hr", "caption", "details", "summary", "body", "html", "font-block"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_EMPHASIS_FONT = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)|font-family\s*:[^;\"']*(?:黑体|小标宋|SimHei|方正大标宋)", re.I)
_OUTLINE = re.compile(r"mso-outline-level\s*:\s*(\d)", re.I)
_MSO_LIST_IGNORE = re.compile(r"mso-list\s*:\s*ignore", re.I)
_MSO_LIST_PARA = re.compile(r"mso-list\s*:\s*l\d+\s+level(\d)", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"[ \t\n\r\f\v]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v]*\n[ \t\n\r\f\v]*(?=[{_CJK}])")
_EDGE = " \t\n\r\f\v\xa0\u3000\u200b\ufeff"
_HEADING_END = tuple("。；;，,：:！!？?")


_ESCAPED_ENTITY = re.compile(r"&(?:nbsp|amp|lt|gt|quot|ldquo|rdquo|middot|mdash|hellip|#\d{2,6}|#x[0-9a-f]{2,5});", re.I)


def clean_inline(text: str) -> str:
    """Source line breaks inside Chinese text vanish; other whitespace runs become one space; edges trimmed.

    Entities that survived parsing (a CMS that escaped `&nbsp;` twice) are decoded once more."""
    if "&" in text and _ESCAPED_ENTITY.search(text):
        text = html_lib.unescape(text)
    if "\n" in text:  # (every break the pattern removes holds a newline)
        text = _CJK_BREAK.sub("", text)
    text = _WS.sub(" ", text)
    return text.strip(_EDGE)


_TAG_NAMES: dict[str, str] = {}  # an element's tag → its bare lowercase name: pages use a few dozen tags


def _tag(el) -> str:
    t = el.tag
    name = _TAG_NAMES.get(t)
    if name is not None:
        return name
    if not isinstance(t, str):
        return ""  # comment, processing instruction, entity
    name = t.rsplit("}", 1)[-1].lower()
    if len(_TAG_NAMES) < 4096:
        _TAG_NAMES[t] = name
    return name


class _Builder:
    """Collects inline text into blocks; a block is flushed at every block boundary."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.chars = 0
        self.emph_chars = 0
        self.emph_depth = 0
        self.marker: Optional[str] = None
        self.kind = "paragraph"
        self.level: Optional[int] = None
        self.images = 0

    def add(self, s: Optional[str]) -> None:
        if not s:
            return
        self.buf.append(s)
        n = len("".join(s.split()))  # visible characters: str.split() drops exactly what str.isspace() calls space
        self.chars += n
        if self.emph_depth:
            self.emph_chars += n

    def flush(self) -> None:
        joined = "".join(self.buf)
        # text made only of edge characters cleans to nothing (the substitutions only turn them into spaces): the
        # blanks between block tags are most of what is flushed
        text = clean_inline(joined) if joined.strip(_EDGE) else ""
        if text:
            kind, level = self.kind, self.level
            if (kind == "paragraph" and self.chars and self.emph_chars >= self.chars and len(text) <= 40
                    and not text.endswith(_HEADING_END) and not _DATE_LINE.match(text)):
                kind = "heading"  # a short paragraph set entirely in bold / 黑体: a heading the page did not tag
            self.blocks.append(Block(text, kind=kind, level=level, marker=self.marker))
        self.buf = []
        self.chars = self.emph_chars = 0
        self.marker = None
        self.kind = "paragraph"
        self.level = None


def _style(el) -> str:
    return el.get("style") or ""


def _is_hidden(el) -> bool:
    return el.get("hidden") is not None or _style_facts(_style(el)).hidden


def _is_emphasis(tag: str, el) -> bool:
    return tag in ("b", "strong") or _style_facts(_style(el)).emphasis


@dataclass(frozen=True)
class _StyleFacts:
    hidden: bool
    emphasis: bool  # bold, or a heading font (黑体, 小标宋)
    outline: Optional[int]  # mso-outline-level
    list_ignore: bool  # Word's list-number span
    list_para: bool  # Word's list paragraph


@lru_cache(maxsize=8192)
def _style_facts(style: str) -> _StyleFacts:
    """What the walk reads from a style attribute, read once per distinct attribute: pages repeat a handful of
    styles on thousands of elements, and most elements have none (no pattern matches an empty string)."""
    if not style:
        return _StyleFacts(False, False, None, False, False)
    outline = _OUTLINE.search(style)
    return _StyleFacts(hidden=bool(_HIDDEN.search(style)), emphasis=bool(_EMPHASIS_FONT.search(style)),
                       outline=int(outline.group(1)) if outline else None,
                       list_ignore=bool(_MSO_LIST_IGNORE.search(style)), list_para=bool(_MSO_LIST_PARA.search(style)))


def _walk(el, b: _Builder) -> None:
    tag = _tag(el)
    if not tag or tag in _SKIP:
        b.add(el.tail)  # comments, scripts: only their tail is text
        return
    facts = _style_facts(_style(el))
    if el.get("hidden") is not None or facts.hidden:
        b.add(el.tail)  # hidden elements: only their tail is text
        return
    if tag == "br":
        b.flush()
        b.add(el.tail)
        return
    if tag == "img":
        b.images += 1
        b.add(el.tail)
        return
    if tag == "table":
        b.flush()
        _table(el, b)
        b.add(el.tail)
        return
    if tag == "span" and facts.list_ignore:
        # Word list numbering: "1." followed by spacer spans of &nbsp;
        marker = clean_inline(el.text_content())
        if marker:
            b.marker = marker
            b.add(marker)
        b.add(el.tail)
        return
    heading = _HEADINGS.get(tag)
    outline = facts.outline
    block = tag in _BLOCK or heading is not None or tag in ("tr", "td", "th")
    if block:
        b.flush()
        if heading is not None:
            b.kind, b.level = "heading", heading
        elif outline is not None:
            b.kind, b.level = "heading", outline
        elif tag == "li":
            b.kind = "list_item"
        elif facts.list_para:
            b.kind = "list_item"
    emph = tag in ("b", "strong") or facts.emphasis
    if emph:
        b.emph_depth += 1
    b.add(el.text)
    for child in el:
        _walk(child, b)
    if emph:
        b.emph_depth -= 1
    if block:
        b.flush()
    b.add(el.tail)


def _rows(table) -> list:
    rows = []
    for child in table:
        t = _tag(child)
        if t == "tr":
            rows.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _table(table, b: _Builder) -> None:
    for child in table:
        if _tag(child) == "caption":
            _walk_isolated(child, b)
    for row in _rows(table):
        if _is_hidden(row):
            continue
        cells = []
        for cell in row:
            if _tag(cell) not in ("td", "th") or _is_hidden(cell):
                continue
            sub = _Builder()
            sub.add(cell.text)
            for child in cell:
                _walk(child, sub)
            sub.flush()
            b.images += sub.images
            if sub.blocks:
                cells.append(sub.blocks)
        if not cells:
            continue
        if len(cells) == 1:
            b.blocks.extend(cells[0])  # layout table, or a row with one filled cell: ordinary paragraphs
        else:
            b.blocks.append(Block("\t".join(" ".join(x.text for x in blocks) for blocks in cells), kind="table_row"))


def _walk_isolated(el, b: _Builder) -> None:
    tail, el.tail = el.tail, None
    try:
        _walk(el, b)
        b.flush()
    finally:
        el.tail = tail


def blocks_from_elements(elements: Iterable) -> tuple[list[Block], int]:
    """Blocks for the given elements, in order, and the number of images they hold."""
    b = _Builder()
    for el in elements:
        _walk_isolated(el, b)
    return b.blocks, b.images


# --------------------------------------------------------------------------------------------------------------
# 3. finding the body

_CHROME_TOKENS = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|mainnav|topnav|subnav|header|footer|foot|sidebar|side|aside|breadcrumbs?|"
    r"crumbs?|path|location|position|share|bdshare|social|comments?|reply|replies|related|recommend|tuijian|"
    r"hot|rank|ads?|advert|advertisement|banner|guanggao|copyright|copy|prevnext|pre-next|prev|next|pagination|"
    r"pager|toolbar|tools|login|search|friendlink|links)(?:$|[\s_\-\d])",
    re.I,
)
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form")


def drop_generic_chrome(root) -> None:
    """Remove navigation, sidebars, footers, comment and share blocks before the generic extractor runs."""
    doomed = []
    for el in root.iter():
        tag = _tag(el)
        if not tag or tag in ("html", "body"):
            continue
        if tag in _CHROME_TAGS or tag in _SKIP or _is_hidden(el):
            doomed.append(el)
            continue
        ident = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if ident and _CHROME_TOKENS.search(ident) and not _holds_much_text(el):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            site_registry._remove(el)


def _holds_much_text(el) -> bool:
    """A 'side'/'share' class on the element that wraps the article itself must not take the article with it."""
    text = el.text_content()
    if len(text) < 800:
        return False
    links = sum(len(a.text_content()) for a in el.iter("a"))
    return links < 0.3 * len(text)


def word_body(root) -> Optional[list]:
    """The container of a Word-exported body: the nearest common ancestor of its MsoNormal paragraphs."""
    paras = [p for p in root.iter("p", "P", "div", "h1", "h2", "h3", "h4")
             if "mso" in (p.get("class") or "").lower()]
    if len(paras) < 3:
        return None
    anc = paras[0].getparent()
    chain = []
    while anc is not None:
        chain.append(anc)
        anc = anc.getparent()
    best = None
    for p in paras[1:]:
        ancestors = set()
        a = p.getparent()
        while a is not None:
            ancestors.add(a)
            a = a.getparent()
        chain = [c for c in chain if c in ancestors]
    best = chain[0] if chain else None
    if best is None or _tag(best) in ("html",):
        return None
    return [best]


def trafilatura_blocks(root, url: Optional[str]) -> list[Block]:
    """Main-content blocks from trafilatura's XML output (headings, paragraphs, lists, tables kept apart)."""
    import lxml.etree
    import trafilatura

    # fast: no justext/readability second opinion; the result only has to locate the body, which the DOM
    # walker then renders in full
    xml = trafilatura.extract(root, url=url, output_format="xml", include_comments=False, include_tables=True,
                              include_formatting=False, include_links=False, include_images=False,
                              deduplicate=False, fast=True)
    if not xml:
        return []
    doc = lxml.etree.fromstring(xml.encode("utf-8"))
    main = doc.find("main")
    if main is None:
        return []
    blocks: list[Block] = []

    def text_lines(el) -> list[str]:
        parts, cur = [], [el.text or ""]
        for child in el:
            if child.tag == "lb":
                parts.append("".join(cur))
                cur = [child.tail or ""]
            else:
                cur.append("".join(child.itertext()) + (child.tail or ""))
        parts.append("".join(cur))
        return [t for t in (clean_inline(p) for p in parts) if t]

    def visit(el) -> None:
        tag = el.tag
        if tag == "head":
            rend = el.get("rend") or "h2"
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else None
            for t in text_lines(el):
                blocks.append(Block(t, kind="heading", level=level))
        elif tag in ("p", "quote", "code"):
            for t in text_lines(el):
                blocks.append(Block(t))
        elif tag == "list":
            for item in el:
                if item.tag == "item":
                    for t in text_lines(item):
                        blocks.append(Block(t, kind="list_item"))
        elif tag == "table":
            for row in el.iter("row"):
                cells = [clean_inline(" ".join(c.itertext())) for c in row if c.tag == "cell"]
                cells = [c for c in cells if c]
                if len(cells) == 1:
                    blocks.append(Block(cells[0]))
                elif cells:
                    blocks.append(Block("\t".join(cells), kind="table_row"))
        elif tag == "lb":
            return
        else:
            if el.text and el.text.strip():
                blocks.extend(Block(t) for t in text_lines(el))
            else:
                for child in el:
                    visit(child)

    for child in main:
        visit(child)
    return blocks


# --------------------------------------------------------------------------------------------------------------
# title

_TITLE_SEP = re.compile(r"\s*(?:_|\||｜|::|-{2,}|\s[-—–]{1,2}\s|(?<![0-9A-Za-z])-(?![0-9A-Za-z])|(?<!\d)[—–]{1,2}(?!\d))\s*")
_SITE_LIKE = re.compile(
    r"(?:网|网站|文库|首页|门户|官网|平台|之家|频道|在线|范文|大全|资料|文档|\.(?:com|cn|net|org|gov)(?:\.cn)?|"
    r"人民政府|委员会|中学|小学|大学|学院|学校)$",
    re.I,
)
_FILE_EXT = re.compile(r"\s*\.(?:docx?|wps|pdf|pptx?|xlsx?|txt|rtf)$", re.I)


def clean_title(raw: Optional[str]) -> Optional[str]:
    """A page title without the site around it: '关于…的通知_青山镇人民政府' → '关于…的通知'."""
    if not raw:
        return None
    t = clean_inline(raw)
    parts = [p for p in _title_parts(t) if p and p.strip()]
    if len(parts) > 1:
        content = [p for p in parts if not _SITE_LIKE.search(p.strip())]
        # a dash between two title phrases (…活动方案——长三角…展方案) is the title's own when no part is a site
        if len(content) < len(parts) or not re.search(r"[\u4e00-\u9fff”》]——[\u4e00-\u9fff“《]", t):
            t = max(content or parts[:1], key=len)
    t = _FILE_EXT.sub("", t.strip())
    return t.strip(_EDGE) or None


def _title_parts(t: str) -> list[str]:
    """`t` split at the separators between a title and its site, but never inside brackets that close: the
    dashes of （1.25--1.31） are the title's own (a bracket left open, （试行-某网, does not hold the rest)."""
    parts, start = [], 0
    spans = bracketed_spans(t)
    for m in _TITLE_SEP.finditer(t):
        if not any(a < m.start() and m.end() < b for a, b in spans):
            parts.append(t[start:m.start()])
            start = m.end()
    parts.append(t[start:])
    return parts


def reconcile_title(title: Optional[str], body: list[Block], fuzzy: bool = True) -> tuple[Optional[str], list[Block]]:
    """The body usually opens with the document's own title, which the page title repeats (sometimes split over
    two lines), maybe after a short section label ('教学处'). Those opening lines are the title: they leave the body.
    With `fuzzy` (a continuation page), a heading worded a little differently ('6日下午' added) leaves too, and the
    document's own wording wins; on a first page such a heading stays in the body and the page's (CMS) title is
    the title, as ../shared/gold/CONVENTIONS.md and the dev judgement calls have it."""
    if not title or not body:
        return title, body
    while True:
        hit = _title_at(title, body, fuzzy)
        if hit is None:
            return title, body
        k, n, own = hit
        if own:
            title = own
        body = body[k + n:]


def _title_at(title: str, body: list[Block], fuzzy: bool = True) -> Optional[tuple[int, int, Optional[str]]]:
    """(index, number of lines, the document's own wording or None) of the title among the first lines."""
    target = _squash(title)
    for k in range(min(4, len(body))):
        if k and not all(len(b.text) <= 12 and not b.text.endswith("。") for b in body[:k]):
            return None  # only short labels may stand before the title
        joined = ""
        for n in range(1, min(3, len(body) - k) + 1):
            joined += _squash(body[k + n - 1].text)
            if joined == target:
                return k, n, None
            if not target.startswith(joined):
                break
        first = body[k].text
        if fuzzy and len(first) <= 80 and not first.endswith(("。", "；", "：", ":")):
            from rapidfuzz import fuzz

            if fuzz.ratio(_squash(first), target) >= 85:
                return k, 1, clean_title(first)
    return None


def _squash(s: str) -> str:
    return re.sub(r"[\s\xa0\u3000]+", "", s)


def _title_candidates(root) -> tuple[Optional[str], list[str]]:
    t = root.find(".//title")
    page_title = clean_inline(t.text_content()) if t is not None else None
    heads = []
    for tag in ("h1", "h2", "h3"):
        for h in root.iter(tag):
            txt = clean_inline(h.text_content())
            if 4 <= len(txt) <= 120:
                heads.append(txt)
    return page_title, heads


def choose_title(root, site_title: Optional[str]) -> Optional[str]:
    if site_title:
        return clean_title(site_title)
    page_title, heads = _title_candidates(root)
    if page_title:
        squashed = re.sub(r"\s+", "", page_title)
        for h in heads:
            if re.sub(r"\s+", "", h) in squashed:
                return clean_title(h)
    title = clean_title(page_title)
    if title and _SITE_LIKE.search(title) and not ends_in_kind(title):
        # `<title>` names only the site (某县人民政府): a heading that names a document is the title, else none
        return next((clean_title(h) for h in heads if ends_in_kind(clean_title(h) or "")), None)
    return title or (clean_title(heads[0]) if heads else None)


# --------------------------------------------------------------------------------------------------------------
# one page

@dataclass
class Page:
    blocks: list[Block]
    title: Optional[str]
    site: Optional[str]
    metadata: dict[str, str]
    images: int
    url: Optional[str]
    warnings: list[tuple[str, str]]
    canonical_url: Optional[str] = None
    candidates: list[TitleCandidate] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (text, reason) cut as chrome


def read_page(html: str, url: Optional[str] = None) -> Page:
    """Text blocks, title, site and metadata of one decoded page."""
    root = load_tree(html)
    site = site_registry.site_for(url, html)
    warnings: list[tuple[str, str]] = []
    metadata: dict[str, str] = {}
    canonical = None
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and (link.get("href") or "").startswith("http"):
            canonical = link.get("href")
            break
    removed: list[tuple[str, str]] = []
    candidates = page_title_candidates(root)
    if site is not None:
        matches = site_registry.PageMatches(root)  # (the site's selectors, each evaluated once for this page)
        page_text = _page_text(root) if any(rule.select is None for rule in site.metadata) else ""
        metadata.update(site.read_metadata(root, page_text, matches))
        site_title = site.title_text(root, matches)
        if site_title:
            candidates.insert(0, TitleCandidate(clean_title(site_title) or site_title, "site_title"))
        title = choose_title(root, site_title)
        removed += [(txt, f"parser: {site.name} chrome ({sel})") for txt, sel in site.chrome_texts(root, matches)]
        site.drop_chrome(root, matches)
        body = site.content_elements(root, matches)
        if body:
            blocks, images = blocks_from_elements(body)
        else:
            blocks, images = _generic_blocks(root, url, removed)
        blocks = _cut_lines(blocks, lambda t: "site chrome line" if site.is_chrome_line(t) else None, removed)
        site_name = _site_label(site, url)
    else:
        title = choose_title(root, None)
        blocks, images = _generic_blocks(root, url, removed)
        site_name = site_registry.generic_site_name(url or canonical)
        metadata.update(_generic_metadata(root, html))
    blocks = _cut_lines(blocks, lambda t: "pager" if is_pager(t) else None, removed)
    return Page(blocks=blocks, title=title, site=site_name, metadata=metadata, images=images, url=url,
                warnings=warnings, canonical_url=canonical, candidates=candidates, removed=removed)


def _cut_lines(blocks: list[Block], why, removed: list[tuple[str, str]]) -> list[Block]:
    """Blocks for which `why(text)` gives no reason; the others are listed in `removed` as parser cuts."""
    kept = []
    for blk in blocks:
        reason = why(blk.text)
        if reason:
            removed.append((blk.text, f"parser: {reason}"))
        else:
            kept.append(blk)
    return kept


_TITLE_LABEL_CELL = re.compile(
    "^(?:" + "|".join(chrome_words.spaced(x) for x in chrome_words.TITLE_LABELS) + r")\s*[：:]?$")


def _label_cell_titles(root) -> list[TitleCandidate]:
    """`标　　题：` in one cell of a metadata box (gov.cn 索引号 table) and the title in the next cell."""
    out = []
    for td in root.iter("td", "th"):
        if _TITLE_LABEL_CELL.match(clean_inline(td.text_content())):
            nxt = td.getnext()
            while nxt is not None and not isinstance(nxt.tag, str):
                nxt = nxt.getnext()
            value = clean_inline(nxt.text_content()) if nxt is not None else ""
            if 4 <= len(value) <= 160:
                out.append(TitleCandidate(value, "label"))
    return out


_META_TITLE_NAMES = ("articletitle", "og:title", "title", "dc.title", "twitter:title", "contentsubject")


def page_title_candidates(root) -> list[TitleCandidate]:
    """Every place a page names its title: meta ArticleTitle/og:title, `<h1>`…`<h3>`, `<title>` (site suffix cut)."""
    out: list[TitleCandidate] = []
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = clean_inline(meta.get("content") or "")
        if name in _META_TITLE_NAMES and 4 <= len(content) <= 160:
            out.append(TitleCandidate(clean_title(content) or content, "meta"))
    out += _label_cell_titles(root)
    page_title, heads = _title_candidates(root)
    out += [TitleCandidate(clean_title(h) or h, "h1") for h in heads[:3]]
    if page_title and clean_title(page_title):
        out.append(TitleCandidate(clean_title(page_title), "page_title"))
    return out


def _site_label(site, url: Optional[str]) -> str:
    host = site_registry.host_of(url)
    for h in site.hosts:
        if host == h or host.endswith("." + h):
            return h
    return site.name


def _page_text(root) -> str:
    """The visible text of the whole page, one line per block (for site metadata patterns)."""
    import copy

    clone = copy.deepcopy(root)
    for el in list(clone.iter()):
        if _tag(el) in _SKIP and el.getparent() is not None:
            site_registry._remove(el)
    blocks, _ = blocks_from_elements([clone])
    return "\n".join(b.text for b in blocks)


def _generic_blocks(root, url: Optional[str], removed: Optional[list] = None) -> tuple[list[Block], int]:
    removed = removed if removed is not None else []
    drop_generic_chrome(root)
    body = word_body(root)
    if body:
        blocks, images = blocks_from_elements(body)
        return _drop_info_lines(blocks, removed), images
    images = sum(1 for _ in root.iter("img"))  # after the chrome went: the page's own pictures
    import copy

    located = trafilatura_blocks(copy.deepcopy(root), url)
    if not located:
        return [], images
    container = locate_container(root, located)
    if container is not None:
        blocks, inner = blocks_from_elements([container])
        images = max(images, inner)
        # the container may hold more than the main text (a wrapper with the title, info line, prev/next);
        # accept it only when it is not much larger than what trafilatura judged to be the main text
        if sum(len(b.text) for b in blocks) <= 1.5 * sum(len(b.text) for b in located) + 200:
            return _drop_info_lines(blocks, removed), images
    return _drop_info_lines(located, removed), 0


def locate_container(root, located: list[Block]):
    """The smallest element holding (nearly) all of trafilatura's main-text paragraphs."""
    probes = [_squash(b.text)[:40] for b in located if len(_squash(b.text)) >= 4]
    if not probes:
        return None
    need = 0.9 * len(probes)

    def covered(el) -> int:
        text = _squash(el.text_content())
        return sum(1 for p in probes if p in text)

    body = root.find("body")
    node = body if body is not None else root
    if covered(node) < need:
        return None
    while True:
        for child in node:
            if _tag(child) and covered(child) >= need:
                node = child
                break
        else:
            return node


_INFO_BLOCK = re.compile(r"^(?:(?:发布|发表|更新|上传)(?:时间|日期)|时间|日期|来源|文章来源|信息来源|作者|编辑|责任编辑|"
                         r"浏览次数|点击数|阅读次数)[:：]")


_PAGER = re.compile(r"^(?:[\s|\[\]【】<>«»…·.:：]*(?:共\s*\d+\s*页|第\s*\d+\s*页|当前第\s*\d+\s*页|上一页|下一页|"
                    r"首页|尾页|末页|前一页|后一页|\d{1,3}|/)[\s|\[\]【】<>«»…·.:：]*)+$")
_PAGER_WORD = re.compile(r"上一页|下一页|共\s*\d+\s*页|第\s*\d+\s*页|尾页")


def is_pager(text: str) -> bool:
    """'共3页 上一页 1 2 3 下一页': the page navigation of a paginated document."""
    return len(text) <= 80 and bool(_PAGER_WORD.search(text)) and bool(_PAGER.match(text))


def _drop_info_lines(blocks: list[Block], removed: Optional[list] = None) -> list[Block]:
    """'发布时间：2021-04-12　来源：镇卫生院　浏览次数：326' near the top is page metadata (kept in `metadata`)."""
    out = []
    for i, b in enumerate(blocks):
        if i < 6 and len(b.text) <= 120 and _INFO_BLOCK.match(b.text) and _INFO_LINE.search(b.text) or (
                i < 6 and len(b.text) <= 60 and re.match(r"^(?:来源|文章来源|作者)[:：]", b.text)
                and ("发布" in b.text or "时间" in b.text or "浏览" in b.text or "点击" in b.text)):
            if removed is not None:
                removed.append((b.text, "parser: article info line"))
            continue
        out.append(b)
    return out


_INFO_LINE = re.compile(r"(?:发布|发表|更新|上传)(?:时间|日期)[:：]\s*(?P<date>\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
_SOURCE_LINE = re.compile(r"(?:来源|文章来源|信息来源)[:：][ \u3000\xa0]*(?P<v>[^\s　|:：]+)(?=[\s|]|$)")
_VIEWS_LINE = re.compile(r"(?:浏览次数|点击数|阅读次数|访问量)[:：]\s*(?P<v>\d+)")


def _visible_text_xpath():
    import lxml.etree

    return lxml.etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")


_VISIBLE_TEXT = _visible_text_xpath()


def _generic_metadata(root, html: str) -> dict[str, str]:
    """Publication date, source and views from the info line most Chinese CMS pages print under the title."""
    out: dict[str, str] = {}
    text = "\n".join(t.strip() for t in _VISIBLE_TEXT(root) if t.strip())
    m = _INFO_LINE.search(text)
    if m:
        d = site_registry.iso_date(m.group("date"))
        if d:
            out["upload_date"] = d
    m = _SOURCE_LINE.search(text)
    if m:
        out["source"] = m.group("v")
    m = _VIEWS_LINE.search(text)
    if m:
        out["views"] = m.group("v")
    return out


# --------------------------------------------------------------------------------------------------------------
# the parser

def _sniff(head: bytes) -> bool:
    h = head.lstrip()[:512].lower()
    if h.startswith(b"\xef\xbb\xbf"):
        h = h[3:].lstrip()
    return (h.startswith(b"<!doctype html") or h.startswith(b"<html") or b"<html" in h[:300]
            or (bool(_MIME_START.match(head)) and b"multipart/related" in head.lower()))


_MIME_START = re.compile(rb"^\s*(?:mime-version|from|subject|date|snapshot-content-location|content-type)\s*:", re.I)


def _is_multipart(item: SourceItem) -> bool:
    ct = (item.content_type or "").lower()
    if ct.startswith("multipart/"):
        return True
    head = item.data[:4096]
    return bool(_MIME_START.match(head)) and b"multipart/related" in head.lower()


def _parts(item: SourceItem) -> list[tuple[bytes, Optional[str], Optional[str]]]:
    """(bytes, content type, URL) of every HTML part of a multipart/related (MHTML) item."""
    data = item.data
    if item.content_type and not data.lstrip()[:13].lower().startswith(b"mime-version"):
        data = f"MIME-Version: 1.0\r\nContent-Type: {item.content_type}\r\n\r\n".encode("ascii") + data
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    # pages joined by ingest.warc are all the document's; a browser's MHTML holds one page plus its frames
    all_pages = (msg.get_boundary() or "").startswith("----=_fangan_")
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/html", "application/xhtml+xml"):
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset()
        out.append((payload, f"{ctype}; charset={charset}" if charset else ctype, part.get("Content-Location")))
        if not all_pages:
            break
    return out


@register("html", extensions=("html", "htm", "xhtml", "aspx", "shtml", "php", "jsp", "asp", "mht", "mhtml"), sniff=_sniff)
def parse_html(item: SourceItem) -> ParsedDocument:
    if _is_multipart(item):
        parts = _parts(item)
        if not parts:
            raise ParseError("no_text", "the multipart page holds no HTML part")
    else:
        parts = [(item.data, item.content_type, item.url)]
    pages: list[Page] = []
    codecs: list[str] = []
    warnings: list[tuple[str, str]] = []
    for data, ctype, url in parts:
        dec = decode_html(data, ctype)
        codecs.append(dec.codec)
        warnings.extend(dec.warnings)
        page = read_page(dec.text, url or item.url)
        warnings.extend(page.warnings)
        pages.append(page)
    first = pages[0]
    title = next((p.title for p in pages if p.title), None)
    blocks: list[Block] = []
    removed: list[tuple[str, str]] = []
    candidates: list[TitleCandidate] = []
    images = 0
    for i, page in enumerate(pages):
        body = list(page.blocks)
        before = len(body)
        if i == 0:
            title, body = reconcile_title(title, body, fuzzy=False)
        else:
            # a continuation page repeats the title (and often the first page's heading): drop it
            for t in filter(None, (title, page.title)):
                _, body = reconcile_title(t, body)
        removed += [(b.text, "parser: title repeated at the top of the page body")
                    for b in page.blocks[: before - len(body)]]
        removed += page.removed
        candidates += [c for c in page.candidates if c not in candidates]
        blocks.extend(body)
        images += page.images
    if not any(b.text.strip() for b in blocks):
        if images:
            raise ParseError("needs_ocr", f"the page body holds {images} image(s) and no text: the document is in the images")
        raise ParseError("no_text", "the page has no extractable main text (script-rendered page?)")
    if title:
        blocks.insert(0, Block(title, kind="heading", level=1))
    metadata: dict[str, str] = {}
    for page in reversed(pages):
        metadata.update(page.metadata)
    if len(pages) > 1:
        metadata["pages_joined"] = str(len(pages))
    return ParsedDocument(
        blocks=blocks,
        format="html",
        encoding=codecs[0] if codecs else None,
        title_hint=title,
        site=first.site or item.site,
        url=item.url or first.url or first.canonical_url,
        captured_at=item.captured_at,
        metadata=metadata,
        warnings=_dedupe(warnings),
        title_candidates=candidates,
        removed=removed,
    )


def _dedupe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, out = set(), []
    for p in pairs:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
