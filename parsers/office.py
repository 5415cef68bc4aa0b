"""Word documents. Basic version; the office/PDF issue adds numbering, tables in order, .doc."""
from __future__ import annotations

import io

from fangan.ingest import SourceItem

from . import Block, ParsedDocument, ParseError, register


def _sniff_docx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and b"word/" in head


def _sniff_ole(head: bytes) -> bool:
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


@register("docx", extensions=("docx",), sniff=_sniff_docx)
def parse_docx(item: SourceItem) -> ParsedDocument:
    import docx

    try:
        d = docx.Document(io.BytesIO(item.data))
    except Exception as e:
        raise ParseError("corrupt_docx", f"not a readable .docx: {type(e).__name__}: {e}")
    blocks = []
    for p in d.paragraphs:
        style = (p.style.name or "") if p.style is not None else ""
        level = None
        if style.lower().startswith(("heading", "标题")):
            digits = "".join(ch for ch in style if ch.isdigit())
            level = int(digits) if digits else 1
        blocks.append(Block(p.text, kind="heading" if level else "paragraph", level=level))
    return ParsedDocument(blocks=blocks, format="docx", title_hint=d.core_properties.title or None)


@register("doc", extensions=("doc", "wps", "rtf"), sniff=_sniff_ole)
def parse_doc(item: SourceItem) -> ParsedDocument:
    raise ParseError("converter_missing", "legacy .doc needs LibreOffice (soffice) to convert; not supported yet")
