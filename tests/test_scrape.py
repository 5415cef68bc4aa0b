"""The scraper against a local site on loopback: politeness, errors, archive contents, re-crawl, resume.

Each crawl runs in a child process (Scrapy's reactor cannot restart); a `max_seconds` guard makes sure no crawl
can hang the suite. Nothing here asserts on timings.
"""
from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("scrapy")
pytest.importorskip("warcio")
from pytest_httpserver import HTTPServer  # noqa: E402
from werkzeug import Response  # noqa: E402

from fangan.cli import app  # noqa: E402
from fangan.ingest import SourceItem, iter_inputs  # noqa: E402
from fangan.ingest.scrape import scrape  # noqa: E402

WEB = Path(__file__).resolve().parent / "fixtures" / "web"
SHARED_REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"
REAL = ["school_safety_work_plan_2010_wordhtml.html", "school_nucleic_acid_testing_plan_inline.html"]
FAST = dict(allow_private=True, delay=0, timeout=1.0, retries=1, backoff=0.1, max_wait=5, max_bytes=200_000,
            max_seconds=90)


class Site:
    """A small site: robots.txt, documents, a paginated plan, and every way a fetch can go wrong."""

    def __init__(self):
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.busy_calls = 0
        s = self.server
        s.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        html = "text/html; charset=utf-8"
        s.expect_request("/index.html").respond_with_handler(self._counted(lambda r: Response(
            '<html><head><meta charset="utf-8"><title>通知公告</title></head><body><ul>'
            '<li><a href="/docs/plan.html">人居环境整治实施方案</a></li>'
            '<li><a href="/private/secret.html">内部方案</a></li>'
            '<li><a href="/loop/a">循环</a></li>'
            '<li><a href="/img/logo.png">图</a></li>'
            '<li><a href="mailto:x@example.com">信箱</a></li></ul></body></html>', content_type=html)))
        for name in ("plan.html", "plan_2.html", "plan_3.html"):
            data = (WEB / name).read_bytes()
            s.expect_request(f"/docs/{name}").respond_with_handler(self._counted(lambda r, d=data: Response(d, content_type=html)))
        gbk = (WEB / "gbk_declared_gb2312.html").read_bytes()
        s.expect_request("/docs/gbk.html").respond_with_handler(self._counted(lambda r: Response(gbk, content_type="text/html")))
        s.expect_request("/docs/copy.html").respond_with_handler(self._counted(lambda r: Response(gbk, content_type="text/html")))
        s.expect_request("/docs/busy.html").respond_with_handler(self._counted(self._busy))
        s.expect_request("/docs/down.html").respond_with_handler(self._counted(
            lambda r: Response("维护中", status=503, headers={"Retry-After": "1"})))
        s.expect_request("/docs/slow.html").respond_with_handler(self._slow)
        s.expect_request("/docs/big.html").respond_with_data("<html><body>" + "很长" * 150_000 + "</body></html>", content_type=html)
        s.expect_request("/loop/a").respond_with_response(Response(status=302, headers={"Location": "/loop/b"}))
        s.expect_request("/loop/b").respond_with_response(Response(status=302, headers={"Location": "/loop/a"}))
        s.expect_request("/private/secret.html").respond_with_data("<html><body>secret</body></html>", content_type=html)
        self.real = [n for n in REAL if (SHARED_REAL / n).exists()]
        for name in self.real:
            data = (SHARED_REAL / name).read_bytes()
            s.expect_request(f"/real/{name}").respond_with_handler(self._counted(lambda r, d=data: Response(d, content_type=html)))

    def _counted(self, fn):
        def handler(request):
            with self.lock:
                self.active += 1
                self.max_active = max(self.max_active, self.active)
            try:
                time.sleep(0.02)  # long enough for overlapping requests to overlap
                return fn(request)
            finally:
                with self.lock:
                    self.active -= 1
        return handler

    def _busy(self, request):
        self.busy_calls += 1
        if self.busy_calls == 1:
            return Response("稍后再试", status=503, headers={"Retry-After": "1"})
        return Response((WEB / "daoyu_disclaimer.html").read_bytes(), content_type="text/html; charset=utf-8")

    def _slow(self, request):
        time.sleep(2.5)
        return Response("<html><body>太慢了</body></html>", content_type="text/html")

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def paths(self) -> list[str]:
        return [req.path for req, _ in self.server.log]

    def start(self):
        self.server.start()
        return self

    def stop(self):
        self.server.clear_log()
        self.server.stop()


@pytest.fixture(scope="module")
def site():
    s = Site().start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def crawl(site, tmp_path_factory):
    archive = tmp_path_factory.mktemp("archive")
    urls = [site.url(p) for p in ("/index.html", "/docs/gbk.html", "/docs/copy.html", "/docs/busy.html", "/docs/down.html",
                                  "/docs/slow.html", "/docs/big.html")]
    urls += [site.url(f"/real/{n}") for n in site.real] + ["ftp://127.0.0.1/plan.doc"]
    report = scrape(urls, archive, follow=[r"/docs/", r"/private/", r"/loop/", r"\.png$"], **FAST)
    return archive, report, urls, len(site.server.log)


