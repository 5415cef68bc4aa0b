"""Archive members as SourceItems: .zip, .tar (.gz/.bz2/.xz), .7z (py7zr), walked recursively.

Every member is read into memory (never extracted to disk), so no member name can write outside
anything. Names are still checked: a member whose path is absolute or climbs out with ``..`` is refused
with an ``unsafe_path`` error record, as are links and devices in tarballs. Member names written in
GBK/GB18030 (or Big5) without the zip UTF-8 flag, the classic of Chinese archives, are decoded as
such instead of as cp437; the Info-ZIP Unicode Path extra field wins when present.

`Limits` (from `fangan.ingest`) bound one top-level archive with everything nested in it: the total
uncompressed bytes, the number of members, the compression ratio of a member, the nesting depth
and the size of one member. Sizes are enforced on the bytes actually read, not on what the headers
claim. A member that breaks a limit becomes an `IngestError`; the other members still come through.

`source.path` names the member inside its archive: ``plans-2011.zip!/卫生局/方案.docx``, nested
archives repeat the ``!/``: ``a.zip!/inner.zip!/x.txt``.
"""
from __future__ import annotations

import contextlib
import io
import re
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from . import IngestError, Item, Limits, Skipped, SourceItem, skip_reason

SEP = "!/"
_CHUNK = 1 << 16
# below this size a high compression ratio is harmless (a short form letter of spaces compresses well)
_RATIO_FLOOR = 1 << 20


class _Stop(Exception):
    """The archive as a whole hit a limit: stop reading it."""

    def __init__(self, error: str, reason: str):
        super().__init__(reason)
        self.error, self.reason = error, reason


@dataclass
class _Budget:
    """What is left for one top-level archive, shared by everything nested inside it."""

    limits: Limits
    total: int = 0
    members: int = 0

    def count_member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_archive_members:
            raise _Stop("too_many_members", f"more than {self.limits.max_archive_members} members; the rest is not read")

    def room(self) -> int:
        return self.limits.max_archive_total_bytes - self.total


_TAR_ENDINGS = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
#: how the (lowercased) name of every archive we read ends: a name ending otherwise has no `archive_kind`
ARCHIVE_ENDINGS = (".zip", ".7z") + _TAR_ENDINGS


def archive_kind(lower_name: str) -> Optional[str]:
    if lower_name.endswith(".zip"):
        return "zip"
    if lower_name.endswith(_TAR_ENDINGS):
        return "tar"
    if lower_name.endswith(".7z"):
        return "7z"
    return None


def handler_for(lower_path: str):
    """The expander for this archive path, or None when it is not an archive we read."""
    kind = archive_kind(lower_path)
    if kind is None:
        return None
    if kind == "7z":
        try:
            import py7zr  # noqa: F401
        except ImportError:
            return _missing_7z
    return iter_archive


def _missing_7z(path: Path, limits: Limits) -> Iterator[Item]:
    yield IngestError(str(path), "unsupported_format", "reading .7z needs py7zr (pip install 'fangan[archives]')")


def iter_archive(path: Path, limits: Limits) -> Iterator[Item]:
    """Every document in the archive at `path` (recursively), or an error record per bad member."""
    budget = _Budget(limits)
    name = str(path)
    kind = archive_kind(name.lower())
    try:
        with open(path, "rb") as fh:
            yield from _walk(fh, kind, name, 1, budget, compressed_size=path.stat().st_size)
    except _Stop as stop:
        yield IngestError(name, stop.error, stop.reason)
    except OSError as e:
        yield IngestError(name, "unreadable", f"{type(e).__name__}: {e}")


def iter_archive_bytes(data: bytes, name: str, limits: Optional[Limits] = None) -> Iterator[Item]:
    """The same walk over an archive already in memory (e.g. from a WARC record)."""
    budget = _Budget(limits or Limits())
    kind = archive_kind(name.lower()) or _sniff_kind(data)
    if kind is None:
        yield IngestError(name, "unsupported_format", "not an archive this reader knows")
        return
    try:
        yield from _walk(io.BytesIO(data), kind, name, 1, budget, compressed_size=len(data))
    except _Stop as stop:
        yield IngestError(name, stop.error, stop.reason)


