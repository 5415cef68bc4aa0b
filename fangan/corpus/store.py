"""The on-disk corpus layout, written so an interrupted build never leaves half a file.

    DIR/documents/<id>.json   one record per document (written to a temporary name, renamed into place)
    DIR/corpus.jsonl          every record, one per line, appended batch by batch; rewritten (compacted)
                              only when records were replaced or a killed build left it out of step
    DIR/errors.jsonl          one entry per input of the last run that did not become a document
    DIR/skipped.jsonl         one entry per input of the last run deliberately not read (hidden, duplicate …)

A build writes documents in batches (`CorpusStore.begin_batch` … `end_batch`): the ids of the batch
are noted in DIR/.pending first, so a build killed in the middle of a batch is repaired by the next
one (`recover`): the JSONL lines of those documents are taken again from their records. A batch
costs one fsync, of the JSONL it appended (records are renamed into place without one).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Optional

import orjson
from pydantic_core import PydanticSerializationError

from fangan.model import Document, ErrorRecord

JSONL = "corpus.jsonl"
PENDING = ".pending"
BUILDING = ".building"  # the inputs the main process is building, while it builds them (see `note_building`)
JSONL_STATE = ".jsonl-state.json"  # size and stamp of corpus.jsonl when it was last known in step


def stat_fingerprint(st: os.stat_result) -> str:
    """A record's cheap version stamp: mtime, size and inode (records are replaced, not edited in
    place, so a rewrite gets a new inode even within one clock tick)."""
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"


DIGEST_SEP = "#"


def record_digest(data: bytes) -> str:
    """A digest of a record's bytes: which version of the record a derived row was made from, when
    its stat fingerprint no longer says (a copied, moved or restored corpus: new inodes, maybe new mtimes).
    SHA-256, cut to 80 bits: OpenSSL's runs on the CPU's SHA instructions where it has them (0.05 CPU s for
    the 71 MB of records of the 20 MB benchmark, against 0.09 for hashlib's BLAKE2b, used before: a corpus
    stamped then and copied since is derived again once)."""
    return hashlib.sha256(data).hexdigest()[:20]


def stamp_of(fingerprint: str, data: bytes, digest: Optional[str] = None) -> str:
    """What the tables and the index keep of the record version they hold: its `stat_fingerprint`, then
    the `record_digest` of its bytes (`fingerprint#digest`; `digest`: that digest, when made already)."""
    return f"{fingerprint}{DIGEST_SEP}{digest or record_digest(data)}"


def record_stamp(st: os.stat_result, data: bytes, digest: Optional[str] = None) -> str:
    """`stamp_of` a record given its stat."""
    return stamp_of(stat_fingerprint(st), data, digest)


def stamp_matches(stamp: str, fingerprint: Optional[str]) -> bool:
    """True when a kept stamp is of the record whose `stat_fingerprint` is `fingerprint` (a stamp kept
    by an older version, without a digest, is a fingerprint itself)."""
    return stamp.partition(DIGEST_SEP)[0] == fingerprint


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


@contextmanager
def replacing(path: Path, fsync: bool = True) -> Iterator[BinaryIO]:
    """A file opened under a temporary name beside `path` and renamed onto it when the block ends
    (removed instead if the block raises). `fsync=False` leaves durability to the caller's batch
    (a kill still never leaves half a file: the rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: Path, data: bytes, fsync: bool = True) -> None:
    """Write to a temporary name and rename into place."""
    with replacing(path, fsync) as f:
        f.write(data)


def atomic_write_lines(path: Path, lines: Iterable[str]) -> None:
    atomic_write_bytes(path, "".join(line + "\n" for line in lines).encode("utf-8"))


def record_bytes(record: dict) -> bytes:
    """documents/<id>.json, and the record's corpus.jsonl line without its newline: the record
    (`Document.model_dump(mode="json")`) as compact JSON, UTF-8. The bytes `model_dump_json()` gives, but for
    numbers in exponent form, written the shortest way (1e-5, 1e16: the same numbers as pydantic's 1e-5 and
    json's 1e-05), twice as fast. Compact, no longer indented: one serialization serves both files (the 20 MB
    benchmark: 0.2 CPU s less, and a fifth fewer bytes written); `fangan show --json` (`pretty_document`) or
    `jq .` indents a record for a person."""
    return orjson.dumps(record)


