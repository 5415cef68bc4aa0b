"""Parquet tables: fixed columns and dtypes, one row per item with document id and section path,
incremental rewrites, and the same files read by pandas, DuckDB and polars."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import fangan
from fangan.corpus import tables
from fangan.corpus.store import CorpusStore
from fangan.corpus.tables import SCHEMAS, TABLES, frames_from_records, load_corpus, part_path, update_tables
from fangan.model import Document
from fangan.pipeline import build

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
A, B, C = "a100000000000001", "b200000000000002", "a1000000000000ff"  # A and C share bucket a1


def write_records(root: Path, records=None) -> CorpusStore:
    store = CorpusStore(root)
    for rec in records if records is not None else json.loads((FIXTURES / "records.json").read_text(encoding="utf-8")):
        store.write_document(Document.model_validate(rec))
    return store


@pytest.fixture()
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    write_records(root)
    tables.write_tables(root)
    return root


def test_tables_have_one_row_per_item_with_doc_id_and_section_path(corpus):
    c = fangan.load_corpus(corpus)
    assert list(c.documents.doc_id) == [A, C, B]  # sorted by id
    assert len(c.sections) == 4 + 2 + 1
    sec = c.sections.set_index(["doc_id", "section_id"])
    assert sec.loc[(A, "s2.1"), "path"] == "工作措施 > 开展拉网式排查"
    assert sec.loc[(A, "s2.1"), "parent_id"] == "s2" and sec.loc[(A, "s2.1"), "level"] == 2

    d = c.deadlines[c.deadlines.doc_id == A].reset_index(drop=True)
    assert list(d.deadline_index) == [0, 1, 2]
    assert list(d.section_path) == ["工作措施 > 开展拉网式排查"] * 3
    assert d.loc[0, "due_month"] == 7 and d.loc[0, "due_day"] == 15 and pd.isna(d.loc[0, "due_year"])
    assert pd.isna(d.loc[0, "due_iso"])  # no year: no ISO date
    assert d.loc[2, "due_iso"] == "2024-09-30"
    assert d.loc[1, "due_part"] == "end" and d.loc[1, "recurring"] == "quarterly" and pd.isna(d.loc[1, "due_month"])
    assert d.loc[0, "party"] == "县卫生监督所"

    p = c.parties
    assert list(zip(p.doc_id, p.name, p.section_path)) == [
        (A, "县卫生监督所", "工作措施 > 开展拉网式排查"), (A, "各乡镇卫生院", "工作措施 > 开展拉网式排查"), (B, "健康教育科", "工作要求")]

    ph = c.phases
    assert list(ph.name) == ["动员部署阶段", "集中整治阶段"]
    assert ph.loc[0, "start_part"] == "late" and pd.isna(ph.loc[0, "start_day"]) and pd.isna(ph.loc[0, "start_iso"])
    assert ph.loc[0, "end_iso"] == "2024-06-10" and pd.isna(ph.loc[1, "end_iso"]) and ph.loc[1, "end_month"] == 8
    assert list(ph.section_path) == ["时间安排", "时间安排"]

    t = c.targets
    assert list(zip(t.doc_id, t.goal_index, t.target_index, t.comparator, t.value)) == [
        (A, 0, 0, "==", 100.0), (A, 0, 1, ">=", 90.0), (B, 0, 0, ">=", 80.0)]
    assert list(c.goals.section_path) == ["工作目标", "工作目标"]
    assert set(c.repairs.step) == {"decode", "convert_script"}

    doc = c.documents.set_index("doc_id")
    assert doc.loc[A, "date_iso"] == "2024-05-20" and doc.loc[A, "n_deadlines"] == 3 and doc.loc[A, "n_parties"] == 2
    assert doc.loc[B, "site"] == "wnwk.com" and doc.loc[B, "warnings"] == '["template_year"]'
    assert pd.isna(doc.loc[C, "date_year"])


def test_dtypes_are_fixed_and_nullable(corpus, tmp_path):
    c = load_corpus(corpus)
    for t in TABLES:
        assert list(c[t].columns) == SCHEMAS[t].names, t
    assert str(c.documents.year.dtype) == "Int32"
    assert str(c.deadlines.due_month.dtype) == "Int32"  # nullable: a missing month is <NA>, never a float
    assert str(c.documents["size"].dtype) == "Int64"
    assert str(c.targets.value.dtype) == "Float64"
    # an empty corpus still has every column with the same dtypes
    empty = tmp_path / "empty"
    (empty / "documents").mkdir(parents=True)
    tables.write_tables(empty)
    e = load_corpus(empty)
    for t in TABLES:
        assert len(e[t]) == 0
        assert list(e[t].dtypes) == list(c[t].dtypes), t


def test_parquet_and_json_give_identical_frames(corpus):
    assert tables.tables_are_current(corpus)
    from_parquet = load_corpus(corpus)
    from_json = frames_from_records(CorpusStore(corpus).iter_raw())
    for t in TABLES:
        pdt.assert_frame_equal(from_parquet[t], from_json[t], obj=t)


def test_parquet_opens_in_duckdb_and_polars(corpus):
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    glob = str(corpus / "tables" / "{}" / "*.parquet")
    rows = duckdb.sql(
        f"select p.name, count(*) as n from read_parquet('{glob.format('deadlines')}') d "
        f"join read_parquet('{glob.format('parties')}') p using (doc_id, section_id) "
        f"where p.name = '县卫生监督所' group by p.name").fetchall()
    assert rows == [("县卫生监督所", 3)]
    assert duckdb.sql(f"select typeof(due_month), typeof(due_iso) from read_parquet('{glob.format('deadlines')}') limit 1"
                      ).fetchall() == [("INTEGER", "VARCHAR")]
    df = pl.read_parquet(glob.format("deadlines"))
    assert df.schema["due_month"] == pl.Int32 and df.schema["due_iso"] == pl.String
    assert df.filter(pl.col("due_month") == 11)["doc_id"].to_list() == [B]
    docs = pl.read_parquet(glob.format("documents")).sort("doc_id")
    assert docs["year"].to_list() == [2024, 2012, 2006]


def _stamps(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in (root / "tables").rglob("*.parquet")}


def test_tables_are_rewritten_only_where_documents_changed(tmp_path):
    records = {r["id"]: r for r in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8"))}
    root = tmp_path / "corpus"
    store = write_records(root, [records[A], records[C]])
    assert update_tables(root).rewritten == ["part-000000.parquet"]
    first = _stamps(root)
    assert len(first) == len(TABLES)
    assert update_tables(root).rewritten == []  # nothing changed: nothing rewritten
    assert _stamps(root) == first

    write_records(root, [records[B]])  # a new record: a new part, the old one untouched
    assert update_tables(root).rewritten == ["part-000001.parquet"]
    assert {k: v for k, v in _stamps(root).items() if k in first} == first

    rec = json.loads(store.document_path(B).read_text(encoding="utf-8"))
    rec["title"] = "区卫生局2006年健康教育实施方案（修订）"
    rec["responsible_parties"].append({"name": "区疾控中心", "role": "配合单位", "section_id": "s2", "raw": ""})
    store.write_document(Document.model_validate(rec))
    upd = update_tables(root)  # the replaced record's part goes, its new version is added
    assert upd.rewritten == ["part-000002.parquet"] and upd.removed == ["part-000001.parquet"]
    assert {k: v for k, v in _stamps(root).items() if k in first} == first
    c = load_corpus(root)
    assert c.documents.set_index("doc_id").loc[B, "title"].endswith("（修订）")
    assert list(c.parties[c.parties.doc_id == B].name) == ["健康教育科", "区疾控中心"]

    store.document_path(A).unlink()  # a removed document leaves the tables too; its part keeps C
    upd = update_tables(root)
    assert upd.rewritten == ["part-000000.parquet"] and upd.removed == []
    assert set(load_corpus(root).documents.doc_id) == {B, C}
    assert tables.tables_are_current(root)


def test_manifest_version_change_or_missing_part_rewrites(corpus):
    part_path(corpus, "phases", "part-000000.parquet").unlink()
    assert not tables.tables_are_current(corpus)
    assert update_tables(corpus).rewritten == ["part-000001.parquet"]
    assert tables.tables_are_current(corpus)
    assert not part_path(corpus, "documents", "part-000000.parquet").exists()
    manifest = corpus / "tables" / "_manifest.json"
    m = json.loads(manifest.read_text())
    m["tables_version"] = "0.9.0"
    manifest.write_text(json.dumps(m))
    assert update_tables(corpus).rewritten == ["part-000000.parquet"]
    assert sorted(p.name for p in (corpus / "tables" / "phases").iterdir()) == ["part-000000.parquet"]


def test_files_a_killed_build_left_are_cleaned_up(corpus):
    stray = part_path(corpus, "goals", "part-000007.parquet")
    shutil.copy(part_path(corpus, "goals", "part-000000.parquet"), stray)
    assert update_tables(corpus).rewritten == []
    assert not stray.exists()
    assert len(load_corpus(corpus).goals) == 2


def test_load_corpus_reads_json_when_tables_are_stale(corpus):
    store = CorpusStore(corpus)
    rec = json.loads(store.document_path(C).read_text(encoding="utf-8"))
    rec["year"] = 2013
    store.write_document(Document.model_validate(rec))
    os.utime(store.document_path(C), ns=(1, 1))  # a different stamp, whatever the clock resolution
    assert not tables.tables_are_current(corpus)
    assert load_corpus(corpus).documents.set_index("doc_id").loc[C, "year"] == 2013


def test_build_writes_tables_and_a_forced_rebuild_rewrites_only_its_part(tmp_path):
    out = tmp_path / "corpus"
    report = build([SAMPLES], out)
    assert len(report.built) == 5
    assert tables.tables_are_current(out)
    c = load_corpus(out)
    assert sorted(c.documents.doc_id) == sorted(report.built)
    assert set(c.sections.doc_id) <= set(report.built) and len(c.sections) == c.documents.n_sections.sum()
    assert c.sections.path.notna().all()
    assert len(c.deadlines) == c.documents.n_deadlines.sum() and len(c.parties) == c.documents.n_parties.sum()
    # rebuilding one input (forced): its new rows go to a new part, its old part is rewritten without them
    stamps = _stamps(out)
    src = tmp_path / "one"
    src.mkdir()
    shutil.copy(SAMPLES / "county_summer_food_safety_plan_utf16.txt", src)
    from fangan.pipeline import Options

    before = json.loads((out / "tables" / "_manifest.json").read_text())["parts"]
    rebuilt = build([src], out, Options(force=True)).built
    assert len(rebuilt) == 1
    parts = json.loads((out / "tables" / "_manifest.json").read_text())["parts"]
    new = [name for name in parts if name not in before]
    assert len(new) == 1 and list(parts[new[0]]) == rebuilt  # its new rows: a new part
    old = [name for name in before if rebuilt[0] in before[name]]
    assert len(old) == 1 and rebuilt[0] not in parts.get(old[0], {})  # its old part: rewritten without it
    changed = {k for k, v in _stamps(out).items() if stamps.get(k) != v}
    assert changed == {f"tables/{t}/{name}" for t in TABLES for name in (new[0], old[0]) if name in parts}
    assert tables.tables_are_current(out)
    assert sorted(load_corpus(out).documents.doc_id) == sorted(report.built)


def test_many_small_parts_are_merged(tmp_path):
    records = json.loads((FIXTURES / "records.json").read_text(encoding="utf-8"))
    root = tmp_path / "corpus"
    store = CorpusStore(root)
    for i in range(tables.MERGE_AT):  # one document added per build, as a daily update does
        rec = dict(records[i % len(records)], id=f"{i:016x}")
        store.write_document(Document.model_validate(rec))
        update_tables(root)
    parts = json.loads((root / "tables" / "_manifest.json").read_text())["parts"]
    assert len(parts) == 1 and len(next(iter(parts.values()))) == tables.MERGE_AT
    assert sorted(p.name for p in (root / "tables" / "targets").iterdir()) == list(parts)
    assert tables.tables_are_current(root)
    assert len(load_corpus(root).documents) == tables.MERGE_AT


def test_table_rows_put_each_value_in_its_column():
    # the rows are tuples in SCHEMAS order: a value one column off would still load, so name them
    from fangan.corpus.tables import rows_for, table_rows
    from fangan.pipeline import process_file

    doc = process_file(Path(__file__).parent / "fixtures" / "extract" / "county_vaccination_plan.txt")
    record = doc.model_dump(mode="json")
    rows = table_rows(doc)
    assert all(len(r) == len(SCHEMAS[t]) for t in TABLES for r in rows[t]) and all(rows[t] for t in TABLES)
    assert rows == table_rows(record)  # from the record alone, validated again
    named = rows_for(doc)
    d = named["documents"][0]
    assert (d["doc_id"], d["issuer"], d["doc_number"], d["year"], d["format"]) == (
        doc.id, "县卫生健康局", "县卫健发〔2024〕15号", 2024, "txt")
    assert d["n_sections"] == len(named["sections"]) and d["n_chars"] == len(doc.text) and d["text"] == doc.text
    s = named["sections"][-1]
    assert (s["section_id"], s["order"], s["level"], s["marker"], s["title"], s["path"], s["parent_id"]) == (
        "s4.2", 8, 2, "（二）", "严格考核", "工作要求 > 严格考核", "s4")
    t = named["targets"][-1]
    assert (t["indicator"], t["comparator"], t["value"], t["unit"], t["section_path"]) == (
        "村级接种服务覆盖率", "==", 100.0, "%", "工作目标")
    p = named["phases"][-1]
    assert (p["name"], p["start_month"], p["start_part"], p["end_month"], p["end_raw"], p["raw"]) == (
        "总结阶段", 11, "late", 12, "年底", "11月下旬至年底")
    dl = named["deadlines"][-1]
    assert (dl["action"], dl["recurring"], dl["due_part"], dl["due_raw"], dl["section_id"]) == (
        "报送工作总结", "quarterly", "end", "每季度末前", "s3.3")
    pa_ = named["parties"][-1]
    assert (pa_["party_index"], pa_["name"], pa_["role"], pa_["section_path"]) == (7, "县妇幼保健院", "合作", "工作要求 > 加强协作")
    r = named["repairs"][-1]
    assert (r["step"], r["count"], r["examples"]) == ("choose_title", 1, "[]")


def test_write_record_returns_the_stamp_the_tables_read_back(tmp_path):
    # the build keeps what write_record returns as the version of the record its rows came from; a
    # stamp that did not match the fingerprint read back later would make every build redo the tables
    from fangan.corpus.store import record_digest, stamp_matches
    from fangan.corpus.tables import record_fingerprints

    store = CorpusStore(tmp_path / "c")  # documents/ does not exist yet: write_record makes it
    first = store.write_record("abc", b'{"id": "abc"}\n')
    assert stamp_matches(first, record_fingerprints(store)["abc"])
    assert first.endswith("#" + record_digest(b'{"id": "abc"}\n'))
    second = store.write_record("abc", b'{"id": "abc", "x": 1}\n')  # replaced: a new stamp
    assert second != first and stamp_matches(second, record_fingerprints(store)["abc"])
    assert not stamp_matches(first, record_fingerprints(store)["abc"])
    assert store.document_path("abc").read_bytes() == b'{"id": "abc", "x": 1}\n'
    assert not list(store.documents_dir.glob(".*.tmp"))
    # the digest a worker made of the bytes it serialized gives the stamp the written bytes give
    third = store.write_record("abc", b'{"id": "abc", "x": 2}\n', record_digest(b'{"id": "abc", "x": 2}\n'))
    assert stamp_matches(third, record_fingerprints(store)["abc"])
    assert third.endswith("#" + record_digest(store.document_path("abc").read_bytes()))


def test_writer_holds_the_first_part_so_documents_rebuilt_at_the_end_cost_no_rewrite(tmp_path):
    from fangan.corpus.tables import TablesWriter, _read_manifest, table_rows

    records = {r["id"]: r for r in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8"))}
    root = tmp_path / "corpus"
    store = CorpusStore(root)

    def batch(*ids):
        fps = {i: store.write_record(i, json.dumps(records[i], ensure_ascii=False).encode()) for i in ids}
        return [table_rows(records[i]) for i in ids], fps

    w = TablesWriter(root, flush_docs=2)
    w.append(*batch(A, C))  # the first part: held
    assert not (tables_dir := root / "tables" / "documents").exists() or not list(tables_dir.glob("*.parquet"))
    w.append(*batch(B))
    records[A] = {**records[A], "title": records[A]["title"] + "（修订）"}
    w.append(*batch(A))  # A rebuilt: it leaves the held part and joins the newest → a second part (B, A)
    w.close()
    parts = _read_manifest(root)["parts"]
    assert list(parts) == ["part-000000.parquet", "part-000001.parquet"]
    assert list(parts["part-000000.parquet"]) == [C] and sorted(parts["part-000001.parquet"]) == sorted([A, B])
    assert update_tables(root).rewritten == []  # nothing left to drop at the end of the build
    on_disk, from_records = load_corpus(root), frames_from_records(store.iter_raw())
    for t in TABLES:  # the same rows as the records give, the rebuilt A's newest version only
        key = [c for c in SCHEMAS[t].names if c != "text"]
        pdt.assert_frame_equal(on_disk[t].sort_values(key).reset_index(drop=True),
                               from_records[t].sort_values(key).reset_index(drop=True))
    assert on_disk.documents.set_index("doc_id").loc[A, "title"].endswith("（修订）")


def test_writer_skips_a_held_part_whose_documents_were_all_rebuilt(tmp_path):
    from fangan.corpus.tables import TablesWriter, _read_manifest, table_rows

    records = {r["id"]: r for r in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8"))}
    root = tmp_path / "corpus"
    store = CorpusStore(root)
    w = TablesWriter(root, flush_docs=1)
    for i in (A, B, A):  # A held, then B pending → written; A rebuilt: the held part is empty
        fp = store.write_record(i, json.dumps(records[i], ensure_ascii=False).encode())
        w.append([table_rows(records[i])], {i: fp})
    w.close()
    assert list(_read_manifest(root)["parts"]) == ["part-000001.parquet", "part-000002.parquet"]
    assert update_tables(root).rewritten == [] and set(load_corpus(root).documents.doc_id) == {A, B}


def _parts_as_rows(root: Path) -> dict[str, dict[str, list]]:
    """Each part's rows, table by table, in the order the part holds them."""
    import pyarrow.parquet as pq

    return {name: {t: pq.read_table(part_path(root, t, name)).to_pylist() for t in TABLES}
            for name in tables._read_manifest(root)["parts"]}


