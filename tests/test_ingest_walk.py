"""The folder walk (scandir, one stat per plain file, reads sized by the stat) yields exactly what the plain walk
through Path objects yields: the same items, paths, errors and bytes, in the same order."""
from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional
from unittest import mock

import pytest

import fangan.ingest as ingest
from fangan.ingest import (MAX_FOLDER_DEPTH, IngestError, Item, Limits, Skipped, SourceItem, _container_handler,
                           _inside, _os_reason, iter_inputs, skip_reason)


# ---- the plain walk (the formulation before the shortcut), the oracle ----

@dataclass
class _PlainWalker:
    root: Path
    roots: list[str]
    follow_symlinks: bool
    limits: Limits

    def walk(self, folder: Path, parts: tuple[str, ...], ancestors: frozenset = frozenset()) -> Iterator[Item]:
        try:
            st = folder.stat()
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                yield Skipped(str(folder), "symlink_loop", "a link to a folder that contains it; not followed")
                return
            names = sorted(os.listdir(folder))
        except OSError as e:
            yield IngestError(str(folder), "unreadable_folder", _os_reason(e))
            return
        for name in names:
            yield from self.entry(folder / name, parts + (name,), ancestors | {key})

    def entry(self, path: Path, parts: tuple[str, ...], ancestors: frozenset) -> Iterator[Item]:
        why = skip_reason(parts)
        if why is not None:
            yield Skipped(str(path), *why)
            return
        try:
            if path.is_symlink():
                target = os.path.realpath(path)
                if not os.path.exists(target):
                    yield IngestError(str(path), "dangling_symlink", f"a symbolic link to {os.readlink(path)!r}, which does not exist")
                    return
                if not self.follow_symlinks and not _inside(target, self.roots):
                    yield Skipped(str(path), "symlink_outside", "a symbolic link to a place outside the input folders; "
                                  "not followed (use --follow-symlinks to read it)")
                    return
            st = path.stat()
        except OSError as e:
            yield IngestError(str(path), "unreadable", _os_reason(e))
            return
        if stat.S_ISDIR(st.st_mode):
            if len(parts) > MAX_FOLDER_DEPTH:
                yield IngestError(str(path), "too_deep", f"more than {MAX_FOLDER_DEPTH} folders deep; not read")
                return
            yield from self.walk(path, parts, ancestors)
        else:
            yield from _plain_iter_file(path, self.limits, st)


