"""Datasette plugin for a fangan corpus (loaded by `fangan serve`, and by a plain `datasette` once fangan is
installed, through the `datasette` entry point). It does nothing for databases that are not a fangan index.

* prepare_connection: registers fangan's query translation (`fangan_match`, `fangan_like`, `fangan_snippet`,
  see fangan.corpus.query) on every connection, so the canned query /corpus/search runs the very statement
  `fangan.search()` runs, and any SQL typed at /corpus can call them;
* filters_from_request: `?_search=` on the documents table (the JSON API's filter) goes through the same
  `fangan_match`, so simplified and traditional queries (核酸检测, 農機 補貼) find what `fangan search` finds;
* extra_template_vars + templates/: the document page shows the section tree, parties, deadlines, phases and
  targets; the documents page has the ranked search box and a deadlines-by-month chart;
* render_cell: marks the query words in snippets and links document ids to their page.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup, escape

from fangan.corpus.query import QueryError, check_text, index_tokenizer, register_functions, search_params

_FANGAN_DATABASES: set[str] = set()  # names of the databases that are fangan indexes (seen in prepare_connection)


def is_fangan(database: Optional[str]) -> bool:
    return database in _FANGAN_DATABASES


@hookimpl
def prepare_connection(conn, database, datasette):
    tokenizer = index_tokenizer(conn)
    if tokenizer is None:
        return
    _FANGAN_DATABASES.add(database)
    register_functions(conn, tokenizer)


@hookimpl
def filters_from_request(request, database, table, datasette):
    if table != "documents" or not is_fangan(database) or not request.args.get("_search", "").strip():
        return None
    from datasette.filters import FilterArguments
    from datasette.utils.asgi import BadRequest

    try:
        q = check_text(request.args.get("_search"), "query")
    except QueryError as e:
        raise BadRequest(str(e))
    return FilterArguments(
        ["rowid in (select rowid from documents_fts where documents_fts match fangan_match(:fangan_search))"],
        {"fangan_search": q},
        [f'search matches "{q}"'],
        {"search": q},
    )


def _publishes_search(datasette, database: str) -> bool:
    """Is /<database>/search fangan's ranked search (known before any connection to it was opened)?"""
    from fangan.corpus.query import SEARCH_SQL

    try:
        queries = datasette.metadata("queries", database=database) or {}
    except Exception:  # noqa: BLE001 - an unknown database or older Datasette: not ours
        return False
    query = queries.get("search")
    return isinstance(query, dict) and query.get("sql") == SEARCH_SQL


def search_problem(path: str, query_string: bytes, datasette=None) -> Optional[str]:
    """Why the parameters of a request to the ranked search (/<db>/search[.json]) cannot be used, if they cannot.

    Checked before the SQL runs, so the answer is a 400 with fangan's message, not SQLite's "user-defined
    function raised exception"."""
    from urllib.parse import parse_qsl

    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[1] not in ("search", "search.json"):
        return None
    if not is_fangan(parts[0]) and not (datasette is not None and _publishes_search(datasette, parts[0])):
        return None
    # surrogateescape keeps bytes that are not UTF-8 visible to check_text, which names them
    args = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                          errors="surrogateescape"))
    try:
        search_params(args.get("q", ""), year=[y for y in args.get("year", "").replace(" ", "").split(",") if y] or None,
                      issuer=args.get("issuer"), site=args.get("site"), deadline_month=args.get("deadline_month") or None,
                      party=args.get("party"), limit=args.get("limit") or 20)
    except QueryError as e:
        return str(e)
    return None


@hookimpl
def asgi_wrapper(datasette):
    import json

    def wrap(app):
        async def checked(scope, receive, send):
            problem = search_problem(scope.get("path", ""), scope.get("query_string", b""), datasette) \
                if scope.get("type") == "http" else None
            if problem is None:
                await app(scope, receive, send)
                return
            as_json = scope["path"].endswith(".json")
            body = (json.dumps({"ok": False, "error": problem, "status": 400}, ensure_ascii=False) if as_json
                    else f"400: {problem}\n").encode("utf-8")
            ctype = b"application/json; charset=utf-8" if as_json else b"text/plain; charset=utf-8"
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        return checked

    return wrap


# ---------------------------------------------------------------- the analyst's pages

MONTHS = [f"{m}月" for m in range(1, 13)]


def month_chart(counts: dict, caption: str) -> Markup:
    """An inline SVG bar chart of deadlines per month (1–12, then "?" for deadlines without a month)."""
    keys = list(range(1, 13)) + ([None] if counts.get(None) else [])
    top = max([counts.get(k, 0) for k in keys] + [1])
    bar_w, gap, height, base = 34, 8, 140, 160
    bars = []
    for i, k in enumerate(keys):
        n = counts.get(k, 0)
        h = round(height * n / top)
        x = 10 + i * (bar_w + gap)
        label = MONTHS[k - 1] if k else "?"
        bars.append(
            f'<g class="month" data-month="{k or ""}" data-count="{n}"><title>{escape(label)}: {n}</title>'
            f'<rect x="{x}" y="{base - h}" width="{bar_w}" height="{h}" fill="#3b6ea8"></rect>'
            f'<text x="{x + bar_w / 2}" y="{base + 16}" text-anchor="middle" font-size="12">{escape(label)}</text>'
            + (f'<text x="{x + bar_w / 2}" y="{base - h - 4}" text-anchor="middle" font-size="11">{n}</text>' if n else "")
            + "</g>")
    width = 20 + len(keys) * (bar_w + gap)
    return Markup(
        f'<figure class="fangan-chart"><figcaption>{escape(caption)}</figcaption>'
        f'<svg role="img" aria-label="{escape(caption)}" width="{width}" height="{base + 24}" '
        f'viewBox="0 0 {width} {base + 24}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="5" y1="{base}" x2="{width - 5}" y2="{base}" stroke="#999"></line>{"".join(bars)}</svg></figure>')


