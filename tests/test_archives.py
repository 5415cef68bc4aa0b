"""Archives: zip (GBK names, nested, bombs, traversal), tar.gz and 7z, read into memory with limits."""
from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from fangan.ingest import IngestError, Limits, Skipped, SourceItem, iter_inputs
from fangan.ingest.archives import decode_name, handler_for, safe_member_path

PLAN = (
    "县卫生健康局2024年夏季食品安全专项整治工作方案\n"
    "各乡镇卫生院、县直各医疗卫生单位：\n"
    "为切实加强夏季食品安全监管，结合我县实际，制定本方案。\n"
    "一、工作目标\n"
    "集体食堂监督检查覆盖率达到100%。\n"
    "二、工作措施\n"
    "（一）开展拉网式排查\n"
    "各乡镇卫生院要组织专门力量开展全面排查。\n"
    "（二）强化监督抽检\n"
    "县疾病预防控制中心每月抽检不少于两次。\n"
)


def _plan(n: int) -> bytes:
    return PLAN.replace("2024", str(2000 + n)).encode("utf-8")


def zip_raw_names(entries: list[tuple[bytes, bytes]]) -> bytes:
    """A zip whose member names are the given raw bytes with no UTF-8 flag, as old Chinese tools wrote them.

    zipfile always flags non-ASCII names as UTF-8, so each entry is written under an ASCII placeholder of the
    same length and the placeholder bytes are swapped for the raw name (the CRC does not cover names)."""
    buf = io.BytesIO()
    holders = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (raw, data) in enumerate(entries):
            holder = (f"@{n}@" + "#" * len(raw))[: len(raw)].encode("ascii")
            assert len(holder) == len(raw)
            holders.append((holder, raw))
            zf.writestr(holder.decode("ascii"), data)
    out = buf.getvalue()
    for holder, raw in holders:
        assert out.count(holder) == 2
        out = out.replace(holder, raw)
    return out


def _items(paths, limits=None):
    return list(iter_inputs([str(p) for p in paths], limits))


def test_handler_for():
    assert handler_for("a.zip") is not None
    assert handler_for("a.tar.gz") is not None and handler_for("a.tgz") is not None
    assert handler_for("a.7z") is not None
    assert handler_for("a.docx") is None and handler_for("a.txt") is None


def test_decode_name_gbk_big5_utf8():
    assert decode_name("卫生局/方案.txt".encode("gbk")) == "卫生局/方案.txt"
    assert decode_name("衛生局/方案.txt".encode("cp950")) == "衛生局/方案.txt"
    assert decode_name("卫生局/方案.txt".encode("utf-8")) == "卫生局/方案.txt"
    assert decode_name(b"plain.txt") == "plain.txt"


def test_safe_member_path():
    assert safe_member_path("a/./b/../c.txt") is None
    assert safe_member_path("../../etc/passwd") is None
    assert safe_member_path("/etc/passwd") is None
    assert safe_member_path("C:\\Windows\\x.txt") is None
    assert safe_member_path("dir\\sub\\x.txt") == "dir/sub/x.txt"
    assert safe_member_path("./a//b.txt") == "a/b.txt"


def _gbk_zip(tmp_path: Path) -> Path:
    """Names in GBK with no UTF-8 flag, the way WinRAR/old Windows tools wrote them."""
    data = zip_raw_names([("卫生局/食品安全方案.txt".encode("gbk"), _plan(1)),
                          ("教育局/安全工作计划.txt".encode("gbk"), _plan(2))])
    p = tmp_path / "plans-2011.zip"
    p.write_bytes(data)
    return p


def test_gbk_member_names(tmp_path):
    p = _gbk_zip(tmp_path)
    with zipfile.ZipFile(p) as zf:  # the archive really has no UTF-8 flag
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())
    items = _items([p])
    assert [i.path for i in items] == [f"{p}!/卫生局/食品安全方案.txt", f"{p}!/教育局/安全工作计划.txt"]
    assert all(isinstance(i, SourceItem) for i in items)
    assert items[0].data == _plan(1)


