"""Ingest: turn user inputs (files, folders, archives, WARC captures) into `SourceItem`s.

Nothing here interprets content beyond what is needed to find the members of a container;
every unreadable input becomes an `IngestError` item so the batch can record it and go on.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

#: extensions the parsers understand; anything else in a folder is still yielded (as an error later)
#: unless it is obviously not a document (hidden files, our own outputs).
SKIP_NAMES = {".DS_Store", "Thumbs.db", "MANIFEST.tsv"}


@dataclass
class SourceItem:
    """One document's bytes and where they came from."""

    path: str  # display path; archive members as `a.zip!/dir/file.docx`
    data: bytes
    url: Optional[str] = None
    site: Optional[str] = None
    captured_at: Optional[str] = None
    content_type: Optional[str] = None  # e.g. from an HTTP header: "text/html; charset=gbk"
    format_hint: Optional[str] = None
    _sha256: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.data).hexdigest()
        return self._sha256

    @property
    def size(self) -> int:
        return len(self.data)

    def reference(self) -> "SourceRef":
        """Everything but the bytes: what later stages need once the document is parsed."""
        return SourceRef(self.path, self.sha256, self.size, self.url, self.site, self.captured_at)

    @property
    def suffix(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return os.path.splitext(name)[1].lower().lstrip(".")


@dataclass(frozen=True)
class SourceRef:
    path: str
    sha256: str
    size: int
    url: Optional[str] = None
    site: Optional[str] = None
    captured_at: Optional[str] = None


@dataclass
class IngestError:
    """An input that could not be read at all (missing, unreadable, a bad archive member …)."""

    path: str
    error: str
    reason: str
    sha256: Optional[str] = None


Item = Union[SourceItem, IngestError]


@dataclass
class Limits:
    """Bounds for containers: a zip bomb or a huge crawl must not take the machine down."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_archive_total_bytes: int = 1024 * 1024 * 1024
    max_archive_members: int = 10_000
    max_compression_ratio: float = 200.0
    max_archive_depth: int = 3
    extra: dict = field(default_factory=dict)


def _container_handler(path: str):
    """The expander for a container file (zip, tar, 7z, warc), or None for a plain document."""
    from . import archives

    lower = path.lower()
    handler = archives.handler_for(lower)
    if handler is not None:
        return handler
    if lower.endswith((".warc", ".warc.gz")):
        from . import warc

        return warc.iter_warc
    return None


def iter_inputs(inputs: Iterable[Union[str, os.PathLike]], limits: Optional[Limits] = None) -> Iterator[Item]:
    """Yield every document found under `inputs`, in a stable (sorted) order."""
    limits = limits or Limits()
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if f.name in SKIP_NAMES or any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                yield from _iter_file(f, limits)
        elif p.exists():
            yield from _iter_file(p, limits)
        else:
            yield IngestError(str(raw), "not_found", f"no such file or directory: {raw}")


def _iter_file(f: Path, limits: Limits) -> Iterator[Item]:
    try:
        size = f.stat().st_size
        if size > limits.max_file_bytes:
            yield IngestError(str(f), "too_large", f"{size} bytes exceeds the {limits.max_file_bytes}-byte limit")
            return
        handler = _container_handler(str(f))
        if handler is not None:
            yield from handler(f, limits)
            return
        yield SourceItem(path=str(f), data=f.read_bytes())
    except OSError as e:
        yield IngestError(str(f), "unreadable", f"{type(e).__name__}: {e}")
