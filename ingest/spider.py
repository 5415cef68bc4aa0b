"""The Scrapy side of `fangan scrape`: the spider and the three downloader middlewares it runs with.

Imported only inside the crawler's child process (and by Scrapy, which loads the middlewares by dotted
path from `scrape.settings_for`), so `import fangan.ingest.scrape` never imports Scrapy. What the crawl
does and why is described in `fangan.ingest.scrape`.
"""
from __future__ import annotations

import asyncio
import hashlib
import random
import re
import socket
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

import scrapy
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from .scrape import (STATE_DIR, TRANSIENT, BlockedURL, CrawlLog, ScrapeOptions, _classify, _doc_fields, _is_next_link,
                     _meta_from, _now, _reason, _retry_after, _url_key, _warc_path, check_scheme, non_public)
from .warc import DOC_HEADER, PAGE_HEADER, WarcWriter, page_of


class Blocked(IgnoreRequest):
    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind, self.reason = kind, reason


class SafeURLMiddleware:
    """Refuses non-http(s) URLs and, unless allowed, hosts that resolve to non-public addresses."""

    def __init__(self, crawler):
        self.allow_private = crawler.settings.getbool("FANGAN_ALLOW_PRIVATE")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        try:
            check_scheme(request.url)
        except BlockedURL as e:
            raise Blocked(e.kind, e.reason)
        if self.allow_private:
            return None
        host = urlsplit(request.url).hostname or ""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return None  # let the download fail with Scrapy's own DNS error
        bad = non_public(info[4][0] for info in infos)
        if bad:
            raise Blocked("private_address", f"{host} resolves to the non-public address {bad} (use --allow-private to fetch it)")
        return None


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with two fixes. Requests that arrive while robots.txt is being fetched all
    await one shared Deferred, but awaiting a Deferred consumes its result, so every waiter after the first
    got None and went out unchecked. And a robots.txt download that fails left the waiters waiting forever."""

    async def robot_parser(self, request):
        parser = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(parser, Deferred):
            waiter: Deferred = Deferred()

            def relay(result):
                waiter.callback(result)
                return result

            parser.addBoth(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)

    def _robots_error(self, exc, netloc):
        pending = self._parsers.get(netloc)
        super()._robots_error(exc, netloc)
        if isinstance(pending, Deferred) and not pending.called:
            pending.callback(None)  # no robots.txt: allowed, as Scrapy decides for the request that fetched it


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting before each one: Retry-After when the server sends it, else exponential."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("FANGAN_BACKOFF")
        self.max_wait = settings.getfloat("FANGAN_MAX_WAIT")

    def _backoff(self, request) -> float:
        n = request.meta.get("retry_times", 0)
        return min(self.max_wait, self.base * (2 ** n)) * (1 + random.random() * 0.1)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = self._backoff(request)
        after = _retry_after(response.headers.get(b"Retry-After"))
        if after is not None:
            if after > self.max_wait:
                request.meta["fangan_gave_up"] = f"Retry-After asks for {after:.0f} s, over the {self.max_wait:.0f} s limit"
                return response
            wait = after
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await asyncio.sleep(wait)
        return retry

    async def process_exception(self, request, exception):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await asyncio.sleep(self._backoff(request))
        return retry


class PlanSpider(scrapy.Spider):
    name = "fangan"

    def __init__(self, opts: dict, run: str, report: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.opts = ScrapeOptions(**opts)
        self.run = run
        self.report = report
        self.archive = Path(self.opts.archive)
        self.log = CrawlLog(self.archive / STATE_DIR)
        self.hashes = self.log.hashes()
        self.follow = [re.compile(p) for p in self.opts.follow]
        self.scheduled = 0
        self.warc: Optional[WarcWriter] = None
        self.links = LinkExtractor(tags=("a", "area", "link"), attrs=("href",), unique=True, deny_extensions=[
            "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "css", "js", "mp3", "mp4", "avi", "wmv",
            "flv", "swf", "zip", "rar", "7z", "exe", "apk", "dmg", "iso"])

    # -- scheduling ------------------------------------------------------------------------------------
    def _seen(self) -> set:
        return self.state.setdefault("scheduled", set())

    def _request(self, url: str, meta: dict, force: bool = False):
        """A request for `url` unless it was scheduled before (this run, an earlier one, or is already done)."""
        url = url.split("#", 1)[0]
        key = _url_key(url)
        if not force and (key in self._seen() or url in self.log.last):
            return None
        if self.opts.max_pages is not None and self.scheduled >= self.opts.max_pages:
            entry = {"time": _now(), "run": self.run, "url": url, "outcome": "deferred",
                     "reason": f"--max-pages {self.opts.max_pages} reached", **_doc_fields(meta)}
            if self.log.last.get(url, {}).get("outcome") != "deferred":
                self.log.write(entry)
            self.report["deferred"].append(entry)
            self._seen().add(key)
            return None
        self._seen().add(key)
        self.scheduled += 1
        meta = dict(meta, fangan_url=url)
        # dont_filter: URL dedupe is done above; Scrapy's filter would swallow the second hop of a redirect
        # loop silently instead of letting the redirect limit report it
        return scrapy.Request(url, callback=self.parse_page, errback=self.failed, meta=meta, dont_filter=True)

    async def start(self):
        for url in self.opts.urls:
            prev = self.log.last.get(url)
            # a URL refused for its private address is not "done" once the run allows private addresses
            allowed_now = self.opts.allow_private and prev and prev.get("error") == "private_address"
            if prev and prev["outcome"] in ("archived", "duplicate") or (
                    prev and prev["outcome"] == "error" and not allowed_now
                    and not (self.opts.retry_failed and prev.get("transient"))):
                self.report["already"].append(url)
                continue
            req = self._request(url, {}, force=prev is not None)
            if req is not None:
                yield req
        # pages left over by --max-pages, and with retry_failed the transient failures, of earlier runs
        for url, prev in list(self.log.last.items()):
            if url in self.opts.urls:
                continue
            if prev["outcome"] == "deferred" or (self.opts.retry_failed and prev["outcome"] == "error" and prev.get("transient")):
                req = self._request(url, _meta_from(prev), force=True)
                if req is not None:
                    yield req

    # -- responses -------------------------------------------------------------------------------------
    def parse_page(self, response):
        meta = response.meta
        url = meta.get("fangan_url", response.url)
        body = response.body
        sha = hashlib.sha256(body).hexdigest()
        entry = {"time": _now(), "run": self.run, "url": url, "status": response.status, "sha256": sha,
                 "bytes": len(body), "retries": meta.get("retry_times", 0), **_doc_fields(meta)}
        if response.url != url:
            entry["final_url"] = response.url
        if sha in self.hashes and self.hashes[sha] != url:
            entry.update(outcome="duplicate", reason=f"same content as {self.hashes[sha]}")
            self.report["duplicates"].append(entry)
        else:
            self._archive(response, meta)
            self.hashes[sha] = url
            entry.update(outcome="archived", warc=self.warc.path.name if self.warc else None)
            self.report["archived"].append(entry)
        self.log.write(entry)
        if isinstance(response, TextResponse):
            yield from self._follow(response, url, meta)

    def _archive(self, response, meta) -> None:
        if self.warc is None:
            self.warc = WarcWriter(_warc_path(self.archive, self.run), info={
                "operator": "fangan scrape", "http-header-user-agent": self.opts.user_agent, "fangan-run": self.run})
            self.report["warc"] = str(self.warc.path)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        extra = {}
        if meta.get("fangan_doc"):
            extra = {DOC_HEADER: meta["fangan_doc"], PAGE_HEADER: str(meta.get("fangan_page", 2))}
        req_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.request.headers.items() for v in vs]
        ip = str(response.ip_address) if response.ip_address else None
        self.warc.write(response.url, response.status, _reason(response.status), headers, response.body,
                        request_headers=req_headers, ip=ip, extra=extra)

    def _follow(self, response, url: str, meta: dict):
        doc = meta.get("fangan_doc") or url
        for link in self.links.extract_links(response):
            target = link.url
            if not target.lower().startswith(("http://", "https://")):
                continue
            found = page_of(target)
            if found and found[0] == doc:
                req = self._request(target, {"fangan_doc": doc, "fangan_page": found[1], "fangan_referer": url})
            elif _is_next_link(link) and urlsplit(target).hostname == urlsplit(url).hostname:
                page = int(meta.get("fangan_page", 1)) + 1
                req = self._request(target, {"fangan_doc": doc, "fangan_page": page, "fangan_referer": url})
            elif any(p.search(target) for p in self.follow):
                req = self._request(target, {"fangan_referer": url})
            else:
                continue
            if req is not None:
                yield req

    def failed(self, failure):
        request = failure.request
        meta = request.meta
        url = meta.get("fangan_url", request.url)
        kind, reason, status = _classify(failure, Blocked)
        if meta.get("fangan_gave_up"):
            reason = f"{reason}; {meta['fangan_gave_up']}"
        entry = {"time": _now(), "run": self.run, "url": url, "outcome": "error", "error": kind, "reason": reason,
                 "transient": kind in TRANSIENT, "retries": meta.get("retry_times", 0), **_doc_fields(meta)}
        if status:
            entry["status"] = status
        self.log.write(entry)
        self.report["errors"].append(entry)

    def closed(self, reason):
        if self.warc is not None:
            self.warc.close()
        self.log.close()

