"""Flat tables of the corpus for analysts: one row per document, section, goal, target, phase,
deadline, party and repair, each with the document id (and section path where it has one).

`fangan build` writes them as Parquet under DIR/tables/ (`write_tables`):

    DIR/tables/<table>/part-<NNNNNN>.parquet   the rows of one batch of documents
    DIR/tables/_manifest.json                  which documents (and which version of each) every part holds

`fangan build` computes each document's rows in the worker that built it and appends one part per
batch of documents (`TablesWriter`), so adding documents writes only their rows. When records are
replaced or removed, `update_tables` rewrites just the parts that held them; a build that changes
nothing writes nothing. Every table always has at least one part (an empty one for an empty corpus),
so `read_parquet('DIR/tables/deadlines/*.parquet')` always works.

Column names and dtypes are fixed by `SCHEMAS` (the compatibility policy is in the README): dates are
flat nullable integers `<prefix>_year/_month/_day`, a `<prefix>_part` (early/mid/late/end), a
`<prefix>_iso` (YYYY-MM-DD, only when all three are known) and the `<prefix>_raw` text.
"""
from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from typing import TYPE_CHECKING
import pyarrow as pa
import pyarrow.parquet as pq

from fangan.model import SCHEMA_VERSION, DateValue, Document, iter_sections

from .store import CorpusStore, atomic_write_bytes, stamp_matches, stamp_of, stat_fingerprint

# json.dumps(x, ensure_ascii=False) without building an encoder per call (one per row otherwise): the same text
# (the index's JSON columns use it too)
json_text = json.JSONEncoder(ensure_ascii=False).encode

if TYPE_CHECKING:  # pandas is imported where frames are made: a build never needs it (0.4 s per run)
    import pandas as pd

TABLES = ("documents", "sections", "goals", "targets", "phases", "deadlines", "parties", "repairs")

# Version of the table layout (columns and dtypes). Minor: columns added; major: a column renamed,
# removed or retyped. A change makes the next build rewrite every part.
TABLES_VERSION = "1.0.0"

_S, _I32, _I64, _F64 = pa.string(), pa.int32(), pa.int64(), pa.float64()


def _date_fields(prefix: str) -> list[tuple[str, pa.DataType]]:
    return [(f"{prefix}_year", _I32), (f"{prefix}_month", _I32), (f"{prefix}_day", _I32),
            (f"{prefix}_part", _S), (f"{prefix}_iso", _S), (f"{prefix}_raw", _S)]


_SECTION_REF = [("section_id", _S), ("section_path", _S)]

SCHEMAS: dict[str, pa.Schema] = {
    t: pa.schema(fields, metadata={"fangan.tables_version": TABLES_VERSION}) for t, fields in {
        "documents": [
            ("doc_id", _S), ("schema_version", _S), ("title", _S), ("issuer", _S), ("addressee", _S),
            ("doc_number", _S), ("year", _I32), ("year_source", _S), ("script", _S), ("path", _S), ("url", _S),
            ("format", _S), ("site", _S), ("sha256", _S), ("encoding", _S), ("captured_at", _S), ("size", _I64),
            *_date_fields("date"),
            ("n_chars", _I64), ("n_sections", _I32), ("n_goals", _I32), ("n_phases", _I32), ("n_deadlines", _I32),
            ("n_parties", _I32), ("n_warnings", _I32), ("warnings", _S), ("text", _S),
        ],
        "sections": [
            ("doc_id", _S), ("section_id", _S), ("order", _I32), ("level", _I32), ("marker", _S), ("title", _S),
            ("path", _S), ("parent_id", _S), ("n_children", _I32), ("text", _S),
        ],
        "goals": [("doc_id", _S), ("goal_index", _I32), *_SECTION_REF, ("text", _S), ("n_targets", _I32)],
        "targets": [
            ("doc_id", _S), ("goal_index", _I32), ("target_index", _I32), *_SECTION_REF, ("indicator", _S),
            ("comparator", _S), ("value", _F64), ("unit", _S), ("raw", _S),
        ],
        "phases": [
            ("doc_id", _S), ("order", _I32), ("name", _S), *_SECTION_REF, *_date_fields("start"),
            *_date_fields("end"), ("raw", _S),
        ],
        "deadlines": [
            ("doc_id", _S), ("deadline_index", _I32), ("action", _S), ("party", _S), ("recurring", _S),
            *_SECTION_REF, *_date_fields("due"), ("raw", _S),
        ],
        "parties": [("doc_id", _S), ("party_index", _I32), ("name", _S), ("role", _S), *_SECTION_REF, ("raw", _S)],
        "repairs": [("doc_id", _S), ("step", _S), ("count", _I64), ("detail", _S), ("examples", _S)],
    }.items()
}


