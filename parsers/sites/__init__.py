"""Site adapters: what we know about the sites plan documents are scraped from.

One TOML file per site family in this folder (``wnwk.toml``, ``sxyz.toml`` …) says how to recognise a page of that
family, where the document's own text is, which chrome to drop inside it, where the title is and which metadata
the page carries. Adding a site is adding one file; no code changes. Pages of unknown sites take the generic path
in `parsers.html` (trafilatura). Keys of a site file:

```toml
name = "wnwk.com"                       # reported as source.site
description = "…"
hosts = ["wnwk.com", "m.wnwk.com"]      # URL host or any parent domain of it
fingerprints = ["文档编号", "上传时间"]   # page HTML substrings; a page with no known host matches
min_fingerprints = 2                    # … when at least this many are present (default: all)
content = ["div.conTxt"]                # CSS selectors of the document body; first that matches wins
drop = ["div.others", "script"]         # CSS selectors removed inside the body (and everywhere, before generic)
title = ["h2.title"]                    # CSS selectors of the document title
chrome_lines = ["^展开阅读全文$"]        # regexes: whole body lines that are site chrome
[metadata.upload_date]                  # one table per metadata key
select = "div.property"                 # element(s) whose text is searched (default: the whole page text)
pattern = "发布时间：\\s*(?P<v>[^ ]+)"    # regex with a group `v` (default: the element text)
kind = "date"                           # date → ISO 8601 (2010-06-17); text (default) → stripped text
```

Pages of one document (`x.html`, `x_2.html` …) are grouped by `ingest.warc` (by the URL conventions and the
scraper's `Fangan-Document-URI` header) and joined by `parsers.html`; no per-site setting is needed for that.

Metadata keys used across sites: ``upload_date``, ``uploader``, ``category``, ``source``, ``author``, ``views``,
``doc_id``, ``pages``, ``file_format``, ``file_size``, ``tags``.

This module only reads the files and answers questions about one parsed page; `parsers.html` drives it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional
from urllib.parse import urlsplit

try:  # Python ≥ 3.11
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


def iso_date(text: str) -> Optional[str]:
    """'2010年06月17日' / '2023-04-19 09:12:45' → '2010-06-17' / '2023-04-19T09:12:45'; None when no date."""
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    out = f"{y:04d}-{mo:02d}-{d:02d}"
    if m["H"] is not None:
        out += f"T{int(m['H']):02d}:{m['M']}:{m['S'] or '00'}"
    return out


@dataclass
class MetaRule:
    key: str
    select: Optional[str] = None
    pattern: Optional[re.Pattern] = None
    kind: str = "text"

    def value(self, tree, page_text: str, matches: Optional["PageMatches"] = None) -> Optional[str]:
        if self.select:
            texts = [_text(el) for el in (matches or PageMatches(tree)).css(self.select)]
        else:
            texts = [page_text]
        for t in texts:
            if self.pattern is not None:
                m = self.pattern.search(t)
                if not m:
                    continue
                v = m.group("v") if "v" in self.pattern.groupindex else m.group(0)
            else:
                v = t
            v = re.sub(r"\s+", " ", v or "").strip(" \u3000\xa0:：|")
            if self.kind == "date":
                v = iso_date(v) or ""
            if v:
                return v
        return None


@dataclass
class Site:
    """One site family, read from its TOML file."""

    name: str
    description: str = ""
    hosts: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()
    min_fingerprints: Optional[int] = None
    content: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    chrome_lines: tuple[re.Pattern, ...] = ()
    metadata: tuple[MetaRule, ...] = ()
    source_file: str = ""

    # -- recognising a page --------------------------------------------------------------------------------
    def matches_host(self, host: str) -> bool:
        host = (host or "").lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def matches_page(self, html: str) -> bool:
        if not self.fingerprints:
            return False
        need = max(1, self.min_fingerprints if self.min_fingerprints is not None else len(self.fingerprints))
        found, left = 0, len(self.fingerprints)
        for f in self.fingerprints:  # (stops once the count is reached, or can no longer be)
            left -= 1
            found += f in html
            if found >= need:
                return True
            if found + left < need:
                return False
        return False

    # -- reading a page ------------------------------------------------------------------------------------
    # `matches`: the page's `PageMatches`, for a caller that asks several of these of one page (each selector is then
    # evaluated once: read_page); without, each call evaluates its selectors afresh
    def chrome_texts(self, root, matches: Optional["PageMatches"] = None) -> list[tuple[str, str]]:
        """(text, selector) of the visible text that `drop_chrome` will cut from inside the document's container."""
        matches = matches or PageMatches(root)
        inside = self.content_elements(root, matches)
        out = []
        for sel in self.drop:
            for el in matches.css(sel):
                if not isinstance(el.tag, str) or el.tag.lower() in ("script", "style", "noscript"):
                    continue
                txt = re.sub(r"\s+", " ", _text(el)).strip()
                if txt and any(c is el or _is_ancestor(c, el) for c in inside):
                    out.append((txt[:200], sel))
        return out

    def drop_chrome(self, root, matches: Optional["PageMatches"] = None) -> int:
        matches = matches or PageMatches(root)
        n = 0
        for sel in self.drop:
            found = matches.css(sel)  # (each selector's matches in the tree the selectors before it left)
            for el in found:
                _remove(el)
                n += 1
            if found:
                matches.removed()
        return n

    def content_elements(self, tree, matches: Optional["PageMatches"] = None) -> list:
        matches = matches or PageMatches(tree)
        for sel in self.content:
            found = matches.css(sel)
            if found:
                # nested matches (a selector list matching parent and child) would repeat text: keep outermost
                return [el for el in found if not any(o is not el and _is_ancestor(o, el) for o in found)]
        return []

    def title_text(self, tree, matches: Optional["PageMatches"] = None) -> Optional[str]:
        matches = matches or PageMatches(tree)
        for sel in self.title:
            for el in matches.css(sel):
                t = re.sub(r"\s+", " ", _text(el)).strip()
                if t:
                    return t
        return None

    def read_metadata(self, tree, page_text: str, matches: Optional["PageMatches"] = None) -> dict[str, str]:
        matches = matches or PageMatches(tree)  # (rules often share a selector: a metadata box read for three keys)
        out: dict[str, str] = {}
        for rule in self.metadata:
            v = rule.value(tree, page_text, matches)
            if v:
                out[rule.key] = v
        return out

    def is_chrome_line(self, line: str) -> bool:
        s = line.strip()
        return any(p.search(s) for p in self.chrome_lines)


