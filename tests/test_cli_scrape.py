"""`fangan scrape` on loopback: a refused URL is reported on one plain line (no rich markup printed), and a
re-run with --allow-private archives it instead of calling it "crawled before"."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

pytest.importorskip("scrapy")
pytest.importorskip("warcio")

from fangan.cli import app  # noqa: E402

runner = CliRunner()
FAST = ["--delay", "0", "--timeout", "2", "--retries", "1"]
PAGE = "<html><head><title>县卫生健康局工作方案</title></head><body><h1>县卫生健康局工作方案</h1><p>一、工作目标</p></body></html>"


def test_a_refused_url_is_archived_when_rerun_with_allow_private(httpserver, tmp_path):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    httpserver.expect_request("/plan.html").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    url, archive = httpserver.url_for("/plan.html"), str(tmp_path / "web")
    refused = runner.invoke(app, ["scrape", url, "--archive", archive, *FAST])
    assert refused.exit_code == 0, refused.output
    errors = [line for line in refused.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "private_address" in errors[0] and "--allow-private" in errors[0]
    assert "[red]" not in refused.output and "archived 0," in refused.output
    again = runner.invoke(app, ["scrape", url, "--archive", archive, "--allow-private", *FAST])
    assert again.exit_code == 0, again.output
    assert "archived 1," in again.output and "crawled before 0" in again.output