def _plain_iter_file(f: Path, limits: Limits, st: Optional[os.stat_result] = None) -> Iterator[Item]:
    try:
        st = st or f.stat()
        if not stat.S_ISREG(st.st_mode):
            yield IngestError(str(f), "not_a_file", "a FIFO, socket or device, not a regular file; not read")
            return
        if st.st_size > limits.max_file_bytes:
            yield IngestError(str(f), "too_large", f"{st.st_size} bytes exceeds the {limits.max_file_bytes}-byte limit")
            return
        handler = _container_handler(str(f))
        if handler is not None:
            yield from handler(f, limits)
            return
        with open(f, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            yield IngestError(str(f), "too_large", f"the file grew past the {limits.max_file_bytes}-byte limit while read")
            return
        yield SourceItem(path=str(f), data=data)
    except OSError as e:
        yield IngestError(str(f), "unreadable", _os_reason(e))


def plain_iter_inputs(inputs, limits: Optional[Limits] = None, follow_symlinks: bool = False) -> Iterator[Item]:
    """`iter_inputs` itself, with the plain walker and file reader in place of the shortcut's (the inputs'
    top level is the same code in both)."""
    with mock.patch.object(ingest, "_Walker", _PlainWalker), mock.patch.object(ingest, "_iter_file", _plain_iter_file):
        yield from iter_inputs(inputs, limits, follow_symlinks=follow_symlinks)


def _rows(items) -> list[tuple]:
    out = []
    for it in items:
        if isinstance(it, SourceItem):
            out.append(("item", it.path, it.data, it.url, it.site))
        else:
            out.append((type(it).__name__, it.path, it.error, it.reason, it.sha256))
    return out


def _tree(root: Path) -> Path:
    """A folder with what a walk meets: plain files (empty, Chinese names, sizes around the cap), hidden files and
    folders, OS metadata, nested and empty folders, links inside, outside, dangling and looping, a FIFO, a zip."""
    top = root / "in"
    (top / "子目录" / "深").mkdir(parents=True)
    (top / "空").mkdir()
    (top / ".hidden_dir").mkdir()
    (top / "__MACOSX").mkdir()
    (top / "__MACOSX" / "x.txt").write_bytes(b"meta")
    (top / ".hidden_dir" / "a.txt").write_bytes(b"hidden")
    (top / ".DS_Store").write_bytes(b"\x00\x01")
    (top / "._fork.txt").write_bytes(b"fork")
    (top / "MANIFEST.tsv").write_bytes(b"a\tb\n")
    (top / "empty.txt").write_bytes(b"")
    (top / "方案.txt").write_bytes("实施方案\n一、目标\n".encode("utf-8"))
    (top / "B.txt").write_bytes(b"upper")
    (top / "a.txt").write_bytes(b"lower")
    for n in (99, 100, 101, 5000):
        (top / f"size{n}.txt").write_bytes(bytes(range(256)) * (n // 256) + b"x" * (n % 256))
    (top / "子目录" / "一.txt").write_bytes("一".encode("gb18030") * 30)
    (top / "子目录" / "深" / "二.md").write_bytes(b"# t\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("m/one.txt", "成员".encode("utf-8"))
        z.writestr("m/.hidden.txt", b"h")
    (top / "arch.zip").write_bytes(buf.getvalue())
    outside = root / "outside.txt"
    outside.write_bytes(b"outside")
    os.symlink(outside, top / "link_out.txt")
    os.symlink(top / "a.txt", top / "link_in.txt")
    os.symlink(root / "missing.txt", top / "link_dangling.txt")
    os.symlink(top, top / "子目录" / "loop")
    os.symlink(top / "子目录", top / "link_dir")
    os.mkfifo(top / "fifo.txt")
    return top


@pytest.mark.parametrize("follow", [False, True])
@pytest.mark.parametrize("cap", [None, 100])
def test_walk_yields_what_the_plain_walk_yields(tmp_path, follow, cap):
    top = _tree(tmp_path)
    limits = Limits(max_file_bytes=cap) if cap else None
    for inputs in ([top], [str(top)], [top / "子目录", top / "a.txt", top / "link_in.txt", tmp_path / "nope"],
                   [str(top) + "/"], [top / "link_dangling.txt"]):
        new = _rows(iter_inputs(inputs, limits, follow_symlinks=follow))
        assert new == _rows(plain_iter_inputs(inputs, limits, follow_symlinks=follow))
        assert new  # (something was walked)


def test_walk_from_the_current_and_the_root_folder(tmp_path, monkeypatch):
    top = _tree(tmp_path)
    monkeypatch.chdir(top)
    for inputs in (["."], [".", "子目录"], ["./子目录/"], [Path(".")]):
        assert _rows(iter_inputs(inputs)) == _rows(plain_iter_inputs(inputs))
    assert ingest._child_prefix("/") == "/" and str(Path("/") / "x") == "/" + "x"
    assert ingest._child_prefix(".") == "" and str(Path(".") / "x") == "x"


def test_a_file_that_grew_past_its_stat_is_read_to_the_cap(tmp_path):
    f = tmp_path / "f.txt"
    f.write_bytes(b"abcdefghij")
    for size in range(0, 12):  # (a stat taken when the file held `size` bytes)
        for cap in range(1, 14):
            with open(f, "rb") as fh:
                want = fh.read(cap)
            assert ingest._read_capped(str(f), size, cap) == want


def test_unreadable_folder_is_reported_alike(tmp_path):
    top = _tree(tmp_path)
    locked = top / "locked"
    locked.mkdir()
    (locked / "x.txt").write_bytes(b"x")
    locked.chmod(0)
    try:
        assert _rows(iter_inputs([top])) == _rows(plain_iter_inputs([top]))
    finally:
        locked.chmod(0o755)


def _plain_container_handler(path: str):
    from fangan.ingest import archives, warc

    lower = path.lower()
    handler = archives.handler_for(lower)
    if handler is not None:
        return handler
    if lower.endswith((".warc", ".warc.gz")):
        return warc.iter_warc
    return None


def test_container_handler_is_the_plain_one():
    names = ["a.zip", "A.ZIP", "b.tar", "b.tar.gz", "b.TGZ", "b.tar.bz2", "b.tbz2", "b.tbz", "b.tar.xz", "b.txz", "c.7z",
             "d.warc", "d.warc.gz", "D.WARC.GZ", "e.txt", "e.gz", "e.tar.gzip", "zip", ".zip", "f.docx", "g.warcx", "h.xz",
             "dir/x.Zip", "方案.7Z", ""]
    for name in names:
        assert ingest._container_handler(name) == _plain_container_handler(name), name
