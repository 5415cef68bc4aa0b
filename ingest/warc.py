"""WARC captures: reading them as SourceItems, and writing them (for `fangan scrape`).

Reading. Every 2xx `response` (or `resource`) record with an http(s) target becomes one `SourceItem`: `url` is the
WARC-Target-URI, `captured_at` the WARC-Date, `content_type` the HTTP Content-Type (so the HTML parser sees the
charset the server sent), `site` the host without `www.`, `path` is `<warc path>!<url>`. Pages of one document
(page 1 and its continuations `x_2.html`, `x_3.html`, or records the scraper tagged with the same
`Fangan-Document-URI`) become one item: a `multipart/related` (MHTML) message holding each page in order, which
`parsers.html` reads and joins. Other records (requests, metadata, revisits, redirects, errors) are skipped.

Writing. `WarcWriter` appends gzip-compressed records to `DIR/<name>.warc.gz` with warcio: a `warcinfo` record,
then `request`/`response` pairs. Bodies are stored as the crawler received them after transfer decoding, so
`Content-Encoding`/`Transfer-Encoding` are dropped from the stored HTTP headers and `Content-Length` matches the
stored body.
"""
from __future__ import annotations

import base64
import hashlib
import io
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import IngestError, Limits, OverBudget, SourceItem, read_within
from .decompress import decode_content

DOC_HEADER = "Fangan-Document-URI"  # WARC header: URL of page 1 of the document this page belongs to
PAGE_HEADER = "Fangan-Page"  # WARC header: page number within that document (1-based)

_PAGE_SUFFIX = re.compile(r"^(?P<base>.+?)_(?P<n>\d{1,3})(?P<ext>\.(?:s?html?|aspx?|php|jsp))$", re.I)
_PAGE_PARAMS = ("page", "p", "pn", "pageno", "pagenum", "page_no")

_FORMAT_BY_TYPE = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "multipart/related": "html",
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
}


def page_of(url: str) -> Optional[tuple[str, int]]:
    """(URL of page 1, n) when `url` names page n ≥ 2 of a paginated document, by the usual CMS conventions."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    m = _PAGE_SUFFIX.match(parts.path)
    if m and int(m["n"]) >= 2:
        return urlunsplit(parts._replace(path=m["base"] + m["ext"])), int(m["n"])
    if parts.query:
        q = parse_qsl(parts.query, keep_blank_values=True)
        for i, (k, v) in enumerate(q):
            if k.lower() in _PAGE_PARAMS and v.isdigit() and int(v) >= 2:
                rest = q[:i] + q[i + 1:]
                return urlunsplit(parts._replace(query=urlencode(rest))), int(v)
    return None


def site_of(url: Optional[str]) -> Optional[str]:
    try:
        host = (urlsplit(url).hostname or "").lower() if url else ""
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def format_for(content_type: Optional[str]) -> Optional[str]:
    if not content_type:
        return None
    return _FORMAT_BY_TYPE.get(content_type.split(";", 1)[0].strip().lower())


# --------------------------------------------------------------------------------------------------------------
# reading

class _Rec:
    __slots__ = ("url", "date", "ctype", "offset", "doc", "page", "length")

    def __init__(self, url, date, ctype, offset, doc, page, length):
        self.url, self.date, self.ctype, self.offset, self.doc, self.page, self.length = url, date, ctype, offset, doc, page, length


class _Tally:
    """What a WARC held besides documents, so a capture with none can say why."""

    def __init__(self):
        self.records = 0
        self.passed_over: dict[str, int] = {}

    def note(self, why: str) -> None:
        self.passed_over[why] = self.passed_over.get(why, 0) + 1

    def summary(self) -> str:
        if not self.records:
            return "no WARC records at all"
        parts = ", ".join(f"{n} {why}" for why, n in sorted(self.passed_over.items(), key=lambda kv: -kv[1]))
        return f"{self.records} WARC record(s), none a 2xx http(s) response or resource ({parts})"


def _document_record(record, tally: Optional[_Tally]) -> bool:
    if tally is not None:
        tally.records += 1
    why = None
    if record.rec_type not in ("response", "resource"):
        why = f"{record.rec_type} record"
    elif not (record.rec_headers.get_header("WARC-Target-URI") or "").lower().startswith(("http://", "https://")):
        why = "non-HTTP target"
    elif record.rec_type == "response":
        if record.http_headers is None:
            why = "response without HTTP headers"
        else:
            code = record.http_headers.get_statuscode() or ""
            if not code.startswith("2"):
                why = f"HTTP {code[:3] or '?'} response"
    if why and tally is not None:
        tally.note(why)
    return why is None


def _records(path: Path, read: bool = True, limits: Optional[Limits] = None, tally: Optional[_Tally] = None):
    """(record, offset, payload) of every document-bearing record; payload an `OverBudget` when reading it
    broke a limit, None when not read.

    warcio knows a record's offset only once the record has been read through, so the payload is read here.
    Bodies are decoded by `_payload` (within the budgets), never by warcio's unbounded content_stream()."""
    from warcio.archiveiterator import ArchiveIterator

    limits = limits or Limits()
    total = 0
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for record in it:
            if not _document_record(record, tally):
                continue
            data = None
            if read:
                cap = min(limits.max_file_bytes, limits.max_archive_total_bytes - total)
                if cap <= 0:
                    yield record, it.get_record_offset(), OverBudget(
                        "archive_too_large", f"the WARC's records passed the {limits.max_archive_total_bytes}-byte "
                        "total budget; this one is not read")
                    continue
                try:
                    data = _payload(record, cap, limits)
                    total += len(data)
                except OverBudget as e:
                    data = e
            yield record, it.get_record_offset(), data


