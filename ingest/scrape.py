"""`fangan scrape`: fetch plan pages politely and archive the raw responses as WARC.

The crawl is a Scrapy spider; politeness and robustness are Scrapy's own machinery, configured:

* robots.txt is obeyed (`ROBOTSTXT_OBEY`, Protego);
* per-host rate limit: one request at a time per host (`CONCURRENT_REQUESTS_PER_DOMAIN`), `delay` seconds apart
  (`DOWNLOAD_DELAY`, randomised), raised by AutoThrottle when the host slows down;
* retries on 429/5xx/408 and connection errors (`RETRY_*`), with exponential backoff that honours `Retry-After`
  (a thin subclass of Scrapy's RetryMiddleware that waits before handing back the retry request);
* timeouts (`DOWNLOAD_TIMEOUT`), a page-size cap (`DOWNLOAD_MAXSIZE`), at most 10 redirects;
* only http(s) URLs, and no request to a private, loopback, link-local or reserved address unless
  `allow_private` (checked for every request, redirects and robots.txt included);
* deduplication by URL (Scrapy's request fingerprints) and by content (sha256 of the body: a page whose bytes
  were archived already is logged as a duplicate, not stored again);
* resumable: the pending queue lives in a Scrapy JOBDIR; the log of outcomes says what was done, so a re-run
  fetches nothing already archived or refused, continues pages left over by `--max-pages`, and with
  `retry_failed` tries again the URLs that failed for a transient reason.

Layout of the archive folder (`fangan build DIR` reads the WARC files and ignores the hidden folder)::

    DIR/crawl-20240501T101500Z.warc.gz    the captures; later runs append to it, a new file starts at 1 GB
    DIR/.fangan-crawl/log.jsonl           one line per URL outcome: archived | duplicate | error | deferred
    DIR/.fangan-crawl/job/                Scrapy JOBDIR (pending requests, spider state)
    DIR/.fangan-crawl/runs/<run>.json     the report of each run

Links followed: the "next page" links of a paginated document (`x_2.html`, `?page=2`, 下一页, rel=next), which
are archived as pages of that document, and links matching a `follow` pattern. Scrapy's reactor cannot be
restarted within a process, so `scrape()` runs the crawl in a child process; the CLI calls `scrape()`.
"""
from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Iterable, Optional
from urllib.parse import urlsplit

STATE_DIR = ".fangan-crawl"
DEFAULT_USER_AGENT = "fangan/0.1 (plan-document research crawler; obeys robots.txt)"
TRANSIENT = {"timeout", "http_429", "http_500", "http_502", "http_503", "http_504", "http_408", "http_522",
             "http_524", "connection_error", "dns_error", "data_loss"}


@dataclass
class ScrapeOptions:
    urls: list[str]
    archive: str
    follow: list[str] = field(default_factory=list)  # regexes on absolute URLs
    max_pages: Optional[int] = None  # pages fetched in this run
    allow_private: bool = False
    delay: float = 1.0  # seconds between two requests to one host
    per_host: int = 1  # requests in flight per host
    timeout: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    retries: int = 3
    backoff: float = 1.0  # first retry waits this long, then 2x, 4x … (unless Retry-After says otherwise)
    max_wait: float = 120.0  # longest wait before a retry; a longer Retry-After gives up
    retry_failed: bool = False
    max_seconds: Optional[float] = None  # stop the crawl after this long (what is pending waits for the next run)
    user_agent: str = DEFAULT_USER_AGENT
    log_level: str = "WARNING"


@dataclass
class CrawlReport:
    run: str
    archive: str
    archived: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    deferred: list[dict] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # start URLs crawled by an earlier run
    warc: Optional[str] = None
    requests: int = 0  # responses received, robots.txt and retries included
    seconds: float = 0.0
    finished: str = ""  # Scrapy's finish reason: finished | closespider_timeout | shutdown …

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------------------------------------------
# URL checks shared by the parent (up-front validation) and the crawler


class BlockedURL(Exception):
    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind, self.reason = kind, reason


def check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as e:
        raise BlockedURL("bad_url", f"not a URL: {url!r} ({e})")
    if parts.scheme.lower() not in ("http", "https"):
        raise BlockedURL("unsupported_scheme", f"only http(s) URLs are fetched, not {parts.scheme or 'a relative URL'}: {url}")
    if not parts.hostname:
        raise BlockedURL("bad_url", f"no host in {url}")