@dataclass
class Corpus:
    documents: pd.DataFrame
    sections: pd.DataFrame
    goals: pd.DataFrame
    targets: pd.DataFrame
    phases: pd.DataFrame
    deadlines: pd.DataFrame
    parties: pd.DataFrame
    repairs: pd.DataFrame

    def __iter__(self):
        return iter(TABLES)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def _date_values(d: Optional[DateValue]) -> tuple:
    """A date's six columns (`_date_fields`): year, month, day, part, iso, raw."""
    if d is None:
        return (None, None, None, None, None, None)
    y, m, day = d.year, d.month, d.day
    return (y, m, day, d.part, f"{y:04d}-{m:02d}-{day:02d}" if (y and m and day) else None, d.raw)


def _section_rows(did: str, sections, paths: dict[str, str]) -> list[tuple]:
    """The sections table, depth first; fills `paths` (section id → its path of titles/markers)."""
    rows: list[tuple] = []
    for order, (s, path) in enumerate(iter_sections(sections)):
        sid = s.id
        paths[sid] = p = " > ".join(path)
        rows.append((did, sid, order, s.level, s.marker, s.title, p, sid.rsplit(".", 1)[0] if "." in sid else None,
                     len(s.children), s.text))
    return rows


def table_rows(doc: dict | Document) -> dict[str, list[tuple]]:
    """Every table's rows for one document, as tuples in the order of `SCHEMAS` — what the Parquet parts and the
    index are written from. `doc`: the Document, or its record (a dict as stored in documents/*.json), which is
    validated into one first. The rows are read from the model: a build makes them from the Document it built,
    without a dict of the record (`store.document_bytes`)."""
    d = doc if isinstance(doc, Document) else Document.model_validate(doc)
    did = d.id
    paths: dict[str, str] = {}
    sections = _section_rows(did, d.sections, paths)

    def ref(sid) -> tuple:
        return sid, paths.get(sid or "")

    src, text, warnings = d.source, d.text, d.warnings
    documents = [(
        did, d.schema_version, d.title, d.issuer, d.addressee, d.doc_number, d.year, d.year_source, d.script,
        src.path, src.url, src.format, src.site, src.sha256, src.encoding, src.captured_at, src.size,
        *_date_values(d.date),
        len(text), len(sections), len(d.goals), len(d.phases), len(d.deadlines), len(d.responsible_parties),
        len(warnings), json_text([w.code for w in warnings]), text,
    )]
    goals, targets = [], []
    for gi, g in enumerate(d.goals):
        gref = ref(g.section_id)
        goals.append((did, gi, *gref, g.text, len(g.targets)))
        for ti, t in enumerate(g.targets):
            targets.append((did, gi, ti, *gref, t.indicator, t.comparator, t.value, t.unit, t.raw))
    phases = [(did, p.order, p.name, *ref(p.section_id), *_date_values(p.start), *_date_values(p.end), p.raw)
              for p in d.phases]
    deadlines = [(did, i, x.action, x.party, x.recurring, *ref(x.section_id), *_date_values(x.due), x.raw)
                 for i, x in enumerate(d.deadlines)]
    parties = [(did, i, x.name, x.role, *ref(x.section_id), x.raw) for i, x in enumerate(d.responsible_parties)]
    repairs = [(did, r.step, r.count, r.detail, json_text([[c.before, c.after] for c in r.changes[:10]]))
               for r in d.repairs]
    return {"documents": documents, "sections": sections, "goals": goals, "targets": targets, "phases": phases,
            "deadlines": deadlines, "parties": parties, "repairs": repairs}