# a float this large pydantic writes with a "+" in its exponent (1e+16) where orjson does not (1e16)
_PLUS_EXPONENT_FROM = 1e16


def document_bytes(doc: Document) -> bytes:
    """documents/<id>.json of `doc`: `record_bytes(doc.model_dump(mode="json"))`, made by pydantic's own serializer
    in one step, without the record's dict in between (the 20 MB benchmark: 0.06–0.1 CPU s less). The two write every
    record the same (tests/test_build_speed_shape.py) but for a float of 1e16 or more, which only a target's value
    can be (pydantic writes 1e+16, orjson 1e16), and a string JSON cannot hold (a lone surrogate: each raises its
    own error): such a document takes the dict's way, so every record keeps its bytes."""
    if not any(abs(t.value) >= _PLUS_EXPONENT_FROM for g in doc.goals for t in g.targets):
        try:
            return doc.__pydantic_serializer__.to_json(doc)
        except PydanticSerializationError:
            pass
    return record_bytes(doc.model_dump(mode="json"))


def pretty_document(doc: Document) -> str:
    """`doc`'s record indented by two spaces, for a person to read."""
    return orjson.dumps(doc.model_dump(mode="json"), option=orjson.OPT_INDENT_2).decode("utf-8")


def jsonl_line(record_json: str | bytes) -> bytes:
    """A record (as stored in documents/<id>.json) as one compact corpus.jsonl line: the bytes a build
    appends for it, so a compacted file equals an appended one. A compact record is its line as it is
    (compact JSON holds no raw newline); an indented one, written by an earlier version, is compacted."""
    if isinstance(record_json, str):
        record_json = record_json.encode("utf-8")
    if b"\n" not in record_json:
        return record_json
    return orjson.dumps(orjson.loads(record_json))


def _line_id(line: bytes) -> Optional[str]:
    # every line starts with {"id":"<16 hex>" (the model's first field): no need to parse the record
    if line.startswith(b'{"id":"') and line[23:24] == b'"':
        return line[7:23].decode("ascii", "replace")
    try:
        return json.loads(line).get("id")
    except ValueError:
        return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy_range(src: int, dst: int, offset: int, length: int) -> None:
    """`length` bytes of `src` from `offset` appended to `dst` (at its position), by the kernel where it can."""
    end = offset + length
    while offset < end:
        try:
            n = os.copy_file_range(src, dst, end - offset, offset)
        except (AttributeError, OSError):  # not Linux, or a file system that cannot: through memory
            n = 0
        if n <= 0:
            data = os.pread(src, min(end - offset, 1 << 22), offset)
            if not data:
                raise OSError(f"corpus.jsonl ended at byte {offset} while it was compacted (expected {end})")
            _write_all(dst, data)
            n = len(data)
        offset += n


