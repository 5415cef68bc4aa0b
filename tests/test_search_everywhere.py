"""One search, everywhere: the same query gives the same hits in the same order from `fangan search`,
`fangan.search()`, the Datasette search box (HTML), Datasette's JSON API and plain SQL (sqlite3 with
fangan's functions, and Datasette's /corpus.json?sql=); the table's ?_search= filter keeps the same set."""
from __future__ import annotations

import asyncio
import html
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

import fangan
from fangan.cli import app
from fangan.corpus.query import SEARCH_SQL, register_functions, search_params
from fangan.corpus.search import db_path
from fangan.pipeline import build

pytest.importorskip("datasette")

FIXTURES = Path(__file__).parent / "fixtures" / "search"
runner = CliRunner()

# (query, filters): simplified, traditional, one- and two-character words, phrases, field filters
QUERIES = [
    ("知晓率", {}),
    ("農機 補貼", {}),  # traditional, two terms
    ("体质健康", {}),  # a traditional document found by a simplified query
    ("體質健康", {}),
    ("核酸检测", {}),
    ("县", {}),  # one character
    ("补贴", {}),  # two characters
    ('"核酸检测"', {}),  # FTS5 syntax is taken as text
    ("健康教育 知晓率", {}),
    ("健康", {"year": 2022}),
    ("健康", {"issuer": "衛生"}),  # traditional filter value
    ("补贴", {"party": "农机"}),
    ("", {"deadline_month": 11}),
    ("月", {"limit": 2}),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("everywhere") / "corpus"
    report = build([FIXTURES], out)
    assert len(report.built) == 4 and not report.errors, report.errors
    return out


@pytest.fixture(scope="module")
def datasette(corpus):
    from fangan.corpus.serve import make_app

    return make_app(corpus)


def _get(ds, path: str):
    async def go():
        return await ds.client.get(path)

    return asyncio.run(go())


def _cli_args(filters: dict) -> list[str]:
    args = []
    for k, v in filters.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    return args


def _sql_ids(corpus: Path, q: str, filters: dict) -> list[str]:
    con = sqlite3.connect(db_path(corpus))
    register_functions(con)
    rows = con.execute(SEARCH_SQL, search_params(q, **filters)).fetchall()
    con.close()
    return [r[0] for r in rows]


def _box_ids(ds, q: str, filters: dict) -> list[str]:
    """Type into the search box of the documents page: follow its form, then read the linked documents."""
    page = _get(ds, "/corpus/documents").text
    form = re.search(r'<form class="fangan-search" action="([^"]+)"', page)
    assert form and 'name="q"' in page
    params = {"q": q, **{k: str(v) for k, v in filters.items()}}
    result = _get(ds, html.unescape(form.group(1)) + "?" + urlencode(params))
    assert result.status_code == 200, result.text[:500]
    return re.findall(r'class="doc-link" href="/corpus/documents/([0-9a-f]+)"', result.text)


def _query_string(q: str, filters: dict) -> str:
    return urlencode({"q": q, **{k: str(v) for k, v in filters.items()}})


@pytest.mark.parametrize("q, filters", QUERIES, ids=[f"{q or '-'}{filters or ''}" for q, filters in QUERIES])
def test_the_paths_return_identical_hit_lists(corpus, datasette, q, filters):
    api = fangan.search(q, corpus, **filters)
    ids = [h.doc_id for h in api]
    assert ids or filters.get("deadline_month"), "every query of this test finds something"
    cli = runner.invoke(app, ["search", q, "--corpus", str(corpus), "--json", *_cli_args(filters)])
    assert cli.exit_code == 0, cli.output
    assert [h["doc_id"] for h in json.loads(cli.output)] == ids
    data = _get(datasette, "/corpus/search.json?_shape=objects&" + _query_string(q, filters)).json()
    assert [r["doc_id"] for r in data["rows"]] == ids
    assert [r["snippet"] for r in data["rows"]] == [h.snippet for h in api]  # same snippets too
    assert _box_ids(datasette, q, filters) == ids
    assert _sql_ids(corpus, q, filters) == ids
    sql = _get(datasette, "/corpus.json?_shape=objects&" + urlencode({"sql": SEARCH_SQL, **search_params(q, **filters)}))
    assert [r["doc_id"] for r in sql.json()["rows"]] == ids


@pytest.mark.parametrize("q", ["核酸检测", "農機 補貼", "體質健康", "县"])
def test_the_table_search_filter_keeps_the_same_documents(corpus, datasette, q):
    data = _get(datasette, "/corpus/documents.json?_shape=objects&" + urlencode({"_search": q})).json()
    assert sorted(r["doc_id"] for r in data["rows"]) == sorted(h.doc_id for h in fangan.search(q, corpus))


def test_traditional_and_simplified_queries_find_the_same_documents(corpus):
    for simplified, traditional in [("农机 补贴", "農機 補貼"), ("体质健康", "體質健康"), ("核酸检测", "核酸檢測")]:
        s, t = fangan.search(simplified, corpus), fangan.search(traditional, corpus)
        assert s and [h.doc_id for h in s] == [h.doc_id for h in t]


def test_datasette_without_fangan_functions_still_opens_the_index(corpus):
    """The index needs no custom tokenizer: any SQLite client can read it (only queries need the functions)."""
    con = sqlite3.connect(db_path(corpus))
    n = con.execute("select count(*) from documents_fts where documents_fts match '\"核酸\"'").fetchone()[0]
    con.close()
    assert n == 1
