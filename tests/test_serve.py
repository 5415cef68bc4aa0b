"""`fangan serve`: Datasette on a loopback port answers searches, facets and filters over HTTP."""
from __future__ import annotations

import json
import shutil
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
    assert all("[知晓率]" in r["snippet"] and "\u200b" not in r["snippet"] for r in rows)


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


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium installed (manual check: README, 'fangan serve')")
def test_screenshot_in_headless_chromium(server, tmp_path):
    shot = tmp_path / "search.png"
    url = server + "/corpus/documents?_search=" + quote("知晓率")
    subprocess.run([_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                    f"--screenshot={shot}", url], check=True, capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    dom = subprocess.run([_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--dump-dom", url],
                         check=True, capture_output=True, timeout=120).stdout.decode("utf-8")
    assert "区卫生局2006年健康教育实施方案" in dom and "县卫生健康局2024年夏季食品安全专项整治工作方案" in dom