def test_crawl_ends_with_the_right_pages_archived(site, crawl):
    archive, report, _, _ = crawl
    assert report.finished == "finished"
    archived = sorted(e["url"].split(str(site.server.port), 1)[1] for e in report.archived)
    assert archived == sorted(["/index.html", "/docs/plan.html", "/docs/plan_2.html", "/docs/plan_3.html", "/docs/gbk.html",
                               "/docs/busy.html"] + [f"/real/{n}" for n in site.real])
    pages = {e["url"].rsplit("/", 1)[1]: e for e in report.archived}
    assert pages["plan_2.html"]["document"] == pages["plan_3.html"]["document"] == site.url("/docs/plan.html")
    assert (pages["plan_2.html"]["page"], pages["plan_3.html"]["page"]) == (2, 3)
    assert pages["busy.html"]["retries"] == 1  # the 503 with Retry-After was retried once, then archived
    assert [(e["url"].rsplit("/", 1)[1], e["reason"].split()[0]) for e in report.duplicates] == [("copy.html", "same")]


def test_crawl_records_the_right_errors(site, crawl):
    _, report, _, _ = crawl
    errors = {e["url"].rsplit("/", 1)[1] if e["url"].startswith("http") else e["url"]: e for e in report.errors}
    kinds = {k: e["error"] for k, e in errors.items()}
    assert kinds == {
        "secret.html": "robots_disallowed",
        "down.html": "http_503",
        "slow.html": "timeout",
        "big.html": "too_large",
        "a": "redirect_loop",
        "ftp://127.0.0.1/plan.doc": "unsupported_scheme",
    }
    assert errors["down.html"]["transient"] and errors["slow.html"]["transient"]
    assert not errors["secret.html"]["transient"] and not errors["big.html"]["transient"]


def test_politeness(site, crawl):
    paths = site.paths()
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert not any(p.startswith("/private/") for p in paths)  # refused by robots.txt before any request
    assert "/img/logo.png" not in paths  # not a document
    assert site.max_active == 1  # one request at a time to this host
    assert paths.count("/docs/down.html") == 2  # the first try and one retry, no more
    assert paths.count("/loop/a") + paths.count("/loop/b") == 11  # stopped by the redirect limit


def test_archive_is_warc_and_builds_into_records(site, crawl, tmp_path):
    archive, report, _, _ = crawl
    warcs = sorted(archive.glob("*.warc.gz"))
    assert [str(w) for w in warcs] == [report.warc]
    with gzip.open(warcs[0], "rb") as fh:
        assert fh.read(8) == b"WARC/1.0"
    items = [i for i in iter_inputs([archive]) if isinstance(i, SourceItem)]
    urls = sorted(i.url.split(str(site.server.port), 1)[1] for i in items)
    # the three pages of the plan are one item; logs and crawl state are not inputs
    assert urls == sorted(["/index.html", "/docs/plan.html", "/docs/gbk.html", "/docs/busy.html"] + [f"/real/{n}" for n in site.real])
    result = CliRunner().invoke(app, ["build", str(archive), "--out", str(tmp_path / "corpus")])
    assert result.exit_code == 0, result.output
    docs = {d["source"]["url"].split(str(site.server.port), 1)[1]: d for d in
            map(json.loads, (tmp_path / "corpus" / "corpus.jsonl").read_text(encoding="utf-8").splitlines())}
    plan = docs["/docs/plan.html"]
    assert plan["title"] == "某镇2024年人居环境整治实施方案"
    assert plan["metadata"]["pages_joined"] == "3"
    for s in ("全镇农村卫生厕所普及率达到95%以上", "各村于3月31日前完成积存垃圾清理", "镇纪委对整治工作开展督查"):
        assert s in plan["text"]
    assert "下一页" not in plan["text"] and "共3页" not in plan["text"]
    gbk = docs["/docs/gbk.html"]
    assert gbk["source"]["encoding"] == "gb18030" and "张喆" in gbk["text"]
    assert gbk["source"]["site"] == "127.0.0.1" and gbk["source"]["captured_at"].startswith("20")
    assert gbk["source"]["path"].endswith("!" + site.url("/docs/gbk.html"))
    assert docs["/docs/busy.html"]["source"]["site"] == "daoyu-disclaimer"
    for name in site.real:
        real = docs[f"/real/{name}"]
        assert real["source"]["site"] == "sxyz.net"
        assert "推荐阅读" not in real["text"] and "版权所有" not in real["text"]