def rows_for(doc: dict | Document) -> dict[str, list[dict]]:
    """`table_rows` as dicts keyed by column name."""
    return {t: [dict(zip(SCHEMAS[t].names, r)) for r in rows] for t, rows in table_rows(doc).items()}


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Nullable integer/float dtypes (Int32, Int64, Float64), so a missing month stays <NA>, not 5.0."""
    import pandas as pd

    types = {_I32: pd.Int32Dtype(), _I64: pd.Int64Dtype(), _F64: pd.Float64Dtype()}
    return table.to_pandas(types_mapper=types.get)


def frames_from_records(records: Iterable[dict]) -> Corpus:
    acc: dict[str, list[tuple]] = {t: [] for t in TABLES}
    for doc in records:
        for t, rows in table_rows(doc).items():
            acc[t].extend(rows)
    return Corpus(**{t: to_pandas(arrow_from_tuples(t, acc[t])) for t in TABLES})


# ---------------------------------------------------------------- Parquet on disk

MANIFEST = "_manifest.json"
LAYOUT = "parts-1"  # parts written per batch of documents (before: 256 hash buckets, rewritten per document)


def tables_dir(root: str | Path) -> Path:
    return Path(root) / "tables"


def part_name(seq: int) -> str:
    return f"part-{seq:06d}.parquet"


def part_path(root: str | Path, table: str, part: str) -> Path:
    return tables_dir(root) / table / part


def record_fingerprints(store: CorpusStore) -> dict[str, str]:
    """doc id → the version stamp of its record (`stat_fingerprint`)."""
    try:  # one scandir, not a Path and a stat call through it per record
        entries = os.scandir(store.documents_dir)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    with entries:
        return {e.name[:-5]: stat_fingerprint(e.stat()) for e in entries if e.name.endswith(".json")}


def _read_manifest(root: Path) -> dict:
    p = tables_dir(root) / MANIFEST
    try:
        m = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (m.get("tables_version") != TABLES_VERSION or m.get("schema_version") != SCHEMA_VERSION
            or m.get("layout") != LAYOUT):
        return {}
    return m


def _write_manifest(root: Path, parts: dict[str, dict[str, str]]) -> None:
    manifest = {"tables_version": TABLES_VERSION, "schema_version": SCHEMA_VERSION, "layout": LAYOUT,
                "tables": list(TABLES), "parts": dict(sorted(parts.items()))}
    atomic_write_bytes(tables_dir(root) / MANIFEST, json.dumps(manifest, separators=(",", ":")).encode("utf-8"),
                       fsync=False)


def arrow_from_tuples(name: str, rows: list[tuple]) -> pa.Table:
    schema = SCHEMAS[name]
    if not rows:
        return schema.empty_table()
    cols = list(zip(*rows))
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(cols, schema)], schema=schema)


ZSTD_LEVEL = 3


def _write_part(root: Path, name: str, tables: dict[str, pa.Table]) -> None:
    for t in TABLES:
        path = part_path(root, t, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        # zstd's own default level, not Arrow's 1: the 20 MB benchmark's parts take 9.3 MB instead of 18.7 (its
        # plans repeat paragraphs farther apart than level 1 looks) in the same CPU time (0.27-0.28 s)
        pq.write_table(tables[t], tmp, compression="zstd", compression_level=ZSTD_LEVEL)
        os.replace(tmp, path)  # derived data: a kill leaves the old part or the new, and the manifest decides


class _NoPandas:
    """An import finder that finds pandas nowhere (see `without_pandas`)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("pandas is not loaded while fangan builds (without_pandas)", name=name)
        return None


@contextmanager
def without_pandas():
    """For a process that writes the tables and makes no DataFrame while the block runs (the CLI's build): pandas
    cannot be imported in it. pyarrow imports pandas the first time it converts a Python list, only to ask whether
    the list is a pandas object (apache/arrow#34994): 0.29 s, a fifth of a one-document `fangan build`. Inside the
    block that first conversion finds no pandas and pyarrow goes on without it; asked for a DataFrame afterwards,
    pyarrow imports pandas then (tested). A process that has pandas already is left as it is. Not for a library
    call: a caller's later `pa.array(series)` would not know the series for a pandas one."""
    if "pandas" in sys.modules:
        yield
        return
    sys.meta_path.insert(0, _NoPandas)
    try:
        yield
    finally:
        sys.meta_path.remove(_NoPandas)