def fmt_date(y, m, d, part, raw) -> str:
    part_label = {"early": "上旬", "mid": "中旬", "late": "下旬", "end": "底"}.get(part or "", "")
    out = (f"{y}年" if y else "") + (f"{m}月" if m else "") + (f"{d}日" if d else "") + part_label
    return out or (raw or "")


def section_tree(rows: list[dict]) -> list[dict]:
    nodes = {r["section_id"]: {**r, "children": []} for r in rows}
    roots = []
    for r in rows:
        parent = nodes.get(r["parent_id"]) if r["parent_id"] else None
        (parent["children"] if parent else roots).append(nodes[r["section_id"]])
    return roots


async def _rows(db, sql: str, params) -> list[dict]:
    result = await db.execute(sql, params)
    return [dict(r) for r in result.rows]


async def document_view(db, doc_id: str, table_url: str) -> Optional[dict]:
    docs = await _rows(db, "select * from documents where doc_id = ?", [doc_id])
    if not docs:
        return None
    p = [doc_id]
    sections = await _rows(db, 'select section_id, "order", level, marker, title, parent_id, text from sections '
                               'where doc_id = ? order by "order"', p)
    deadlines = await _rows(db, "select * from deadlines where doc_id = ? order by deadline_index", p)
    phases = await _rows(db, 'select * from phases where doc_id = ? order by "order"', p)
    parties = await _rows(db, "select * from parties where doc_id = ? order by party_index", p)
    targets = await _rows(db, "select * from targets where doc_id = ? order by goal_index, target_index", p)
    goals = await _rows(db, "select * from goals where doc_id = ? order by goal_index", p)
    for d in deadlines:
        d["due"] = fmt_date(d["due_year"], d["due_month"], d["due_day"], d["due_part"], d["due_raw"])
    for ph in phases:
        ph["start"] = fmt_date(ph["start_year"], ph["start_month"], ph["start_day"], ph["start_part"], ph["start_raw"])
        ph["end"] = fmt_date(ph["end_year"], ph["end_month"], ph["end_day"], ph["end_part"], ph["end_raw"])
    for pa in parties:
        pa["link"] = table_url + "?parties__arraycontains=" + quote(pa["name"] or "")
    doc = docs[0]
    months = Counter(d["due_month"] for d in deadlines)
    return {
        "doc": doc,
        "date": fmt_date(doc.get("date_year"), doc.get("date_month"), doc.get("date_day"), doc.get("date_part"),
                         doc.get("date_raw")),
        "sections": section_tree(sections),
        "deadlines": deadlines, "phases": phases, "parties": parties, "goals": goals, "targets": targets,
        "chart": month_chart(months, "Deadlines of this plan by month") if deadlines else None,
    }


_PAGE_TAIL = re.compile(r"\s+order\s+by\s+[^()]*?(\s+limit\s+\d+(\s+offset\s+\d+)?)?\s*$|\s+limit\s+\d+(\s+offset\s+\d+)?\s*$",
                        re.IGNORECASE)


async def corpus_chart(db, table_sql: Optional[str] = None, params: Optional[dict] = None) -> Markup:
    """Deadlines by month of the documents the table page shows (all its pages: the page's ORDER BY and
    LIMIT are dropped from Datasette's query), or of every document."""
    counts = None
    if table_sql and _PAGE_TAIL.search(table_sql):
        inner = _PAGE_TAIL.sub("", table_sql)
        try:
            rows = (await db.execute("select due_month, count(*) from deadlines where doc_id in "
                                     f"(select doc_id from ({inner})) group by due_month", params or {})).rows
            counts = {r[0]: r[1] for r in rows}
        except Exception:  # noqa: BLE001 - a query shape we did not foresee: fall back to the whole corpus
            counts = None
    if counts is not None:
        return month_chart(counts, "Deadlines by month of the documents listed (all pages)")
    rows = (await db.execute("select due_month, count(*) from deadlines group by due_month")).rows
    return month_chart({r[0]: r[1] for r in rows}, "Deadlines by month, all documents")


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    if not is_fangan(database) or table != "documents" or view_name not in ("row", "table"):
        return {}

    async def inner():
        db = datasette.get_database(database)
        if view_name == "table":
            async def chart(sql=None, params=None):
                return await corpus_chart(db, sql, params)

            return {"fangan_chart": chart}
        from datasette.utils import tilde_decode

        doc_id = tilde_decode(request.url_vars.get("pks", ""))
        return {"fangan": await document_view(db, doc_id, datasette.urls.table(database, "documents"))}

    return inner


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not is_fangan(database) or not isinstance(value, str):
        return None
    if column == "snippet" and table is None:  # the ranked search: [word] → <mark>word</mark>
        return Markup(str(escape(value)).replace("[", "<mark>").replace("]", "</mark>"))
    if column == "doc_id" and table is None:
        return Markup(f'<a class="doc-link" href="{escape(datasette.urls.row(database, "documents", value))}">'
                      f"{escape(value)}</a>")
    return None
