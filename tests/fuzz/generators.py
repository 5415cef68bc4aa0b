"""Generators of bad and odd inputs for the fuzzing harness (`tests/fuzz/`, `benchmarks/fuzz.py`).

Every category of issue #11 has a generator: random bytes under every extension; truncated and
bit-flipped documents (txt, html, docx, pdf, OLE .doc); archives (empty, hidden-only, bombs, corrupt,
nested, with links); WARCs (random, truncated, non-2xx only, non-HTTP only, gzip/deflate/brotli
Content-Encoding bombs, chunked bodies); odd names (not UTF-8, rich markup, newlines, very long);
file-system oddities (hidden files, OS metadata, duplicates, dangling links, links out of the input
folder, FIFOs); and odd text (UTF-16 with lone surrogates, no Chinese, XML-illegal characters in HTML,
empty or blank files, a lone title line).

`generate(folder, n, seed)` writes about `n` top-level inputs into `folder` and returns their names.
Each generator writes one top-level entry (a file, a link or a folder) and returns its name, so the
harness can demand that every name ends in at least one record, error or skipped entry.
"""
from __future__ import annotations

import gzip
import io
import os
import random
import stat
import tarfile
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Callable

PLAN = """县卫生健康局2024年夏季食品安全专项整治工作方案
各乡镇卫生院、县直各医疗卫生单位：
为切实加强夏季食品安全监管，保障人民群众饮食安全，制定本方案。
一、工作目标
集体食堂监督检查覆盖率达到100%，从业人员健康证持证率达到98%以上。
二、工作步骤
（一）动员部署阶段（2024年5月20日至6月10日）。各单位制定具体方案。
（二）集中整治阶段（2024年6月11日至8月31日）。7月15日前完成从业人员培训。
三、工作要求
（一）加强领导。（责任单位：县卫生监督所、各乡镇卫生院）
（二）强化督查。每季度末前报送工作进展。
县卫生健康局
二〇二四年五月二十日
"""

TEXT_EXTENSIONS = ["txt", "md", "html", "htm", "aspx", "xhtml", "shtml", "mht", "mhtml", ""]
BINARY_EXTENSIONS = ["doc", "wps", "rtf", "docx", "pdf", "zip", "tar", "tar.gz", "tgz", "7z", "warc", "warc.gz", "bin",
                     "jpg"]


# --------------------------------------------------------------------------------------------------
# base documents, built once


@lru_cache(maxsize=None)
def base_docx() -> bytes:
    import docx

    d = docx.Document()
    for i, line in enumerate(PLAN.splitlines()):
        d.add_heading(line, level=1) if i == 0 else d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@lru_cache(maxsize=None)
def base_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("STSong-Light", 11)
    y = 800
    for line in PLAN.splitlines():
        c.drawString(50, y, line)
        y -= 18
    c.save()
    return buf.getvalue()


@lru_cache(maxsize=None)
def traditional_plan() -> str:
    """The plan in traditional script, as a Big5 document would hold it."""
    import opencc

    return opencc.OpenCC("s2t").convert(PLAN)


def base_html(charset: str = "utf-8") -> bytes:
    body = "".join(f"<p>{line}</p>" for line in PLAN.splitlines()[1:])
    title = PLAN.splitlines()[0]
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body><h1>{title}</h1>{body}</body></html>")
    return page.encode(charset)


def ole_doc(rng: random.Random) -> bytes:
    """An OLE compound file header followed by noise: a damaged legacy .doc."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(rng.randint(0, 4000))


# --------------------------------------------------------------------------------------------------
# mutations


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randint(0, max(0, len(data) - 1))]


def bitflip(rng: random.Random, data: bytes, flips: int = 0) -> bytes:
    b = bytearray(data)
    for _ in range(flips or rng.randint(1, 12)):
        if b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def mutate(rng: random.Random, data: bytes) -> bytes:
    return truncate(rng, data) if rng.random() < 0.5 else bitflip(rng, data)


# --------------------------------------------------------------------------------------------------
# containers


def zip_bytes(members: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def tar_bytes(members: list[tuple[str, bytes]], links: list[tuple[str, str]] = (), mode: str = "w:gz") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        for name, target in links:
            ti = tarfile.TarInfo(name)
            ti.type = tarfile.SYMTYPE
            ti.linkname = target
            tf.addfile(ti)
    return buf.getvalue()


def warc_bytes(records: list[dict], compress: bool) -> bytes:
    """A WARC of the given records: dict(url, status, headers, body, rec_type, raw_body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=compress)
    for r in records:
        rec_type = r.get("rec_type", "response")
        body = r.get("body", b"")
        http = None
        if rec_type in ("response", "request") and r.get("http", True):
            headers = list(r.get("headers", [("Content-Type", "text/html; charset=utf-8")]))
            headers.append(("Content-Length", str(len(body))))
            line = f"{r.get('status', 200)} OK" if rec_type == "response" else "GET / HTTP/1.1"
            http = StatusAndHeaders(line, headers, protocol="HTTP/1.1", is_http_request=rec_type == "request")
        rec = w.create_warc_record(r.get("url", "http://example.gov.cn/a.html"), rec_type, payload=io.BytesIO(body),
                                   length=len(body), http_headers=http)
        w.write_record(rec)
    return buf.getvalue()


