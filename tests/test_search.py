"""Full-text search: the seed acceptance (知晓率 → seed 000 first, 医改 → seed 002, traditional queries find
the same documents), structured filters, the CLI twin, and incremental re-indexing."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import fangan
from fangan.cli import app
from fangan.corpus import search as S
from fangan.corpus.store import CorpusStore
from fangan.model import Document
from fangan.pipeline import build
from index_words import index_vocabulary, vocabulary_indexed_at_once

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
A, B, C = "a100000000000001", "b200000000000002", "a1000000000000ff"
runner = CliRunner()


@pytest.fixture(scope="module")
def seeds_corpus(seeds_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "corpus"
    report = build([seeds_dir], out)
    assert len(report.built) == 5, report.errors
    return out


def _seed(hit) -> str:
    return Path(hit.path).name[:3]


@pytest.fixture()
def records_corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    store = CorpusStore(root)
    for rec in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8")):
        store.write_document(Document.model_validate(rec))
    S.build_index(root)
    return root


# ------------------------------------------------------------------ seeds acceptance


def test_zhixiaolv_finds_seed_000_first_with_a_snippet(seeds_corpus):
    hits = fangan.search("知晓率", seeds_corpus)
    assert _seed(hits[0]) == "000"
    assert "[知晓率]" in hits[0].snippet and "健康知识" in hits[0].snippet
    assert hits[0].doc_id and hits[0].path.endswith("000_0c47f3031a1b70ff.txt")
    assert hits[0].score > hits[1].score


def test_two_character_word_yigai_finds_seed_002(seeds_corpus):
    hits = fangan.search("医改", seeds_corpus)
    assert [_seed(h) for h in hits] == ["002"]
    # the passage with the most occurrences: the plan names 医改 twice in one sentence
    assert hits[0].snippet.count("[医改]") == 2 and "实现[医改]目标" in hits[0].snippet


@pytest.mark.parametrize("simplified, traditional", [("知晓率", "知曉率"), ("医改", "醫改"),
                                                     ("健康教育 知晓率", "健康教育 知曉率"), ("精神文明建设", "精神文明建設")])
def test_a_traditional_query_finds_the_same_documents(seeds_corpus, simplified, traditional):
    s = fangan.search(simplified, seeds_corpus)
    t = fangan.search(traditional, seeds_corpus)
    assert s and [h.doc_id for h in t] == [h.doc_id for h in s]
    assert [h.snippet for h in t] == [h.snippet for h in s]


def test_a_two_word_query_ranks_the_document_with_both_first(seeds_corpus):
    hits = fangan.search("健康教育 知晓率", seeds_corpus)
    assert _seed(hits[0]) == "000"
    assert "[健康教育]" in hits[0].snippet and "[知晓率]" in hits[0].snippet


def test_cli_prints_the_same_hits_as_the_python_api(seeds_corpus):
    result = runner.invoke(app, ["search", "知晓率", "--corpus", str(seeds_corpus), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [h.to_dict() for h in fangan.search("知晓率", seeds_corpus)]
    text = runner.invoke(app, ["search", "醫改", "--corpus", str(seeds_corpus)])
    assert text.exit_code == 0, text.output
    hit = fangan.search("醫改", seeds_corpus)[0]
    assert hit.doc_id in text.output and Path(hit.path).name in text.output and hit.title in text.output
    assert "[医改]" in text.output.replace("\n", "")  # piped output marks the match with brackets


def test_search_without_an_index_builds_it(seeds_corpus, tmp_path):
    copy = tmp_path / "copy"
    (copy / "documents").mkdir(parents=True)
    for p in (seeds_corpus / "documents").glob("*.json"):
        (copy / "documents" / p.name).write_bytes(p.read_bytes())
    assert [h.doc_id for h in fangan.search("医改", copy)] == [h.doc_id for h in fangan.search("医改", seeds_corpus)]
    with pytest.raises(FileNotFoundError):
        fangan.search("医改", tmp_path / "nothing")


# ------------------------------------------------------------------ filters on structured fields


def _ids(hits) -> list[str]:
    return [h.doc_id for h in hits]


def test_filters(records_corpus):
    r = records_corpus
    assert sorted(_ids(fangan.search("知晓率", r))) == sorted([A, B])
    assert _ids(fangan.search("知晓率", r, year=2006)) == [B]
    assert _ids(fangan.search("知晓率", r, year=[2006, 2024], deadline_month=7)) == [A]
    assert _ids(fangan.search("", r, deadline_month=11)) == [B]  # B's deadline 11月底前
    assert _ids(fangan.search("", r, deadline_month=12)) == []
    assert _ids(fangan.search("", r, issuer="卫生健康局")) == [A]
    assert _ids(fangan.search("", r, issuer="衛生健康局")) == [A]  # traditional filter values too
    assert _ids(fangan.search("", r, site="WNWK.com")) == [B]
    assert _ids(fangan.search("", r, party="监督所")) == [A]  # a responsible party
    assert _ids(fangan.search("", r, party="社区卫生服务中心")) == [B]  # a deadline's owner
    assert _ids(fangan.search("", r, party="健康教育科", year=2024)) == []
    assert _ids(fangan.search("", r)) == [A, C, B]  # no query: every document, newest first
    assert _ids(fangan.search("医改", r, site="fanwen.com", year=2012)) == [C]


def test_cli_filters_match_the_api(records_corpus):
    args = ["search", "", "--corpus", str(records_corpus), "--party", "监督所", "--deadline-month", "7", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [h["doc_id"] for h in json.loads(result.output)] == [A]
    result = runner.invoke(app, ["search", "知晓率", "--corpus", str(records_corpus), "--year", "2006", "--year", "2024", "--json"])
    assert sorted(h["doc_id"] for h in json.loads(result.output)) == sorted([A, B])


def test_title_matches_rank_above_body_matches(records_corpus):
    hits = fangan.search("食品安全", records_corpus)
    assert _ids(hits) == [A]
    hits = fangan.search("职业精神", records_corpus)
    assert _ids(hits) == [C] and "[职业精神]" in hits[0].snippet


def test_queries_with_fts_syntax_or_punctuation_are_safe(records_corpus):
    for q in ['"知晓率', "知晓率 OR", "NEAR(医改)", "医改*", "：，。", "AND"]:
        fangan.search(q, records_corpus)  # never an FTS5 syntax error
    assert fangan.search("：，。", records_corpus) == []


# ------------------------------------------------------------------ the index itself


def test_body_column_gives_back_the_exact_text(records_corpus):
    tok = S.get_tokenizer()
    text = json.loads((records_corpus / "documents" / f"{A}.json").read_text(encoding="utf-8"))["text"]
    title, body, extra = S.index_columns("标题", text, tok)
    assert body.replace(S.SEP, "") == text
    assert "知晓率" in body.split(S.SEP) and "知晓" in extra.split()


def _columns_of_whole_text(title: str, text: str, tok) -> tuple[str, str, str]:
    """The columns as the index made them before it cut line by line: the whole text at once."""
    title_words, body_words = tok.cut(title), tok.cut(text)
    return S.SEP.join(title_words), S.SEP.join(body_words), tok.subwords_text(title_words + body_words)


_LINE_PARTS = ["健康教育知晓率", "各区县卫生健康局", "一、工作目标", "（二）", "  ", " ", "\u3000", "\r", "\r\n", "COVID-19",
               "2024年12月31日前", "：", "，", "高一", "中华人民共和国", "抓好落实", "a", "。", ""]


@pytest.mark.parametrize("name", ["auto", "jieba"])
@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.lists(st.sampled_from(_LINE_PARTS), max_size=6).map("".join), max_size=8))
def test_columns_cut_line_by_line_are_those_of_the_whole_text(name, lines):
    """The index cuts a text line by line and remembers the lines it has cut; its columns are the ones cutting the
    whole text gives, whatever the lines hold (empty lines, spaces, a carriage return), seen first or again."""
    tok = S.get_tokenizer(name)
    text = "\n".join(lines)
    for _ in range(2):  # the second time, every line short enough is remembered
        assert S.index_columns("实施方案", text, tok) == _columns_of_whole_text("实施方案", text, tok)
    # a text the extraction pipeline cut already: its words are taken as they are
    assert S.index_columns("实施方案", text, tok, tok.cut(text)) == _columns_of_whole_text("实施方案", text, tok)


def test_columns_of_the_seed_plans_are_those_of_the_whole_text(seeds_dir):
    tok = S.get_tokenizer()
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    assert texts
    for text in texts + texts:
        assert S.index_columns("标题", text, tok) == _columns_of_whole_text("标题", text, tok)
    assert any(len(line) > 1 and line in S._line_memos[tok.name] for line in texts[0].split("\n"))


def test_an_index_that_kept_a_copy_of_the_text_is_made_again_contentless(records_corpus, tmp_path):
    """Up to index version 4 the FTS5 table stored its columns (the text a second time, with U+200B between the
    words in version 1); an index of an earlier version is made again whole, contentless, and holds the same words
    as a new one."""
    con = sqlite3.connect(S.db_path(records_corpus))
    with con:
        con.execute("UPDATE _fangan_meta SET value = '3' WHERE key = 'index_version'")
        con.execute("DROP TABLE documents_fts")
        con.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, extra, tokenize='unicode61')")
        con.execute("INSERT INTO documents_fts (rowid, title, body, extra) SELECT rowid, title, text, '' FROM documents")
    con.close()
    assert S.build_index(records_corpus).indexed == 3
    con = sqlite3.connect(S.db_path(records_corpus))
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'").fetchone()[0]
    tables = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert "content=''" in sql and "tokenize='ascii'" in sql and S.INDEX_VERSION == "5"
    assert "documents_fts_content" not in tables  # no second copy of the text
    at_once = vocabulary_indexed_at_once(records_corpus, tmp_path / "fresh")
    assert index_vocabulary(records_corpus) == at_once and at_once
    assert all(S.SEP not in h.snippet and "[知晓率]" in h.snippet for h in fangan.search("知晓率", records_corpus))


def test_an_index_made_by_another_segmenter_version_is_made_again(records_corpus):
    """A document's words leave a contentless index only when FTS5 is given the words it was indexed with, cut
    again from its text: an index cut by another version of the segmenter (another dictionary) is made again."""
    con = sqlite3.connect(S.db_path(records_corpus))
    with con:
        con.execute("UPDATE _fangan_meta SET value = '0.0.1' WHERE key = 'tokenizer_version'")
    con.close()
    assert S.build_index(records_corpus).indexed == 3
    con = sqlite3.connect(S.db_path(records_corpus))
    meta = dict(con.execute("SELECT key, value FROM _fangan_meta"))
    con.close()
    assert meta["tokenizer_version"] == S.get_tokenizer().version != "0.0.1"
    assert S.build_index(records_corpus).indexed == 0


def _hits_by_tokenizer(docs: list[str], queries: list[str], tokenize: str) -> dict[str, list[int]]:
    from fangan.corpus.query import NOTHING, fts_query
    from fangan.lexicon.segment import get_segmenter

    tok = get_segmenter("auto")
    con = sqlite3.connect(":memory:")
    con.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, body, extra, tokenize='{tokenize}')")
    for i, d in enumerate(docs):
        con.execute("INSERT INTO t (rowid, title, body, extra) VALUES (?, ?, ?, ?)", (i, *S.index_columns("", d, tok)))
    return {q: sorted(r for (r,) in con.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts_query(q, tok) or NOTHING,))) for q in queries}


def test_keeping_diacritics_changes_only_another_accent_on_the_same_letter():
    """jieba cuts a Latin word at each accented letter (café → caf é), so folding diacritics in FTS5 never made
    "cafe" find "café"; with them kept (index version 3) every query finds what it found, but for one that puts
    another accent on the same letter (cafè)."""
    docs = ["关于Zürich市的交流方案", "café文化节活动方案", "Běijīng拼音标注", "Zurich合作", "cafe活动", "CAFÉ大写",
            "naïve测试", "Ångström单位", "Ελληνικά希腊文", "Ｆｕｌｌ全角"]
    queries = ["Zurich", "Zürich", "cafe", "café", "CAFE", "Beijing", "Běijīng", "naive", "naïve", "Angstrom",
               "Ångström", "ελληνικα", "Ελληνικά", "ｆｕｌｌ", "cafè"]
    kept = _hits_by_tokenizer(docs, queries, S.FTS_TOKENIZE)
    folded = _hits_by_tokenizer(docs, queries, "unicode61 remove_diacritics 2")
    assert {q for q in queries if kept[q] != folded[q]} == {"cafè"}
    assert kept["café"] == folded["café"] == [1, 5] and kept["cafe"] == [4] and kept["Zurich"] == [3]


_CASE_AND_PUNCTUATION_DOCS = [
    "关于Zürich市的交流方案", "ZÜRICH大写", "Ελληνικά希腊文", "ΕΛΛΗΝΙΚΆ大写", "Ⅱ类地区", "ⅱ类小写", "Ｆｕｌｌ全角", "ＦＵＬＬ大写",
    "健康，教育工作", "健康教育知晓率", "气温30℃以上", "《方案》印发", "COVID-19疫情防控", "PM2.5浓度下降", "α-β受体",
    "Straße改造", "STRASSE工程", "①各地要落实", "一、工作目标\n（一）总体目标", "各区县卫生健康局：", "健康　教育"]
_CASE_AND_PUNCTUATION_QUERIES = [
    "zürich", "ZÜRICH", "Zürich", "ελληνικά", "ΕΛΛΗΝΙΚΆ", "ⅱ类", "Ⅱ类", "ｆｕｌｌ", "ＦＵＬＬ", "健康，教育", "健康 教育",
    "健康教育", "知晓", "30℃", "℃", "《方案》", "covid-19", "COVID", "pm2.5", "PM2.5浓度", "Α-Β", "α", "straße", "STRASSE",
    "①", "各地", "工作目标", "（一）", "卫生健康局", "，", "教育工作"]


def test_ascii_tokenizer_finds_what_unicode61_found():
    """The ascii tokenizer (index version 4) sees jieba's words as unicode61 did, but for punctuation, which becomes a
    token no query asks for, and non-ASCII letters, which keep their case, and which a query asks for in both cases:
    every query finds the same documents, whatever the case, script width or punctuation of query and text."""
    ascii = _hits_by_tokenizer(_CASE_AND_PUNCTUATION_DOCS, _CASE_AND_PUNCTUATION_QUERIES, "ascii")
    unicode61 = _hits_by_tokenizer(_CASE_AND_PUNCTUATION_DOCS, _CASE_AND_PUNCTUATION_QUERIES,
                                   "unicode61 remove_diacritics 0")
    assert ascii == unicode61
    assert ascii["zürich"] == ascii["ZÜRICH"] == [0, 1] and ascii["ⅱ类"] == [4, 5] and ascii["ｆｕｌｌ"] == [6, 7]
    assert ascii["ελληνικά"] == [2, 3] and ascii["健康，教育"] == [8, 9, 20] and ascii["℃"] == ascii["，"] == []
    assert S.FTS_TOKENIZE == "ascii"


def test_case_variants_only_for_non_ascii_letters_with_case():
    from fangan.corpus.query import _case_variants, fts_query

    assert _case_variants("健康教育") == ["健康教育"] and _case_variants("COVID") == ["COVID"]
    assert _case_variants("ü") == ["ü", "Ü"] and _case_variants("Ⅱ") == ["Ⅱ", "ⅱ"] and _case_variants("ß") == ["ß"]
    # the phrase keeps the term's punctuation (a token of the ascii tokenizer, between the words)
    q = fts_query("健康，教育", S.get_tokenizer())
    assert '"健康 ， 教育"' in q and '"，"' not in q.replace('"健康 ， 教育"', "")


def test_index_is_updated_incrementally(records_corpus):
    store = CorpusStore(records_corpus)
    assert S.build_index(records_corpus).indexed == 0
    rec = json.loads(store.document_path(C).read_text(encoding="utf-8"))
    rec["text"] += "\n二、分级诊疗\n推进分级诊疗制度建设。"
    store.write_document(Document.model_validate(rec))
    upd = S.build_index(records_corpus)
    assert (upd.indexed, upd.removed, upd.documents) == (1, 0, 3)
    assert _ids(fangan.search("分级诊疗", records_corpus)) == [C]
    store.document_path(C).unlink()
    upd = S.build_index(records_corpus)
    assert (upd.indexed, upd.removed, upd.documents) == (0, 1, 2)
    assert fangan.search("医改", records_corpus) == []
    con = sqlite3.connect(S.db_path(records_corpus))
    assert con.execute("select count(*) from documents_fts").fetchone() == (2,)
    assert con.execute("select count(*) from sections where doc_id = ?", (C,)).fetchone() == (0,)
    con.close()


def test_replaced_and_removed_documents_leave_no_word_behind(records_corpus, tmp_path):
    """The contentless index forgets a replaced or removed document's words exactly: after both, it holds word for
    word, position for position, what an index made at once from the records left holds."""
    store = CorpusStore(records_corpus)
    rec = json.loads(store.document_path(C).read_text(encoding="utf-8"))
    rec["title"] = "分级诊疗工作方案"
    rec["text"] = "一、分级诊疗\n推进分级诊疗制度建设，Zürich 合作。\n" + rec["text"][: len(rec["text"]) // 2]
    store.write_document(Document.model_validate(rec))
    store.document_path(B).unlink()
    upd = S.build_index(records_corpus)
    assert (upd.indexed, upd.removed, upd.documents) == (1, 1, 2)
    assert index_vocabulary(records_corpus) == vocabulary_indexed_at_once(records_corpus, tmp_path / "fresh")
    assert {d for d, *_ in index_vocabulary(records_corpus)} == {A, C}
    assert _ids(fangan.search("分级诊疗", records_corpus)) == [C] and _ids(fangan.search("zürich", records_corpus)) == [C]


def test_jieba_and_rjieba_cut_alike_and_the_index_remembers_its_tokenizer(seeds_corpus, tmp_path):
    pytest.importorskip("rjieba")
    j, r = S.Tokenizer(), S.RJiebaTokenizer()
    for p in (seeds_corpus / "documents").glob("*.json"):
        text = json.loads(p.read_text(encoding="utf-8"))["text"]
        assert j.cut(text) == r.cut(text)
        assert j.cut_for_search(text) == r.cut_for_search(text)
    copy = tmp_path / "copy"
    (copy / "documents").mkdir(parents=True)
    for p in (seeds_corpus / "documents").glob("*.json"):
        (copy / "documents" / p.name).write_bytes(p.read_bytes())
    assert S.build_index(copy, tokenizer="jieba").tokenizer == "jieba"
    assert [h.to_dict() for h in fangan.search("知晓率", copy)] == [h.to_dict() for h in fangan.search("知晓率", seeds_corpus)]
    upd = S.build_index(copy, tokenizer="rjieba")  # another tokenizer: everything is re-indexed
    assert (upd.tokenizer, upd.indexed) == ("rjieba", 5)


def test_build_writes_the_index(seeds_corpus):
    con = sqlite3.connect(S.db_path(seeds_corpus))
    assert con.execute("select count(*) from documents").fetchone() == (5,)
    assert con.execute("select count(*) from documents_fts").fetchone() == (5,)
    con.close()
    assert (seeds_corpus / "datasette.json").exists()


def test_a_damaged_index_file_is_rebuilt(records_corpus, tmp_path):
    S.db_path(records_corpus).write_bytes(b"not a database" * 100)
    assert S.build_index(records_corpus).indexed == 3
    assert _ids(fangan.search("医改", records_corpus)) == [C]


def test_a_corpus_path_with_uri_characters(tmp_path):
    root = tmp_path / "odd ?#% name"
    store = CorpusStore(root)
    for rec in json.loads((FIXTURES / "records.json").read_text(encoding="utf-8")):
        store.write_document(Document.model_validate(rec))
    assert _ids(fangan.search("医改", root)) == [C]


def _fts_segments(root: Path) -> int:
    con = sqlite3.connect(root / S.DB_NAME)
    try:
        return con.execute("SELECT count(DISTINCT segid) FROM documents_fts_idx").fetchone()[0]
    finally:
        con.close()


def test_a_large_build_leaves_the_full_text_index_merged(fixtures_dir, tmp_path, monkeypatch):
    """A build that adds many documents merges its batches' FTS segments at the end (so the next small
    build does not pay that merge); the hits are the same either way."""
    inputs = [fixtures_dir / "structure", fixtures_dir / "extract"]
    monkeypatch.setattr(S, "COMMIT_CHARS", 1)  # a commit, so a segment, per batch
    monkeypatch.setattr(S, "OPTIMIZE_AFTER", 10**9)
    build(inputs, tmp_path / "segments", jobs=1)
    monkeypatch.setattr(S, "OPTIMIZE_AFTER", 1)
    build(inputs, tmp_path / "merged", jobs=1)
    assert _fts_segments(tmp_path / "segments") > 1
    assert _fts_segments(tmp_path / "merged") == 1
    hits = 0
    for q in ("工作", "目标", "卫生"):
        merged = [h.doc_id for h in fangan.search(q, tmp_path / "merged")]
        assert merged == [h.doc_id for h in fangan.search(q, tmp_path / "segments")]
        hits += len(merged)
    assert hits


def _automerge(root: Path) -> int:
    con = sqlite3.connect(root / S.DB_NAME)
    try:
        rows = dict(con.execute("SELECT k, v FROM documents_fts_config"))
        return rows.get("automerge", S.AUTOMERGE)
    finally:
        con.close()


def test_the_build_does_not_merge_segments_while_adding_and_leaves_merging_on(fixtures_dir, tmp_path, monkeypatch):
    """While a build adds batches, FTS5 merges nothing (each batch is one more segment); the build ends
    with the default merge setting back, so later writes merge as usual."""
    from fangan import pipeline

    monkeypatch.setattr(S, "OPTIMIZE_AFTER", 10**9)
    monkeypatch.setattr(S, "COMMIT_CHARS", 1)
    monkeypatch.setattr(pipeline, "BATCH", 2)
    seen = []
    real_insert = S._insert_entries

    def insert(con, entries, fingerprints, *rest):
        seen.append(dict(con.execute("SELECT k, v FROM documents_fts_config")).get("automerge"))
        return real_insert(con, entries, fingerprints, *rest)

    monkeypatch.setattr(S, "_insert_entries", insert)
    build([fixtures_dir / "structure"], tmp_path / "out", jobs=1)
    assert len(seen) >= 3 and set(seen) == {0}
    assert _automerge(tmp_path / "out") == S.AUTOMERGE
    assert _fts_segments(tmp_path / "out") == len(seen)  # one segment per batch: none merged


def test_the_build_commits_the_index_by_the_characters_it_took_in(fixtures_dir, tmp_path, monkeypatch):
    """FTS5 writes a segment at each commit: a build commits every COMMIT_CHARS characters of indexed
    text, not every batch, so a build smaller than that leaves one segment and nothing to merge; with a
    commit per batch the hits are the same. The hash FTS5 gathers them in is set (and kept) larger than
    its 1 MB default."""
    from fangan import pipeline

    monkeypatch.setattr(S, "OPTIMIZE_AFTER", 10**9)
    monkeypatch.setattr(pipeline, "BATCH", 2)
    commits = []
    real_connect = S._connect

    def connect(path):
        con = real_connect(path)
        con.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
        return con

    monkeypatch.setattr(S, "_connect", connect)
    inputs = [fixtures_dir / "structure"]
    build(inputs, tmp_path / "one", jobs=1)
    n_one = len(commits)
    monkeypatch.setattr(S, "COMMIT_CHARS", 1)
    build(inputs, tmp_path / "each", jobs=1)
    batches = _fts_segments(tmp_path / "each")
    assert batches >= 3 and len(commits) - n_one >= batches
    assert _fts_segments(tmp_path / "one") == 1
    con = sqlite3.connect(tmp_path / "one" / S.DB_NAME)
    try:
        assert dict(con.execute("SELECT k, v FROM documents_fts_config"))["hashsize"] == S.HASHSIZE > 1 << 20
    finally:
        con.close()
    for q in ("工作", "目标", "卫生"):
        assert [h.doc_id for h in fangan.search(q, tmp_path / "one")] == [h.doc_id for h in fangan.search(q, tmp_path / "each")]


def test_an_index_error_mid_build_loses_nothing_the_next_build_cannot_index_again(fixtures_dir, tmp_path, monkeypatch):
    """The index commits rarely, so an error in one batch (a full disk) rolls back every batch since the last
    commit, and ends the build; the records are written, and the next build indexes them all again: its
    hits are those of a build that never failed."""
    from fangan import pipeline

    monkeypatch.setattr(pipeline, "BATCH", 2)
    inputs = [fixtures_dir / "structure"]
    build(inputs, tmp_path / "clean", jobs=1)
    calls = []
    real_insert = S._insert_entries

    def failing(con, entries, fingerprints, *rest):
        calls.append(len(entries))
        chars = real_insert(con, entries, fingerprints, *rest)
        if len(calls) == 3:
            raise sqlite3.OperationalError("database or disk is full")
        return chars

    monkeypatch.setattr(S, "_insert_entries", failing)
    with pytest.raises(sqlite3.OperationalError):
        build(inputs, tmp_path / "out", jobs=1)
    con = sqlite3.connect(tmp_path / "out" / S.DB_NAME)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0  # nothing was committed
    finally:
        con.close()
    monkeypatch.setattr(S, "_insert_entries", real_insert)
    build(inputs, tmp_path / "out", jobs=1)
    for q in ("工作", "目标", "卫生"):
        assert [h.doc_id for h in fangan.search(q, tmp_path / "out")] == [h.doc_id for h in fangan.search(q, tmp_path / "clean")]
    con = sqlite3.connect(tmp_path / "out" / S.DB_NAME)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(list((tmp_path / "clean" / "documents").glob("*.json")))
    finally:
        con.close()


def _lookups(con: sqlite3.Connection) -> set[str]:
    return {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def test_a_build_into_an_empty_index_makes_the_tables_lookups_at_the_end(fixtures_dir, tmp_path, monkeypatch):
    """Into an empty index, rows go in without the tables' secondary indexes, which are made once at the
    end; into an index that holds documents, they are kept (each replaced document's rows are found by
    doc_id), and the rows are the same either way."""
    from fangan import pipeline

    monkeypatch.setattr(pipeline, "BATCH", 2)
    seen = []
    real_insert = S._insert_entries

    def insert(con, entries, fingerprints, *rest):
        seen.append(_lookups(con))
        return real_insert(con, entries, fingerprints, *rest)

    monkeypatch.setattr(S, "_insert_entries", insert)
    out = tmp_path / "out"
    build([fixtures_dir / "structure"], out, jobs=1)
    assert len(seen) >= 3 and seen[0] == set()
    con = sqlite3.connect(out / S.DB_NAME)
    try:
        assert _lookups(con) == set(S.LOOKUPS)
        rows = {t: con.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in S.TABLES}
    finally:
        con.close()
    assert rows["sections"] > 0

    seen.clear()
    build([fixtures_dir / "structure"], out, jobs=1, options=pipeline.Options(force=True))
    assert seen and all(s == set(S.LOOKUPS) for s in seen)
    con = sqlite3.connect(out / S.DB_NAME)
    try:
        assert {t: con.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in S.TABLES} == rows
    finally:
        con.close()


# ------------------------------------------------------------------ snippets from documents.text


def test_snippet_window_takes_the_passage_with_the_most_query_words():
    from fangan.corpus.query import SNIPPET_CHARS, make_snippet, snippet_window

    filler = "各地要按照统一部署认真组织实施。" * 6
    text = "医改开局。" + filler + "深化医改，推进分级诊疗，医改与分级诊疗并举。" + filler
    start, end = snippet_window(text, ["分级诊疗", "医改"])
    assert end - start == SNIPPET_CHARS and text.index("医改", 10) - start == 15  # 15 characters before its first word
    snip = make_snippet(["分级诊疗", "医改"], text, ("[", "]"))
    assert snip.startswith("…") and snip.endswith("…")
    assert snip.count("[医改]") == 2 and snip.count("[分级诊疗]") == 2
    # a line that starts nearer than the lead is where the window starts
    text2 = filler + "\n医改要点：推进分级诊疗。\n" + filler
    start, _ = snippet_window(text2, ["医改"])
    assert text2[start:].startswith("医改要点")
    # no query word in the text (a title match): the text's start; no query at all: the same
    assert snippet_window(text, ["知晓率"]) == (0, SNIPPET_CHARS)
    assert make_snippet([], "短文本。", ("[", "]")) == "短文本。"
    # a word longer than the window is shown from its start
    long_word = "甲" * (SNIPPET_CHARS + 5)
    assert snippet_window("前言" + long_word, [long_word]) == (2, 2 + SNIPPET_CHARS)
    assert snippet_window(text, ["", "医改"]) == snippet_window(text, ["医改"])  # an empty word marks nothing


def test_snippets_mark_subwords_and_traditional_queries(seeds_corpus):
    """A query word the index holds only as a sub-word (知晓 in 知晓率) and a query in traditional script are marked
    in the snippet too: the snippet marks the query's words and sub-words in simplified script."""
    hit = fangan.search("知曉", seeds_corpus)[0]
    assert "[知晓]" in hit.snippet and S.SEP not in hit.snippet


def test_sql_written_for_the_old_snippet_signature_still_runs(seeds_corpus):
    """fangan_snippet(q, text) is the snippet function; SQL written for index versions up to 4 passed FTS5's snippet
    in between (fangan_snippet(q, fts_snippet, text)): it still runs, and gives the same snippet."""
    from fangan.corpus.query import register_functions

    con = sqlite3.connect(S.db_path(seeds_corpus))
    register_functions(con)
    new, old, old_marks = con.execute(
        "SELECT fangan_snippet('医改', text), fangan_snippet('医改', NULL, text), "
        "fangan_snippet('医改', NULL, text, '<', '>') FROM documents WHERE text LIKE '%医改%'").fetchone()
    con.close()
    assert new == old and "[医改]" in new and old_marks == new.replace("[", "<").replace("]", ">")
