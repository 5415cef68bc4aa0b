"""fangan (方案): archives of Chinese government plan documents → a clean, structured, searchable corpus.

The stages import as `fangan.ingest`, `fangan.parsers`, `fangan.normalizers`, `fangan.structure`,
`fangan.extract`; this package holds the record model, the pipeline, the corpus writers and the CLI.
Public entry points are loaded lazily so importing a stage never pulls in the later ones.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["build", "process_file", "load_corpus", "search", "Document", "SCHEMA_VERSION"]


def __getattr__(name: str):
    if name in ("build", "process_file"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "load_corpus":
        from .corpus.tables import load_corpus

        return load_corpus
    if name == "search":
        from .corpus.search import search

        return search
    if name in ("Document", "SCHEMA_VERSION"):
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'fangan' has no attribute {name!r}")
