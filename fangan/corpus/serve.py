"""`fangan serve DIR`: the corpus in Datasette — browse, facet, full-text search, and a JSON API.

It serves DIR/corpus.sqlite (written by `fangan build`, see fangan.corpus.search) with the settings in
DIR/datasette.json, which also works with a plain `datasette DIR/corpus.sqlite -m DIR/datasette.json`.

    /corpus/documents?_search=知晓率               the search box (words as jieba cuts them)
    /corpus/documents?year=2006&_facet=issuer       filters and facets (year, issuer, site, parties)
    /corpus/documents.json?_search=医改&_shape=objects   the same as JSON, for other systems
    /corpus/search?q=知晓率                           ranked (bm25) hits with snippets; /corpus/search.json too
"""
from __future__ import annotations

import json
from pathlib import Path

from .store import atomic_write_bytes

METADATA_NAME = "datasette.json"

# Datasette's table search box filters but does not rank; this canned query (/corpus/search?q=…) ranks by bm25.
SEARCH_SQL = """select d.doc_id, d.title, d.year, d.issuer, d.path,
  replace(snippet(documents_fts, 1, '[', ']', '…', 24), char(8203), '') as snippet,
  -bm25(documents_fts, 4.0, 1.0, 0.5) as score
from documents_fts join documents d on d.rowid = documents_fts.rowid
where documents_fts match '"' || replace(trim(:q), '"', '""') || '"'
order by score desc, d.doc_id limit 100"""


def datasette_metadata(root: str | Path) -> dict:
    """Datasette metadata: facets, the FTS table, labels and column descriptions."""
    from .search import DB_NAME

    db = Path(DB_NAME).stem
    return {
        "title": "fangan corpus",
        "description": f"Plan documents (方案) built by fangan from {Path(root).resolve().name}/",
        "databases": {db: {"queries": {"search": {
            "title": "Ranked full-text search",
            "description": "Documents matching the words in q (as jieba cuts them: 知晓率, 医改), best first (bm25), "
                           "with a snippet. `fangan search` also cuts a free-text query and converts traditional script.",
            "sql": SEARCH_SQL,
        }}, "tables": {
            "documents": {
                "label_column": "title",
                "fts_table": "documents_fts",
                "fts_pk": "rowid",
                "searchmode": "escaped",
                "facets": ["year", "issuer", "site", {"array": "parties"}, {"array": "deadline_months"}],
                "sort_desc": "year",
                "columns": {
                    "path": "the source file the document came from",
                    "parties": "responsible parties and deadline owners (JSON array)",
                    "deadline_months": "months that have a deadline (JSON array)",
                    "date_iso": "the document date as YYYY-MM-DD, when year, month and day are all known",
                },
            },
            "sections": {"facets": ["level", "marker"]},
            "goals": {},
            "targets": {"facets": ["unit", "comparator"]},
            "phases": {},
            "deadlines": {"facets": ["due_month", "party", "recurring"]},
            "parties": {"facets": ["name", "role"]},
            "repairs": {"facets": ["step"]},
            "documents_fts": {"hidden": True},
            "_fangan_files": {"hidden": True},
            "_fangan_meta": {"hidden": True},
        }}},
    }


def write_metadata(root: str | Path) -> Path:
    path = Path(root) / METADATA_NAME
    data = json.dumps(datasette_metadata(root), ensure_ascii=False, indent=2).encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)
    return path


def make_app(root: str | Path):
    """The Datasette instance for a built corpus (builds the index first if it is missing)."""
    import asyncio

    from datasette.app import Datasette

    from .search import build_index, db_path

    root = Path(root)
    if not db_path(root).exists():
        build_index(root)
    ds = Datasette([str(db_path(root))], metadata=datasette_metadata(root),
                   settings={"default_page_size": 50, "sql_time_limit_ms": 3000, "truncate_cells_html": 200})
    asyncio.run(ds.invoke_startup())
    return ds


def serve(root: str | Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette on the corpus until interrupted. The twin of `fangan serve`."""
    import uvicorn

    ds = make_app(root)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