@lru_cache(maxsize=None)
def brotli_bomb(size: int) -> bytes:
    import brotli

    return brotli.compress(b"\0" * size, quality=5)


@lru_cache(maxsize=None)
def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed (1 GB → 1 MB; inside a .warc.gz record, about 2 KB)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as g:
        chunk = b"\0" * (1 << 20)
        for _ in range(size // len(chunk)):
            g.write(chunk)
    return out.getvalue()


@lru_cache(maxsize=None)
def deflate_bomb(size: int) -> bytes:
    return zlib.compress(b"\0" * size, 9)


# --------------------------------------------------------------------------------------------------
# the generators: (rng, folder, i) -> name of the one top-level entry written


Gen = Callable[[random.Random, Path, int], str]


def _write(folder: Path, name: str, data: bytes) -> str:
    (folder / name).write_bytes(data)
    return name


def g_random_bytes(rng, folder, i):
    ext = rng.choice(TEXT_EXTENSIONS + BINARY_EXTENSIONS)
    return _write(folder, f"rand{i}" + (f".{ext}" if ext else ""), rng.randbytes(rng.choice([0, 1, 10, 300, 5000, 40000])))


def g_mutated_text(rng, folder, i):
    enc = rng.choice(["utf-8", "gb18030", "big5", "utf-16"])
    data = (traditional_plan() if enc == "big5" else PLAN).encode(enc, "replace")
    return _write(folder, f"text{i}.{rng.choice(['txt', 'md', ''])}".rstrip("."), mutate(rng, data))


def g_mutated_html(rng, folder, i):
    data = base_html(rng.choice(["utf-8", "gbk"]))
    return _write(folder, f"page{i}.{rng.choice(['html', 'htm', 'aspx', 'xhtml'])}", mutate(rng, data))


def g_mutated_docx(rng, folder, i):
    return _write(folder, f"doc{i}.docx", mutate(rng, base_docx()))


def g_mutated_pdf(rng, folder, i):
    return _write(folder, f"pdf{i}.pdf", mutate(rng, base_pdf()))


def g_ole_doc(rng, folder, i):
    return _write(folder, f"legacy{i}.{rng.choice(['doc', 'wps'])}", ole_doc(rng))


def g_disguised(rng, folder, i):
    """Text or HTML under a word-processor or PDF name, and a .docx under a text name."""
    kind = rng.randrange(3)
    if kind == 0:
        return _write(folder, f"disguised{i}.{rng.choice(['doc', 'wps', 'rtf', 'pdf'])}", base_html())
    if kind == 1:
        return _write(folder, f"disguised{i}.{rng.choice(['doc', 'docx'])}", PLAN.encode("gb18030"))
    return _write(folder, f"disguised{i}.{rng.choice(['txt', 'html'])}", base_docx())


def g_archive(rng, folder, i, kind=None):
    kind = rng.randrange(9) if kind is None else kind
    plan = PLAN.replace("2024", str(2000 + i % 100)).encode("utf-8") + f"\n{i}".encode()
    if kind == 0:
        return _write(folder, f"empty{i}.zip", zip_bytes([]))
    if kind == 1:
        return _write(folder, f"hidden{i}.zip", zip_bytes([("__MACOSX/._a.txt", b"x"), (".DS_Store", b"x"),
                                                         ("Thumbs.db", b"x"), (".hidden/a.txt", plan)]))
    if kind == 2:
        return _write(folder, f"bomb{i}.zip", zip_bytes([("a.txt", b"\0" * (20 << 20)), ("b.txt", plan)]))
    if kind == 3:
        return _write(folder, f"corrupt{i}.{rng.choice(['zip', 'tar.gz', '7z'])}",
                      mutate(rng, zip_bytes([("a.txt", plan), ("b.html", base_html())])))
    if kind == 4:
        inner = zip_bytes([("inner/计划.txt", plan)])
        return _write(folder, f"nested{i}.zip", zip_bytes([("n.zip", inner), ("../evil.txt", plan), ("dir/", b"")]))
    if kind == 5:
        return _write(folder, f"links{i}.tar.gz", tar_bytes([("a.txt", plan)], links=[("l", "/etc/passwd")]))
    if kind == 6:
        return _write(folder, f"tarbomb{i}.tgz", tar_bytes([("z.txt", b"\0" * (20 << 20))]))
    if kind == 7:
        import py7zr

        buf = io.BytesIO()
        with py7zr.SevenZipFile(buf, "w") as z:
            z.writestr(plan, "a.txt")
            z.writestr(b"", ".hidden")
        return _write(folder, f"seven{i}.7z", buf.getvalue())
    return _write(folder, f"mixed{i}.zip", zip_bytes([("a.txt", plan), ("b.bin", rng.randbytes(500)),
                                                      ("c.docx", truncate(rng, base_docx()))]))


def g_warc(rng, folder, i, kind=None):
    kind = rng.randrange(10) if kind is None else kind
    html = base_html()
    url = f"http://www.example.gov.cn/art/{i}.html"
    compress = rng.random() < 0.5
    ext = "warc.gz" if compress else "warc"
    if kind == 0:
        return _write(folder, f"randwarc{i}.{ext}", rng.randbytes(rng.choice([0, 20, 3000])))
    if kind == 1:
        data = warc_bytes([{"url": url, "body": html}], compress)
        return _write(folder, f"truncwarc{i}.{ext}", truncate(rng, data))
    if kind == 2:
        return _write(folder, f"non2xx{i}.{ext}", warc_bytes([{"url": url, "status": rng.choice([301, 404, 500]), "body": html}], compress))
    if kind == 3:
        return _write(folder, f"nonhttp{i}.{ext}", warc_bytes([{"url": "dns:example.gov.cn", "rec_type": "resource",
                                                                "body": b"1.2.3.4", "http": False},
                                                               {"url": url, "rec_type": "request"}], compress))
    if kind == 4:
        body = gzip_bomb(1 << 30) if rng.random() < 0.2 else gzip_bomb(64 << 20)
        return _write(folder, f"gzbomb{i}.{ext}", warc_bytes([{"url": url, "body": body, "headers": [
            ("Content-Type", "text/html"), ("Content-Encoding", "gzip")]}], compress))
    if kind == 5:
        return _write(folder, f"brbomb{i}.{ext}", warc_bytes([{"url": url, "body": brotli_bomb(256 << 20), "headers": [
            ("Content-Type", "text/html"), ("Content-Encoding", "br")]}], compress))
    if kind == 6:
        return _write(folder, f"deflate{i}.{ext}", warc_bytes([{"url": url, "body": rng.choice([deflate_bomb(64 << 20), zlib.compress(html)]),
                                                                "headers": [("Content-Type", "text/html"), ("Content-Encoding", "deflate")]}], compress))
    if kind == 7:
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
        return _write(folder, f"chunked{i}.{ext}", warc_bytes([{"url": url, "body": chunked, "headers": [
            ("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")]}], compress))
    if kind == 8:
        return _write(folder, f"lying{i}.{ext}", warc_bytes([{"url": url, "body": html, "headers": [
            ("Content-Type", "text/html"), ("Content-Encoding", rng.choice(["gzip", "br", "deflate", "x-unknown"]))]}], compress))
    return _write(folder, f"randbody{i}.{ext}", warc_bytes([{"url": url, "body": rng.randbytes(3000), "headers": [
        ("Content-Type", rng.choice(["text/html", "application/pdf", "application/msword", "text/plain"]))]}], compress))


def g_odd_name(rng, folder, i, kind=None):
    kind = rng.randrange(5) if kind is None else kind
    data = PLAN.encode("utf-8") + f"\n名{i}".encode()
    if kind == 0:  # not valid UTF-8: GBK bytes, or a lone 0xff
        raw = rng.choice(["方案".encode("gbk"), b"\xff\xfe", b"plan\xe9"]) + f"{i}.txt".encode()
        with open(os.path.join(os.fsencode(folder), raw), "wb") as fh:
            fh.write(data)
        return os.fsdecode(raw)
    if kind == 1:
        if rng.random() < 0.5:  # markup in member paths: "[/red]" needs a slash, which only an archive name can hold
            return _write(folder, f"markup{i}.zip", zip_bytes([("[/red]x.txt", rng.randbytes(300)),
                                                               ("[bold]/[/]y.doc", rng.randbytes(300)),
                                                               ("[link=file:///etc]z.txt", data)]))
        name = rng.choice(["[red]", "[bold]x[", "[link=file:]", "[]"]) + f"{i}.txt"
    elif kind == 2:
        name = f"line\nbreak{i}.txt"
    elif kind == 3:
        name = ("长" * 60) + f"{i}.txt"  # 180+ bytes
    else:
        name = f"-dash {i} 空 格.TXT"
    return _write(folder, name, data if rng.random() < 0.7 else rng.randbytes(200) + b"[/red]\x00")


def g_fs_oddity(rng, folder, i, kind=None):
    kind = rng.randrange(8) if kind is None else kind
    if kind == 0:
        return _write(folder, f".hidden{i}.txt", PLAN.encode())
    if kind == 1:
        return _write(folder, rng.choice(["Thumbs.db", ".DS_Store", "desktop.ini"]) if i % 50 == 0 else f"x{i}.Thumbs.db",
                      rng.randbytes(100))
    if kind == 2:
        os.symlink(f"/nonexistent/{i}", folder / f"dangling{i}.txt")
        return f"dangling{i}.txt"
    if kind == 3:
        os.symlink("/etc/passwd", folder / f"outside{i}.txt")
        return f"outside{i}.txt"
    if kind == 4:
        name = f"fifo{i}.txt"
        os.mkfifo(folder / name)
        return name
    if kind == 5:  # a folder holding only OS metadata and hidden files
        d = folder / f"meta{i}"
        (d / "__MACOSX").mkdir(parents=True)
        (d / "__MACOSX" / "._x.txt").write_bytes(b"x")
        (d / ".DS_Store").write_bytes(b"x")
        return d.name
    if kind == 6:  # a duplicate of the base plan (the first copy is a record, the rest skipped)
        return _write(folder, f"dup{i}.txt", PLAN.encode("utf-8"))
    d = folder / f"noperm{i}"
    d.mkdir()
    (d / "a.txt").write_bytes(PLAN.encode() + f"{i}".encode())
    os.chmod(d, 0)  # unreadable (except for root)
    return d.name


def g_odd_text(rng, folder, i, kind=None):
    kind = rng.randrange(9) if kind is None else kind
    if kind == 0:  # UTF-16 with lone surrogates
        body = PLAN.encode("utf-16-le")
        cut = rng.randrange(0, len(body) // 2) * 2
        data = b"\xff\xfe" + body[:cut] + rng.choice([b"\x00\xd8", b"\x00\xdc"]) + body[cut:]
        return _write(folder, f"surrogate{i}.{rng.choice(['txt', 'html'])}", data)
    if kind == 1:
        return _write(folder, f"english{i}.txt", b"Implementation plan\nThis document has no Chinese at all.\n" * rng.randint(1, 20))
    if kind == 2:
        return _write(folder, f"nul{i}.html", base_html().replace(b"<p>", b"<p>\x00\x01\x0b", 3))
    if kind == 3:
        return _write(folder, f"blank{i}.txt", rng.choice([b"", b" \n\t\r\n", "\u3000\n".encode()]))
    if kind == 4:
        return _write(folder, f"titleonly{i}.txt", PLAN.splitlines()[0].encode())
    if kind == 5:
        return _write(folder, f"markup{i}.txt", (PLAN + "\n[/red][bold]注意[/] [link=x]链接[/link]\n").encode())
    if kind == 6:
        return _write(folder, f"xmldecl{i}.xhtml", b'<?xml version="1.0" encoding="gb2312"?>' + base_html("gbk"))
    if kind == 7:
        return _write(folder, f"mht{i}.mht", b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
                      + rng.randbytes(500))
    return _write(folder, f"long{i}.txt", (PLAN * rng.randint(50, 400)).encode())


GENERATORS: list[tuple[Gen, float]] = [
    (g_random_bytes, 30),
    (g_mutated_text, 8),
    (g_mutated_html, 8),
    (g_mutated_docx, 6),
    (g_mutated_pdf, 6),
    (g_ole_doc, 0.5),
    (g_disguised, 4),
    (g_archive, 10),
    (g_warc, 10),
    (g_odd_name, 6),
    (g_fs_oddity, 6),
    (g_odd_text, 8),
]


#: generators with numbered kinds: every kind is written once at the start of a run, so even a short
#: run covers every category
KINDS = {g_archive: 9, g_warc: 10, g_odd_name: 5, g_fs_oddity: 8, g_odd_text: 9}


def generate(folder: Path, n: int, seed: int = 0, generators=GENERATORS) -> list[str]:
    """Write `n` top-level inputs into `folder` (created); return their names."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    gens, weights = zip(*generators)
    every_kind = [(gen, k) for gen, count in KINDS.items() for k in range(count)]
    names = []
    for i in range(n):
        uid = seed * 1_000_000 + i
        if i < len(every_kind):
            gen, kind = every_kind[i]
            names.append(gen(rng, folder, uid, kind=kind))
        else:
            names.append(rng.choices(gens, weights)[0](rng, folder, uid))
    return names


def make_readable(folder: Path) -> None:
    """Undo the chmod 000 of `g_fs_oddity`, so the folder can be removed."""
    for root, dirs, _ in os.walk(folder):
        for d in dirs:
            p = os.path.join(root, d)
            try:
                if not os.path.islink(p):
                    os.chmod(p, stat.S_IRWXU)
            except OSError:
                pass


__all__ = ["generate", "GENERATORS", "make_readable", "PLAN"]
