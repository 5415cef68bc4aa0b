"""`fangan serve DIR`: the corpus in Datasette — browse, facet, full-text search, and a JSON API.

It serves DIR/corpus.sqlite (written by `fangan build`, see fangan.corpus.search) read-only (immutable) with
the settings in DIR/datasette.json and the plugin fangan.corpus.datasette_plugin. Once fangan is installed,
a plain `datasette -i DIR/corpus.sqlite -m DIR/datasette.json` loads the same plugin (entry point) and
behaves the same.

    /corpus/search?q=農機 補貼                       ranked (bm25) hits with snippets: the SAME statement and
    /corpus/search.json?q=知晓率&_shape=objects       query translation as `fangan search` (fangan.corpus.query)
    /corpus/documents?year=2006&_facet=issuer       filters and facets (year, issuer, site, parties, months)
    /corpus/documents.json?_search=医改               the table filtered by the same query translation
    /corpus/documents/<id>                          one plan: section tree, parties, deadlines, phases, targets
    /corpus?sql=select … where documents_fts match fangan_match('核酸检测')   SQL with fangan's functions
"""
from __future__ import annotations

import json
from pathlib import Path

from .query import SEARCH_PARAMS, SEARCH_SQL
from .store import atomic_write_bytes

METADATA_NAME = "datasette.json"


def datasette_metadata(root: str | Path) -> dict:
    """Datasette metadata: facets, the FTS table, labels and column descriptions."""
    from .search import DB_NAME

    db = Path(DB_NAME).stem
    return {
        "title": "fangan corpus",
        "description": f"Plan documents (方案) built by fangan from {Path(root).resolve().name}/",
        "databases": {db: {"queries": {"search": {
            "title": "Ranked full-text search",
            "description": "Plans matching the words in q, simplified or traditional (知晓率, 農機 補貼), best first "
                           "(bm25), with a snippet; the same statement `fangan search` and fangan.search() run. "
                           "Optional filters: year (2024 or 2023,2024), issuer, site, deadline_month (1-12), party, "
                           "limit (20).",
            "sql": SEARCH_SQL,
            "params": list(SEARCH_PARAMS),
            "hide_sql": True,
        }}, "tables": {
            "documents": {
                "label_column": "title",
                # no fts_table: Datasette's own ?_search= would pass the raw query to FTS5; the plugin's
                # filters_from_request hook handles ?_search= with fangan_match instead
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


def _register_plugin() -> None:
    """Register the plugin when fangan's entry point was not loaded (e.g. a source checkout not pip-installed)."""
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="fangan")


def make_app(root: str | Path):
    """The Datasette instance for a built corpus (builds the index first if it is missing).

    The database is opened immutable (`datasette -i`): read-only, no locking, and Datasette may cache counts.
    """
    import asyncio

    from datasette.app import Datasette

    from .search import build_index, db_path

    root = Path(root)
    if not db_path(root).exists():
        build_index(root)
    _register_plugin()
    ds = Datasette(immutables=[str(db_path(root))], metadata=datasette_metadata(root),
                   settings={"default_page_size": 50, "sql_time_limit_ms": 3000, "truncate_cells_html": 200})
    asyncio.run(ds.invoke_startup())
    return ds


def _utf8_tolerant_protocol():
    """uvicorn's HTTP/1.1 protocol, accepting a request line with raw UTF-8 (GET /corpus/search?q=核酸检测).

    curl, wget and scripts send such URLs unencoded; h11 rejects any byte above 0x7e with a 400. The bytes of
    the request line are percent-encoded before h11 parses them, which is what a browser would have sent.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Utf8RequestLineProtocol(H11Protocol):
        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:
                data = percent_encode_request_line(data)
            super().data_received(data)

    return Utf8RequestLineProtocol


def percent_encode_request_line(data: bytes) -> bytes:
    """Percent-encode the bytes ≥ 0x80 of the first line in `data` (headers and body are left alone)."""
    end = data.find(b"\n")
    line, rest = (data, b"") if end < 0 else (data[:end], data[end:])
    if all(b < 0x80 for b in line):
        return data
    return b"".join(b"%%%02X" % b if b >= 0x80 else bytes([b]) for b in line) + rest


def serve(root: str | Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette on the corpus until interrupted. The twin of `fangan serve`."""
    import uvicorn

    ds = make_app(root)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", http=_utf8_tolerant_protocol())