def _sniff_kind(data: bytes) -> Optional[str]:
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return "zip"
    if data[:6] == b"7z\xbc\xaf\x27\x1c":
        return "7z"
    if data[257:262] == b"ustar" or data[:2] == b"\x1f\x8b" or data[:3] == b"BZh" or data[:6] == b"\xfd7zXZ\x00":
        return "tar"
    return None


# --------------------------------------------------------------------------------------------------
# member names


def decode_name(raw: bytes) -> str:
    """A member name stored as bytes with no declared encoding: UTF-8, else GBK/GB18030, else Big5, else cp437."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from fangan.lexicon.chars import logprob  # the one character model (GBK vs Big5 readings of the same bytes)

    candidates = []
    for codec in ("gb18030", "cp950"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((round(logprob(text), 6), codec == "gb18030", text))
    if candidates:
        return max(candidates)[2]
    return raw.decode("cp437")


def _unicode_path_extra(info: zipfile.ZipInfo, raw: bytes) -> Optional[str]:
    """Info-ZIP Unicode Path extra field (0x7075), valid when its CRC matches the stored name."""
    extra = info.extra or b""
    i = 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack("<HH", extra[i:i + 4])
        body = extra[i + 4:i + 4 + size]
        if hid == 0x7075 and len(body) >= 5 and body[0] == 1:
            crc = struct.unpack("<I", body[1:5])[0]
            if crc == zlib.crc32(raw) & 0xFFFFFFFF:
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
        i += 4 + size
    return None


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename  # declared UTF-8
    try:
        raw = info.filename.encode("cp437")  # undo zipfile's cp437 decoding
    except UnicodeEncodeError:
        return info.filename
    return _unicode_path_extra(info, raw) or decode_name(raw)


_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_member_path(name: str) -> Optional[str]:
    """The member's path inside the archive, normalised, or None when it would escape (absolute, ``..``)."""
    n = name.replace("\\", "/")
    if n.startswith("/") or _DRIVE.match(n) or "\x00" in n:
        return None
    parts = [p for p in n.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def _skip(member: str) -> Optional[tuple[str, str]]:
    """(kind, reason) for a member that is not a document (hidden, OS metadata), else None."""
    return skip_reason(member.split("/"))


# --------------------------------------------------------------------------------------------------
# walking


_Opener = Callable[[], "io.BufferedIOBase"]


@dataclass
class _Member:
    name: str  # as stored (decoded)
    size: Optional[int]  # uncompressed size the archive declares (None when unknown)
    compressed: Optional[int]
    opener: Optional[_Opener]  # None: not a regular file
    problem: Optional[tuple[str, str]] = None  # (error, reason) known before reading


def _walk(fh, kind: str, display: str, depth: int, budget: _Budget, compressed_size: int) -> Iterator[Item]:
    limits = budget.limits
    if depth > limits.max_archive_depth:
        yield IngestError(display, "too_deep", f"archive nested more than {limits.max_archive_depth} levels deep; not opened")
        return
    try:
        members = _list(fh, kind, compressed_size, budget)
    except _Stop:
        raise
    except Exception as e:
        yield IngestError(display, "corrupt_archive", f"not a readable {kind} archive: {type(e).__name__}: {e}")
        return
    if not members:
        yield IngestError(display, "empty_archive", f"the {kind} archive holds no files")
        return
    try:
        for m in members:
            yield from _member(m, display, depth, budget, kind)
    except _Stop:
        raise
    except Exception as e:  # a damaged archive part-way through: keep what was read, record the rest
        yield IngestError(display, "corrupt_archive", f"{kind} archive damaged after some members: {type(e).__name__}: {e}")


def _member(m: _Member, display: str, depth: int, budget: _Budget, kind: str) -> Iterator[Item]:
    limits = budget.limits
    safe = safe_member_path(m.name)
    if safe is None:
        shown = m.name.replace("\\", "/")
        yield IngestError(f"{display}{SEP}{shown}", "unsafe_path",
                          "member path is absolute or climbs out of the archive with '..'; not read")
        return
    path = f"{display}{SEP}{safe}"
    why = _skip(safe)
    if why is not None:
        yield Skipped(path, *why)
        return
    budget.count_member()
    if m.problem:
        yield IngestError(path, *m.problem)
        return
    if m.opener is None:
        yield IngestError(path, "not_a_file", "not a regular file; not read")
        return
    if m.size is not None:
        if m.size > limits.max_file_bytes:
            yield IngestError(path, "too_large", f"{m.size} bytes uncompressed exceeds the {limits.max_file_bytes}-byte limit")
            return
        if m.size > budget.room():
            raise _Stop("archive_too_large",
                        f"uncompressed members exceed the {limits.max_archive_total_bytes}-byte total; the rest is not read")
        if m.compressed and m.size >= _RATIO_FLOOR and m.size / m.compressed > limits.max_compression_ratio:
            yield IngestError(path, "zip_bomb", f"compression ratio {m.size / m.compressed:.0f}:1 exceeds "
                              f"{limits.max_compression_ratio:.0f}:1 ({m.size} bytes from {m.compressed}); not read")
            return
    try:
        data = _read_capped(m, budget, path)
    except _MemberTooBig as e:
        yield IngestError(path, e.error, e.reason)
        return
    except (RuntimeError, NotImplementedError) as e:  # zipfile: encrypted or unsupported method
        msg = str(e)
        if "encrypted" in msg.lower() or "password" in msg.lower():
            yield IngestError(path, "encrypted_member", "the member is password-protected; not read")
        else:
            yield IngestError(path, "unreadable", f"{type(e).__name__}: {msg}")
        return
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, OSError, ValueError) as e:
        yield IngestError(path, "corrupt_member", f"{type(e).__name__}: {e}")
        return
    inner = archive_kind(safe.lower()) or _sniff_kind_strict(data)
    if inner is not None:
        yield from _walk(io.BytesIO(data), inner, path, depth + 1, budget, compressed_size=len(data))
        return
    yield SourceItem(path=path, data=data)