class CorpusStore:
    def __init__(self, root: os.PathLike | str):
        self.root = Path(root)
        self.documents_dir = self.root / "documents"
        self._documents_folder = os.fspath(self.documents_dir)  # as a string: record paths are made per document
        self.jsonl_path = self.root / JSONL
        self.pending_path = self.root / PENDING
        self.building_path = self.root / BUILDING
        self.state_path = self.root / JSONL_STATE
        self.in_step = False  # corpus.jsonl holds exactly the records of documents/ (checked or kept so)

    def document_path(self, doc_id: str) -> Path:
        return self.documents_dir / f"{doc_id}.json"

    def has(self, doc_id: str) -> bool:
        return self.document_path(doc_id).exists()

    def document_ids(self) -> set[str]:
        try:  # the names as documents_dir.glob("*.json") gives them, without a Path per record
            return {name[:-5] for name in os.listdir(self._documents_folder) if name.endswith(".json")}
        except (FileNotFoundError, NotADirectoryError):
            return set()

    def write_document(self, doc: Document, fsync: bool = True) -> Path:
        p = self.document_path(doc.id)
        atomic_write_bytes(p, document_bytes(doc), fsync=fsync)
        return p

    def write_record(self, doc_id: str, record_json: bytes, digest: Optional[str] = None) -> str:
        """A record already serialized (by a worker), renamed into place; its durability is the
        batch's: the JSONL holds the same record and is fsynced once per batch. Returns the record's
        stamp (`stamp_of`), its stat fingerprint taken from the written file (a rename keeps its inode and
        mtime). `digest`: the bytes' `record_digest`, when the worker that serialized them made it."""
        folder = self._documents_folder
        tmp = f"{folder}/.{doc_id}.json.tmp"  # one writer per corpus: a fixed temporary name is enough
        try:
            fd = os.open(tmp, _WRITE_FLAGS, 0o666)
        except FileNotFoundError:
            self.documents_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, _WRITE_FLAGS, 0o666)
        try:
            _write_all(fd, record_json)
            stamp = record_stamp(os.fstat(fd), record_json, digest)
        finally:
            os.close(fd)
        os.replace(tmp, f"{folder}/{doc_id}.json")
        return stamp

    def restamp(self, kept: Iterable[tuple[str, str]], current: dict[str, str]) -> dict[tuple[str, str], str]:
        """Kept stamps whose record's stat fingerprint moved while its bytes did not — a corpus copied,
        moved or restored from a backup gets new inodes (and, copied plainly, new mtimes) — so that what
        was derived from those records is kept, not derived again: (doc id, kept stamp) → the stamp to
        keep now. `kept`: the (doc id, stamp) pairs a derived output holds; `current`: `stat_fingerprint`
        by doc id. A record is read only when a stamp of it has a digest and another fingerprint than
        its current one, and then once; stamps of records whose bytes changed are left out."""
        now: dict[str, Optional[str]] = {}  # doc id → its stamp as read now
        moved: dict[tuple[str, str], str] = {}
        for doc_id, stamp in kept:
            fingerprint, _, digest = stamp.partition(DIGEST_SEP)
            if not digest or doc_id not in current or fingerprint == current[doc_id]:
                continue
            if doc_id not in now:
                now[doc_id] = self._stamp_now(doc_id)
            if now[doc_id] is not None and now[doc_id].partition(DIGEST_SEP)[2] == digest:
                moved[doc_id, stamp] = now[doc_id]
        return moved

    def _stamp_now(self, doc_id: str) -> Optional[str]:
        try:
            with open(self.document_path(doc_id), "rb") as f:
                return record_stamp(os.fstat(f.fileno()), f.read())
        except OSError:
            return None

    def iter_documents(self) -> Iterator[Document]:
        for p in sorted(self.documents_dir.glob("*.json")):
            yield Document.model_validate_json(p.read_text(encoding="utf-8"))

    def iter_raw(self) -> Iterator[dict]:
        for p in sorted(self.documents_dir.glob("*.json")):
            yield json.loads(p.read_text(encoding="utf-8"))

    # ------------------------------------------------------------ corpus.jsonl

    def append_jsonl(self, lines: list[bytes], replacing: bool = False) -> None:
        """Append lines and make them durable: the batch's one fsync of record data. `replacing`:
        some of them replace records already in the file (the file is compacted at the end)."""
        if not lines:
            return
        if replacing:
            self.in_step = False
        with open(self.jsonl_path, "ab") as f:
            f.write(b"".join(line + b"\n" for line in lines))
            f.flush()
            os.fsync(f.fileno())

    def compact_jsonl(self, retake: Iterable[str] = ()) -> bool:
        """Make corpus.jsonl hold exactly one line per record in documents/, streaming.

        Keeps the last line of each id (a replaced record is appended after the old one), drops ids
        with no record, and takes the lines of `retake` ids (and of records missing from the file)
        again from their records. Returns whether the file was rewritten; an up-to-date file is
        only read. Runs of lines kept as they are are copied by the kernel (a build that rebuilt a
        few documents rewrites the file without passing it through Python)."""
        retake = set(retake)
        docs = self.document_ids()
        lines: list[tuple[int, int, Optional[str]]] = []  # (offset, length, id) of every whole line
        first: dict[str, int] = {}  # id → line number of its first line (its place in the file)
        last: dict[str, int] = {}  # id → line number of its last line (its current record)
        torn = dup = False
        if self.jsonl_path.exists():
            with open(self.jsonl_path, "rb") as f:
                offset = 0
                for i, line in enumerate(f):
                    if not line.endswith(b"\n"):
                        torn = True
                        break
                    doc_id = _line_id(line)
                    if doc_id is not None:
                        dup = dup or doc_id in last
                        first.setdefault(doc_id, i)
                        last[doc_id] = i
                    lines.append((offset, len(line), doc_id))
                    offset += len(line)
        missing = (docs - set(last)) | (retake & docs)
        extra = set(last) - docs
        if not (torn or missing or extra or dup or not self.jsonl_path.exists()):
            return False
        with replacing(self.jsonl_path) as out:
            out.flush()
            dst = out.fileno()
            if lines:
                with open(self.jsonl_path, "rb") as src:
                    run_start = run_end = 0  # the run of source bytes to copy as they are
                    for i, (offset, length, doc_id) in enumerate(lines):
                        if doc_id not in docs or doc_id in missing or first.get(doc_id) != i:
                            continue
                        # a replaced record keeps the place of its first line, so the file's order
                        # is the order documents were first built in, however often they were rebuilt
                        j = last[doc_id]
                        offset, length = lines[j][0], lines[j][1]
                        if offset != run_end:
                            _copy_range(src.fileno(), dst, run_start, run_end - run_start)
                            run_start = offset
                        run_end = offset + length
                    _copy_range(src.fileno(), dst, run_start, run_end - run_start)
            for doc_id in sorted(missing):
                _write_all(dst, jsonl_line(self.document_path(doc_id).read_bytes()) + b"\n")
        return True

    def write_jsonl(self) -> Path:
        """Bring corpus.jsonl in line with documents/ (rewritten only when it is not)."""
        self.compact_jsonl()
        self._save_state()
        return self.jsonl_path

    def finish_jsonl(self, records: Optional[int] = None) -> None:
        """End of a build: compact the file if records were replaced, and note that it is in step,
        so the next build need not read it to know (a build that adds one document to a large
        corpus reads none of it). `records`: how many records documents/ holds, when the caller has
        just listed them."""
        if not self.in_step or not self.jsonl_path.exists():  # (a corpus with no records has an empty file)
            self.compact_jsonl()
            records = None  # (compacting may have read a listing of its own: count again)
        self._save_state(records)

    def _state(self, records: Optional[int] = None) -> Optional[dict]:
        try:
            st = self.jsonl_path.stat()
        except OSError:
            return None
        return {"size": st.st_size, "mtime_ns": st.st_mtime_ns,
                "records": len(self.document_ids()) if records is None else records}

    def _save_state(self, records: Optional[int] = None) -> None:
        state = self._state(records)
        if state is None:
            return
        data = json.dumps(state).encode("utf-8")
        try:
            if self.state_path.read_bytes() == data:
                return
        except OSError:
            pass
        atomic_write_bytes(self.state_path, data, fsync=False)
        self.in_step = True

    def _state_matches(self, records: Optional[int] = None) -> bool:
        try:
            saved = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return saved == self._state(records)

    # ------------------------------------------------------------ batches and recovery

    def begin_batch(self, doc_ids: list[str]) -> None:
        # no fsync: this guards against a killed process, whose writes the OS keeps; after a power
        # loss, records missing from documents/ are dropped from the JSONL and simply built again
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.pending_path, json.dumps(sorted(doc_ids)).encode("utf-8"), fsync=False)

    def end_batch(self) -> None:
        self.pending_path.unlink(missing_ok=True)

    def note_building(self, doc_ids: Iterable[str]) -> None:
        """Write down the documents the main process is about to build. A build that ends normally removes the
        note (`done_building`); one that finds it was preceded by a build that died while building them
        (`building`). Written over in place, the new JSON first and the file cut to it after, so that whenever
        the process dies the file begins with one whole note (`building` ignores what follows it): 9 µs a
        chunk, against 174 for a temporary file renamed into place. No fsync: a crash of the process, not of
        the machine, is what it is for."""
        data = json.dumps(sorted(doc_ids)).encode("utf-8")
        fd = os.open(self.building_path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data))
        finally:
            os.close(fd)

    def building(self) -> list[str]:
        """The documents a build was building in its main process when it died ([] when none did)."""
        try:
            text = self.building_path.read_text(encoding="utf-8")
            return list(json.JSONDecoder().raw_decode(text)[0])
        except (OSError, ValueError, TypeError):
            return []

    def done_building(self) -> None:
        self.building_path.unlink(missing_ok=True)

    def died_in_workers(self) -> list[str]:
        """The sha256 of the inputs the last build's errors.jsonl gives a `worker_died` entry: each killed a worker
        process on its own. (The file is parsed only when it names that error at all.)"""
        try:
            text = (self.root / "errors.jsonl").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return []
        if "worker_died" not in text:
            return []
        return [e.sha256 for e in _parse_entries(text) if e.error == "worker_died" and e.sha256]

    def pending(self) -> list[str]:
        """Ids of the batch a killed build was writing ([] when the last build finished its batches)."""
        try:
            return list(json.loads(self.pending_path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return []

    def recover(self) -> list[str]:
        """Repair what a killed build left: corpus.jsonl torn, out of step with documents/, or
        missing the batch that was being written. Returns the ids of that batch."""
        pending = self.pending()
        records = 0  # what document_ids() would count, from the same listing of documents/
        for folder in (self.root, self.documents_dir):  # a record or a corpus file the kill caught half-written
            try:
                listed = os.listdir(folder)
            except (FileNotFoundError, NotADirectoryError):
                continue
            if folder is self.documents_dir:
                records = sum(1 for n in listed if n.endswith(".json"))
            # (the names `folder.glob(".*.tmp")` gives, read without making a Path per record)
            for name in [n for n in listed if n.startswith(".") and n.endswith(".tmp") and len(n) > 4]:
                (folder / name).unlink(missing_ok=True)
        if pending or not self._state_matches(records):
            if self.documents_dir.is_dir() or self.jsonl_path.exists():
                self.compact_jsonl(retake=pending)
        self.in_step = True
        self.pending_path.unlink(missing_ok=True)
        return pending

    # ------------------------------------------------------------ errors

    def write_errors(self, errors: list[ErrorRecord]) -> Path:
        """errors.jsonl for this run; not rewritten when it already lists the same failures."""
        return self._write_entries("errors.jsonl", errors)

    def write_skipped(self, skipped: list[ErrorRecord]) -> Path:
        """skipped.jsonl for this run (inputs deliberately not read, with reasons); likewise."""
        return self._write_entries("skipped.jsonl", skipped)

    def _write_entries(self, name: str, entries: list[ErrorRecord]) -> Path:
        p = self.root / name
        if p.exists() and _error_keys(self._read_entries(name)) == _error_keys(entries):
            return p
        atomic_write_lines(p, (e.model_dump_json() for e in entries))
        return p

    def read_errors(self) -> list[ErrorRecord]:
        return self._read_entries("errors.jsonl")

    def _read_entries(self, name: str) -> list[ErrorRecord]:
        p = self.root / name
        if not p.exists():
            return []
        try:
            text = p.read_text(encoding="utf-8")
        except ValueError:  # (not UTF-8)
            return []
        return _parse_entries(text)


def _parse_entries(text: str) -> list[ErrorRecord]:
    """The entries of an errors.jsonl or skipped.jsonl text ([] when one does not parse)."""
    try:
        return [ErrorRecord.model_validate_json(ln) for ln in text.splitlines() if ln.strip()]
    except ValueError:
        return []


def _error_keys(errors: list[ErrorRecord]) -> list[tuple]:
    # the same failures, whenever they were seen (`time` differs from run to run)
    return [tuple(v for k, v in e.model_dump().items() if k != "time") for e in errors]