def test_recrawl_of_an_unchanged_site_fetches_nothing(site, crawl):
    archive, first, urls, seen = crawl
    before = [(w, w.stat().st_size) for w in sorted(archive.glob("*.warc.gz"))]
    report = scrape(urls, archive, follow=[r"/docs/", r"/private/", r"/loop/"], **FAST)
    time.sleep(0.1)
    assert report.requests == 0 and report.archived == [] and report.duplicates == []
    assert sorted(report.already) == sorted(u for u in urls if u.startswith("http"))
    # the only entries after the first crawl's are the slow page's, logged when its (abandoned) response ended
    assert all(req.path == "/docs/slow.html" for req, _ in site.server.log[seen:])
    assert [(w, w.stat().st_size) for w in sorted(archive.glob("*.warc.gz"))] == before  # not a byte written


def test_retry_failed_tries_transient_failures_only(site, crawl):
    archive, _, urls, _ = crawl
    n = len(site.server.log)
    report = scrape(urls, archive, follow=[r"/docs/"], retry_failed=True, **dict(FAST, retries=0))
    retried = sorted(e["url"].rsplit("/", 1)[1] for e in report.errors if e["url"].startswith("http"))
    assert retried == ["down.html", "slow.html"]  # not robots, not the size cap, not the redirect loop
    assert report.archived == []
    assert not any(req.path.startswith(("/private/", "/loop/", "/docs/big")) for req, _ in site.server.log[n:])


def test_loopback_is_refused_without_allow_private(site, tmp_path):
    n = len(site.server.log)
    report = scrape([site.url("/docs/gbk.html")], tmp_path / "a", **dict(FAST, allow_private=False))
    assert [(e["error"]) for e in report.errors] == ["private_address"]
    assert "127.0.0.1" in report.errors[0]["reason"]
    # not even robots.txt was requested (a slow page abandoned by an earlier crawl may still log its end)
    assert all(req.path == "/docs/slow.html" for req, _ in site.server.log[n:])
    assert report.archived == [] and not list((tmp_path / "a").glob("*.warc.gz"))


def test_max_pages_defers_the_rest_to_the_next_run(site, tmp_path):
    archive = tmp_path / "a"
    first = scrape([site.url("/docs/plan.html")], archive, **dict(FAST, max_pages=1))
    assert [e["url"] for e in first.archived] == [site.url("/docs/plan.html")]
    # page 1's pager links to pages 2 and 3: both wait for the next run
    assert sorted(e["url"] for e in first.deferred) == [site.url("/docs/plan_2.html"), site.url("/docs/plan_3.html")]
    second = scrape([site.url("/docs/plan.html")], archive, **dict(FAST, max_pages=10))
    assert sorted(e["url"] for e in second.archived) == [site.url("/docs/plan_2.html"), site.url("/docs/plan_3.html")]
    assert second.deferred == []
    assert second.already == [site.url("/docs/plan.html")]
    items = [i for i in iter_inputs([archive]) if isinstance(i, SourceItem)]
    # the second run continued the same WARC file, so the three pages are one document
    assert len(list(archive.glob("*.warc.gz"))) == 1
    assert len(items) == 1 and items[0].content_type.startswith("multipart/related")


def test_cli_scrape(site, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# plans\n{site.url('/docs/gbk.html')}\n\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scrape", "--from", str(listing), "--archive", str(tmp_path / "a"),
                                      "--allow-private", "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert "archived 1," in result.output
    log = [json.loads(x) for x in (tmp_path / "a" / ".fangan-crawl" / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["url"], e["outcome"]) for e in log] == [(site.url("/docs/gbk.html"), "archived")]


def test_url_safety_rules():
    from fangan.ingest.scrape import BlockedURL, check_scheme, non_public

    for bad in (["127.0.0.1"], ["10.1.2.3"], ["192.168.0.9"], ["169.254.169.254"], ["::1"], ["fe80::1%eth0"],
                ["::ffff:127.0.0.1"], ["100.64.0.1"], ["8.8.8.8", "172.16.0.1"]):
        assert non_public(bad), bad
    assert non_public(["8.8.8.8", "2001:4860:4860::8888"]) is None
    for url, kind in (("ftp://example.com/a.doc", "unsupported_scheme"), ("file:///etc/passwd", "unsupported_scheme"),
                      ("javascript:alert(1)", "unsupported_scheme"), ("/relative/path.html", "unsupported_scheme"),
                      ("http:///nohost", "bad_url")):
        with pytest.raises(BlockedURL) as e:
            check_scheme(url)
        assert e.value.kind == kind, url
    check_scheme("https://www.gov.cn/zhengce/content/1.htm")


def test_retry_after_values():
    from email.utils import format_datetime
    from datetime import datetime, timedelta, timezone

    from fangan.ingest.scrape import _retry_after

    assert _retry_after(b"7") == 7.0
    assert _retry_after(None) is None and _retry_after(b"soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True).encode()
    assert 25 <= _retry_after(later) <= 31
    assert _retry_after(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: retry now