def _payload(record, cap: int, limits: Limits) -> bytes:
    """The record's body with HTTP transfer and content encodings undone, within `cap` bytes."""
    stream = record.raw_stream
    encoding = None
    if record.rec_type == "response" and record.http_headers is not None:
        if (record.http_headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
            from warcio.bufferedreaders import ChunkedDataReader

            stream = ChunkedDataReader(record.raw_stream)
        encoding = record.http_headers.get_header("Content-Encoding")
    raw = read_within(stream, cap, None, limits, "the record body")
    return decode_content(raw, encoding, cap, limits, "the record body")


def _looks_like_warc(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(16)
    return head.startswith(b"WARC/") or head.startswith(b"\x1f\x8b")


def _content_type(record) -> Optional[str]:
    if record.rec_type == "response" and record.http_headers is not None:
        return record.http_headers.get_header("Content-Type")
    return record.rec_headers.get_header("Content-Type")


def iter_warc(path: Path, limits: Limits) -> Iterator:
    """SourceItems of a .warc / .warc.gz file, multi-page documents joined. A file that is not a readable
    WARC, or holds no document, gives an IngestError: a capture never vanishes without an entry."""
    path = Path(path)
    try:
        if not _looks_like_warc(path):
            yield IngestError(str(path), "corrupt_archive", "not a WARC file (it starts with neither a WARC/1.x header "
                              "nor a gzip member)")
            return
        tally = _Tally()
        index = _index(path, tally)
    except Exception as e:  # a truncated or corrupt archive: report it, never stop the batch
        yield IngestError(str(path), "corrupt_archive", f"unreadable WARC: {type(e).__name__}: {e}")
        return
    if not index:
        yield IngestError(str(path), "no_documents", f"nothing to read: {tally.summary()}")
        return
    groups = _group(index)
    member_of: dict[int, str] = {}
    for key, members in groups.items():
        for r in members:
            member_of[r.offset] = key
    pending: dict[str, dict[int, bytes]] = {k: {} for k in groups}
    yielded = 0
    try:
        for record, offset, data in _records(path, limits=limits):
            url = record.rec_headers.get_header("WARC-Target-URI")
            if isinstance(data, OverBudget):
                yield IngestError(f"{path}!{url}", data.error, data.reason)
                yielded += 1
                continue
            key = member_of.get(offset)
            if key is None:
                ctype = _content_type(record)
                yield SourceItem(path=f"{path}!{url}", data=data, url=url, site=site_of(url),
                                 captured_at=_iso(record.rec_headers.get_header("WARC-Date")), content_type=ctype,
                                 format_hint=format_for(ctype))
                yielded += 1
                continue
            pending[key][offset] = data
            members = groups[key]
            if len(pending[key]) == len(members):
                yield _joined(path, members, pending.pop(key))
                yielded += 1
    except Exception as e:
        yield IngestError(str(path), "corrupt_archive", f"WARC read stopped: {type(e).__name__}: {e}")
        return
    for key, got in pending.items():
        if got:  # a page of a joined document broke a budget: the rest still reaches the corpus
            members = [m for m in groups[key] if m.offset in got]
            yield _joined(path, members, got)
            yielded += 1
    if not yielded:
        yield IngestError(str(path), "no_documents", "no record of the WARC could be read")


def _index(path: Path, tally: Optional[_Tally] = None) -> list[_Rec]:
    out = []
    for record, offset, _ in _records(path, read=False, tally=tally):
        url = record.rec_headers.get_header("WARC-Target-URI")
        page = record.rec_headers.get_header(PAGE_HEADER)
        out.append(_Rec(url, record.rec_headers.get_header("WARC-Date"), _content_type(record), offset,
                        record.rec_headers.get_header(DOC_HEADER), int(page) if page and page.isdigit() else None,
                        int(record.rec_headers.get_header("Content-Length") or 0)))
    return out


def _group(index: list[_Rec]) -> dict[str, list[_Rec]]:
    """Pages of one document, page 1 first. Only HTML pages are joined; the last capture of a URL wins."""
    latest: dict[str, _Rec] = {}
    for r in index:
        if (format_for(r.ctype) or "html") == "html":
            latest[r.url] = r
    groups: dict[str, list[tuple[int, _Rec]]] = {}
    for r in latest.values():
        if r.doc and r.doc != r.url:
            groups.setdefault(r.doc, []).append((r.page or 2, r))
            continue
        found = page_of(r.url)
        if found and found[0] in latest:
            groups.setdefault(found[0], []).append((found[1], r))
    out = {}
    for key, pages in groups.items():
        first = latest.get(key)
        if first is None:
            continue  # page 1 not captured: continuation pages stay separate items
        pages = sorted(pages, key=lambda p: p[0])
        out[key] = [first] + [r for _, r in pages]
    return out


def _joined(path: Path, members: list[_Rec], data: dict[int, bytes]) -> SourceItem:
    """One multipart/related (MHTML) item holding the pages in order."""
    first = members[0]
    boundary = "----=_fangan_" + hashlib.sha1("\n".join(m.url for m in members).encode()).hexdigest()[:24]
    out = io.BytesIO()
    for m in members:
        out.write(f"--{boundary}\r\n".encode())
        out.write(f"Content-Type: {m.ctype or 'text/html'}\r\n".encode("ascii", "replace"))
        out.write(f"Content-Location: {m.url}\r\n".encode("ascii", "replace"))
        out.write(b"Content-Transfer-Encoding: base64\r\n\r\n")
        out.write(base64.encodebytes(data[m.offset]).replace(b"\n", b"\r\n"))
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    ctype = f'multipart/related; type="text/html"; boundary="{boundary}"'
    body = f"MIME-Version: 1.0\r\nContent-Type: {ctype}\r\n\r\n".encode() + out.getvalue()
    return SourceItem(path=f"{path}!{first.url}", data=body, url=first.url, site=site_of(first.url),
                      captured_at=_iso(first.date), content_type=ctype, format_hint="html")


def _iso(warc_date: Optional[str]) -> Optional[str]:
    if not warc_date:
        return None
    try:
        return datetime.fromisoformat(warc_date.replace("Z", "+00:00")).isoformat(timespec="seconds")
    except ValueError:
        return warc_date


# --------------------------------------------------------------------------------------------------------------
# writing

_DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcWriter:
    """Appends request/response records to one gzip-compressed WARC file."""

    def __init__(self, path: Path, software: str = "fangan scrape", info: Optional[dict] = None):
        from warcio.warcwriter import WARCWriter

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "ab")
        self._writer = WARCWriter(self._fh, gzip=True)
        self.records = 0
        fields = {"software": software, "format": "WARC File Format 1.1", "robots": "obey"}
        fields.update(info or {})
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, fields))

    def write(self, url: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes,
              request_headers: Optional[list[tuple[str, str]]] = None, method: str = "GET",
              captured_at: Optional[datetime] = None, ip: Optional[str] = None,
              extra: Optional[dict[str, str]] = None) -> None:
        from warcio.statusandheaders import StatusAndHeaders

        when = (captured_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
        warc_date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        wh = {"WARC-Date": warc_date}
        if ip:
            wh["WARC-IP-Address"] = ip
        wh.update(extra or {})
        response = self._writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                   http_headers=http, warc_headers_dict=wh)
        parts = urlsplit(url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        req_http = StatusAndHeaders(f"{method} {target} HTTP/1.1", [("Host", parts.netloc)] + list(request_headers or []),
                                    is_http_request=True)
        request = self._writer.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0,
                                                  http_headers=req_http, warc_headers_dict={"WARC-Date": warc_date})
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        self._writer.write_record(response)
        self._writer.write_record(request)
        self._fh.flush()
        self.records += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()
