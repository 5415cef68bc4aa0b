"""The build's shape: however a build is split, ordered, parallelized or killed, the corpus is the same.

A small corpus is generated here (no ../shared needed): plans that share an outline, an issuer's
signature and date, and a site chrome line that only some of them carry — so the learned boilerplate
depends on which documents the learner has seen, which is what makes the order matter.
"""
from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from fangan.corpus import search, tables
from fangan.corpus.store import CorpusStore
from fangan.pipeline import Options, build
from fangan import executors as executors_module
from index_words import index_vocabulary, vocabulary_indexed_at_once

N_DOCS = 30
CHROME = "本站文章编号：{n} 浏览次数：{m} 打印本页 关闭窗口"
SIGNATURE = "长宁县人民政府办公室"
SENTENCES = [
    "各单位要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
    "到{y}年底，全县中小学生健康知识知晓率达到{p}%以上。",
    "各乡镇于{m}月{d}日前完成摸底排查工作，并将结果报县卫生健康局。",
    "（责任单位：县教育局、县卫生健康局）",
    "坚持以人民为中心的发展思想，统筹推进各项重点工作。",
    "加大宣传力度，营造全社会共同参与的良好氛围。",
    "建立健全工作台账，实行销号管理，定期通报工作进展。",
]


def _plan(i: int, rng: random.Random) -> str:
    y = 2018 + i % 6
    lines = [f"长宁县{y}年第{i + 1}批健康促进工作方案", "各乡镇人民政府，县直各单位："]
    if i >= N_DOCS - 18:  # 18 of 30 carry the chrome line: 60% of the whole set, 20% of its first half
        lines.insert(1, CHROME.format(n=1000 + i, m=rng.randint(10, 999)))
    for k, head in enumerate(("工作目标", "主要任务", "保障措施")):
        lines.append(f"{'一二三'[k]}、{head}")
        for _ in range(rng.randint(1, 3)):
            lines.append(rng.choice(SENTENCES).format(y=y, p=rng.randint(80, 99), m=rng.randint(1, 12), d=rng.randint(1, 28)))
    lines += [SIGNATURE, f"{y}年{i % 12 + 1}月{i % 27 + 1}日"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("plans")
    rng = random.Random(14)
    for i in range(N_DOCS):
        (src / f"plan_{i:02d}.txt").write_text(_plan(i, rng), encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def reference(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    report = build([inputs], out, jobs=1)
    assert len(report.built) == N_DOCS and not report.errors
    return out


def _documents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "documents").glob("*.json"))}


def _jsonl(out: Path) -> dict[str, str]:
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    by_id = {json.loads(ln)["id"]: ln for ln in lines}
    assert len(by_id) == len(lines), "one line per record"
    return by_id


def _tables(out: Path) -> dict[str, list]:
    assert tables.tables_are_current(out)
    got = {}
    for t in tables.TABLES:
        rows = [tuple(r.values()) for p in sorted((out / "tables" / t).glob("*.parquet")) for r in pq.read_table(p).to_pylist()]
        got[t] = sorted(rows, key=repr)
    return got


def _hits(out: Path) -> list:
    return [[(h.doc_id, h.snippet) for h in search.search(q, out)] for q in ("健康", "知晓率", "宣传 氛围", "本站文章编号")]