@contextmanager
def system_allocator():
    """Arrow's buffers from the C allocator while the tables are written: pyarrow's default pool
    (mimalloc) keeps what it freed, so each part written during a long build added to the peak
    memory (a 20 MB build: 433 MB peak RSS with mimalloc, 373 MB with the system pool)."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


class _Part:
    """The rows of one part while it is being gathered: a table of each batch's rows, converted to Arrow when
    the batch comes (its rows take a third of the memory they take as Python tuples: 30 MB less peak RSS
    for a 20 MB build), and which document each row belongs to."""

    def __init__(self) -> None:
        self.batches: list[tuple[dict[str, pa.Table], set[str]]] = []  # (tables, documents left out)
        self.docs: dict[str, tuple[int, str]] = {}  # id → (batch, fingerprint), in order
        self.nbytes = 0  # of the batches' Arrow buffers (rows left out included)

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, rows: list[dict[str, list[tuple]]], fingerprints: dict[str, str]) -> None:
        batch = len(self.batches)
        tables = {t: arrow_from_tuples(t, [r for doc_rows in rows for r in doc_rows[t]]) for t in TABLES}
        self.batches.append((tables, set()))
        self.nbytes += sum(table.nbytes for table in tables.values())
        for doc_id, fp in fingerprints.items():
            self.docs[doc_id] = (batch, fp)

    def drop(self, doc_id: str) -> None:
        """Leave a document's rows out (it was built again)."""
        got = self.docs.pop(doc_id, None)
        if got is not None:
            self.batches[got[0]][1].add(doc_id)

    def tables(self) -> dict[str, pa.Table]:
        """Every table's rows, batch after batch, without those of the documents left out."""
        out = {}
        for t in TABLES:
            pieces = []
            for tables, dropped in self.batches:
                table = tables[t]
                if dropped and table.num_rows:
                    import pyarrow.compute as pc  # (0.1 s to import: only for a document built twice)

                    table = table.filter(pc.invert(pc.is_in(table.column("doc_id"), pa.array(sorted(dropped)))))
                pieces.append(table)
            out[t] = pa.concat_tables(pieces).combine_chunks() if pieces else SCHEMAS[t].empty_table()
        return out

    def fingerprints(self) -> dict[str, str]:
        return dict(sorted((d, fp) for d, (_, fp) in self.docs.items()))


class TablesWriter:
    """Appends the rows of built documents to every table, one part per `flush_docs` documents, or fewer once
    their rows take `flush_bytes` (the fixed cost of a Parquet file is paid per part, not per document); the
    manifest says which record (and which version of it, by fingerprint) each part holds. Rows of replaced records stay in their
    old part until `update_tables` rewrites it at the end of the build; rows not yet flushed when a
    build is killed are added back from the records by the next build's `update_tables`.

    The first part is held back and written at `close`, under the name it would have had: the
    documents a build makes first are made against the thinnest statistics of the boilerplate learner,
    so they are the ones its last pass rebuilds, and a first part written early was read and written
    again without them at the end of nearly every build (0.45 CPU s of a 20 MB build, all of it in the
    build's serial tail). A rebuilt document's rows leave the held part and join the newest, as they
    would have left a written one."""

    def __init__(self, root: str | Path, flush_docs: int = 256, flush_bytes: int = 32 << 20) -> None:
        self.root = Path(root)
        self.flush_docs = flush_docs
        # a part is also written once its rows take `flush_bytes` of Arrow buffers (the text of its documents and
        # sections, mostly): the pending part and the held one stay bounded for plans of any size (the 20 MB
        # benchmark's parts take 6.4 MB; 256 plans of 1 MB would take over 700)
        self.flush_bytes = flush_bytes
        manifest = _read_manifest(self.root)
        self.parts: dict[str, dict[str, str]] = manifest.get("parts", {}) if manifest else {}
        if not manifest:
            _clear_parts(self.root)
        self.next_seq = _next_seq(self.root, self.parts)
        self.pending = _Part()
        self.held = _Part()  # the first part, until close
        self.held_name: Optional[str] = None

    @system_allocator()
    def append(self, rows: list[dict[str, list[tuple]]], fingerprints: dict[str, str]) -> None:
        """Rows of one batch (one `table_rows` per document, in the order of `fingerprints`)."""
        for doc_id in fingerprints:
            # rebuilt within the build: only its last version is kept, in the newest part
            self.pending.drop(doc_id)
            self.held.drop(doc_id)
        self.pending.add(rows, fingerprints)
        if len(self.pending) >= self.flush_docs or self.pending.nbytes >= self.flush_bytes:
            if self.held_name is None:
                self.held_name, self.held, self.pending = self._take_name(), self.pending, _Part()
            else:
                self.flush()

    def _take_name(self) -> str:
        name = part_name(self.next_seq)
        self.next_seq += 1
        return name

    @system_allocator()
    def _write(self, name: str, part: _Part) -> None:
        _write_part(self.root, name, part.tables())
        self.parts[name] = part.fingerprints()
        _write_manifest(self.root, self.parts)

    def flush(self) -> Optional[str]:
        """Write the pending rows as the next part; returns its name (None when nothing was pending)."""
        if not len(self.pending):
            return None
        name = self._take_name()
        self._write(name, self.pending)
        self.pending = _Part()
        return name

    def close(self) -> None:
        """Write the held first part (unless every document in it was rebuilt) and the pending rows."""
        if len(self.held):
            self._write(self.held_name, self.held)
        self.held = _Part()
        self.flush()