def _bad_zip(tmp_path: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner/计划.txt", _plan(3))
    data = zip_raw_names([
        ("卫生局/方案.txt".encode("gbk"), _plan(4)),
        (b"nested.zip", inner.getvalue()),
        (b"bomb.txt", b"\0" * (30 * 1024 * 1024)),  # ~1000:1
        (b"../../evil.txt", _plan(5)),
        (b"/abs/evil2.txt", _plan(6)),
        (b"__MACOSX/._x.txt", b"junk"),
    ])
    p = tmp_path / "mixed.zip"
    p.write_bytes(data)
    return p


def test_nested_bomb_traversal(tmp_path):
    p = _bad_zip(tmp_path)
    items = _items([p])
    good = {i.path: i for i in items if isinstance(i, SourceItem)}
    bad = {i.path: i for i in items if isinstance(i, IngestError) and not isinstance(i, Skipped)}
    skipped = {i.path: i for i in items if isinstance(i, Skipped)}
    assert set(good) == {f"{p}!/卫生局/方案.txt", f"{p}!/nested.zip!/inner/计划.txt"}
    assert bad[f"{p}!/bomb.txt"].error == "zip_bomb"
    assert bad[f"{p}!/../../evil.txt"].error == "unsafe_path"
    assert bad[f"{p}!//abs/evil2.txt"].error == "unsafe_path"
    assert len(bad) == 3
    assert skipped[f"{p}!/__MACOSX/._x.txt"].error == "os_metadata"
    assert len(items) == 6  # one entry per member


def test_build_good_members_and_error_records(tmp_path):
    from fangan.pipeline import build

    p = _bad_zip(tmp_path)
    out = tmp_path / "out"
    before = {x for x in tmp_path.rglob("*")}
    report = build([p, _gbk_zip(tmp_path)], out)
    paths = sorted(json.loads(d.read_text(encoding="utf-8"))["source"]["path"] for d in (out / "documents").glob("*.json"))
    assert f"{p}!/卫生局/方案.txt" in paths
    assert f"{p}!/nested.zip!/inner/计划.txt" in paths
    assert any(x.endswith("plans-2011.zip!/卫生局/食品安全方案.txt") for x in paths)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = {(e["path"].split("!/", 1)[1], e["error"]) for e in errors if e["stage"] == "ingest"}
    assert ("bomb.txt", "zip_bomb") in kinds and ("../../evil.txt", "unsafe_path") in kinds
    # nothing was written outside the output folder (in particular no evil.txt anywhere)
    after = {x for x in tmp_path.rglob("*")}
    assert {x for x in after - before if out not in x.parents and x != out} == {tmp_path / "plans-2011.zip"}
    assert not list(tmp_path.parent.glob("evil*.txt")) and not Path("/abs/evil2.txt").exists()
    assert report.built


def test_member_count_and_total_limits(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in range(12):
            zf.writestr(f"m{n:02d}.txt", _plan(n))
    p = tmp_path / "many.zip"
    p.write_bytes(buf.getvalue())
    items = _items([p], Limits(max_archive_members=5))
    assert sum(isinstance(i, SourceItem) for i in items) == 5
    assert items[-1].error == "too_many_members"
    size = len(_plan(0))
    items = _items([p], Limits(max_archive_total_bytes=3 * size + 10))
    assert sum(isinstance(i, SourceItem) for i in items) == 3
    assert items[-1].error == "archive_too_large"


def test_depth_limit(tmp_path):
    data = _plan(0)
    name = "x.txt"
    for level in range(4):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, data)
        data, name = buf.getvalue(), f"level{level}.zip"
    p = tmp_path / "deep.zip"
    p.write_bytes(data)
    # deep.zip > level2.zip > level1.zip > level0.zip > x.txt: four archives
    items = _items([p], Limits(max_archive_depth=3))
    assert len(items) == 1 and items[0].error == "too_deep" and items[0].path.endswith("level1.zip!/level0.zip")
    items = _items([p], Limits(max_archive_depth=4))
    assert isinstance(items[0], SourceItem) and items[0].path.count("!/") == 4


def test_lying_header_is_caught(tmp_path):
    """A member whose header claims a tiny size: reading stops at the claim and the CRC check fails."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", b"A" * 100_000)
    raw = bytearray(buf.getvalue())
    cd = raw.find(b"PK\x01\x02")
    raw[cd + 24:cd + 28] = (10).to_bytes(4, "little")  # uncompressed size in the central directory
    p = tmp_path / "lying.zip"
    p.write_bytes(bytes(raw))
    (item,) = _items([p])
    assert isinstance(item, IngestError) and item.error in ("corrupt_member", "unreadable")


def test_encrypted_member(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", b"hello")
    raw = bytearray(buf.getvalue())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = raw.find(sig)
        raw[i + off] |= 0x1
    p = tmp_path / "enc.zip"
    p.write_bytes(bytes(raw))
    (item,) = _items([p])
    assert item.error == "encrypted_member"


def test_corrupt_archive(tmp_path):
    p = tmp_path / "broken.zip"
    p.write_bytes(b"PK\x03\x04 this is not really a zip")
    (item,) = _items([p])
    assert isinstance(item, IngestError) and item.error == "corrupt_archive"


def test_tar_gz_with_link_and_traversal(tmp_path):
    p = tmp_path / "plans.tar.gz"
    with tarfile.open(p, "w:gz") as tf:
        for name, data in [("卫生局/方案.txt", _plan(7)), ("../up.txt", _plan(8))]:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        link = tarfile.TarInfo("link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    items = _items([p])
    by = {i.path.split("!/", 1)[1]: i for i in items}
    assert isinstance(by["卫生局/方案.txt"], SourceItem) and by["卫生局/方案.txt"].data == _plan(7)
    assert by["../up.txt"].error == "unsafe_path"
    assert by["link.txt"].error == "unsafe_member"


def test_tar_gz_bomb(tmp_path):
    p = tmp_path / "bomb.tar.gz"
    data = b"\0" * (20 * 1024 * 1024)
    with tarfile.open(p, "w:gz") as tf:
        ti = tarfile.TarInfo("zeros.txt")
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    (item,) = _items([p])
    assert item.error == "zip_bomb"


def test_7z(tmp_path):
    py7zr = pytest.importorskip("py7zr")
    p = tmp_path / "plans.7z"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("in.txt", _plan(9))
    with py7zr.SevenZipFile(p, "w") as sz:
        sz.writestr(_plan(10), "卫生局/方案.txt")
        sz.writestr(inner.getvalue(), "nested.zip")
    items = _items([p])
    assert [i.path for i in items] == [f"{p}!/nested.zip!/in.txt", f"{p}!/卫生局/方案.txt"]
    assert items[1].data == _plan(10)


def test_7z_bomb_and_many_members(tmp_path):
    py7zr = pytest.importorskip("py7zr")
    p = tmp_path / "mixed.7z"
    with py7zr.SevenZipFile(p, "w") as sz:
        sz.writestr(b"\0" * (30 * 1024 * 1024), "zeros.txt")
        for n in range(200):  # a solid block: members are decompressed in batches, not one pass each
            sz.writestr(_plan(n), f"plans/{n:03d}.txt")
    items = _items([p])
    good = [i for i in items if isinstance(i, SourceItem)]
    assert len(good) == 200 and good[7].data == _plan(7)
    (bomb,) = [i for i in items if isinstance(i, IngestError)]
    assert bomb.path.endswith("!/zeros.txt") and bomb.error == "zip_bomb"