def _sniff_kind_strict(data: bytes) -> Optional[str]:
    """Only unmistakable archives without an archive extension (a .docx is a zip too: not that)."""
    if data[:6] == b"7z\xbc\xaf\x27\x1c":
        return "7z"
    return None


class _MemberTooBig(Exception):
    def __init__(self, error: str, reason: str):
        super().__init__(reason)
        self.error, self.reason = error, reason


def _read_capped(m: _Member, budget: _Budget, path: str) -> bytes:
    """Read a member, stopping as soon as it passes a limit, whatever its header claimed."""
    limits = budget.limits
    cap = min(limits.max_file_bytes, budget.room())
    out = bytearray()
    with m.opener() as stream:
        if m.size is not None and m.size < cap and m.size < _RATIO_FLOOR:
            # small and already checked against its header: one read (zipfile/tarfile never return more
            # than the header's size, and the CRC check catches a member that lies about it)
            data = stream.read(m.size + 1)
            if len(data) <= m.size:
                budget.total += len(data)
                return data
            out += data
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            out += chunk
            if len(out) > cap:
                if len(out) > limits.max_file_bytes:
                    raise _MemberTooBig("too_large", f"more than {limits.max_file_bytes} bytes uncompressed "
                                        f"(the header claimed {m.size}); not read")
                budget.total += len(out)
                raise _Stop("archive_too_large",
                            f"uncompressed members exceed the {limits.max_archive_total_bytes}-byte total; the rest is not read")
            if m.compressed and len(out) >= _RATIO_FLOOR and len(out) / m.compressed > limits.max_compression_ratio:
                raise _MemberTooBig("zip_bomb", f"compression ratio passed {limits.max_compression_ratio:.0f}:1 while "
                                    f"reading ({len(out)} bytes from {m.compressed}); not read")
    budget.total += len(out)
    return bytes(out)


# --------------------------------------------------------------------------------------------------
# the three formats


def _list(fh, kind: str, compressed_size: int, budget: _Budget) -> list[_Member]:
    if kind == "zip":
        return _list_zip(fh)
    if kind == "tar":
        return _list_tar(fh, compressed_size)
    if kind == "7z":
        return _list_7z(fh, compressed_size, budget)
    raise ValueError(kind)


def _list_zip(fh) -> list[_Member]:
    zf = zipfile.ZipFile(fh)
    out = []
    for info in zf.infolist():
        name = _zip_name(info)
        if info.is_dir():
            continue
        problem = None
        if info.flag_bits & 0x1:
            problem = ("encrypted_member", "the member is password-protected; not read")
        elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            problem = ("unsupported_compression", f"compression method {info.compress_type} is not supported")
        # a lying header: zipfile itself refuses to read past file_size, and CRC catches the rest
        out.append(_Member(name, info.file_size, max(info.compress_size, 1),
                           (lambda i=info: zf.open(i)), problem))
    return sorted(out, key=lambda m: m.name)


