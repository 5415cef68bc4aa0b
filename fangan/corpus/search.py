"""Full-text search over a built corpus: an SQLite FTS5 index in DIR/corpus.sqlite.

SQLite's own tokenizers do not segment Chinese, so the text is segmented with jieba before it is
stored and every query is segmented the same way:

* column `body` holds the document text cut into words (jieba precise mode), joined by U+001F (`SEP`).
  FTS5's ascii tokenizer treats U+001F as a separator, so each word is one token.
* column `extra` holds the shorter dictionary words inside long words (jieba search mode:
  健康教育 → 健康 教育, 知晓率 → 知晓), so a query for a part of a compound still finds it.
* column `title` holds the title, cut the same way.

A query is converted to simplified script (OpenCC t2s), cut into words, and each word W becomes
(W OR its sub-words); words are ANDed. Hits are ranked by bm25 (title weighted above body). The FTS5 table
is contentless (`content=''`): it holds the index of the words, not a second copy of the text, which
documents.text holds already; a hit's snippet is the passage of documents.text with the most query words
(`query.make_snippet`), and a document's words are taken out of the index by giving FTS5 the columns it was
indexed with again, made from the title and text in its documents row (`_delete_doc`). Structured filters
(year, issuer, site, a deadline in a month, a party) use the tables stored beside the index, which
`fangan serve` also shows in Datasette.

rjieba (the jieba-rs binding, `pip install fangan[fast]`) is used when installed: it gives the same
words several times faster (benchmarks/bench_search.py). The index records which one built it and
queries use the same one.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import pyarrow as pa

from fangan.lexicon.segment import RJiebaSegmenter, Segmenter, get_segmenter
from fangan.line_cache import MAX_CACHED_LINE, LineMemo

from .query import SEP
from .store import CorpusStore, stamp_matches, stamp_of
from .tables import SCHEMAS, TABLES, TABLES_VERSION, json_text, record_fingerprints

DB_NAME = "corpus.sqlite"
# 2: words separated by U+001F, not U+200B; 3: unicode61 keeps diacritics; 4: ascii (FTS_TOKENIZE); 5: contentless
INDEX_VERSION = "5"
HIGHLIGHT = ("[", "]")


def db_path(root: str | Path) -> Path:
    return Path(root) / DB_NAME


# ---------------------------------------------------------------- tokenizers


# the segmenter lives in the lexicon; these names are kept for the index's callers
Tokenizer = Segmenter
RJiebaTokenizer = RJiebaSegmenter
get_tokenizer = get_segmenter



def index_columns(title: str, text: str, tok: Tokenizer, body_words: Optional[list[str]] = None) -> tuple[str, str, str]:
    """The three FTS columns (title, body, extra) for one document (`body_words`: `text` already cut
    by the same segmenter, e.g. by the extraction pipeline's tokenizer)."""
    title_words = tok.cut(title)
    body, extra = text_columns(text, tok) if body_words is None else _words_columns(body_words, tok)
    # (the sub-words of the title's words, then the text's: what one list of both words gives)
    return SEP.join(title_words), body, " ".join(filter(None, (tok.subwords_text(title_words), extra)))


def _words_columns(words: list[str], tok: Tokenizer) -> tuple[str, str]:
    """The body and extra columns of a text cut into `words`."""
    return SEP.join(words), tok.subwords_text(words)


# the lines whose columns are remembered, per segmenter: the oldest leave first past 2,000,000 characters of
# lines (about 12 MB with their columns) or 65,536 lines; a line over MAX_CACHED_LINE characters is not kept
_line_memos: dict[str, LineMemo] = {}


def text_columns(text: str, tok: Tokenizer) -> tuple[str, str]:
    """The body and extra columns of `text`, as `index_columns` makes them from its words, made line by line.

    jieba never joins a word across a newline (a newline is a word of its own), so the words of a text are
    those of its lines with a "\n" between them; a line seen before is not cut again. Lines repeat across an
    archive's plans (headings, boilerplate, the addressee, list items): a 20 MB build cuts half its text less.
    A "\r\n" is one word to jieba, so a text with a carriage return is cut whole."""
    if "\r" in text:
        return _words_columns(tok.cut(text), tok)
    memo = _line_memos.get(tok.name)
    if memo is None:
        memo = _line_memos[tok.name] = LineMemo(max_lines=65536, max_chars=2_000_000, max_line=MAX_CACHED_LINE)
    lines = text.split("\n")
    got = list(map(memo.entries.get, lines))  # (no reordering on a hit: the first remembered leave first)
    if None in got:
        todo = list(dict.fromkeys([line for line, g in zip(lines, got) if g is None]))
        cuts = [tok.cut(line) for line in todo]
        new = {line: (SEP.join(words), extra) for line, words, extra in zip(todo, cuts, tok.subwords_texts(cuts))}
        got = [new[line] if g is None else g for line, g in zip(lines, got)]
        memo.put_many({line: value for line, value in new.items() if len(line) <= MAX_CACHED_LINE})
    if len(got) == 1:
        return got[0]
    pieces: list = [None] * (2 * len(got) - 1)  # each line's words, a "\n" between; an empty line has none
    pieces[0::2] = [body for body, _ in got]
    pieces[1::2] = ["\n"] * (len(got) - 1)
    return SEP.join(filter(None, pieces)), " ".join(filter(None, [extra for _, extra in got]))


# ---------------------------------------------------------------- the index

_SQL_TYPES = {pa.string(): "TEXT", pa.int32(): "INTEGER", pa.int64(): "INTEGER", pa.float64(): "REAL"}


# FTS5 only splits the words fangan cut (jieba/rjieba, joined by SEP) and folds their case, so its plainest tokenizer
# will do: `ascii` splits at ASCII's non-alphanumerics (SEP, spaces, line breaks) and folds ASCII's case; every
# other character is part of a token. unicode61 (index versions 1-3) looked each character up in Unicode's tables:
# 0.17-0.2 of the 20 MB benchmark's 0.68 CPU s of full-text inserts, in the process that writes the index. What
# the two see differently are only the words jieba yields one character at a time (it never puts a non-ASCII
# character that is not a hanzi inside a word): a punctuation mark or symbol (，、℃) is a token of its own to ascii,
# which no query asks for (query._is_token), and a non-ASCII letter (Ü, Σ, Ⅱ) keeps its case, which the query side
# gives as alternatives (query._case_variants). So every query finds what it found (tests/test_search.py); the index
# is 2 % larger (the punctuation's positions), and bm25 counts the punctuation in a text's length
FTS_TOKENIZE = "ascii"


def _create_schema(con: sqlite3.Connection, lookups: bool = True) -> None:
    for t in TABLES:
        cols = []
        for f in SCHEMAS[t]:
            decl = f"[{f.name}] {_SQL_TYPES[f.type]}"
            if t == "documents" and f.name == "doc_id":
                decl += " PRIMARY KEY"
            elif f.name == "doc_id":
                decl += " REFERENCES documents(doc_id)"
            cols.append(decl)
        if t == "documents":  # JSON arrays, for Datasette's array facets
            cols += ["[parties] TEXT", "[deadline_months] TEXT"]
        con.execute(f"CREATE TABLE IF NOT EXISTS [{t}] ({', '.join(cols)})")
    if lookups:
        _create_lookups(con)
    # contentless: documents.text is the text's one copy in the index file (a stored body column was a second one,
    # 30 of the 20 MB benchmark's 106 MB, and 0.06–0.1 CPU s of its inserts)
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(title, body, extra, content='', "
                f"tokenize='{FTS_TOKENIZE}')")
    con.execute("CREATE TABLE IF NOT EXISTS _fangan_files (doc_id TEXT PRIMARY KEY, fingerprint TEXT)")
    con.execute("CREATE TABLE IF NOT EXISTS _fangan_meta (key TEXT PRIMARY KEY, value TEXT)")


# the tables' secondary indexes, by name (the SQL as sqlite_master keeps it)
LOOKUPS = {**{f"{t}_doc_id": f"CREATE INDEX [{t}_doc_id] ON [{t}](doc_id)" for t in TABLES[1:]},
           "documents_year": "CREATE INDEX documents_year ON documents(year)",
           "parties_name": "CREATE INDEX parties_name ON parties(name)",
           "deadlines_month": "CREATE INDEX deadlines_month ON deadlines(due_month)"}


def _create_lookups(con: sqlite3.Connection) -> None:
    for sql in LOOKUPS.values():
        con.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def _drop_lookups(con: sqlite3.Connection) -> None:
    present = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name in LOOKUPS:
        if name in present:
            con.execute(f"DROP INDEX [{name}]")


def _holds_documents(con: sqlite3.Connection) -> bool:
    try:
        return con.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # a new file: no tables yet
        return False


def _meta(con: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(con.execute("SELECT key, value FROM _fangan_meta"))
    except sqlite3.OperationalError:
        return {}


@dataclass
class IndexUpdate:
    path: Path
    indexed: int  # documents (re)indexed this time
    removed: int
    documents: int  # documents in the index
    tokenizer: str


def _drop_all(con: sqlite3.Connection) -> None:
    for t in (*TABLES, "documents_fts", "_fangan_files", "_fangan_meta"):
        con.execute(f"DROP TABLE IF EXISTS [{t}]")


def _delete_doc(con: sqlite3.Connection, doc_id: str, tok: Tokenizer) -> None:
    """Take a document out of the index. A contentless FTS5 table forgets a row's words only when given the
    columns they were indexed from: `index_columns` of the title and text its documents row holds, cut by the
    segmenter that built the index (its name and version are in _fangan_meta: another one rebuilds the index)."""
    row = con.execute("SELECT rowid, title, text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row:
        con.execute("INSERT INTO documents_fts (documents_fts, rowid, title, body, extra) "
                    "VALUES ('delete', ?, ?, ?, ?)", (row[0], *index_columns(row[1] or "", row[2] or "", tok)))
    for t in TABLES:
        con.execute(f"DELETE FROM [{t}] WHERE doc_id = ?", (doc_id,))
    con.execute("DELETE FROM _fangan_files WHERE doc_id = ?", (doc_id,))


def _open_for_writing(path: Path) -> sqlite3.Connection:
    """A connection to the index; a file that is not an SQLite database (a torn copy) is replaced."""
    con = sqlite3.connect(path, check_same_thread=False)  # (closed by another thread: `_Writer.close`)
    try:
        con.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError:
        con.close()
        path.unlink()
        con = sqlite3.connect(path, check_same_thread=False)
    return con


def _prepare(con: sqlite3.Connection, want: dict[str, str], full: bool = False, lookups: bool = True) -> None:
    """Create the schema (or drop and recreate it for another tokenizer or version); writes only
    when something is missing or different. `lookups`: with the tables' secondary indexes."""
    if full or any(_meta(con).get(k) != v for k, v in want.items()):
        with con:
            _drop_all(con)
            _create_schema(con, lookups)
            con.executemany("INSERT OR REPLACE INTO _fangan_meta VALUES (?, ?)", list(want.items()))
    else:
        _create_schema(con, lookups)  # IF NOT EXISTS: a no-op on a current index


def _want(tok: Tokenizer) -> dict[str, str]:
    return {"index_version": INDEX_VERSION, "tables_version": TABLES_VERSION, "tokenizer": tok.name,
            "tokenizer_version": tok.version}


@dataclass
class IndexEntry:
    """What the index needs of one document, computed where the document was built."""

    doc_id: str
    rows: dict[str, list[tuple]]  # tables.table_rows of the record
    parties: str  # JSON arrays for Datasette's array facets
    deadline_months: str
    fts: Optional[tuple[str, str, str]]  # title, body, extra (index_columns); None: for the IndexWriter to make


_PARTY_NAME = SCHEMAS["parties"].get_field_index("name")
_DOC_ID, _DOC_TITLE, _DOC_TEXT = (SCHEMAS["documents"].get_field_index(name) for name in ("doc_id", "title", "text"))
_DEADLINE_PARTY = SCHEMAS["deadlines"].get_field_index("party")
_DEADLINE_MONTH = SCHEMAS["deadlines"].get_field_index("due_month")


def index_entry(rows: dict[str, list[tuple]], tok: Tokenizer, body_words: Optional[list[str]] = None,
                cut: bool = True) -> IndexEntry:
    """What the index needs of one document, from its `tables.table_rows` (its documents row holds its id, title
    and text). `cut` False: the full-text columns are left to the `IndexWriter` (`fts` None; it cuts the title
    and text the rows hold)."""
    row = rows["documents"][0]
    deadlines = rows["deadlines"]
    parties = list(dict.fromkeys([p[_PARTY_NAME] for p in rows["parties"]] +
                                 [d[_DEADLINE_PARTY] for d in deadlines if d[_DEADLINE_PARTY]]))
    months = sorted({d[_DEADLINE_MONTH] for d in deadlines if d[_DEADLINE_MONTH]})
    fts = index_columns(row[_DOC_TITLE] or "", row[_DOC_TEXT] or "", tok, body_words) if cut else None
    return IndexEntry(row[_DOC_ID], rows, json_text(parties), json.dumps(months), fts)


def _insert_sql(table: str, extra: Sequence[str] = ()) -> str:
    names = SCHEMAS[table].names + list(extra)
    return f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) VALUES ({', '.join('?' * len(names))})"


def _indexed(con: sqlite3.Connection, doc_ids: list[str]) -> set[str]:
    """Which of `doc_ids` the index holds."""
    if not doc_ids:
        return set()
    return {d for (d,) in con.execute(
        f"SELECT doc_id FROM _fangan_files WHERE doc_id IN ({', '.join('?' * len(doc_ids))})", doc_ids)}


def _insert_entries(con: sqlite3.Connection, entries: list[IndexEntry], fingerprints: dict[str, str],
                    tok: Tokenizer) -> int:
    """Insert (or replace) documents, in the caller's transaction (the first INSERT opens one); returns
    how many characters of text the full-text index took in."""
    doc_sql = _insert_sql("documents", ("parties", "deadline_months"))
    indexed = _indexed(con, [e.doc_id for e in entries])
    chars = 0
    for e in entries:
        if e.doc_id in indexed:
            _delete_doc(con, e.doc_id, tok)
        rowid = con.execute(doc_sql, (*e.rows["documents"][0], e.parties, e.deadline_months)).lastrowid
        con.execute("INSERT INTO documents_fts (rowid, title, body, extra) VALUES (?, ?, ?, ?)", (rowid, *e.fts))
        con.execute("INSERT OR REPLACE INTO _fangan_files VALUES (?, ?)", (e.doc_id, fingerprints[e.doc_id]))
        chars += sum(map(len, e.fts))
    for t in TABLES[1:]:
        rows = [r for e in entries for r in e.rows[t]]
        if rows:
            con.executemany(_insert_sql(t), rows)
    return chars


def _connect(path: Path) -> sqlite3.Connection:
    con = _open_for_writing(path)
    # derived data, checked against the records at the end of every build: a kill or a crash costs a
    # re-index of what is out of step, never a wrong answer, so SQLite need not fsync every commit
    con.execute("PRAGMA synchronous=OFF")
    return con


OPTIMIZE_AFTER = 256  # documents a build adds before it merges the full-text index into one segment
AUTOMERGE = 4  # FTS5's default: segments of one level merged when this many are there (on later writes)
# FTS5 gathers the terms of a transaction in memory and writes them out as a new segment at each commit,
# or sooner when they outgrow its hash (1 MB by default): a commit per batch of 64 documents cost the
# 20 MB benchmark 0.41 CPU s of segment writing and 0.13 s more to merge the 37 segments at the end.
# A build commits the index every COMMIT_CHARS characters of indexed text (bounding what a kill costs:
# the next build re-indexes what was not committed), with a hash of HASHSIZE bytes (bounding memory)
HASHSIZE = 16 << 20
COMMIT_CHARS = 32_000_000  # about 50 MB of plan text


def _set_automerge(con: sqlite3.Connection, value: int) -> None:
    """In the caller's transaction (the INSERT opens one): an FTS5 configuration value, kept in the index
    (a killed build's 0 is undone by the next one)."""
    con.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES('automerge', ?)", (value,))


def _set_hashsize(con: sqlite3.Connection, value: int) -> None:
    """In the caller's transaction: the size of FTS5's in-memory hash of pending terms, kept in the index.
    FTS5 has long read this setting, though its documentation does not list it: an SQLite that refuses it
    builds the same index, only with more segments."""
    try:
        con.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES('hashsize', ?)", (value,))
    except sqlite3.OperationalError:
        pass


class IndexWriter:
    """Adds the documents of each batch to DIR/corpus.sqlite as the build writes them."""

    def __init__(self, root: str | Path, tokenizer: str = "auto") -> None:
        self.root = Path(root)
        self.tok = get_tokenizer(tokenizer)
        self.con: Optional[sqlite3.Connection] = None
        self.added = 0
        self.pending = 0  # characters of text inserted since the last commit
        self.lookups_deferred = False

    def add(self, entries: list[IndexEntry], fingerprints: dict[str, str]) -> None:
        if not entries:
            return
        for e in entries:
            if e.fts is None:  # left to this process (see `index_entry`)
                row = e.rows["documents"][0]
                e.fts = index_columns(row[_DOC_TITLE] or "", row[_DOC_TEXT] or "", self.tok)
        if self.con is None:
            self.con = _connect(db_path(self.root))
            # into an empty index, the tables' lookups are made once at the end, from sorted keys, rather
            # than grown row by row (0.41–0.47 against 0.26 + 0.05 CPU s for the 20 MB benchmark's rows)
            self.lookups_deferred = not _holds_documents(self.con)
            _prepare(self.con, _want(self.tok), lookups=not self.lookups_deferred)
            if self.lookups_deferred:
                with self.con:
                    _drop_lookups(self.con)  # those of an index left empty before (a new file has none)
            # no merging of the full-text segments while the build adds batches (merged once at the end, or
            # by later writes): FTS5 otherwise re-merges the growing segments every few batches (12 % of
            # the index's time on the 20 MB benchmark)
            with self.con:
                _set_automerge(self.con, 0)
                _set_hashsize(self.con, HASHSIZE)
        if self.lookups_deferred and _indexed(self.con, [e.doc_id for e in entries]):
            self._make_lookups()  # a document replaced: its old rows are found by doc_id
        try:
            self.pending += _insert_entries(self.con, entries, fingerprints, self.tok)
        except BaseException:
            # no batch half inserted; the error ends the build, and the next build indexes again, from the
            # records, whatever this one had not committed (tested: tests/test_search.py)
            self.con.rollback()
            self.pending = 0
            raise
        self.added += len(entries)
        if self.pending >= COMMIT_CHARS:
            self.con.commit()
            self.pending = 0

    def close(self) -> bool:
        """Commit and close; returns whether the index is due a full-text merge (`optimize_index`): a build
        that added OPTIMIZE_AFTER documents or more leaves the index as one segment, since the many
        segments of its batches would otherwise be merged by whichever later small build crosses FTS5's
        merge threshold (adding one document then rewrote 3 MB instead of 0.5 MB), and queries read one
        segment instead of many. The build runs that merge beside its other last writes."""
        if self.con is None:
            return False
        try:
            with self.con:  # one transaction: the INSERT opens it, so the CREATE INDEXes are in it
                _set_automerge(self.con, AUTOMERGE)
                if self.lookups_deferred:
                    _create_lookups(self.con)
            self.lookups_deferred = False
        finally:
            self.con.close()
            self.con = None
        return self.added >= OPTIMIZE_AFTER

    def _make_lookups(self) -> None:
        with self.con:
            _create_lookups(self.con)
        self.lookups_deferred = False
        self.pending = 0


def optimize_index(root: str | Path) -> None:
    """Merge the full-text index of DIR/corpus.sqlite into one segment."""
    con = _connect(db_path(root))
    try:
        with con:
            con.execute("INSERT INTO documents_fts(documents_fts) VALUES('optimize')")
    finally:
        con.close()


def build_index(root: str | Path, tokenizer: str = "auto", full: bool = False,
                fingerprints: Optional[dict[str, str]] = None) -> IndexUpdate:
    """Create or bring up to date DIR/corpus.sqlite: the tables and the FTS5 index over DIR/documents/.

    Only documents whose record changed since they were indexed (by fingerprint) are re-indexed; a
    different tokenizer or index version rebuilds everything; an index that is current is only read.
    `fingerprints`: every record's, as the caller has just read them (`tables.record_fingerprints`).
    """
    from .tables import table_rows

    root = Path(root)
    store = CorpusStore(root)
    tok = get_tokenizer(tokenizer)
    path = db_path(root)
    con = _connect(path)
    try:
        _prepare(con, _want(tok), full)
        current = fingerprints if fingerprints is not None else record_fingerprints(store)
        indexed_fp = dict(con.execute("SELECT doc_id, fingerprint FROM _fangan_files"))
        moved = store.restamp(indexed_fp.items(), current)
        if moved:  # records copied or moved with the corpus: what is indexed of them is still theirs
            with con:
                con.executemany("UPDATE _fangan_files SET fingerprint = ? WHERE doc_id = ?",
                                [(stamp, doc_id) for (doc_id, _), stamp in moved.items()])
            indexed_fp.update((doc_id, stamp) for (doc_id, _), stamp in moved.items())
        gone = sorted(set(indexed_fp) - set(current))
        todo = sorted(d for d, fp in current.items() if not stamp_matches(indexed_fp.get(d, ""), fp))
        if gone:
            with con:
                for doc_id in gone:
                    _delete_doc(con, doc_id, tok)
        for i in range(0, len(todo), 64):
            entries, stamps = [], {}
            for doc_id in todo[i:i + 64]:
                data = store.document_path(doc_id).read_bytes()
                stamps[doc_id] = stamp_of(current[doc_id], data)
                entries.append(index_entry(table_rows(json.loads(data)), tok))
            with con:
                _insert_entries(con, entries, stamps, tok)
        n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()
    from .serve import write_metadata

    write_metadata(root)
    return IndexUpdate(path, len(todo), len(gone), n, tok.name)


# ---------------------------------------------------------------- searching


@dataclass
class Hit:
    doc_id: str
    title: str
    path: str  # the source file the document came from
    snippet: str
    score: float  # higher is better (−bm25); 0 when there is no text query
    year: Optional[int] = None
    issuer: Optional[str] = None
    site: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


def search(query: str, corpus: str | Path, *, year: int | Iterable[int] | None = None, issuer: Optional[str] = None,
           site: Optional[str] = None, deadline_month: Optional[int] = None, party: Optional[str] = None,
           limit: int = 20, highlight: Sequence[str] = HIGHLIGHT) -> list[Hit]:
    """Search the corpus in `corpus` (a folder built by `fangan build`), best hit first.

    `query` is free text in simplified or traditional script ('' lists the documents the filters keep).
    Filters: `year` (one or several), `issuer` and `party` (the name contains it), `site` (exact),
    `deadline_month` (the document has a deadline in that month, 1–12). The twin of `fangan search`; it runs
    `fangan.corpus.query.SEARCH_SQL`, the statement `fangan serve` publishes as /corpus/search.
    Raises QueryError for an input it cannot use, FileNotFoundError when `corpus` is not a built corpus.
    """
    from .query import register_functions, search_params, search_sql

    params = search_params(query, year=year, issuer=issuer, site=site, deadline_month=deadline_month,
                           party=party, limit=limit)
    root = Path(corpus)
    path = db_path(root)
    if not path.exists():
        if not CorpusStore(root).documents_dir.is_dir():
            raise FileNotFoundError(f"{root} is not a built corpus (no documents/); run `fangan build` first")
        build_index(root)
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        register_functions(con, _meta(con).get("tokenizer", "auto"))
        rows = con.execute(search_sql(highlight), params).fetchall()
    finally:
        con.close()
    return [Hit(doc_id, title, src, snippet, score, yr, iss, st)
            for doc_id, title, src, yr, iss, st, score, snippet in rows]
