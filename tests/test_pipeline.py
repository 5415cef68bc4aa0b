"""The whole slice on real-looking inputs: samples build, bad inputs become error records, re-runs resume."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from fangan.corpus.store import CorpusStore
from fangan.pipeline import Options, build, process_file

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PINYIN = re.compile(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


@pytest.fixture(scope="module")
def samples_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples-corpus")
    report = build([SAMPLES], out)
    return out, report


def _by_name(out: Path) -> dict[str, dict]:
    return {Path(d["source"]["path"]).name: d for d in CorpusStore(out).iter_raw()}


def test_every_sample_gives_a_document_or_an_error(samples_corpus):
    out, report = samples_corpus
    inputs = sorted(p.name for p in SAMPLES.iterdir() if p.is_file())
    docs = _by_name(out)
    errors = [json.loads(ln) for ln in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    accounted = sorted(list(docs) + [Path(e["path"]).name for e in errors])
    assert accounted == inputs
    assert [Path(e["path"]).name for e in errors] == ["truncated_download.txt"]
    assert errors[0]["stage"] == "parse" and errors[0]["error"] == "not_text"
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(docs) == len(report.built)


def test_encodings_are_detected(samples_corpus):
    docs = _by_name(samples_corpus[0])
    assert docs["taiwan_school_cleanliness_plan_big5.txt"]["source"]["encoding"] in ("cp950", "big5")
    assert docs["community_health_promotion_plan_docshare_gbk.txt"]["source"]["encoding"] == "gb18030"
    assert docs["county_summer_food_safety_plan_utf16.txt"]["source"]["encoding"].startswith("utf-16")
    assert "①教室内部清洁" in docs["taiwan_school_cleanliness_plan_big5.txt"]["text"]


def test_traditional_with_pinyin_comes_out_simplified(samples_corpus):
    doc = _by_name(samples_corpus[0])["district_cdc_school_health_plan_traditional_pinyin.txt"]
    assert doc["script"] == "traditional"
    assert doc["title"] == "区疾控中心2019年健康教育进校园活动实施方案"
    assert not PINYIN.search(doc["text"])
    assert "卫生习惯" in doc["text"] and "衛" not in doc["text"]
    assert "（责任科室：健康教育科、学校卫生科）" in doc["text"]  # a real parenthesis is kept, made fullwidth
    repairs = {r["step"]: r for r in doc["repairs"]}
    assert repairs["strip_pinyin_annotations"]["count"] >= 10
    assert repairs["convert_script"]["count"] > 0
    top = [(s["marker"], s["title"]) for s in doc["sections"]]
    assert top == [("一、", "工作目标"), ("二、", "组织领导"), ("三、", "活动安排"), ("四、", "工作要求")]
    assert [c["marker"] for c in doc["sections"][2]["children"]] == ["（一）", "（二）", "（三）"]


def test_rerun_skips_built_documents_and_keeps_errors(samples_corpus, tmp_path):
    out = tmp_path / "corpus"
    shutil.copytree(samples_corpus[0], out)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "documents").iterdir()}
    report = build([SAMPLES], out)
    assert report.built == [] and len(report.skipped) == len(before)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "documents").iterdir()} == before
    assert [e.error for e in report.errors] == ["not_text"]  # failures are retried and reported again


def test_duplicate_and_missing_inputs_are_reported(tmp_path):
    src = SAMPLES / "county_summer_food_safety_plan_utf16.txt"
    shutil.copy(src, tmp_path / "copy.txt")
    out = tmp_path / "out"
    report = build([src, tmp_path / "copy.txt", tmp_path / "nope.txt"], out)
    assert len(report.built) == 1
    assert [e.error for e in report.errors] == ["not_found"]
    # a duplicate is not an error: it is skipped, with the reason, and listed in skipped.jsonl
    (dup,) = report.skipped_inputs
    assert dup.error == "duplicate" and dup.path == str(tmp_path / "copy.txt") and str(src) in dup.reason
    assert "duplicate" in (out / "skipped.jsonl").read_text(encoding="utf-8")


def test_a_crash_inside_a_stage_becomes_an_error_record(tmp_path, monkeypatch):
    import fangan.pipeline as pipeline

    def broken(doc, structure=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "extract", broken)
    report = build([SAMPLES / "county_summer_food_safety_plan_utf16.txt", SAMPLES / "taiwan_school_cleanliness_plan_big5.txt"], tmp_path)
    assert report.built == []
    assert {(e.stage, e.error) for e in report.errors} == {("extract", "internal_error")}
    assert "RuntimeError: boom" in report.errors[0].reason


def test_writes_leave_no_temporary_files(samples_corpus):
    out = samples_corpus[0]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_process_file_is_the_python_twin_of_show():
    doc = process_file(SAMPLES / "taiwan_school_cleanliness_plan_big5.txt", Options())
    assert doc.title.startswith("台中市")
    assert doc.script == "traditional"


def _records(out: Path) -> dict[str, dict]:
    recs = {}
    for d in CorpusStore(out).iter_raw():
        recs[d["id"]] = {k: v for k, v in d.items() if k != "source"}
    return recs


def test_worker_processes_give_the_same_corpus(samples_corpus, tmp_path):
    report = build([SAMPLES], tmp_path, jobs=2)
    assert sorted(report.built) == sorted(samples_corpus[1].built)
    assert _records(tmp_path) == _records(samples_corpus[0])


def _index_rows(out: Path) -> list[tuple]:
    """The documents' JSON columns and every word of the full-text index, where (`index_vocabulary`)."""
    import sqlite3

    from index_words import index_vocabulary

    con = sqlite3.connect(out / "corpus.sqlite")
    try:
        facets = con.execute("SELECT doc_id, parties, deadline_months FROM documents ORDER BY doc_id").fetchall()
    finally:
        con.close()
    return facets + index_vocabulary(out)


