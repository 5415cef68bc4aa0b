"""The on-disk corpus layout, written atomically so an interrupted build never leaves half a file.

    DIR/documents/<id>.json   one record per document
    DIR/corpus.jsonl          every record, one per line (rewritten from documents/ at the end of a build)
    DIR/errors.jsonl          one entry per input of the last run that did not become a document
    DIR/skipped.jsonl         one entry per input of the last run deliberately not read (hidden, duplicate …)
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from fangan.model import Document, ErrorRecord


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_lines(path: Path, lines: Iterable[str]) -> None:
    atomic_write_bytes(path, "".join(line + "\n" for line in lines).encode("utf-8"))


def dump_document(doc: Document) -> str:
    return doc.model_dump_json(indent=2)


class CorpusStore:
    def __init__(self, root: os.PathLike | str):
        self.root = Path(root)
        self.documents_dir = self.root / "documents"

    def document_path(self, doc_id: str) -> Path:
        return self.documents_dir / f"{doc_id}.json"

    def has(self, doc_id: str) -> bool:
        return self.document_path(doc_id).exists()

    def write_document(self, doc: Document) -> Path:
        p = self.document_path(doc.id)
        atomic_write_bytes(p, dump_document(doc).encode("utf-8"))
        return p

    def iter_documents(self) -> Iterator[Document]:
        for p in sorted(self.documents_dir.glob("*.json")):
            yield Document.model_validate_json(p.read_text(encoding="utf-8"))

    def iter_raw(self) -> Iterator[dict]:
        for p in sorted(self.documents_dir.glob("*.json")):
            yield json.loads(p.read_text(encoding="utf-8"))

    def write_jsonl(self) -> Path:
        p = self.root / "corpus.jsonl"
        atomic_write_lines(p, (json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in self.iter_raw()))
        return p

    def write_errors(self, errors: list[ErrorRecord]) -> Path:
        p = self.root / "errors.jsonl"
        atomic_write_lines(p, (e.model_dump_json() for e in errors))
        return p

    def write_skipped(self, skipped: list[ErrorRecord]) -> Path:
        p = self.root / "skipped.jsonl"
        atomic_write_lines(p, (e.model_dump_json() for e in skipped))
        return p

    def read_errors(self) -> list[ErrorRecord]:
        p = self.root / "errors.jsonl"
        if not p.exists():
            return []
        return [ErrorRecord.model_validate_json(ln) for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