def _list_tar(fh, compressed_size: int) -> list[_Member]:
    tf = tarfile.open(fileobj=fh, mode="r:*")
    out = []
    for ti in tf.getmembers():
        raw = ti.name.encode("utf-8", "surrogateescape")
        name = decode_name(raw)
        if ti.isdir():
            continue
        if ti.issym() or ti.islnk():
            out.append(_Member(name, None, None, None, ("unsafe_member", f"a link to {ti.linkname!r}; links are not followed")))
            continue
        if not ti.isfile():
            out.append(_Member(name, None, None, None, ("not_a_file", "a device, FIFO or other special member; not read")))
            continue
        # a tar is compressed as a whole: a member's ratio is judged against the whole archive's packed size
        out.append(_Member(name, ti.size, max(1, compressed_size), (lambda t=ti: tf.extractfile(t)), None))
    return sorted(out, key=lambda m: m.name)


def _list_7z(fh, compressed_size: int, budget: _Budget) -> list[_Member]:
    import py7zr

    sz = py7zr.SevenZipFile(fh, mode="r")
    if sz.needs_password():
        raise _Stop("encrypted_archive", "the .7z archive is password-protected")
    infos = sorted((i for i in sz.list() if not i.is_directory), key=lambda i: i.filename)
    whole = sum(i.uncompressed or 0 for i in infos)
    batches = _SevenZipBatches(sz, budget)
    out = []
    for info in infos:
        if info.is_symlink:
            out.append(_Member(info.filename, None, None, None, ("unsafe_member", "a symbolic link; links are not followed")))
            continue
        # solid archives only know the packed size of a whole block: share the archive's size out
        packed = info.compressed or max(1, int(compressed_size * (info.uncompressed or 0) / max(1, whole)))
        if _worth_reading(info.filename, info.uncompressed, packed, budget.limits):
            batches.order.append((info.filename, info.uncompressed or 0))
        out.append(_Member(info.filename, info.uncompressed, packed,
                           (lambda name=info.filename: batches.open(name)), None))
    return out


def _worth_reading(name: str, size: Optional[int], packed: Optional[int], limits: Limits) -> bool:
    """False for a member that `_member` will refuse before reading (so a batch never decompresses it)."""
    safe = safe_member_path(name)
    if safe is None or _skip(safe) is not None:
        return False
    if size is not None and size > limits.max_file_bytes:
        return False
    return not (packed and size and size >= _RATIO_FLOOR and size / packed > limits.max_compression_ratio)


class _SevenZipBatches:
    """Members decompressed a batch at a time, in listing order.

    A solid 7z must be decompressed from the start of its block to reach any member, so extracting
    members one by one costs O(n²); a batch of up to BATCH bytes is extracted in one pass instead."""

    BATCH = 64 * 1024 * 1024

    def __init__(self, sz, budget: _Budget):
        self.sz, self.budget = sz, budget
        self.order: list[tuple[str, int]] = []
        self.cache: dict[str, object] = {}

    def open(self, name: str):
        if name not in self.cache:
            self._extract_from(name)
        buf = self.cache.pop(name, None)
        if buf is None:
            raise OSError(f"py7zr did not produce {name!r}")
        buf.seek(0)
        return contextlib.nullcontext(buf)

    def _extract_from(self, name: str) -> None:
        from py7zr.io import BytesIOFactory

        names = [n for n, _ in self.order]
        i = names.index(name) if name in names else len(names)
        if i == len(names):
            self.order.append((name, 0))
        batch, size = [], 0
        for n, sz_ in self.order[i:]:
            if batch and size + sz_ > self.BATCH:
                break
            batch.append(n)
            size += sz_
        # the writer stops storing past the limit, so _read_capped still sees an overflow
        limit = min(self.budget.limits.max_file_bytes, self.budget.room()) + _CHUNK
        factory = BytesIOFactory(limit=limit)
        self.sz.reset()
        self.sz.extract(targets=batch, factory=factory)
        for n in batch:
            if n in factory.products:
                self.cache[n] = factory.get(n)