# a selector whose matches a removal elsewhere in the tree can only take away, never change: tags, ids, classes, the
# universal selector, descendant and child combinators, groups. A pseudo-class (:last-child, :contains), an attribute
# test or a sibling combinator can turn on what a removal leaves, so such a selector is evaluated again
_STABLE_SELECTOR = re.compile(r"[A-Za-z0-9_\-.#>*,\s]+")


class PageMatches:
    """Each selector's matches in one page's tree, evaluated once. A selector is an XPath over the whole tree, costly
    whatever it finds; a site's title, metadata, chrome and container selectors were evaluated 13 times a page where 7
    of them differ (the real bulk pages: 3,859 evaluations, 0.37 CPU s of read_page's 1.5; now 2,043 and 0.14–0.23).
    The tree may change only through `removed`: after it, a stable selector's matches are those it had, less the
    elements no longer in the tree, which is what evaluating it again finds; any other selector is evaluated again."""

    def __init__(self, root) -> None:
        self.root = root
        self._found: dict[str, list] = {}
        self._before: set[str] = set()  # selectors whose matches were found before the last removal

    def css(self, selector: str) -> list:
        found = self._found.get(selector)
        if found is None or (selector in self._before and not _STABLE_SELECTOR.fullmatch(selector)):
            found = _css(self.root, selector)
        elif selector in self._before:
            found = [el for el in found if el is self.root or _is_ancestor(self.root, el)]  # (still in the tree)
        self._found[selector] = found
        self._before.discard(selector)
        return list(found)  # (a caller's list: it may change it)

    def removed(self) -> None:
        """Elements left the tree (`_remove`)."""
        self._before.update(self._found)


def _is_ancestor(a, b) -> bool:
    p = b.getparent()
    while p is not None:
        if p is a:
            return True
        p = p.getparent()
    return False


def _remove(el) -> None:
    """Remove an element but keep its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _text(el) -> str:
    try:
        return el.text_content()
    except (AttributeError, ValueError):
        return "".join(el.itertext())


_CSS_CACHE: dict[str, object] = {}


_BARE_TAG = re.compile(r"[a-z][a-z0-9]*")


def _css(tree, selector: str) -> list:
    from lxml.cssselect import CSSSelector

    if _BARE_TAG.fullmatch(selector):
        # a bare tag name is `descendant-or-self::tag`: the elements of that tag from the tree itself down, in document
        # order, which is what iterating the tree for it gives, without evaluating an XPath
        return list(tree.iter(selector))
    sel = _CSS_CACHE.get(selector)
    if sel is None:
        sel = _CSS_CACHE[selector] = CSSSelector(selector, translator="html")
    return sel(tree)  # type: ignore[operator]


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


def site_from_toml(data: dict, source_file: str = "") -> Site:
    meta = []
    for key, spec in (data.get("metadata") or {}).items():
        if isinstance(spec, str):
            spec = {"pattern": spec}
        meta.append(MetaRule(key=key, select=spec.get("select"),
                             pattern=re.compile(spec["pattern"]) if spec.get("pattern") else None,
                             kind=spec.get("kind", "text")))
    return Site(
        name=data["name"],
        description=data.get("description", ""),
        hosts=tuple(h.lower() for h in data.get("hosts", ())),
        fingerprints=tuple(data.get("fingerprints", ())),
        min_fingerprints=data.get("min_fingerprints"),
        content=tuple(data.get("content", ())),
        drop=tuple(data.get("drop", ())),
        title=tuple(data.get("title", ())),
        chrome_lines=_compile(data.get("chrome_lines", ())),
        metadata=tuple(meta),
        source_file=source_file,
    )


@lru_cache(maxsize=1)
def all_sites() -> tuple[Site, ...]:
    """Every site file in this folder, in file-name order."""
    out = []
    folder = resources.files(__name__)
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            out.append(site_from_toml(tomllib.loads(entry.read_text(encoding="utf-8")), entry.name))
    return tuple(out)


def host_of(url: Optional[str]) -> str:
    if not url:
        return ""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def site_for(url: Optional[str] = None, html: Optional[str] = None) -> Optional[Site]:
    """The site family of a page: by URL host first, then by fingerprints in the page; None = generic."""
    host = host_of(url)
    if host:
        for s in all_sites():
            if s.matches_host(host):
                return s
    if html:
        head = html[:300_000]
        for s in all_sites():
            if s.matches_page(head):
                return s
    return None


def generic_site_name(url: Optional[str]) -> Optional[str]:
    host = host_of(url)
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