def _lookup_names(con: sqlite3.Connection) -> set[str]:
    return {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def _lookups(out: Path) -> set[str]:
    con = sqlite3.connect(out / search.DB_NAME)
    try:
        return _lookup_names(con)
    finally:
        con.close()


def assert_same_corpus(out: Path, reference: Path) -> None:
    assert _documents(out) == _documents(reference)
    assert _jsonl(out) == _jsonl(reference)
    assert _tables(out) == _tables(reference)
    assert _hits(out) == _hits(reference)
    assert index_vocabulary(out) == index_vocabulary(reference)
    assert _lookups(out) == set(search.LOOKUPS)  # a killed build's deferred lookups are made by the next


def test_the_reference_index_holds_the_words_of_its_records_indexed_at_once(reference, tmp_path):
    """The reference build replaced documents it had indexed (those rebuilt for the chrome learned later); its index
    holds what indexing its final records at once gives, word for word."""
    at_once = vocabulary_indexed_at_once(reference, tmp_path / "fresh")
    assert index_vocabulary(reference) == at_once and at_once


def test_learned_chrome_goes_and_the_issuers_signature_stays(reference):
    docs = [json.loads(b) for b in _documents(reference).values()]
    with_chrome = [d for d in docs if any(r["text"].startswith("本站文章编号") for r in d["removed"])]
    assert len(with_chrome) == 18
    assert all("本站文章编号" not in d["text"] for d in docs)
    assert all(SIGNATURE in d["text"] for d in docs)
    assert {d["issuer"] for d in docs} == {SIGNATURE}


def test_what_one_issuers_plans_share_stays(inputs, reference):
    # the 30 plans share a title but for their numbers, an addressee line, sentences and party lines, far
    # more often than the learner's threshold: they are the issuer's, not the site's, and stay
    docs = [json.loads(b) for b in _documents(reference).values()]
    sources = {p.name: p.read_text(encoding="utf-8").split("\n") for p in inputs.iterdir()}
    for d in docs:
        lines = sources[Path(d["source"]["path"]).name]
        assert d["title"] == lines[0]
        assert d["text"].split("\n")[0] == "各乡镇人民政府，县直各单位："
        body = [ln for ln in lines if ln.endswith("。") or ln.startswith("（责任单位")]
        assert body and all(ln in d["text"] for ln in body)
    assert sum("（责任单位：县教育局、县卫生健康局）" in d["text"] for d in docs) >= N_DOCS // 2


def test_two_workers_give_the_same_corpus(inputs, reference, tmp_path):
    report = build([inputs], tmp_path, jobs=2)
    assert report.jobs == 2 and len(report.built) == N_DOCS
    assert_same_corpus(tmp_path, reference)
    assert (tmp_path / "corpus.jsonl").read_bytes() == (reference / "corpus.jsonl").read_bytes()


_CONTEXT_LOG: list = []  # [path]: where `_logged_with_context` writes


def _logged_with_context(fn, item, ctx):
    """`executors._with_context`, writing down which process ran it on how many inputs (a module-level function: the
    worker, forked with this module loaded, finds it by name)."""
    import os

    with open(_CONTEXT_LOG[0], "a") as f:
        f.write(f"{os.getpid()} {len(item)}\n")
    return _REAL_WITH_CONTEXT(fn, item, ctx)


_REAL_WITH_CONTEXT = executors_module._with_context


def test_the_documents_rebuilt_at_the_end_go_to_the_first_pass_workers(inputs, reference, tmp_path, monkeypatch):
    """The rebuild pass of a parallel build reuses the first pass's workers, however many documents it holds (this
    set rebuilds more than AUTO_MIN_ITEMS): no second pool is forked, its chunks carry the final learned chrome to
    whichever process builds them (the worker among them), and the corpus is the one a single process builds."""
    import os

    from fangan import executors

    pools, log = [], tmp_path / "with_context.log"
    real_init = executors.ProcessExecutor.__init__

    def counted_init(self, *args, **kwargs):
        pools.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(executors.ProcessExecutor, "__init__", counted_init)
    monkeypatch.setattr(executors, "_with_context", _logged_with_context)
    _CONTEXT_LOG[:] = [log]
    try:
        out = tmp_path / "out"
        report = build([inputs], out, jobs=2)
    finally:
        _CONTEXT_LOG.clear()
    assert report.jobs == 2 and len(report.built) == N_DOCS and len(report.rebuilt) >= executors.AUTO_MIN_ITEMS
    assert len(pools) == 1  # the rebuild pass forked no workers of its own
    built = [line.split() for line in log.read_text().splitlines()]
    assert sum(int(n) for _, n in built) == len(report.rebuilt)  # every rebuilt document, in the final context
    assert any(pid != str(os.getpid()) for pid, _ in built)  # some of them by the kept worker
    assert_same_corpus(out, reference)
    assert all(not w.proc.is_alive() for w in pools[0].pool.workers)  # closed at the end


def test_documents_rebuilt_within_a_fresh_build_are_replaced_with_the_lookups_made(inputs, reference, tmp_path,
                                                                                   monkeypatch):
    """A fresh build adds rows without the tables' lookups; the first batch that replaces a document (here:
    those rebuilt for the chrome learned from the later ones) makes them, so its old rows are found by index."""
    seen = []
    real_insert = search._insert_entries

    def insert(con, entries, fingerprints, *rest):
        replacing = bool(search._indexed(con, [e.doc_id for e in entries]))
        seen.append((replacing, _lookup_names(con)))
        return real_insert(con, entries, fingerprints, *rest)

    monkeypatch.setattr(search, "_insert_entries", insert)
    report = build([inputs], tmp_path, jobs=1)
    assert report.rebuilt
    assert seen[0] == (False, set())
    assert any(replacing for replacing, _ in seen)
    assert all(lookups == set(search.LOOKUPS) for replacing, lookups in seen if replacing)
    assert_same_corpus(tmp_path, reference)


def test_two_halves_give_the_same_corpus(inputs, reference, tmp_path):
    files = sorted(inputs.iterdir())
    first = build(files[: N_DOCS // 2], tmp_path, jobs=1)
    # alone, the first half does not see the chrome line often enough to learn it
    assert not any(r["text"].startswith("本站文章编号") for b in _documents(tmp_path).values()
                   for r in json.loads(b)["removed"])
    second = build(files[N_DOCS // 2:], tmp_path, jobs=1)
    assert len(set(first.built) | set(second.built)) == N_DOCS
    carriers_in_first_half = {p.stem for p in _chrome_carriers(inputs, reference)[:3]}
    assert carriers_in_first_half <= set(second.rebuilt) <= set(second.built)
    assert_same_corpus(tmp_path, reference)


def _chrome_carriers(inputs: Path, reference: Path) -> list[Path]:
    from fangan.pipeline import doc_id_for
    import hashlib

    ids = []
    for p in sorted(inputs.iterdir()):
        if "本站文章编号" in p.read_text(encoding="utf-8"):
            ids.append(Path(doc_id_for(hashlib.sha256(p.read_bytes()).hexdigest())))
    return ids


def test_reversed_order_gives_the_same_corpus(inputs, reference, tmp_path):
    for p in reversed(sorted(inputs.iterdir())):
        build([p], tmp_path, jobs=1)
    assert_same_corpus(tmp_path, reference)


def test_a_build_that_changes_nothing_writes_nothing(inputs, reference, tmp_path):
    out = tmp_path / "c"
    build([inputs], out, jobs=1)
    # the output lock too: the kernel names its holder (/proc/locks), no PID is written into it
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*")}
    assert (out / ".fangan.lock") in before
    report = build([inputs], out, jobs=1)
    assert report.built == [] and len(report.skipped) == N_DOCS
    after = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*")}
    assert after == before


def test_forced_rebuild_replaces_records_in_place(inputs, reference, tmp_path):
    import shutil

    out = tmp_path / "c"
    shutil.copytree(reference, out)
    report = build([inputs], out, Options(force=True), jobs=1)
    assert len(report.built) == N_DOCS
    assert_same_corpus(out, reference)


# --- killed builds ---------------------------------------------------------------------------------

KILLER = """
import os, signal, sys
from fangan import pipeline
from fangan.corpus import search, store, tables
from fangan.normalizers import batch

pipeline.BATCH = 4
target, at = sys.argv[1], int(sys.argv[2])
owner, name = {
    "learn": (batch.LearnerLog, "append"), "record": (store.CorpusStore, "write_record"),
    "jsonl": (store.CorpusStore, "append_jsonl"), "part": (tables.TablesWriter, "append"),
    "index": (search.IndexWriter, "add"), "tables": (tables, "update_tables"),
    "reindex": (search, "build_index"), "compact": (store.CorpusStore, "compact_jsonl"),
}[target]
original = getattr(owner, name)
calls = [0]

def killing(*args, **kwargs):
    calls[0] += 1
    if calls[0] == at:
        os.kill(os.getpid(), signal.SIGKILL)
    result = original(*args, **kwargs)
    if calls[0] == at - 1 and target in ("tables", "reindex"):
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(owner, name, killing)
pipeline.build([sys.argv[3]], sys.argv[4], jobs=1)
print("finished")
"""


def _killed_build(inputs: Path, out: Path, target: str, at: int) -> None:
    proc = subprocess.run([sys.executable, "-c", KILLER, target, str(at), str(inputs), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, (target, at, proc.returncode, proc.stderr[-2000:])


@pytest.mark.parametrize("target,at", [
    ("learn", 3),  # appending what the learner read
    ("record", 11),  # in the middle of a batch of records
    ("jsonl", 2), ("index", 4),  # between the writes of one batch
    ("record", 40),  # rebuilding the documents whose learned chrome changed
    ("compact", 1), ("tables", 2), ("reindex", 2),  # the table and index phase at the end
])
def test_a_killed_build_resumes_to_the_same_corpus(inputs, reference, tmp_path, target, at):
    _killed_build(inputs, tmp_path, target, at)
    build([inputs], tmp_path, jobs=1)
    assert_same_corpus(tmp_path, reference)
    assert not (tmp_path / ".pending").exists()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_a_build_killed_at_a_random_moment_resumes_to_the_same_corpus(inputs, reference, tmp_path):
    import signal
    import time

    rng = random.Random(11)
    for attempt in range(2):
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from fangan import pipeline; pipeline.BATCH = 3; "
                                 "pipeline.build([sys.argv[1]], sys.argv[2], jobs=1)", str(inputs), str(tmp_path)])
        time.sleep(rng.uniform(1.0, 4.0))  # the interpreter and spaCy load first: the build runs after ~1 s
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    build([inputs], tmp_path, jobs=1)
    assert_same_corpus(tmp_path, reference)
    assert not (tmp_path / ".pending").exists()


def test_the_learner_log_is_compacted_when_rebuilds_pile_up(inputs, reference, tmp_path):
    import shutil

    from fangan.normalizers.batch import LearnerLog

    out = tmp_path / "c"
    shutil.copytree(reference, out)
    state = LearnerLog(out)

    def lines() -> int:
        return len((out / "learner.jsonl").read_text(encoding="utf-8").splitlines())

    for _ in range(4):  # forced rebuilds: superseded decisions pile up …
        build([inputs], out, Options(force=True), jobs=1)
        assert lines() <= 2 * (2 * N_DOCS) + 64 + 2 * N_DOCS  # … but never far: each build's load compacts
        if lines() > 2 * (2 * N_DOCS) + 64:
            break
    assert lines() > 2 * (2 * N_DOCS) + 64
    again = LearnerLog(out)  # loading compacts …
    assert len((out / "learner.jsonl").read_text(encoding="utf-8").splitlines()) == 2 * N_DOCS
    assert again.built == state.built and again.stats.shape_docs == state.stats.shape_docs  # … and keeps the state
    assert_same_corpus(out, reference)


def test_adding_one_document_touches_only_what_holds_it(inputs, tmp_path):
    files = sorted(inputs.iterdir())
    out = tmp_path / "c"
    build(files[:-1], out, jobs=1)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*") if p.is_file()}
    report = build([files[-1]], out, jobs=1)
    assert len(report.built) == 1
    after = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*") if p.is_file()}
    changed = sorted(str(p.relative_to(out)) for p in after if before.get(p) != after[p] and p.name != ".fangan.lock")
    new_part = [c for c in changed if c.startswith("tables/documents/")]
    assert len(new_part) == 1 and new_part[0] not in {str(p.relative_to(out)) for p in before}
    part = new_part[0].rsplit("/", 1)[1]
    assert changed == sorted([f"documents/{report.built[0]}.json", "corpus.jsonl", "corpus.sqlite", "learner.jsonl",
                              ".jsonl-state.json", "tables/_manifest.json", *(f"tables/{t}/{part}" for t in tables.TABLES)])
    written = sum(after[p][1] for p in after
                  if before.get(p) != after[p] and p.name not in ("corpus.jsonl", "corpus.sqlite", "learner.jsonl"))
    grown = sum(after[p][1] - before[p][1] for p in after if p.name in ("corpus.jsonl", "learner.jsonl"))
    assert written + grown < 200_000  # the appends are the new document's; nothing else is rewritten


def _rowids(out: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(out / "corpus.sqlite")
    try:
        return dict(con.execute("SELECT doc_id, rowid FROM documents"))
    finally:
        con.close()


def _parts(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted((out / "tables").rglob("part-*.parquet"))}


@pytest.mark.parametrize("copy", ["preserving times", "plainly"])
def test_a_copied_corpus_keeps_its_tables_and_index(inputs, reference, tmp_path, copy):
    # a copy, a move to another disk or a restored backup gives every record a new inode (a plain copy,
    # a new mtime too): the records' bytes are the same, so their rows and index entries are kept
    import shutil

    out = tmp_path / "c"
    shutil.copytree(reference, out, copy_function=shutil.copy2 if copy == "preserving times" else shutil.copy)
    rowids, parts = _rowids(out), _parts(out)
    report = build([inputs], out, jobs=1)
    assert report.built == [] and report.rebuilt == []
    assert _rowids(out) == rowids  # no document indexed again (a re-index gives new rowids)
    assert _parts(out) == parts  # no table part written again
    assert_same_corpus(out, reference)
    # the copy's stamps were taken: the next build finds everything current and writes nothing
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*") if p.name != ".fangan.lock"}
    build([inputs], out, jobs=1)
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*") if p.name != ".fangan.lock"} == before


def test_a_record_changed_in_a_copied_corpus_is_derived_again(inputs, reference, tmp_path):
    # the copy's new stamps do not hide an edit made with it: a record whose bytes differ from the ones
    # its rows were made from is read again, even at the same size
    import shutil

    out = tmp_path / "c"
    shutil.copytree(reference, out)
    path = sorted((out / "documents").glob("*.json"))[0]
    data = path.read_bytes()
    edited = data.replace("保障措施".encode(), "蝴蝶措施".encode())  # as many bytes
    assert edited != data and len(edited) == len(data)
    path.write_bytes(edited)
    rowids = _rowids(out)
    build([inputs], out, jobs=1)
    after = _rowids(out)
    assert {d for d in after if after[d] != rowids[d]} == {path.stem}
    texts = {r["doc_id"]: r["text"] for r in tables.read_table(out, "documents").to_dict("records")}
    assert "蝴蝶措施" in texts[path.stem] and sum("蝴蝶" in t for t in texts.values()) == 1
    assert [h.doc_id for h in search.search("蝴蝶", out)] == [path.stem]


def test_a_resumed_build_reads_the_jsonl_only_when_it_may_be_out_of_step(inputs, reference, tmp_path, monkeypatch):
    from fangan.corpus.store import CorpusStore

    files = sorted(inputs.iterdir())
    out = tmp_path / "c"
    build(files[:-1], out, jobs=1)
    calls = []
    original = CorpusStore.compact_jsonl
    monkeypatch.setattr(CorpusStore, "compact_jsonl", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    build([files[-1]], out, jobs=1)
    assert calls == []  # in step when the last build finished, one record appended: nothing to check
    with open(out / "corpus.jsonl", "ab") as f:  # someone else touched the file
        f.write(b'{"id":"0000000000000000"}\n')
    build([files[-1]], out, jobs=1)
    assert calls == [1]
    assert_same_corpus(out, reference)


def test_more_than_a_few_documents_use_every_core_by_default(inputs, tmp_path):
    from fangan.executors import AUTO_MIN_ITEMS, cpu_count

    assert N_DOCS >= AUTO_MIN_ITEMS
    assert build([inputs], tmp_path / "many").jobs == cpu_count()
    assert build([sorted(inputs.iterdir())[0]], tmp_path / "one").jobs == 1


def _compacted_plainly(jsonl: bytes, docs: dict[str, bytes], retake: set[str]) -> bytes:
    """What compaction must give, line by line in Python: the last line of each id with a record, at
    the place of its first line; then the records missing from the file (and `retake`), by id."""
    lines = []
    for line in jsonl.split(b"\n")[:-1] if jsonl.endswith(b"\n") else jsonl.split(b"\n")[:-1]:
        lines.append((json.loads(line)["id"], line + b"\n"))
    last = {i: line for i, line in lines}
    out, seen = [], set()
    missing = (set(docs) - set(last)) | (retake & set(docs))
    for i, _ in lines:
        if i in docs and i not in missing and i not in seen:
            out.append(last[i])
        seen.add(i)
    out += [json.dumps(json.loads(docs[i]), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            for i in sorted(missing)]
    return b"".join(out)


@pytest.mark.parametrize("seed", range(12))
def test_compaction_copies_runs_to_what_a_line_by_line_copy_gives(tmp_path, seed):
    """corpus.jsonl is compacted by copying the runs of lines it keeps as they are (kernel copies)
    and writing the rest: the same bytes as a plain line-by-line compaction, for replaced, dropped,
    missing, retaken and torn lines alike."""
    rng = random.Random(seed)
    store = CorpusStore(tmp_path)
    store.documents_dir.mkdir(parents=True)
    ids = [f"{n:016x}" for n in range(rng.randint(1, 40))]
    docs: dict[str, bytes] = {}
    for i in ids:
        if rng.random() < 0.85:
            docs[i] = json.dumps({"id": i, "text": "方" * rng.randint(0, 300), "v": 1}, ensure_ascii=False, indent=2).encode()
            store.document_path(i).write_bytes(docs[i])
    body = []
    for _ in range(rng.randint(0, 60)):
        i = rng.choice(ids)
        body.append(json.dumps({"id": i, "text": "案" * rng.randint(0, 50), "v": rng.randint(2, 9)},
                               ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    jsonl = b"".join(body)
    if body and rng.random() < 0.3:
        jsonl += b'{"id":"' + ids[0].encode() + b'","torn'  # a killed append
    store.jsonl_path.write_bytes(jsonl)
    retake = set(rng.sample(ids, rng.randint(0, min(3, len(ids)))))
    whole = jsonl if jsonl.endswith(b"\n") or not body else jsonl[:jsonl.rindex(b"\n") + 1]
    expected = _compacted_plainly(whole, docs, retake)
    changed = store.compact_jsonl(retake)
    assert store.jsonl_path.read_bytes() == (expected if changed else jsonl)
    assert changed or expected == jsonl


def test_recover_removes_the_temporary_files_a_kill_left(tmp_path):
    """A kill while corpus.jsonl was compacted (or errors.jsonl written) leaves the temporary file of
    its atomic replacement beside it; the next build's recovery removes it, and keeps every real file."""
    store = CorpusStore(tmp_path)
    store.documents_dir.mkdir(parents=True)
    left = [tmp_path / ".corpus.jsonl.k2x9q.tmp", tmp_path / ".errors.jsonl.a1b2.tmp",
            store.documents_dir / ".0123456789abcdef.json.tmp"]
    kept = [tmp_path / "corpus.jsonl", tmp_path / "notes.tmp", store.documents_dir / "0123456789abcdef.json"]
    for p in left + kept:
        p.write_bytes(b"{}\n" if p.name.endswith(".json") else b"")
    store.recover()
    assert [p for p in left if p.exists()] == []
    assert all(p.exists() for p in kept)


def test_the_note_of_what_is_being_built_is_whole_whenever_the_process_dies(tmp_path):
    """The main process writes the note before each chunk it builds, over the last one in place: the new
    JSON, then the file cut to it. A death between the two leaves the new note with the old one's tail after
    it, and that still reads as the new note; no note, or a torn one, reads as none."""
    store = CorpusStore(tmp_path)
    assert store.building() == []
    store.note_building(["b" * 16, "a" * 16, "c" * 16])
    assert store.building() == ["a" * 16, "b" * 16, "c" * 16]
    longer = store.building_path.read_bytes()
    store.note_building(["d" * 16])
    assert store.building() == ["d" * 16] and store.building_path.read_bytes() == b'["' + b"d" * 16 + b'"]'
    store.building_path.write_bytes(b'["' + b"d" * 16 + b'"]' + longer[20:])  # written, not yet cut
    assert store.building() == ["d" * 16]
    store.building_path.write_bytes(longer[:30])  # torn
    assert store.building() == []
    store.done_building()
    assert not store.building_path.exists() and store.building() == []


def test_documents_to_rebuild_are_read_again_from_their_own_paths(tmp_path):
    """The rebuild at the end of a build reads only the stale documents' inputs again (an archive's
    members from the archive), not every input it was given: the same items, paths and bytes."""
    import zipfile

    from fangan.pipeline import BuildReport, _Inputs, doc_id_for

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for i in range(6):
        (folder / "sub" / f"plan{i}.txt").write_text(f"第{i}号工作方案\n一、工作目标\n", encoding="utf-8")
    with zipfile.ZipFile(folder / "a.zip", "w") as z:
        z.writestr("x/one.txt", "压缩包里的方案一\n")
        z.writestr("x/two.txt", "压缩包里的方案二\n")
    source = _Inputs([folder], Options(), BuildReport())
    first = {doc_id_for(i.sha256): i for i in source.items()}
    wanted = {d for d, i in first.items() if i.path.endswith(("plan2.txt", "plan4.txt", "two.txt"))}
    assert len(wanted) == 3
    stale = set(wanted)
    again = list(source.items_of(stale))
    assert stale == set()  # every one found
    assert [(i.path, i.data) for i in again] == [(first[d].path, first[d].data) for d in first if d in wanted]


# --- the learner's snapshot ------------------------------------------------------------------------

@pytest.fixture
def snapshot_every_build(monkeypatch):
    """Every build ends by writing the learner's snapshot (a real corpus writes one every few hundred lines)."""
    from fangan.normalizers import batch

    monkeypatch.setattr(batch, "SNAPSHOT_EVERY", 1)
    monkeypatch.setattr(batch, "SNAPSHOT_SHARE", 10**9)
    starts: list[int] = []
    original = batch.LearnerLog._entries

    def spy(self, start=0):
        starts.append(start)
        return original(self, start)

    monkeypatch.setattr(batch.LearnerLog, "_entries", spy)
    return starts


def test_halves_built_through_the_learners_snapshot_give_the_same_corpus(inputs, reference, tmp_path,
                                                                        snapshot_every_build):
    files = sorted(inputs.iterdir())
    build(files[: N_DOCS // 2], tmp_path, jobs=1)
    snap = json.loads((tmp_path / "learner.snapshot.json").read_bytes())
    assert snap["log_size"] == (tmp_path / "learner.jsonl").stat().st_size
    snapshot_every_build.clear()
    second = build(files[N_DOCS // 2:], tmp_path, jobs=1)
    assert snapshot_every_build[0] == snap["log_size"]  # the second build replayed only what followed the snapshot
    assert second.rebuilt
    assert_same_corpus(tmp_path, reference)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.rglob("*") if p.name != ".fangan.lock"}
    build([inputs], tmp_path, jobs=1)  # a build that changes nothing writes no snapshot either
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.rglob("*") if p.name != ".fangan.lock"} == before


def test_a_killed_build_resumes_through_the_learners_snapshot(inputs, reference, tmp_path, snapshot_every_build):
    files = sorted(inputs.iterdir())
    build(files[: N_DOCS // 2], tmp_path, jobs=1)
    size = json.loads((tmp_path / "learner.snapshot.json").read_bytes())["log_size"]
    _killed_build(inputs, tmp_path, "learn", 3)  # killed after it appended to the log past the snapshot
    assert (tmp_path / "learner.jsonl").stat().st_size > size
    snapshot_every_build.clear()
    build([inputs], tmp_path, jobs=1)
    assert snapshot_every_build[0] == size
    assert_same_corpus(tmp_path, reference)


def test_a_build_that_changes_nothing_writes_no_snapshot_to_a_corpus_without_one(inputs, tmp_path, monkeypatch):
    from fangan.normalizers import batch

    monkeypatch.setattr(batch, "SNAPSHOT_EVERY", 10**9)  # a corpus built before snapshots existed
    build([inputs], tmp_path, jobs=1)
    assert not (tmp_path / "learner.snapshot.json").exists()
    monkeypatch.setattr(batch, "SNAPSHOT_EVERY", 1)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.rglob("*") if p.name != ".fangan.lock"}
    report = build([inputs], tmp_path, jobs=1)
    assert report.built == []
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.rglob("*") if p.name != ".fangan.lock"} == before
