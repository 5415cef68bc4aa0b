"""HTML pages: the document's own text. Basic version; the web ingestion issue deepens it."""
from __future__ import annotations

import re

from fangan.ingest import SourceItem

from . import Block, ParsedDocument, ParseError, register
from .text import decode_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def _sniff(head: bytes) -> bool:
    h = head.lstrip()[:512].lower()
    return h.startswith(b"<!doctype html") or h.startswith(b"<html") or b"<html" in h[:300]


@register("html", extensions=("html", "htm", "xhtml", "aspx", "shtml"), sniff=_sniff)
def parse_html(item: SourceItem) -> ParsedDocument:
    declared = None
    if item.content_type and "charset=" in item.content_type:
        declared = item.content_type.split("charset=", 1)[1].split(";")[0].strip()
    if not declared:
        m = _META_CHARSET.search(item.data[:4096])
        if m:
            declared = m.group(1).decode("ascii", "ignore")
    html, codec = decode_bytes(item.data, declared)
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True) or ""
    if not text.strip():
        raise ParseError("no_text", "the page has no extractable main text (image-only or script-rendered page?)")
    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta else None
    return ParsedDocument(
        blocks=[Block(line) for line in text.split("\n")], format="html", encoding=codec, title_hint=title, url=item.url
    )