def test_writer_parts_equal_those_of_rows_kept_per_document():
    """The writer converts each batch's rows to Arrow as the batch comes and leaves a rebuilt document's rows
    out when it writes a part. Any sequence of batches, documents built again within a part, across parts or
    in the held first part, gives the parts a writer keeping each document's rows (the newest version, moved
    to the end of the newest part) writes: the same names, documents, rows and row order."""
    from hypothesis import given, settings, strategies as st

    from fangan.corpus.tables import TablesWriter, arrow_from_tuples, table_rows

    records = {r["id"]: r for r in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8"))}

    def version(doc_id: str, n: int) -> dict:
        return {**records[doc_id], "title": f"{records[doc_id]['title']}（第{n}版）"}

    batches_st = st.lists(st.lists(st.sampled_from([A, B, C]), min_size=1, max_size=3, unique=True), min_size=1, max_size=6)

    @settings(max_examples=40, deadline=None)
    @given(batches=batches_st, flush_docs=st.integers(1, 4))
    def check(batches, flush_docs):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "corpus"
            store = CorpusStore(root)
            w = TablesWriter(root, flush_docs=flush_docs)
            # the model: rows kept per document, a part per flush_docs documents, the first held to the end
            parts, pending, held, held_name, seq = {}, {}, {}, None, 0
            for n, ids in enumerate(batches):
                recs = {i: version(i, n) for i in ids}
                fps = {i: store.write_record(i, json.dumps(recs[i], ensure_ascii=False).encode()) for i in ids}
                rows = [table_rows(recs[i]) for i in ids]
                w.append(rows, fps)
                for i, r in zip(ids, rows):
                    pending.pop(i, None)
                    held.pop(i, None)
                    pending[i] = r
                if len(pending) >= flush_docs:
                    name, seq = f"part-{seq:06d}.parquet", seq + 1
                    if held_name is None:
                        held_name, held, pending = name, pending, {}
                    else:
                        parts[name], pending = pending, {}
            w.close()
            if held:
                parts[held_name] = held
            if pending:
                parts[f"part-{seq:06d}.parquet"] = pending
            want = {name: {t: arrow_from_tuples(t, [r for doc in docs.values() for r in doc[t]]).to_pylist()
                           for t in TABLES} for name, docs in sorted(parts.items())}
            assert _parts_as_rows(root) == want
            assert {name: sorted(docs) for name, docs in tables._read_manifest(root)["parts"].items()} == \
                {name: sorted(docs) for name, docs in parts.items()}

    check()


_BUILD_WITHOUT_PANDAS = """
import json, sys
from fangan.cli import app
try:
    app(["build", sys.argv[1], "--out", sys.argv[2], "--jobs", sys.argv[3]])
except SystemExit as e:
    assert not e.code, e.code
loaded = "pandas" in sys.modules
from fangan.corpus.tables import load_corpus
c = load_corpus(sys.argv[2])
print(json.dumps({"pandas_during_build": loaded, "documents": len(c.documents), "year": str(c.documents.year.dtype),
                  "sections": len(c.sections), "size": str(c.documents["size"].dtype)}))
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_cli_builds_without_importing_pandas_and_frames_load_after_it(tmp_path, jobs):
    """pyarrow imports pandas on its first list conversion (0.29 s of a one-document build); the CLI's build keeps pandas
    out, and a DataFrame asked for in the same process afterwards is made as in any other process."""
    import subprocess
    import sys

    out = tmp_path / "corpus"
    proc = subprocess.run([sys.executable, "-c", _BUILD_WITHOUT_PANDAS, str(SAMPLES), str(out), jobs],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    c = load_corpus(out)  # in this process, which had pandas all along
    assert got == {"pandas_during_build": False, "documents": len(c.documents), "year": "Int32",
                   "sections": len(c.sections), "size": "Int64"}
    assert len(c.documents) >= 5


def test_without_pandas_leaves_a_process_that_has_pandas_alone():
    import sys

    with tables.without_pandas():
        import pandas  # noqa: F401  (already loaded in this process: found, not refused)
        assert tables._NoPandas not in sys.meta_path
    assert tables._NoPandas not in sys.meta_path


def test_writer_writes_a_part_once_its_rows_pass_flush_bytes(tmp_path):
    """Large plans: a part is written when its rows' Arrow buffers reach `flush_bytes`, however few documents
    it holds (the first still held to the end), so the rows kept in memory stay bounded."""
    from fangan.corpus.tables import TablesWriter, _read_manifest, table_rows

    records = {r["id"]: r for r in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8"))}
    root = tmp_path / "corpus"
    store = CorpusStore(root)
    w = TablesWriter(root, flush_docs=256, flush_bytes=1)
    for i in (A, B, C):
        fp = store.write_record(i, json.dumps(records[i], ensure_ascii=False).encode())
        w.append([table_rows(records[i])], {i: fp})
        assert not len(w.pending)  # each document's rows reached the bytes and went into a part
    w.close()
    parts = _read_manifest(root)["parts"]
    assert [list(p) for p in parts.values()] == [[A], [B], [C]]
    on_disk, from_records = load_corpus(root), frames_from_records(store.iter_raw())
    for t in TABLES:
        key = [c for c in SCHEMAS[t].names if c != "text"]
        pdt.assert_frame_equal(on_disk[t].sort_values(key).reset_index(drop=True),
                               from_records[t].sort_values(key).reset_index(drop=True))
