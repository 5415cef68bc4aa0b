"""WARC captures as SourceItems. Filled in by the web ingestion issue."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from . import IngestError, Limits


def iter_warc(path: Path, limits: Limits) -> Iterator:
    yield IngestError(str(path), "unsupported_format", "WARC input is not supported yet")
