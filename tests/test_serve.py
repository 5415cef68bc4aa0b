"""`fangan serve`: Datasette on a loopback port answers searches, facets and filters over HTTP."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("datasette")

from fangan.corpus import search as S  # noqa: E402
from fangan.corpus.query import SEP  # noqa: E402
from fangan.corpus.store import CorpusStore  # noqa: E402
from fangan.model import Document  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
A, B, C = "a100000000000001", "b200000000000002", "a1000000000000ff"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read().decode("utf-8")
        return r.status, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve") / "corpus"
    store = CorpusStore(root)
    for rec in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8")):
        store.write_document(Document.model_validate(rec))
    S.build_index(root)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "fangan.cli", "serve", str(root), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # wait until it listens (readiness, not a timing assertion)
            if proc.poll() is not None:
                pytest.fail(f"fangan serve exited: {proc.stdout.read().decode()}")
            try:
                _get(base + "/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("fangan serve did not start listening")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _json(base: str, path: str) -> dict:
    status, body = _get(base + path)
    assert status == 200
    return json.loads(body)


def test_search_box_over_http(server):
    data = _json(server, "/corpus/documents.json?_shape=objects&_search=" + quote("知晓率"))
    assert sorted(r["doc_id"] for r in data["rows"]) == sorted([A, B])
    data = _json(server, "/corpus/documents.json?_shape=objects&_search=" + quote("医改"))
    assert [r["doc_id"] for r in data["rows"]] == [C]
    assert data["rows"][0]["path"] == "archive.zip!/2012/professional_spirit.docx"


def test_ranked_search_query_with_snippets(server):
    data = _json(server, "/corpus/search.json?_shape=objects&q=" + quote("知晓率"))
    rows = data["rows"]
    assert {r["doc_id"] for r in rows} == {A, B}
    assert rows[0]["score"] >= rows[1]["score"]
    assert all("[知晓率]" in r["snippet"] and SEP not in r["snippet"] for r in rows)


def test_facets_on_year_issuer_site_and_party(server):
    data = _json(server, "/corpus/documents.json?_shape=objects")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"year", "issuer", "site", "parties"} <= set(facets)
    assert {(v["value"], v["count"]) for v in facets["year"]["results"]} == {(2024, 1), (2012, 1), (2006, 1)}
    assert {v["value"] for v in facets["parties"]["results"]} == {"县卫生监督所", "各乡镇卫生院", "健康教育科", "各社区卫生服务中心"}
    assert {v["value"] for v in facets["site"]["results"]} == {"wnwk.com", "fanwen.com"}


def test_filters_and_item_tables_over_http(server):
    data = _json(server, "/corpus/documents.json?_shape=objects&year=2006")
    assert [r["doc_id"] for r in data["rows"]] == [B]
    data = _json(server, "/corpus/deadlines.json?_shape=objects&due_month=7")
    assert [(r["doc_id"], r["party"], r["section_path"]) for r in data["rows"]] == [(A, "县卫生监督所", "工作措施 > 开展拉网式排查")]
    data = _json(server, "/corpus/documents.json?_shape=objects&parties__arraycontains=" + quote("健康教育科"))
    assert [r["doc_id"] for r in data["rows"]] == [B]


def test_html_page_has_a_search_box(server):
    status, html = _get(server + "/corpus/documents?_search=" + quote("医改"))
    assert status == 200
    assert 'name="_search"' in html and "市卫生局卫生系统职业精神工作方案" in html


def _raw_get(base: str, target: str) -> tuple[int, str]:
    """GET with the request line sent as raw UTF-8 bytes, as curl and scripts send it (no percent-encoding)."""
    host, port = base.rsplit("/", 1)[-1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"GET {target} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("utf-8"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", errors="replace")


def test_a_raw_utf8_url_is_answered(server):
    status, body = _raw_get(server, "/corpus/search.json?_shape=objects&q=知晓率")
    assert status == 200, body[:300]
    assert {r["doc_id"] for r in json.loads(body)["rows"]} == {A, B}
    status, body = _raw_get(server, "/corpus/documents?_search=醫改")
    assert status == 200 and "市卫生局卫生系统职业精神工作方案" in body


def test_the_database_is_served_immutable(server):
    dbs = _json(server, "/-/databases.json")
    corpus = next(d for d in dbs if d["name"] == "corpus")
    assert corpus["is_mutable"] is False


def test_a_document_page_shows_its_structure(server):
    status, page = _get(server + f"/corpus/documents/{A}")
    assert status == 200
    assert 'id="doc-title"' in page and "县卫生健康局2024年夏季食品安全专项整治工作方案" in page
    assert 'class="section level-1"' in page and 'class="party"' in page and 'class="deadline"' in page
    assert "Deadlines of this plan by month" in page and "<svg" in page


def test_an_overlong_query_is_refused_not_run(server):
    try:
        status, body = _get(server + "/corpus/documents.json?_search=" + quote("健康" * 5000))
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode("utf-8")
    assert status == 400 and "characters long" in body


@pytest.mark.parametrize("query, message", [("q=" + quote("健康" * 600), "characters long"),
                                            ("q=%FF%FE", "not valid UTF-8"),
                                            ("q=x&year=99999999999", "out of range"),
                                            ("q=x&limit=-1", "out of range")])
def test_the_ranked_search_refuses_bad_inputs_with_a_message(server, query, message):
    try:
        _get(server + "/corpus/search.json?" + query)
        pytest.fail("accepted")
    except urllib.error.HTTPError as e:
        assert e.code == 400
        assert message in json.loads(e.read().decode("utf-8"))["error"]


def _chart(page: str) -> dict[int, int]:
    return {int(m): int(n) for m, n in re.findall(r'data-month="(\d+)" data-count="([1-9]\d*)"', page)}


def test_the_deadline_chart_follows_the_table_filters(server):
    _, everything = _get(server + "/corpus/documents")
    _, only_2006 = _get(server + "/corpus/documents?year=2006&_size=1")
    assert "Deadlines by month of the documents listed" in only_2006
    assert _chart(only_2006) == {11: 1}  # B's deadline 11月底前
    assert _chart(everything)[7] == 1 and _chart(everything)[11] == 1
