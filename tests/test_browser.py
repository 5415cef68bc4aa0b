"""A real browser on `fangan serve`: headless Chromium driven over the DevTools protocol (a websocket; no
browser download, no Selenium). Type a query in the search box, read the rows, open a document, follow a
facet; screenshots are saved in the test's temporary folder. `.ci/run` installs Chromium from Debian
packages (chromium-headless-shell); the test skips, saying so, only where no Chromium binary exists."""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("datasette")
aiohttp = pytest.importorskip("aiohttp", reason="the DevTools client needs aiohttp (pip install 'fangan[dev]')")

import fangan  # noqa: E402
from fangan.pipeline import build  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "search"
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    for name in (os.environ.get("FANGAN_CHROMIUM"), *BROWSERS):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


pytestmark = pytest.mark.skipif(
    chromium() is None,
    reason="no Chromium on this machine: install it with `apt-get install chromium-headless-shell` (.ci/run does, as root)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, what: str) -> None:
    for _ in range(900):  # readiness polling, not a timing assertion
        if proc.poll() is not None:
            pytest.fail(f"{what} exited: {proc.stdout.read().decode(errors='replace') if proc.stdout else ''}")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    pytest.fail(f"{what} did not start")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "corpus"
    report = build([FIXTURES], out)
    assert len(report.built) == 4, report.errors
    return out


@pytest.fixture(scope="module")
def server(corpus):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "fangan.cli", "serve", str(corpus), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(base + "/-/versions.json", proc, "fangan serve")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium with the DevTools protocol on a free loopback port; yields the page's websocket URL."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    port = _free_port()
    proc = subprocess.Popen([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--no-first-run", "--window-size=1280,1000", f"--remote-debugging-port={port}",
                             f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/json/version", proc, "Chromium")
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(t for t in targets if t["type"] == "page")
        yield page["webSocketDebuggerUrl"]
    finally:
        # the whole process group: Debian's launcher is a script that runs the browser as its child, so
        # ending the script alone left a browser (zygotes, renderer, GPU process) behind after every run
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=30)
        _signal_group(proc, signal.SIGKILL)  # anything of the group still there after the launcher went


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Page:
    """The few DevTools commands the test needs: navigate, evaluate, type, press Enter, screenshot."""

    def __init__(self, ws):
        self.ws, self.ids, self.events = ws, itertools.count(1), []

    async def send(self, method: str, **params):
        msg_id = next(self.ids)
        await self.ws.send_json({"id": msg_id, "method": method, "params": params})
        while True:
            msg = await asyncio.wait_for(self.ws.receive_json(), 60)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    async def wait_load(self, action):
        """Run `action` (which starts a navigation) and wait for the new page's load event."""
        self.events.clear()
        await action()
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(await asyncio.wait_for(self.ws.receive_json(), 60))

    async def goto(self, url: str):
        await self.wait_load(lambda: self.send("Page.navigate", url=url))

    async def js(self, expression: str):
        r = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"])
        return r["result"].get("value")

    async def type(self, selector: str, text: str):
        await self.js(f"document.querySelector({json.dumps(selector)}).focus()")
        await self.send("Input.insertText", text=text)

    async def press_enter(self):
        for kind in ("keyDown", "keyUp"):
            await self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                            windowsVirtualKeyCode=13, nativeVirtualKeyCode=13, **({"text": "\r"} if kind == "keyDown" else {}))

    async def screenshot(self, path: Path) -> Path:
        data = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path


async def _session(ws_url: str, base: str, corpus: Path, shots: Path) -> dict:
    seen: dict = {}
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(ws_url, max_msg_size=0) as ws:
            page = Page(ws)
            await page.send("Page.enable")
            await page.goto(base + "/corpus/documents")
            seen["chart_months"] = await page.js("document.querySelectorAll('figure.fangan-chart g.month').length")
            # type a traditional query into the search box and press Enter
            await page.type("#fangan-q", "農機 補貼")
            await page.wait_load(page.press_enter)
            seen["search_url"] = await page.js("location.href")
            seen["rows"] = await page.js("Array.from(document.querySelectorAll('a.doc-link')).map(a => a.textContent)")
            seen["marks"] = await page.js("Array.from(document.querySelectorAll('td mark')).map(m => m.textContent)")
            await page.screenshot(shots / "search.png")
            # open the first document
            await page.wait_load(lambda: page.js("document.querySelector('a.doc-link').click()"))
            seen["doc_url"] = await page.js("location.href")
            seen["doc_title"] = await page.js("document.querySelector('#doc-title').textContent")
            seen["sections"] = await page.js(
                "Array.from(document.querySelectorAll('li.section > details > summary')).map(s => s.textContent.trim())")
            seen["parties"] = await page.js("Array.from(document.querySelectorAll('tr.party td:first-child')).map(t => t.textContent)")
            seen["deadlines"] = await page.js("document.querySelectorAll('tr.deadline').length")
            seen["phases"] = await page.js("document.querySelectorAll('tr.phase').length")
            await page.screenshot(shots / "document.png")
            # follow a facet: the first value of the year facet on the documents page
            await page.goto(base + "/corpus/documents")
            href = await page.js("(Array.from(document.querySelectorAll('.facet-info a')).find(a => /[?&]year=/.test(a.href)) || {}).href")
            seen["facet_href"] = href
            await page.wait_load(lambda: page.js(f"document.querySelector('.facet-info a[href=\"{href}\"]').click()"))
            seen["facet_url"] = await page.js("location.href")
            seen["facet_rows"] = await page.js("document.querySelectorAll('table.rows-and-columns tbody tr').length")
            await page.screenshot(shots / "facet.png")
    return seen


def test_search_open_a_document_and_follow_a_facet_in_chromium(server, browser, corpus, tmp_path):
    seen = asyncio.run(_session(browser, server, corpus, tmp_path))
    expected = fangan.search("農機 補貼", corpus)
    assert "/corpus/search?q=" in seen["search_url"]
    assert seen["rows"] == [h.doc_id for h in expected] and seen["rows"]
    assert {"农机", "补贴"} & set(seen["marks"])  # the matched words are highlighted
    doc = expected[0]
    assert seen["doc_url"].endswith("/corpus/documents/" + doc.doc_id)
    assert seen["doc_title"] == doc.title == "县农业农村局2023年农机购置补贴实施方案"
    assert any(s.startswith("一、 工作目标") for s in seen["sections"]) and any("（二）" in s for s in seen["sections"])
    assert "县农机服务中心" in seen["parties"]
    assert seen["deadlines"] >= 1 and seen["phases"] >= 1
    assert seen["chart_months"] >= 12  # the deadlines-by-month chart on the documents page
    year = re.search(r"[?&]year=(\d+)", seen["facet_href"]).group(1)
    assert f"year={year}" in seen["facet_url"]
    assert seen["facet_rows"] == len(fangan.search("", corpus, year=int(year)))
    for name in ("search.png", "document.png", "facet.png"):
        png = (tmp_path / name).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
