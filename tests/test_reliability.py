"""Issue #11: no input lost, budgets on every codec, content checks, one writer, symlinks, odd names.

Fixtures in tests/fixtures/reliab/ (written by tests/fuzz/generators.py): a 2.2 KB .warc.gz whose record
is a 1 GB gzip bomb, a brotli bomb, a deflate-encoded page, a WARC of a 404 and a DNS record, random bytes
under .warc/.html/.doc, a plan saved as .doc, UTF-16 with a lone surrogate, an English-only text, an empty
zip, a zip of macOS metadata, HTML with NUL bytes. Links, FIFOs and non-UTF-8 names are made at test time.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from fangan.corpus.lock import OutputLocked, output_lock
from fangan.ingest import IngestError, Limits, Skipped, SourceItem, iter_inputs
from fangan.parsers import ParseError, parse
from fangan.pipeline import Options, build

FIX = Path(__file__).resolve().parent / "fixtures" / "reliab"
PLAN = (Path(__file__).resolve().parent / "fuzz" / "generators.py").read_text(encoding="utf-8").split('PLAN = """')[1].split('"""')[0]


def _items(path, **kw):
    return list(iter_inputs([path], **kw))


def _only(path, **kw):
    (item,) = _items(path, **kw)
    return item


def _kinds(report):
    return sorted(e.error for e in report.errors), sorted(e.error for e in report.skipped_inputs)


# --------------------------------------------------------------------------------------------------
# every input ends in a record, an error or a skipped entry


def _mixed_folder(root: Path, outside: Path) -> list[str]:
    root.mkdir()
    (root / "plan.txt").write_text(PLAN, encoding="utf-8")
    (root / "copy.txt").write_text(PLAN, encoding="utf-8")  # duplicate
    (root / ".hidden.txt").write_text(PLAN + "隐藏", encoding="utf-8")
    (root / "Thumbs.db").write_bytes(b"\x00" * 64)
    (root / ".DS_Store").write_bytes(b"Bud1")
    shutil.copy(FIX / "random_bytes.html", root / "random.html")
    shutil.copy(FIX / "random_bytes.doc", root / "random.doc")
    shutil.copy(FIX / "empty.zip", root / "empty.zip")
    shutil.copy(FIX / "only_404_and_dns.warc.gz", root / "only_404.warc.gz")
    shutil.copy(FIX / "random_bytes.warc", root / "random.warc")
    os.symlink("/nonexistent/plan.txt", root / "dangling.txt")
    os.symlink(outside, root / "outside.txt")
    os.mkfifo(root / "pipe.txt")
    with open(os.path.join(os.fsencode(root), "方案".encode("gbk") + b".txt"), "wb") as fh:
        fh.write((PLAN + "\n非UTF-8文件名").encode("utf-8"))
    return os.listdir(root)


def test_records_errors_and_skipped_add_up_to_the_inputs(tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(PLAN + "外部", encoding="utf-8")
    names = _mixed_folder(tmp_path / "in", outside)
    report = build([tmp_path / "in"], tmp_path / "out")
    records = len(report.built) + len(report.skipped)
    assert records + len(report.errors) + len(report.skipped_inputs) == len(names) == 14
    errors, skipped = _kinds(report)
    assert errors == ["corrupt_archive", "dangling_symlink", "empty_archive", "no_documents", "not_a_file", "not_text",
                      "wrong_format"]
    assert skipped == ["duplicate", "hidden", "os_metadata", "os_metadata", "symlink_outside"]
    assert len(report.built) == 2  # plan.txt and the GBK-named file
    every = report.errors + report.skipped_inputs
    assert all(e.stage and e.error and e.reason for e in every)
    on_disk = [json.loads(x) for x in (tmp_path / "out" / "skipped.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(e["error"] for e in on_disk) == skipped
    # a resume accounts for every input again: the two records are "already built"
    again = build([tmp_path / "in"], tmp_path / "out")
    assert len(again.skipped) == 2 and len(again.errors) == 7 and len(again.skipped_inputs) == 5


def test_a_name_that_is_not_utf8_is_kept_losslessly(tmp_path):
    raw = "方案".encode("gbk") + b"\xff.txt"
    (tmp_path / "in").mkdir()
    with open(os.path.join(os.fsencode(tmp_path / "in"), raw), "wb") as fh:
        fh.write(PLAN.encode("utf-8"))
    out = tmp_path / "out"
    report = build([tmp_path / "in"], out)
    (doc_id,) = report.built
    record = json.loads((out / "documents" / f"{doc_id}.json").read_text(encoding="utf-8"))
    assert record["source"]["path"].endswith("\\xb7\\xbd\\xb0\\xb8\\xff.txt")
    assert base64.b64decode(record["source"]["path_bytes"]) == os.fsencode(tmp_path / "in") + b"/" + raw
    (line,) = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["source"] == record["source"]


def test_the_cli_never_renders_a_reason_as_markup(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "markup.zip", "w") as zf:
        zf.writestr("[/red]x.txt", os.urandom(300) + b"\x00")
        zf.writestr("[bold]/[/]y.doc", b"\x01\x02" * 200)
    proc = subprocess.run([sys.executable, "-m", "fangan.cli", "build", str(tmp_path / "markup.zip"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "[/red]x.txt" in proc.stderr and "Traceback" not in proc.stderr
    assert "errors 2" in proc.stdout and "skipped 0" in proc.stdout


# --------------------------------------------------------------------------------------------------
# budgets


def test_a_22_kb_warc_gzip_bomb_is_an_error_not_a_gigabyte():
    path = FIX / "gzip_bomb_1g.warc.gz"
    assert path.stat().st_size < 3000
    item = _only(path)
    assert isinstance(item, IngestError) and item.error == "zip_bomb"
    assert item.path == f"{path}!http://www.example.gov.cn/art/1.html"


def test_a_brotli_bomb_is_stopped_too():
    item = _only(FIX / "brotli_bomb.warc.gz")
    assert isinstance(item, IngestError) and item.error == "zip_bomb"


def test_the_byte_budget_holds_without_a_ratio(tmp_path):
    item = _only(FIX / "gzip_bomb_1g.warc.gz", limits=Limits(max_file_bytes=1 << 20, max_compression_ratio=1e9))
    assert isinstance(item, IngestError) and item.error == "too_large"


def test_a_deflate_encoded_page_is_read():
    item = _only(FIX / "deflate_page.warc")
    assert isinstance(item, SourceItem) and "食品安全" in item.data.decode("utf-8")


def test_warcs_with_nothing_to_read_get_an_entry():
    item = _only(FIX / "only_404_and_dns.warc.gz")
    assert isinstance(item, IngestError) and item.error == "no_documents"
    assert "HTTP 404 response" in item.reason and "non-HTTP target" in item.reason
    item = _only(FIX / "random_bytes.warc")
    assert isinstance(item, IngestError) and item.error == "corrupt_archive"


def test_a_truncated_warc_gz_gets_an_entry(tmp_path):
    data = (FIX / "only_404_and_dns.warc.gz").read_bytes()
    for n in (0, 10, len(data) // 2, len(data) - 5):
        p = tmp_path / f"cut{n}.warc.gz"
        p.write_bytes(data[:n])
        assert all(isinstance(i, IngestError) for i in _items(p)) and _items(p)


def test_empty_and_hidden_only_zips_get_entries():
    item = _only(FIX / "empty.zip")
    assert isinstance(item, IngestError) and item.error == "empty_archive"
    items = _items(FIX / "only_hidden.zip")
    assert len(items) == 2 and all(isinstance(i, Skipped) and i.error == "os_metadata" for i in items)


def test_the_text_budget(tmp_path):
    item = SourceItem(path="long.txt", data=(PLAN * 20).encode("utf-8"))
    with pytest.raises(ParseError) as e:
        parse(item, max_text_chars=1000)
    assert e.value.error == "too_long"
    assert parse(item).text.count("工作方案") == 20  # the default budget is far above any plan


# --------------------------------------------------------------------------------------------------
# content checks


@pytest.mark.parametrize("name,kind", [("random_bytes.html", "not_text"), ("random_bytes.doc", "wrong_format")])
def test_random_bytes_are_not_a_document(name, kind):
    with pytest.raises(ParseError) as e:
        parse(SourceItem(path=name, data=(FIX / name).read_bytes()))
    assert e.value.error == kind and "\\x" not in e.value.reason


@pytest.mark.parametrize("ext", ["aspx", "xhtml", "mht", "htm", "txt", "wps", "rtf", "pdf", "docx"])
def test_random_bytes_under_any_name(ext):
    with pytest.raises(ParseError) as e:
        parse(SourceItem(path=f"x.{ext}", data=(FIX / "random_bytes.html").read_bytes()))
    assert e.value.error in ("not_text", "wrong_format")


def test_a_plan_saved_under_a_doc_name_is_read_as_text():
    parsed = parse(SourceItem(path="plan.doc", data=(FIX / "plan_saved_as.doc").read_bytes()))
    assert parsed.format == "txt" and "工作目标" in parsed.text
    assert [c for c, _ in parsed.warnings] == ["wrong_extension"]


def test_utf16_with_a_lone_surrogate_is_read():
    parsed = parse(SourceItem(path="u.txt", data=(FIX / "utf16_lone_surrogate.txt").read_bytes()))
    assert "\ufffd" in parsed.text and "工作目标" in parsed.text and parsed.encoding == "utf-16"


def test_xml_illegal_characters_in_html_are_dropped():
    parsed = parse(SourceItem(path="n.html", data=(FIX / "nul_in_html.html").read_bytes()))
    assert "工作目标" in parsed.text and "\x00" not in parsed.text


def test_no_chinese_is_a_warning():
    parsed = parse(SourceItem(path="e.txt", data=(FIX / "english_only.txt").read_bytes()))
    assert [c for c, _ in parsed.warnings] == ["not_chinese"]
    assert "not_chinese" not in [c for c, _ in parse(SourceItem(path="p.txt", data=PLAN.encode())).warnings]


def test_a_damaged_utf8_text_is_not_read_as_mojibake():
    data = bytearray(PLAN.encode("utf-8"))
    data[100] ^= 0x40  # one flipped bit: strict UTF-8 fails, GB18030 would read everything as 鍘垮崼
    parsed = parse(SourceItem(path="d.txt", data=bytes(data)))
    assert parsed.encoding == "utf-8" and parsed.text.startswith("县卫生健康局")


def test_an_empty_document_gets_a_truthful_reason(tmp_path):
    (tmp_path / "t.txt").write_text("县卫生健康局2024年夏季食品安全专项整治工作方案", encoding="utf-8")
    report = build([tmp_path / "t.txt"], tmp_path / "out")
    (e,) = report.errors
    assert e.error == "empty_after_cleaning" and "boilerplate" not in e.reason


# --------------------------------------------------------------------------------------------------
# symlinks


def test_symlinks_are_followed_only_inside_the_inputs(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "plan.txt").write_text(PLAN, encoding="utf-8")
    os.symlink(root / "sub", root / "again")  # inside: followed (and its file is then a duplicate)
    os.symlink("/etc/passwd", root / "passwd.txt")  # outside: not followed
    os.symlink(root, root / "sub" / "loop")  # a loop: walked once
    items = _items(root)
    by_path = {i.path: i for i in items}
    assert isinstance(by_path[str(root / "again" / "plan.txt")], SourceItem)
    assert by_path[str(root / "passwd.txt")].error == "symlink_outside"
    assert isinstance(by_path[str(root / "sub" / "plan.txt")], SourceItem)
    assert by_path[str(root / "sub" / "loop")].error == "symlink_loop"
    followed = {i.path: i for i in _items(root, follow_symlinks=True)}
    assert isinstance(followed[str(root / "passwd.txt")], SourceItem)
    report = build([root], tmp_path / "out", Options(follow_symlinks=False))
    assert len(report.built) == 1 and not report.errors
    # again/plan.txt is sub/plan.txt; again/loop and sub/loop both lead back to the root
    assert sorted(e.error for e in report.skipped_inputs) == ["duplicate", "symlink_loop", "symlink_loop", "symlink_outside"]


def test_fifos_and_dangling_links_given_directly(tmp_path):
    os.mkfifo(tmp_path / "p")
    os.symlink(tmp_path / "nowhere", tmp_path / "l")
    assert _only(tmp_path / "p").error == "not_a_file"
    assert _only(tmp_path / "l").error == "dangling_symlink"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their permissions")
def test_an_unreadable_folder_gets_an_entry(tmp_path):
    d = tmp_path / "in" / "closed"
    d.mkdir(parents=True)
    (d / "a.txt").write_text(PLAN, encoding="utf-8")
    os.chmod(d, 0)
    try:
        assert _only(tmp_path / "in").error == "unreadable_folder"
    finally:
        os.chmod(d, 0o700)


# --------------------------------------------------------------------------------------------------
# one writer per corpus folder


def test_a_second_writer_is_refused_and_the_first_finishes_intact(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"p{i}.txt").write_text(PLAN.replace("2024", str(2020 + i)), encoding="utf-8")
    out = tmp_path / "out"
    in_build, may_finish = threading.Event(), threading.Event()
    result = {}

    def progress(phase, done, total):
        in_build.set()
        may_finish.wait(60)

    def first():
        result["report"] = build([src], out, progress=progress)

    t = threading.Thread(target=first)
    t.start()
    assert in_build.wait(60)
    proc = subprocess.run([sys.executable, "-m", "fangan.cli", "build", str(src), "--out", str(out), "--force"],
                          capture_output=True, text=True)
    with pytest.raises(OutputLocked) as e:
        build([src], out)
    may_finish.set()
    t.join(120)
    assert proc.returncode == 1 and "being written by another fangan build" in proc.stderr
    assert f"process {os.getpid()}" in str(e.value)
    report = result["report"]
    assert len(report.built) == 3 and not report.errors
    assert len((out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert not list(out.glob(".build-*")) and not (out / ".cache").exists()
    # the lock went with the first build: a third one runs
    assert len(build([src], out, Options(force=True)).built) == 3


def _holder_named_to_a_second_lock(folder) -> str:
    with pytest.raises(OutputLocked) as e:
        with output_lock(folder):
            pass
    return e.value.holder


def test_the_lock_names_its_holder_from_the_kernels_list_and_writes_nothing(tmp_path):
    from fangan.corpus import lock

    if not os.path.exists(lock.PROC_LOCKS):
        pytest.skip("no /proc/locks here")
    with output_lock(tmp_path):
        assert (tmp_path / lock.LOCK_NAME).read_bytes() == b""
        assert _holder_named_to_a_second_lock(tmp_path) == str(os.getpid())
    with output_lock(tmp_path):  # released: taken again
        pass


def test_without_the_kernels_list_the_holder_writes_its_pid(tmp_path, monkeypatch):
    from fangan.corpus import lock

    monkeypatch.setattr(lock, "PROC_LOCKS", str(tmp_path / "no-such-file"))
    out = tmp_path / "out"
    with output_lock(out):
        assert (out / lock.LOCK_NAME).read_text() == f"{os.getpid()}\n"
        assert _holder_named_to_a_second_lock(out) == str(os.getpid())
    assert (out / lock.LOCK_NAME).read_bytes() == b""


def test_a_pid_an_older_version_wrote_into_the_lock_is_cleared(tmp_path):
    from fangan.corpus import lock

    if not os.path.exists(lock.PROC_LOCKS):
        pytest.skip("no /proc/locks here: the holder writes its own PID over it")
    (tmp_path / lock.LOCK_NAME).write_text("4242\n")
    with output_lock(tmp_path):
        assert (tmp_path / lock.LOCK_NAME).read_bytes() == b""


def test_a_killed_builds_temporary_folder_is_removed_by_the_next(tmp_path):
    out = tmp_path / "out"
    (out / ".build-12345-abc").mkdir(parents=True)
    (out / ".build-12345-abc" / "x.pickle").write_bytes(b"x")
    with output_lock(out):
        assert not (out / ".build-12345-abc").exists()


def test_a_lone_surrogate_from_any_parser_becomes_a_warned_replacement():
    from fangan.parsers import Block, ParsedDocument, check_text

    parsed = ParsedDocument(blocks=[Block("工作\ud800方案")], format="pdf", title_hint="标题\udc80")
    check_text(parsed)
    assert parsed.text == "工作\ufffd方案" and parsed.title_hint == "标题\ufffd"
    assert [c for c, _ in parsed.warnings] == ["lone_surrogates"]


# --------------------------------------------------------------------------------------------------
# a build killed at any point, then resumed, gives the corpus an uninterrupted build gives

KILL_SOURCES = [Path(__file__).resolve().parents[1] / "data" / "samples", FIX.parent / "web", FIX.parent / "extract"]


def _cli_build(out: Path, kill_when=None) -> None:
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "fangan.cli", "build", *map(str, KILL_SOURCES), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if kill_when is not None:
        while proc.poll() is None and not kill_when(out):
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    proc.wait()


def _snapshot(out: Path):
    import pandas as pd

    from fangan.corpus.search import search

    docs = {p.name: p.read_text(encoding="utf-8") for p in (out / "documents").glob("*.json")}
    errors = sorted((e["path"], e["error"], e["reason"]) for e in
                    map(json.loads, (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()))
    tables = {}
    for t in sorted(p for p in (out / "tables").iterdir() if p.is_dir()):
        frames = [pd.read_parquet(x) for x in sorted(t.glob("*.parquet"))]
        df = pd.concat(frames) if frames else pd.DataFrame()
        tables[t.name] = df.sort_values(list(df.columns)).reset_index(drop=True).to_json() if len(df) else ""
    hits = [(h.doc_id, h.title) for h in search("工作", out, limit=50)]
    # corpus.jsonl holds the lines in the order they were built: the same lines, whatever the order
    lines = sorted((out / "corpus.jsonl").read_text(encoding="utf-8").splitlines())
    return docs, lines, errors, tables, hits


@pytest.mark.slow
def test_sigkill_then_resume_gives_the_same_corpus(tmp_path):
    _cli_build(tmp_path / "whole")
    whole = _snapshot(tmp_path / "whole")
    assert len(whole[0]) >= 8
    kill_points = {
        "document phase": lambda out: len(list((out / "documents").glob("*.json"))) >= 2,
        "table and index phase": lambda out: (out / "corpus.jsonl").exists() or (out / "tables").exists(),
    }
    for name, when in kill_points.items():
        out = tmp_path / name.replace(" ", "_")
        _cli_build(out, kill_when=when)
        _cli_build(out)
        resumed = _snapshot(out)
        for label, a, b in zip(("documents", "corpus.jsonl", "errors", "tables", "search"), whole, resumed):
            assert a == b, f"{label} differ after a kill in the {name}"


def test_the_cli_follows_links_out_of_the_inputs_only_when_asked(tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(PLAN, encoding="utf-8")
    (tmp_path / "in").mkdir()
    os.symlink(outside, tmp_path / "in" / "link.txt")
    for flag, expected in (([], "built 0, already built 0, errors 0, skipped 1"),
                           (["--follow-symlinks"], "built 1, already built 0, errors 0, skipped 0")):
        proc = subprocess.run([sys.executable, "-m", "fangan.cli", "build", str(tmp_path / "in"), "--out",
                               str(tmp_path / f"out{len(flag)}"), *flag], capture_output=True, text=True)
        assert proc.returncode == 0 and expected in proc.stdout, proc.stdout + proc.stderr


def _thirty_plans(src: Path) -> None:
    """Thirty small distinct plans, plan_00.txt … plan_29.txt: the documents a failing one is built among."""
    for i in range(30):
        (src / f"plan_{i:02d}.txt").write_text(f"某县2024年第{i}项工作方案\n一、工作目标\n完成第{i}项任务。\n",
                                               encoding="utf-8")


def test_a_document_that_kills_its_worker_is_an_error_entry_and_the_batch_goes_on(tmp_path, monkeypatch):
    """The out-of-memory killer (or a crash in a C library) ends the worker building a document: the pool
    breaks, and with it every chunk in flight. The build makes the pool again, builds those chunks again
    one document at a time, and gives the one document that kills a worker alone an error entry."""
    from fangan import pipeline

    main = os.getpid()
    real_parse = pipeline.parse

    def parse_or_die(item, *args, **kwargs):
        if os.getpid() == main:
            time.sleep(0.03)  # so that the worker has begun the first input before this process could take it back
        elif "killer" in item.path:
            os._exit(1)
        return real_parse(item, *args, **kwargs)

    monkeypatch.setattr(pipeline, "parse", parse_or_die)  # forked workers inherit it
    src = tmp_path / "in"
    src.mkdir()
    # the first input goes to the worker first, alone (the chunks ramp up from one): it is never built here
    (src / "a_killer.txt").write_text("某县2024年养老服务工作方案\n一、目标\n建成服务中心。\n", encoding="utf-8")
    _thirty_plans(src)
    report = build([src], tmp_path / "out", jobs=2)
    assert _error_kinds(tmp_path / "out") == [("a_killer.txt", "parse", "worker_died")]
    assert len(report.built) == 30 and len(list((tmp_path / "out" / "documents").iterdir())) == 30


CRASHING_BUILD = """
import os, signal, sys
from fangan import pipeline

