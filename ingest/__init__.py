"""Ingest: turn user inputs (files, folders, archives, WARC captures) into `SourceItem`s.

Nothing here interprets content beyond what is needed to find the members of a container;
every unreadable input becomes an `IngestError` item so the batch can record it and go on.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence, Union

#: names that are never documents: operating-system metadata and our own bookkeeping
OS_METADATA_NAMES = {".DS_Store", "Thumbs.db", "ehthumbs.db", "desktop.ini", "Desktop.ini", ".localized"}
#: lists that describe a collection rather than being one of its documents
MANIFEST_NAMES = {"MANIFEST.tsv"}
#: folders that hold only operating-system metadata (macOS resource forks in zips, Windows recycle bins)
OS_METADATA_DIRS = {"__MACOSX", "$RECYCLE.BIN", "System Volume Information"}
SKIP_NAMES = OS_METADATA_NAMES | MANIFEST_NAMES  # the old name, kept for importers


@dataclass
class SourceItem:
    """One document's bytes and where they came from."""

    path: str  # display path; archive members as `a.zip!/dir/file.docx`
    data: bytes
    url: Optional[str] = None
    site: Optional[str] = None
    captured_at: Optional[str] = None
    content_type: Optional[str] = None  # e.g. from an HTTP header: "text/html; charset=gbk"
    format_hint: Optional[str] = None
    _sha256: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.data).hexdigest()
        return self._sha256

    @property
    def size(self) -> int:
        return len(self.data)

    def reference(self) -> "SourceRef":
        """Everything but the bytes: what later stages need once the document is parsed."""
        return SourceRef(self.path, self.sha256, self.size, self.url, self.site, self.captured_at)

    @property
    def suffix(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return os.path.splitext(name)[1].lower().lstrip(".")


@dataclass(frozen=True)
class SourceRef:
    path: str
    sha256: str
    size: int
    url: Optional[str] = None
    site: Optional[str] = None
    captured_at: Optional[str] = None


@dataclass
class IngestError:
    """An input that could not be read at all (missing, unreadable, a bad archive member …)."""

    path: str
    error: str
    reason: str
    sha256: Optional[str] = None


@dataclass
class Skipped(IngestError):
    """An input deliberately not read (hidden file, OS metadata, duplicate, a link out of the inputs …).

    A subclass of `IngestError`, so a consumer that knows only errors still accounts for it."""


Item = Union[SourceItem, IngestError]


@dataclass
class Limits:
    """Budgets that hold for every input, whatever container or codec it comes through.

    `max_file_bytes` bounds one document's bytes *after* decompression (a zip member, a tar member, a
    WARC record body after its gzip/deflate/brotli Content-Encoding); `max_archive_total_bytes` bounds
    everything decompressed out of one top-level container (zip, tar, 7z, WARC); `max_compression_ratio`
    stops a bomb early, before the byte budgets are reached; `max_text_chars` bounds the decoded text of
    one document (checked by the parsers). `max_seconds` + `max_seconds_per_mb` for each MB of the input
    bound the time a build spends on one document (0: no limit): far above what a plan takes (a 5 MB text,
    about 3 s), so that only an input that never finishes meets it."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_archive_total_bytes: int = 1024 * 1024 * 1024
    max_archive_members: int = 10_000
    max_compression_ratio: float = 200.0
    max_archive_depth: int = 3
    max_text_chars: int = 50_000_000
    max_seconds: float = 60.0
    max_seconds_per_mb: float = 30.0

    def seconds_for(self, size: int) -> Optional[float]:
        """The time limit of building one input of `size` bytes (None: no limit)."""
        if self.max_seconds <= 0:
            return None
        return self.max_seconds + self.max_seconds_per_mb * size / 1e6


class OverBudget(Exception):
    """A stream passed one of the `Limits` while it was being read."""

    def __init__(self, error: str, reason: str):
        super().__init__(reason)
        self.error, self.reason = error, reason


#: below this size a high compression ratio is harmless (a short form letter of spaces compresses well)
RATIO_FLOOR = 1 << 20
_READ_CHUNK = 1 << 16


def read_within(stream, cap: int, packed: Optional[int], limits: Limits, what: str = "the member") -> bytes:
    """Read `stream` to its end, raising `OverBudget` as soon as it passes `cap` bytes or, past
    RATIO_FLOOR, `limits.max_compression_ratio` times its `packed` size. Memory never exceeds cap + one chunk."""
    out = bytearray()
    while True:
        chunk = stream.read(_READ_CHUNK)
        if not chunk:
            return bytes(out)
        out += chunk
        if len(out) > cap:
            raise OverBudget("too_large", f"{what} decompresses to more than {cap} bytes; not read")
        if packed and len(out) >= RATIO_FLOOR and len(out) / packed > limits.max_compression_ratio:
            raise OverBudget("zip_bomb", f"{what} passed a compression ratio of {limits.max_compression_ratio:.0f}:1 "
                             f"while reading ({len(out)} bytes from {packed}); not read")


def skip_reason(parts: Sequence[str]) -> Optional[tuple[str, str]]:
    """(kind, reason) when a path — its parts below an input folder or inside an archive — is not a
    document to read: OS metadata or a hidden file. None for everything else."""
    if not parts:
        return None
    base = parts[-1]
    for part in parts[:-1]:
        if part in OS_METADATA_DIRS:
            return "os_metadata", f"inside {part}/, which holds operating-system metadata"
    if base in OS_METADATA_NAMES:
        return "os_metadata", f"{base} is operating-system metadata, not a document"
    if base in MANIFEST_NAMES:
        return "manifest", f"{base} lists the collection; it is not one of its documents"
    if base.startswith("._"):
        return "os_metadata", "an AppleDouble resource fork (._name), not a document"
    for part in parts[:-1]:
        if part.startswith("."):
            return "hidden", f"inside the hidden folder {part}/"
    if base.startswith("."):
        return "hidden", "a hidden file"
    return None


def _container_handler(path: str):
    """The expander for a container file (zip, tar, 7z, warc), or None for a plain document."""
    lower = path.lower()
    if not lower.endswith(_container_endings()):
        return None  # (a plain document: most inputs)
    from . import archives

    handler = archives.handler_for(lower)
    if handler is not None:
        return handler
    if lower.endswith(_WARC_ENDINGS):
        from . import warc

        return warc.iter_warc
    return None


_WARC_ENDINGS = (".warc", ".warc.gz")


@lru_cache(maxsize=1)
def _container_endings() -> tuple[str, ...]:
    """How the lowercased name of every container `_container_handler` expands ends."""
    from . import archives

    return archives.ARCHIVE_ENDINGS + _WARC_ENDINGS


def iter_inputs(inputs: Iterable[Union[str, os.PathLike]], limits: Optional[Limits] = None,
                follow_symlinks: bool = False) -> Iterator[Item]:
    """Yield, in a stable (sorted) order, one item per path found under `inputs`: a `SourceItem`, an
    `IngestError` or a `Skipped` entry — never nothing, so every input can be accounted for.

    Symbolic links inside input folders are followed only when they resolve inside one of the input
    roots (`follow_symlinks=True` follows them anywhere); an input named explicitly is always read."""
    limits = limits or Limits()
    inputs = list(inputs)
    roots = [os.path.realpath(os.fspath(raw)) for raw in inputs]
    for raw in inputs:
        p = Path(raw)
        try:
            st = p.stat()
        except FileNotFoundError:
            if p.is_symlink():
                yield IngestError(str(raw), "dangling_symlink", f"a symbolic link to {os.readlink(p)!r}, which does not exist")
            else:
                yield IngestError(str(raw), "not_found", f"no such file or directory: {raw}")
            continue
        except OSError as e:
            yield IngestError(str(raw), "unreadable", _os_reason(e))
            continue
        if stat.S_ISDIR(st.st_mode):
            walker = _Walker(p, roots, follow_symlinks, limits)
            yield from walker.walk(p, ())
        else:
            yield from _iter_file(p, limits, st)


def _os_reason(e: OSError) -> str:
    return f"{type(e).__name__}: {e.strerror or e}"


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


@dataclass
class _Walker:
    root: Path
    roots: list[str]
    follow_symlinks: bool
    limits: Limits

    def walk(self, folder: Path, parts: tuple[str, ...], ancestors: frozenset = frozenset()) -> Iterator[Item]:
        try:
            st = folder.stat()
            key = (st.st_dev, st.st_ino)
            if key in ancestors:  # a link back up the tree: walking it would never end
                yield Skipped(str(folder), "symlink_loop", "a link to a folder that contains it; not followed")
                return
            # (scandir: each entry says from the folder listing itself whether it is a link, a folder or a file, so
            # a plain file costs one stat, not an lstat and a stat through two Path objects)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_entry_name)  # (the order of the sorted names)
        except OSError as e:
            yield IngestError(str(folder), "unreadable_folder", _os_reason(e))
            return
        inner = ancestors | {key}  # (one set for the folder's entries, not one per entry)
        prefix = _child_prefix(str(folder))
        for e in entries:
            yield from self.entry(e, prefix + e.name, parts + (e.name,), inner)

    def entry(self, e: os.DirEntry, path: str, parts: tuple[str, ...], ancestors: frozenset) -> Iterator[Item]:
        """One entry of a folder; `path` is `str(folder / e.name)`."""
        why = skip_reason(parts)
        if why is not None:
            yield Skipped(path, *why)
            return
        try:
            if e.is_symlink():
                target = os.path.realpath(path)
                if not os.path.exists(target):
                    yield IngestError(path, "dangling_symlink", f"a symbolic link to {os.readlink(path)!r}, which does not exist")
                    return
                if not self.follow_symlinks and not _inside(target, self.roots):
                    yield Skipped(path, "symlink_outside", "a symbolic link to a place outside the input folders; "
                                  "not followed (use --follow-symlinks to read it)")
                    return
                st = os.stat(path)
            else:
                st = e.stat(follow_symlinks=False)  # (not a link: its own stat is what a stat through it gives)
        except OSError as err:
            yield IngestError(path, "unreadable", _os_reason(err))
            return
        if stat.S_ISDIR(st.st_mode):
            if len(parts) > MAX_FOLDER_DEPTH:
                yield IngestError(path, "too_deep", f"more than {MAX_FOLDER_DEPTH} folders deep; not read")
                return
            yield from self.walk(Path(path), parts, ancestors)
        else:
            yield from _iter_file(path, self.limits, st)


def _entry_name(e: os.DirEntry) -> str:
    return e.name


def _child_prefix(folder: str) -> str:
    """What `str(Path(folder) / name)` puts before `name`, for the string `str(path)` of a folder's Path (normalized:
    no trailing slash but for the root, "." for the current folder)."""
    if folder == ".":
        return ""
    return folder if folder.endswith("/") else folder + "/"


#: folders nested deeper than this are not walked (links between folders can build any depth)
MAX_FOLDER_DEPTH = 64


def _iter_file(f: Union[str, Path], limits: Limits, st: Optional[os.stat_result] = None) -> Iterator[Item]:
    name = str(f)
    try:
        st = st or os.stat(f)
        if not stat.S_ISREG(st.st_mode):
            yield IngestError(name, "not_a_file", "a FIFO, socket or device, not a regular file; not read")
            return
        if st.st_size > limits.max_file_bytes:
            yield IngestError(name, "too_large", f"{st.st_size} bytes exceeds the {limits.max_file_bytes}-byte limit")
            return
        handler = _container_handler(name)
        if handler is not None:
            yield from handler(Path(f), limits)
            return
        data = _read_capped(f, st.st_size, limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            yield IngestError(name, "too_large", f"the file grew past the {limits.max_file_bytes}-byte limit while read")
            return
        yield SourceItem(path=name, data=data)
    except OSError as e:
        yield IngestError(name, "unreadable", _os_reason(e))


def _read_capped(f: Union[str, Path], size: int, cap: int) -> bytes:
    """The file's bytes up to `cap` (its end, or `cap` bytes when it holds more): the bytes `read(cap)` gives. Read
    by the size its stat gave plus one byte, the rest only when that byte came (it grew since): a read of `cap` bytes
    at once reserves `cap` bytes (hundreds of MB) for every file, however small. Through the descriptor (no file
    object: two of them, a buffer and their checks cost more than the read of a small file)."""
    fd = os.open(f, os.O_RDONLY | _OPEN_FLAGS)
    try:
        want = min(size + 1, cap)
        chunks: list[bytes] = []
        have = 0
        while have < cap:
            chunk = os.read(fd, (want if have < want else cap) - have)
            if not chunk:
                break  # (the end)
            chunks.append(chunk)
            have += len(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_OPEN_FLAGS = getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