def test_with_one_worker_the_writer_cuts_the_index_text_as_the_builders_would(tmp_path, monkeypatch):
    """With one worker, documents reach the writer without their full-text columns and the index writer cuts
    them; with more workers (or one process) the builders do. The index holds the same either way."""
    from fangan.corpus import search

    left = []
    real_add = search.IndexWriter.add

    def add(self, entries, fingerprints):
        left.extend(e.fts is None for e in entries)
        return real_add(self, entries, fingerprints)

    monkeypatch.setattr(search.IndexWriter, "add", add)
    build([SAMPLES], tmp_path / "two", jobs=2)
    assert left and all(left)  # every document's cut was left to the writer
    left.clear()
    build([SAMPLES], tmp_path / "three", jobs=3)
    assert left and not any(left)
    left.clear()
    build([SAMPLES], tmp_path / "one", jobs=1)
    assert left and not any(left)
    rows = _index_rows(tmp_path / "one")
    assert rows and _index_rows(tmp_path / "two") == rows == _index_rows(tmp_path / "three")


def test_dask_cluster_gives_the_same_corpus(samples_corpus, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        report = build([SAMPLES], tmp_path, dask_address=cluster.scheduler_address)
    assert sorted(report.built) == sorted(samples_corpus[1].built)
    assert _records(tmp_path) == _records(samples_corpus[0])


def _table_rows(out: Path) -> dict[str, list]:
    import pyarrow.parquet as pq

    from fangan.corpus.tables import TABLES, tables_dir

    return {t: sorted(map(repr, (row for p in sorted((tables_dir(out) / t).glob("*.parquet"))
                                 for row in pq.read_table(p).to_pylist()))) for t in TABLES}


@pytest.mark.parametrize("jobs", [1, 2])
def test_batches_of_large_documents_hold_fewer_of_them_and_the_corpus_is_the_same(samples_corpus, tmp_path, monkeypatch, jobs):
    """Memory: a write batch (and a chunk built stage by stage) ends before its inputs pass BATCH_BYTES, and a table
    part is written once its rows pass flush_bytes. With both made tiny, every batch holds one document at most
    past the first, parts are many, and the records, tables and index are those of the default build."""
    from fangan import pipeline
    from fangan.corpus import tables

    batches, chunks = [], []
    real_write, real_tasks = pipeline._Writer.write, pipeline._tasks

    def write(self, results):
        batches.append([r[0].size for r in results])
        return real_write(self, results)

    def tasks(jobs_):
        chunks.append([item.size for _, item in jobs_])
        return real_tasks(jobs_)

    smallest = min(p.stat().st_size for p in SAMPLES.iterdir() if p.is_file())
    monkeypatch.setattr(pipeline._Writer, "write", write)
    if jobs == 1:  # (a worker is handed the module's own function)
        monkeypatch.setattr(pipeline, "_tasks", tasks)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", smallest)
    monkeypatch.setattr(tables.TablesWriter.__init__, "__defaults__", (256, 1))
    build([SAMPLES], tmp_path, jobs=jobs)
    assert batches and all(len(b) == 1 for b in batches)  # each input alone reaches the cap
    if jobs == 1:
        assert chunks and all(len(c) == 1 for c in chunks)
    n_parts = len(tables._read_manifest(tmp_path)["parts"])
    assert n_parts == len(samples_corpus[1].built) > 1  # a part per document
    base = samples_corpus[0]
    assert _records(tmp_path) == _records(base)
    assert _table_rows(tmp_path) == _table_rows(base) and _index_rows(tmp_path) == _index_rows(base)


def test_the_index_makes_its_lookups_while_the_last_parts_are_written(tmp_path, monkeypatch):
    """The writer's close runs the index's close (its lookups, its commit) in another thread while this one writes
    the last Parquet parts: the two overlap, and the index, closed from that thread, holds every document."""
    import sqlite3
    import threading
    import time

    from fangan.corpus import search, tables

    spans: dict[str, tuple] = {}
    real_tables, real_index = tables.TablesWriter.close, search.IndexWriter.close

    def slow_tables(self):
        t0 = time.perf_counter()
        time.sleep(0.4)
        real_tables(self)
        spans["tables"] = (t0, time.perf_counter(), threading.get_ident())

    def timed_index(self):
        t0 = time.perf_counter()
        out = real_index(self)
        spans["index"] = (t0, time.perf_counter(), threading.get_ident())
        return out

    monkeypatch.setattr(tables.TablesWriter, "close", slow_tables)
    monkeypatch.setattr(search.IndexWriter, "close", timed_index)
    report = build([SAMPLES], tmp_path, jobs=1)
    (t_start, t_end, t_thread), (i_start, _, i_thread) = spans["tables"], spans["index"]
    assert i_thread != t_thread and t_start <= i_start + 0.2 and i_start < t_end  # begun together, overlapping
    con = sqlite3.connect(tmp_path / "corpus.sqlite")
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(report.built) > 0
    assert {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")} >= set(search.LOOKUPS)
    con.close()


@pytest.mark.parametrize("failing", ["tables", "index"])
def test_the_last_part_and_the_index_are_both_closed_when_one_fails(tmp_path, monkeypatch, failing):
    """The writer closes the Parquet tables and the index (side by side); when one fails, the other still
    closes (its rows are there), and the error ends the build as before."""
    import sqlite3

    from fangan.corpus import search, tables

    def broken(self):
        raise OSError("disk full")

    target = tables.TablesWriter if failing == "tables" else search.IndexWriter
    monkeypatch.setattr(target, "close", broken)
    with pytest.raises(OSError, match="disk full"):
        build([SAMPLES], tmp_path, jobs=1)
    n_docs = len(list((tmp_path / "documents").glob("*.json")))
    assert n_docs
    if failing == "tables":  # the index was committed all the same
        con = sqlite3.connect(tmp_path / "corpus.sqlite")
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == n_docs
        con.close()
    else:  # the held part was written all the same
        assert list((tmp_path / "tables" / "documents").glob("part-*.parquet"))