def _clear_parts(root: Path) -> None:
    """A table layout or version this code does not write: start the tables afresh."""
    for t in TABLES:
        d = tables_dir(root) / t
        if d.is_dir():
            for p in d.glob("*.parquet"):
                p.unlink()


def _listed_parts(root: Path) -> dict[str, set[str]]:
    """The names in each table's folder, one listing each (a stat or a glob per part and table made the tables'
    check a growing share of adding one document)."""
    out = {}
    for t in TABLES:
        try:
            out[t] = set(os.listdir(tables_dir(root) / t))
        except (FileNotFoundError, NotADirectoryError):
            out[t] = set()
    return out


def _next_seq(root: Path, parts: dict[str, dict[str, str]], listed: Optional[dict[str, set[str]]] = None) -> int:
    """The next part number: above every part the manifest names and every part file in a table's folder."""
    seqs = [int(n[5:11]) for n in parts if n[5:11].isdigit()]
    for names in (listed if listed is not None else _listed_parts(root)).values():
        # the names glob("part-*.parquet") gives
        seqs += [int(n[5:11]) for n in names if n.startswith("part-") and n.endswith(".parquet") and n[5:11].isdigit()]
    return max(seqs, default=-1) + 1


@dataclass
class TablesUpdate:
    path: Path
    rewritten: list[str]  # parts that were (re)written
    removed: list[str]  # parts deleted (they no longer held a current record)
    documents: int  # documents in the tables


def _live(parts: dict[str, dict[str, str]], current: dict[str, str]) -> dict[str, str]:
    """doc id → the part that holds its current version (the newest part whose stamp matches)."""
    owner: dict[str, str] = {}
    for name in sorted(parts):
        for doc_id, fp in parts[name].items():
            if stamp_matches(fp, current.get(doc_id)):
                owner[doc_id] = name
    return owner


@system_allocator()
def update_tables(root: str | Path, full: bool = False, fingerprints: Optional[dict[str, str]] = None) -> TablesUpdate:
    """Bring DIR/tables/ in line with DIR/documents/: parts holding rows of replaced or removed records
    are rewritten without them, records missing from every part are added as one new part, and files
    the manifest does not list (left by a killed build) are deleted. Nothing is written when the tables
    are current. `fingerprints`: every record's, as the caller has just read them (`record_fingerprints`)."""
    root = Path(root)
    store = CorpusStore(root)
    current = fingerprints if fingerprints is not None else record_fingerprints(store)
    manifest = {} if full else _read_manifest(root)
    if not manifest:
        _clear_parts(root)
    parts: dict[str, dict[str, str]] = manifest.get("parts", {}) if manifest else {}
    listed = _listed_parts(root)
    seq = _next_seq(root, parts, listed)  # taken before any part is deleted: a new part never reuses a name
    for name in list(parts):  # a part the manifest lists but a table lacks: its records are re-added
        if not all(name in listed[t] for t in TABLES):
            for t in TABLES:
                part_path(root, t, name).unlink(missing_ok=True)
            del parts[name]
    moved = store.restamp(((d, fp) for docs in parts.values() for d, fp in docs.items()), current)
    for docs in parts.values():  # records copied or moved with the corpus: their rows are still theirs
        for d, fp in docs.items():
            if (d, fp) in moved:
                docs[d] = moved[d, fp]
    owner = _live(parts, current)
    rewritten, removed = [], []
    for name in sorted(parts):
        keep = {d: fp for d, fp in parts[name].items() if owner.get(d) == name}
        if len(keep) == len(parts[name]):
            continue
        if keep:
            _write_part(root, name, {t: _filter_part(root, t, name, set(keep)) for t in TABLES})
            parts[name] = keep
            rewritten.append(name)
        else:
            for t in TABLES:
                part_path(root, t, name).unlink(missing_ok=True)
            del parts[name]
            removed.append(name)
    missing = sorted(set(current) - set(owner))
    if missing or not parts:
        name = part_name(seq)
        acc: dict[str, list[tuple]] = {t: [] for t in TABLES}
        stamps = {}
        for doc_id in missing:
            data = store.document_path(doc_id).read_bytes()
            stamps[doc_id] = stamp_of(current[doc_id], data)
            for t, rows in table_rows(json.loads(data)).items():
                acc[t].extend(rows)
        _write_part(root, name, {t: arrow_from_tuples(t, acc[t]) for t in TABLES})
        parts[name] = stamps
        rewritten.append(name)
    merged = _merge_small_parts(root, parts)
    if merged:
        rewritten.append(merged)
    unlisted = _remove_unlisted(root, parts)
    changed = bool(rewritten or removed or unlisted or moved or not manifest)
    if changed:
        _write_manifest(root, parts)
    return TablesUpdate(tables_dir(root), rewritten, removed, len(current))