real_parse = pipeline.parse

def parse_or_crash(item, *args, **kwargs):
    if "killer" in item.path:  # as a crash in a C library would end any process building it
        os.kill(os.getpid(), signal.SIGSEGV)
    return real_parse(item, *args, **kwargs)

pipeline.parse = parse_or_crash
pipeline.build([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]))
"""


def _crashing_build(src: Path, out: Path, jobs: int = 1) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CRASHING_BUILD, str(src), str(out), str(jobs)], capture_output=True,
                          text=True, timeout=300)


def _error_kinds(out: Path) -> list[tuple[str, str, str]]:
    return [(Path(e["path"]).name, e["stage"], e["error"])
            for e in map(json.loads, (out / "errors.jsonl").read_text(encoding="utf-8").splitlines())]


def test_a_document_that_crashes_the_main_process_is_built_by_a_worker_next_time(tmp_path):
    """With --jobs 1 every document is built in the main process, and one that crashes it (a crash in a C
    library, the out-of-memory killer) ends the build: that cannot be helped. The build had written down what it
    was building, so the next one builds those documents in a worker: the one that kills it gets an error
    entry, the rest are built, and the corpus is the one the others give. The build after that
    still leaves the document to a worker, as it would end this process again."""
    from fangan.corpus.store import BUILDING
    from fangan.pipeline import doc_id_for

    src = tmp_path / "in"
    src.mkdir()
    _thirty_plans(src)
    build([src], tmp_path / "whole", jobs=1)  # what the thirty others give, built in one go
    (src / "plan_15_killer.txt").write_text("某县2024年养老服务工作方案\n一、目标\n建成服务中心。\n", encoding="utf-8")
    killer = doc_id_for(hashlib.sha256((src / "plan_15_killer.txt").read_bytes()).hexdigest())
    out = tmp_path / "out"
    first = _crashing_build(src, out)
    assert first.returncode != 0 and not (out / "errors.jsonl").exists()
    noted = json.loads((out / BUILDING).read_text(encoding="utf-8"))
    assert killer in noted and 1 < len(noted) <= 32  # the chunk it was in
    before = len(list((out / "documents").glob("*.json")))
    assert before < 30

    second = _crashing_build(src, out)
    assert second.returncode == 0, second.stderr
    assert _error_kinds(out) == [("plan_15_killer.txt", "parse", "worker_died")]
    assert len(list((out / "documents").glob("*.json"))) == 30 and not (out / BUILDING).exists()

    third = _crashing_build(src, out)  # tried again, as every error is, but not in this process
    assert third.returncode == 0, third.stderr
    assert _error_kinds(out) == [("plan_15_killer.txt", "parse", "worker_died")]

    (docs, lines, _, tables, hits), whole = _snapshot(out), _snapshot(tmp_path / "whole")
    assert (docs, lines, tables, hits) == (whole[0], whole[1], whole[3], whole[4])


def test_a_build_that_ends_normally_leaves_no_note_of_what_it_was_building(tmp_path):
    from fangan.corpus.store import BUILDING

    src = tmp_path / "in"
    src.mkdir()
    _thirty_plans(src)
    for jobs in (1, 2):
        report = build([src], tmp_path / f"out{jobs}", jobs=jobs)
        assert len(report.built) == 30 and not (tmp_path / f"out{jobs}" / BUILDING).exists()


def test_large_inputs_are_built_by_workers_never_by_the_process_that_writes(tmp_path, monkeypatch):
    from fangan import pipeline

    main = os.getpid()
    seen = tmp_path / "seen"
    seen.mkdir()
    real_parse = pipeline.parse

    def parse_noting_who(item, *args, **kwargs):
        (seen / f"{Path(item.path).stem}.{os.getpid()}").touch()
        if os.getpid() != main:
            time.sleep(0.02)  # a slow worker: this process builds in the gaps
        return real_parse(item, *args, **kwargs)

    monkeypatch.setattr(pipeline, "parse", parse_noting_who)
    monkeypatch.setattr(pipeline, "BUILT_HERE_MAX", 400)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        body = "完成任务。" * (60 if i % 4 == 3 else 2)  # every fourth input over 400 bytes
        (src / f"plan_{i:02d}.txt").write_text(f"某县2024年第{i}项工作方案\n一、工作目标\n{body}\n", encoding="utf-8")
    report = build([src], tmp_path / "out", jobs=2)
    assert len(report.built) == 40
    here = {p.stem for p in seen.iterdir() if p.suffix == f".{main}"}
    assert here, "this process built nothing: the check below would prove nothing"
    assert not {name for name in here if int(name[-2:]) % 4 == 3}


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="no interval timer on this platform")
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_that_never_finishes_is_an_error_entry_and_the_batch_goes_on(tmp_path, monkeypatch, jobs):
    """A pattern that backtracks without end, or a loop that never ends, costs its input (a `timeout`
    error entry naming the stage) and not the build: in this process and in a worker alike."""
    import re

    from fangan import pipeline

    real_parse, real_normalize = pipeline.parse, pipeline.normalize_and_explain

    def parse_or_spin(item, *args, **kwargs):
        if "spin" in item.path:
            while True:
                pass
        return real_parse(item, *args, **kwargs)

    def normalize_or_backtrack(text, *args, **kwargs):
        if "回溯" in text:
            re.match(r"(a+)+$", "a" * 64 + "b")
        return real_normalize(text, *args, **kwargs)

    monkeypatch.setattr(pipeline, "parse", parse_or_spin)  # forked workers inherit both
    monkeypatch.setattr(pipeline, "normalize_and_explain", normalize_or_backtrack)
    src = tmp_path / "in"
    src.mkdir()
    (src / "plan_spin.txt").write_text("某县2024年养老服务工作方案\n一、目标\n建成服务中心。\n", encoding="utf-8")
    (src / "plan_z.txt").write_text("某县2024年回溯工作方案\n一、目标\n建成服务中心。\n", encoding="utf-8")
    _thirty_plans(src)
    limits = Limits(max_seconds=1.5, max_seconds_per_mb=0)
    t0 = time.perf_counter()
    report = build([src], tmp_path / "out", Options(limits=limits), jobs=jobs)
    assert time.perf_counter() - t0 < 60
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((Path(e["path"]).name, e["stage"], e["error"]) for e in errors) == [
        ("plan_spin.txt", "parse", "timeout"), ("plan_z.txt", "normalize", "timeout")]
    assert all("took more than 1.5 s, the time limit" in e["reason"] for e in errors)
    assert len(report.built) == 30