def non_public(addresses: Iterable[str]) -> Optional[str]:
    """The first address that is not globally routable (private, loopback, link-local, reserved …), if any."""
    for a in addresses:
        try:
            ip = ipaddress.ip_address(a.split("%", 1)[0])
        except ValueError:
            continue
        if getattr(ip, "ipv4_mapped", None):
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            return str(ip)
    return None


# --------------------------------------------------------------------------------------------------------------
# the crawl log


class CrawlLog:
    """Append-only JSON lines, one per URL outcome; the last line for a URL is its state."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "log.jsonl"
        self.last: dict[str, dict] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    e = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interrupted run
                self.last[e["url"]] = e
        self._fh = None

    def write(self, entry: dict) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")
        self._fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._fh.flush()
        self.last[entry["url"]] = entry

    def close(self) -> None:
        if self._fh:
            self._fh.close()

    def hashes(self) -> dict[str, str]:
        return {e["sha256"]: e["url"] for e in self.last.values() if e.get("outcome") == "archived" and e.get("sha256")}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------------------------
# the Python API: runs the crawl in a child process


def scrape(urls: Iterable[str], archive: str | os.PathLike, **options) -> CrawlReport:
    """Crawl `urls` into the archive folder and return what happened (see the module docstring)."""
    opts = ScrapeOptions(urls=[u.strip() for u in urls if u and u.strip()], archive=str(Path(archive).resolve()), **options)
    state = Path(opts.archive) / STATE_DIR
    (state / "runs").mkdir(parents=True, exist_ok=True)
    run = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    config = state / "runs" / f"{run}.config.json"
    config.write_text(json.dumps(asdict(opts), ensure_ascii=False), encoding="utf-8")
    result = state / "runs" / f"{run}.json"
    proc = subprocess.run([sys.executable, "-m", "fangan.ingest.scrape", str(config), str(result), run])
    config.unlink(missing_ok=True)
    if not result.exists():
        raise RuntimeError(f"the crawler process ended with status {proc.returncode} without a report")
    data = json.loads(result.read_text(encoding="utf-8"))
    return CrawlReport(**data)


def read_url_file(path: str | os.PathLike) -> list[str]:
    """URLs from a file, one per line; blank lines and # comments ignored."""
    out = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.split()[0])
    return out


# --------------------------------------------------------------------------------------------------------------
# inside the child process: Scrapy


WARC_ROTATE_BYTES = 1024 ** 3


def _warc_path(archive: Path, run: str) -> Path:
    """The archive's current WARC file, continued by later runs (so a document whose pages were fetched by two
    runs stays in one file, where `ingest.warc` joins them) until it reaches 1 GB."""
    existing = sorted(archive.glob("crawl-*.warc.gz"))
    if existing and existing[-1].stat().st_size < WARC_ROTATE_BYTES:
        return existing[-1]
    return archive / f"crawl-{run[:15]}Z.warc.gz"


def _doc_fields(meta: dict) -> dict:
    out = {}
    if meta.get("fangan_doc"):
        out["document"] = meta["fangan_doc"]
        out["page"] = meta.get("fangan_page")
    if meta.get("fangan_referer"):
        out["referer"] = meta["fangan_referer"]
    return out


def _meta_from(entry: dict) -> dict:
    meta = {}
    if entry.get("document"):
        meta["fangan_doc"] = entry["document"]
        meta["fangan_page"] = entry.get("page") or 2
    if entry.get("referer"):
        meta["fangan_referer"] = entry["referer"]
    return meta


def _url_key(url: str) -> str:
    from w3lib.url import canonicalize_url

    return hashlib.sha1(canonicalize_url(url).encode("utf-8")).hexdigest()


_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|next\s*(?:page)?|›|»|>)\s*$", re.I)


def _is_next_link(link) -> bool:
    return bool(_NEXT_TEXT.match(link.text or "")) or "next" in (getattr(link, "rel", None) or "").lower().split()


