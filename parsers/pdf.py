"""PDF files. Basic version; the office/PDF issue adds header/footer removal and line joining."""
from __future__ import annotations

import io

from fangan.ingest import SourceItem

from . import Block, ParsedDocument, ParseError, register


@register("pdf", extensions=("pdf",), sniff=lambda head: head.startswith(b"%PDF"))
def parse_pdf(item: SourceItem) -> ParsedDocument:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(item.data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as e:
        raise ParseError("corrupt_pdf", f"not a readable PDF: {type(e).__name__}: {e}")
    text = "\n".join(pages)
    if not text.strip():
        raise ParseError("needs_ocr", "the PDF has no text layer; it needs OCR")
    return ParsedDocument(blocks=[Block(line) for line in text.split("\n")], format="pdf")