SMALL_PART = 16  # documents: parts this small come from builds that added a few documents …
MERGE_AT = 32  # … and once there are this many, they are merged into one, so the file count stays bounded


def _merge_small_parts(root: Path, parts: dict[str, dict[str, str]]) -> Optional[str]:
    small = sorted(n for n, docs in parts.items() if 0 < len(docs) < SMALL_PART)
    if len(small) < MERGE_AT:
        return None
    name = part_name(_next_seq(root, parts))
    _write_part(root, name, {t: pa.concat_tables(pq.read_table(part_path(root, t, n), schema=SCHEMAS[t]) for n in small)
                             for t in TABLES})
    parts[name] = {d: fp for n in small for d, fp in parts.pop(n).items()}
    for n in small:
        for t in TABLES:
            part_path(root, t, n).unlink(missing_ok=True)
    return name


def _filter_part(root: Path, table: str, name: str, keep: set[str]) -> pa.Table:
    t = pq.read_table(part_path(root, table, name), schema=SCHEMAS[table])
    mask = pa.array([d in keep for d in t.column("doc_id").to_pylist()], type=pa.bool_())
    return t.filter(mask)


def _remove_unlisted(root: Path, parts: dict[str, dict[str, str]]) -> bool:
    found = False
    for t in TABLES:
        d = tables_dir(root) / t
        d.mkdir(parents=True, exist_ok=True)
        for name in os.listdir(d):
            if name not in parts and (Path(name).suffix == ".parquet" or name.endswith(".tmp")):
                (d / name).unlink()
                found = True
    return found


def write_tables(root: str | Path) -> Optional[Path]:
    """Write (or bring up to date) the Parquet tables under DIR/tables/; returns that folder."""
    return update_tables(root).path


def tables_are_current(root: str | Path) -> bool:
    """True when DIR/tables/ holds exactly the records now in DIR/documents/, each once."""
    root = Path(root)
    manifest = _read_manifest(root)
    if not manifest:
        return False
    parts = manifest.get("parts", {})
    current = record_fingerprints(CorpusStore(root))
    held = [d for name in parts for d in parts[name]]
    if not (len(held) == len(set(held)) and set(held) == set(current) and len(_live(parts, current)) == len(current)):
        return False
    listed = _listed_parts(root)
    return all(name in listed[t] for name in parts for t in TABLES)


def read_table(root: str | Path, name: str) -> pd.DataFrame:
    """One table from DIR/tables/ as a DataFrame with the fixed dtypes (empty, with its columns, if no rows)."""
    parts = sorted((tables_dir(root) / name).glob("part-*.parquet"))
    schema = SCHEMAS[name]
    if not parts:
        return to_pandas(schema.empty_table())
    table = pa.concat_tables(pq.read_table(p, schema=schema) for p in parts)
    # parts hold batches in build order; rows come sorted by document (a stable sort keeps each
    # document's own order), as they do when read from the JSON records
    return to_pandas(table.sort_by("doc_id"))


def load_corpus(root: str | Path) -> Corpus:
    """The corpus in `root` as pandas DataFrames: `corpus.documents`, `corpus.sections`, …

    Read from the Parquet tables when they are up to date with DIR/documents/, else from the JSON records
    (same columns and dtypes either way).
    """
    if tables_are_current(root):
        return Corpus(**{t: read_table(root, t) for t in TABLES})
    return frames_from_records(CorpusStore(root).iter_raw())