def _retry_after(value: Optional[bytes]) -> Optional[float]:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _classify(failure, blocked_cls) -> tuple[str, str, Optional[int]]:
    from scrapy import exceptions as ex
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet import error as terr

    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status} {_reason(status)}".strip(), status
    if isinstance(exc, blocked_cls):
        return exc.kind, exc.reason, None
    if isinstance(exc, ex.IgnoreRequest):
        msg = str(exc)
        if "robots.txt" in msg:
            return "robots_disallowed", "forbidden by the site's robots.txt", None
        if "redirection" in msg:
            return "redirect_loop", "too many redirects (a redirect loop?)", None
        return "ignored", msg or "request dropped", None
    if isinstance(exc, (ex.DownloadTimeoutError, terr.TimeoutError, asyncio.TimeoutError)):
        return "timeout", f"no complete response in time ({exc})", None
    if isinstance(exc, ex.DownloadCancelledError):
        return "too_large", str(exc) or "the page exceeds the size cap", None
    if isinstance(exc, (ex.CannotResolveHostError, terr.DNSLookupError)):
        return "dns_error", str(exc), None
    if isinstance(exc, ex.ResponseDataLossError):
        return "data_loss", str(exc), None
    if isinstance(exc, (ex.DownloadConnectionRefusedError, ex.DownloadFailedError, terr.ConnectError,
                        terr.ConnectionLost, terr.ConnectionDone, ConnectionError)):
        return "connection_error", f"{type(exc).__name__}: {exc}", None
    return "download_error", f"{type(exc).__name__}: {exc}", None


def settings_for(opts: ScrapeOptions) -> dict:
    state = Path(opts.archive) / STATE_DIR
    return {
        "BOT_NAME": "fangan",
        "USER_AGENT": opts.user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": opts.user_agent,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": opts.per_host,
        "DOWNLOAD_DELAY": opts.delay,
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(opts.delay, 0.0),
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, opts.delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(opts.per_host),
        "DOWNLOAD_TIMEOUT": opts.timeout,
        "DNS_TIMEOUT": min(opts.timeout, 60),
        "DOWNLOAD_MAXSIZE": opts.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": opts.retries,
        "RETRY_HTTP_CODES": [408, 429, 500, 502, 503, 504, 522, 524],
        "REDIRECT_MAX_TIMES": 10,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "LOG_LEVEL": opts.log_level,
        "JOBDIR": str(state / "job"),
        "CLOSESPIDER_TIMEOUT": opts.max_seconds or 0,
        "FANGAN_ALLOW_PRIVATE": opts.allow_private,
        "FANGAN_BACKOFF": opts.backoff,
        "FANGAN_MAX_WAIT": opts.max_wait,
        "DOWNLOADER_MIDDLEWARES": {
            "fangan.ingest.spider.SafeURLMiddleware": 50,  # before robots.txt (100): no request of any kind
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "fangan.ingest.spider.RobotsMiddleware": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "fangan.ingest.spider.BackoffRetryMiddleware": 550,
        },
    }


def __getattr__(name: str):
    # the Scrapy classes live in `spider` (which imports Scrapy); the old names still resolve here
    if name in ("PlanSpider", "BackoffRetryMiddleware", "SafeURLMiddleware", "RobotsMiddleware", "Blocked"):
        from . import spider

        return getattr(spider, name)
    raise AttributeError(name)


def _child(config: Path, result: Path, run: str) -> int:
    from scrapy.crawler import CrawlerProcess

    opts = ScrapeOptions(**json.loads(config.read_text(encoding="utf-8")))
    report = asdict(CrawlReport(run=run, archive=opts.archive))
    t0 = time.perf_counter()
    for url in opts.urls:  # refuse bad URLs before Scrapy sees them (it would only log them)
        try:
            check_scheme(url)
        except BlockedURL as e:
            report["errors"].append({"time": _now(), "run": run, "url": url, "outcome": "error", "error": e.kind,
                                     "reason": e.reason, "transient": False})
    good = [u for u in opts.urls if not any(e["url"] == u for e in report["errors"])]
    opts.urls = good
    from fangan.ingest.spider import PlanSpider as spider_cls  # not __main__: one copy of the classes the middlewares raise

    process = CrawlerProcess(settings_for(opts))
    crawler = process.create_crawler(spider_cls)
    process.crawl(crawler, opts=asdict(opts), run=run, report=report)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    report["requests"] = int(stats.get("downloader/response_count", 0))
    report["finished"] = str(stats.get("finish_reason", ""))
    report["seconds"] = round(time.perf_counter() - t0, 3)
    result.write_text(json.dumps(report, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover - the child process
    sys.exit(_child(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))
