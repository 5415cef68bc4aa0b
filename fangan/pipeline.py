"""The pipeline: ingest → parse → normalize → structure → extract → corpus.

`process_item` turns one input into a `Document` or raises `StageError` naming the stage that
failed; `build` runs it over a batch, never letting one input stop the others, and streams the
corpus to disk batch by batch. A re-run skips inputs whose content (sha256) is already built.
"""
from __future__ import annotations

import json
import os
import time
import traceback
from contextlib import contextmanager
from functools import lru_cache, partial
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from itertools import chain, islice
from typing import Any, Callable, Iterable, Iterator, Optional

from fangan.extract import extract
from fangan.ingest import IngestError, Limits, Skipped, SourceItem, SourceRef, iter_inputs
from fangan.ingest.archives import SEP as ARCHIVE_SEP
from fangan.model import Document, ErrorRecord, Removed, Source, RecordWarning
from fangan.normalizers import Explanation, NormalizeContext, normalize_and_explain
from fangan.parsers import ParsedDocument, ParseError, noise_reason, parse
from fangan.structure import StructureResult, build_structure

from .corpus.lock import holds_output_lock
from .corpus.store import CorpusStore, document_bytes, record_digest
from .executors import batch_gc, chunked
from .timelimit import TimeLimitExceeded, arm, disarm, limits_enforced


class StageError(Exception):
    def __init__(self, stage: str, error: str, reason: str):
        super().__init__(f"{stage}: {reason}")
        self.stage, self.error, self.reason = stage, error, reason

    def __reduce__(self):  # picklable, so worker processes can return it
        return (StageError, (self.stage, self.error, self.reason))


@dataclass
class Options:
    script: str = "auto"  # auto | t2s | tw2s | hk2s
    limits: Limits = field(default_factory=Limits)
    force: bool = False  # rebuild documents that already exist
    learn_boilerplate: bool = True
    follow_symlinks: bool = False  # follow links in input folders that lead outside the inputs


def doc_id_for(sha256: str) -> str:
    return sha256[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class StageTimes:
    """Seconds spent per stage over a batch, for `benchmarks/` and `--timings`: wall seconds, and the
    CPU seconds of the process that ran the stage (the fair figure on a shared machine)."""

    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, dt: float, cpu: Optional[float] = None) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + dt
        if cpu is not None:
            self.cpu[stage] = self.cpu.get(stage, 0.0) + cpu

    @contextmanager
    def timed(self, stage: str):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - t0, time.process_time() - c0)


def _run(stage: str, fn: Callable, *args, times: Optional[StageTimes] = None, **kwargs):
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        return fn(*args, **kwargs)
    except StageError:
        raise
    except ParseError as e:
        raise StageError(stage, e.error, e.reason) from e
    except Exception as e:  # a bug or an input we did not foresee: record it, keep the batch going
        tb = traceback.extract_tb(e.__traceback__)[-1]
        raise StageError(stage, "internal_error", f"{type(e).__name__}: {e} (at {Path(tb.filename).name}:{tb.lineno})") from e
    finally:
        if times is not None:
            times.add(stage, time.perf_counter() - t0, time.process_time() - c0)


def parse_item(item: SourceItem, times: Optional[StageTimes] = None) -> ParsedDocument:
    return _run("parse", parse, item, times=times)


@dataclass
class Normalized:
    """The front half of the pipeline for one input: what the parser read and what normalization made of it."""

    parsed: ParsedDocument
    context: NormalizeContext
    explained: Explanation


def parse_and_normalize(item: SourceItem | SourceRef, options: Optional[Options] = None, batch=None,
                        times: Optional[StageTimes] = None, parsed: Optional[ParsedDocument] = None) -> Normalized:
    """Parse `item` (unless `parsed` is given) and normalize its text. The one front half that `build` (through
    `process_parsed`) and `fangan normalize --explain` both run, so the explanation is what the record holds.
    Raises StageError."""
    options = options or Options()
    if parsed is None:
        parsed = parse_item(item, times)
    ctx = NormalizeContext(
        script_variant=options.script,
        site=parsed.site or item.site,
        title_hint=parsed.title_hint,
        batch=batch,
        metadata=dict(parsed.metadata),
        title_candidates=list(parsed.title_candidates),
    )
    explained = _run("normalize", normalize_and_explain, parsed.text, ctx, times=times)
    noise = noise_reason(explained.text)
    if noise:
        raise StageError("normalize", "not_text", noise)
    return Normalized(parsed, ctx, explained)


def process_parsed(item: SourceItem | SourceRef, parsed: ParsedDocument, options: Optional[Options] = None, batch=None,
                   times: Optional[StageTimes] = None) -> Document:
    front = parse_and_normalize(item, options or Options(), batch, times, parsed=parsed)
    return extract_document(item, front, structure_of(front, times), times)


def structure_of(front: Normalized, times: Optional[StageTimes] = None) -> StructureResult:
    """The structure stage on a normalized text. Raises StageError."""
    parsed, explained = front.parsed, front.explained
    return _run(
        "structure",
        build_structure,
        explained.text,
        title_hint=parsed.title_hint,
        heading_hints=parsed.heading_hints,
        title_candidates=front.context.title_candidates,
        source_format=parsed.format,
        times=times,
    )


def extract_document(item: SourceItem | SourceRef, front: Normalized, st: StructureResult,
                     times: Optional[StageTimes] = None) -> Document:
    """The document's record from what the stages before made of it, with the extraction stage's fields.
    Raises StageError."""
    parsed, ctx, explained = front.parsed, front.context, front.explained
    warnings = ([RecordWarning(code=code, message=msg, step="parse") for code, msg in parsed.warnings] + explained.warnings
                + st.warnings)
    doc = Document(
        id=doc_id_for(item.sha256),
        source=Source(
            path=item.path,
            url=parsed.url or item.url,
            format=parsed.format,
            sha256=item.sha256,
            encoding=parsed.encoding,
            site=ctx.site,
            captured_at=parsed.captured_at or item.captured_at,
            size=item.size,
        ),
        title=st.title,
        script=explained.script,
        text=st.text,
        sections=st.sections,
        attachments=st.attachments,
        repairs=explained.repairs + st.repairs,
        removed=[Removed(step="parse", text=t, reason=r) for t, r in parsed.removed] + explained.removed,
        warnings=warnings,
        metadata=ctx.metadata,
    )
    ex = _run("extract", extract, doc, structure=st, times=times)
    for name in ("issuer", "addressee", "doc_number", "date", "year", "year_source", "goals", "phases", "deadlines",
                 "responsible_parties"):
        setattr(doc, name, getattr(ex, name))
    doc.warnings.extend(ex.warnings)
    if not doc.text.strip():
        raise StageError("normalize", "empty_after_cleaning", empty_reason(parsed.text, explained.removed, doc.title))
    return doc


def empty_reason(parsed_text: str, removed: list, title: str) -> str:
    """Why a document has no body text, as it is: boilerplate removal, a lone title, or too little text."""
    if removed:
        steps = ", ".join(sorted({r.step for r in removed}))
        return f"no body text is left after removing boilerplate ({len(removed)} span(s) removed by {steps})"
    if title.strip():
        return "the input holds only a title line and no body text"
    n = len("".join(parsed_text.split()))
    return f"the input holds no body text ({n} visible character(s) after parsing)"


def process_item(item: SourceItem, options: Optional[Options] = None, batch=None, times: Optional[StageTimes] = None) -> Document:
    return process_parsed(item, parse_item(item, times), options, batch, times)


def process_file(path: str | Path, options: Optional[Options] = None) -> Document:
    """One file → one Document (raises StageError). The Python twin of `fangan show`."""
    for item in iter_inputs([path], (options or Options()).limits, follow_symlinks=True):
        if isinstance(item, Skipped):
            continue
        if isinstance(item, IngestError):
            raise StageError("ingest", item.error, item.reason)
        return process_item(item, options)
    raise StageError("ingest", "not_found", f"nothing to read at {path}")


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)  # ids written this run (new, forced or rebuilt)
    skipped: list[str] = field(default_factory=list)  # ids already built (resume)
    errors: list[ErrorRecord] = field(default_factory=list)
    # inputs deliberately not read (hidden, OS metadata, duplicates, links out of the inputs), with reasons:
    # every input is in built + skipped (records), errors, or skipped_inputs
    skipped_inputs: list[ErrorRecord] = field(default_factory=list)
    times: StageTimes = field(default_factory=StageTimes)
    bytes_in: int = 0
    seconds: float = 0.0
    rebuilt: list[str] = field(default_factory=list)  # ids rebuilt because the learned boilerplate changed for them
    learned: int = 0  # documents whose lines the learner read this run
    jobs: int = 1  # processes that built the documents (this one and jobs - 1 workers)

    @property
    def ok(self) -> bool:
        return not self.errors


def _error(path: str, sha: Optional[str], stage: str, error: str, reason: str) -> ErrorRecord:
    return ErrorRecord(path=path, sha256=sha, stage=stage, error=error, reason=reason, time=_now())


@dataclass
class BuiltDocument:
    """One document as the main process writes it: everything computed in the worker that built it."""

    id: str
    record_json: bytes  # documents/<id>.json, and its corpus.jsonl line
    index: Any  # fangan.corpus.search.IndexEntry: table rows, facets and the segmented text
    learned: Optional[tuple[str, list[str], list[str]]]  # (site, asked, chrome) when the learner ran
    digest: Optional[str] = None  # record_digest(record_json): hashed here, not by the main process, which writes


# Tasks run in worker processes or on a Dask cluster: module-level, and they return errors rather than raise.
LEARN, BUILD = "learn", "build"


def _tasks(jobs: list[tuple[str, SourceItem]]) -> list[tuple]:
    """A chunk of inputs, each: BUILD = the whole document, down to its record, JSONL line, table rows
    and index entry, plus the line shapes the learner counts; LEARN = only the shapes (a document built
    before the learner kept statistics). The context (options, learned boilerplate) came with the worker.

    The chunk is run stage by stage: every input is parsed, then normalized, structured, extracted and
    serialized, each stage over the whole chunk before the next begins, so what a stage works from stays
    in the CPU's caches from one document to the next (the segmenter's dictionary above all: cutting the
    20 MB benchmark's texts costs 0.8 CPU s in a loop and 1.3 s when each cut followed a document's other
    stages). Each input's result is the one it gets in a chunk of its own: a failure drops that input,
    never the chunk."""
    from .executors import context, mark

    options, learned, learned_path, index_cut = context()
    learned = _learned_now(learned, learned_path)
    steps = ((_Slot.parse, ()), (_Slot.normalize, (options, learned)),  # every input (LEARN ones too)
             (_Slot.structure, ()), (_Slot.extract, ()), (_Slot.serialize, (index_cut,)))  # BUILD inputs only
    with limits_enforced() as enforced:
        slots = [_Slot(mode, item, options.limits.seconds_for(item.size) if enforced else None) for mode, item in jobs]
        for i, (step, args) in enumerate(steps):
            mark(i)
            for slot in slots:
                if i < _LEARN_STEPS or slot.mode == BUILD:
                    slot.step(_MARKED_STAGES[i], step, slot, *args)
    return [slot.result() for slot in slots]


BUILT_HERE_MAX = 8 << 20  # bytes of the largest input in a chunk the main process may build itself


def _may_build_here(jobs: list[tuple[str, SourceItem]], suspects: frozenset = frozenset()) -> bool:
    """Large inputs are built by workers only: building takes about 50 bytes of memory per byte of text
    (a 5 MB plan: 485 MB at its peak), and a document that gets a process killed must not take the main
    process, which writes, with it. (A limit on the chunk's total, 1 MB, also kept chunks of ordinary web
    pages, 14 bytes of HTML to a byte of text, from the main process: the bulk pages took 1.37–1.38 s with
    two processes, against 1.32–1.35 with this limit.) So are `suspects`: documents that killed a process
    before (see `_suspects`)."""
    if suspects and any(doc_id_for(item.sha256) in suspects for _, item in jobs):
        return False
    return max(item.size for _, item in jobs) <= BUILT_HERE_MAX


def _suspects(store: CorpusStore) -> frozenset:
    """Documents this build has only workers build, even with `--jobs 1`: those the main process of a build
    was building when it died (a crash in a C library, the out-of-memory killer: see `_note_building`), and
    those whose building killed a worker last time. Built here again, one of them would end this build too;
    built by a worker, it costs that worker, and the build goes on (`worker_died`)."""
    return frozenset(store.building()) | {doc_id_for(sha) for sha in store.died_in_workers()}


def _note_building(store: CorpusStore, suspects: frozenset, jobs: list[tuple[str, SourceItem]]) -> None:
    """Before the main process builds a chunk: the chunk's documents (and the suspects still unresolved)
    written down, so that if it dies building them the next build knows which they were. A build that
    ends normally removes the note; 9 µs a chunk."""
    store.note_building(suspects | {doc_id_for(item.sha256) for _, item in jobs})


# the stage each of _tasks' steps (and marks) names, as error entries name stages (serializing is part of
# writing); a LEARN input takes the first _LEARN_STEPS of them
_MARKED_STAGES = ("parse", "normalize", "structure", "extract", "write")
_LEARN_STEPS = 2


def _lost(job: tuple[str, SourceItem], step: int) -> tuple:
    """The result of an input whose building killed the worker process, twice (the second time alone)."""
    stage = _MARKED_STAGES[step] if 0 <= step < len(_MARKED_STAGES) else "parse"
    return (job[1].reference(), StageError(stage, "worker_died",
                                           f"the process building it died, the second time building it alone, "
                                           f"in the {stage} stage (killed by the system, e.g. out of memory, or a "
                                           f"crash in a library); the other documents were built again"), StageTimes())


class _Slot:
    """One input on its way through `_tasks`: what its last step made, or the error that stopped it."""

    __slots__ = ("mode", "item", "ref", "times", "value", "view", "shapes", "error", "limit", "left")

    def __init__(self, mode: str, item: SourceItem, limit: Optional[float] = None) -> None:
        self.mode, self.item, self.ref, self.times = mode, item, item.reference(), StageTimes()
        self.value: Any = None
        self.view = self.shapes = self.error = None
        self.limit = self.left = limit  # seconds: the input's time limit, and what its steps left of it

    def step(self, stage: str, fn: Callable[..., Any], *args) -> None:
        if self.error is not None:
            return
        limit = self.left
        if limit is not None:
            t0 = time.perf_counter()
        try:
            try:
                if limit is not None:
                    arm(limit)
                self.value = fn(*args)
            finally:  # before anything else runs: an alarm after this is ignored
                if limit is not None:
                    disarm()
                    self.left = limit - (time.perf_counter() - t0)
        except TimeLimitExceeded:
            self.error = StageError(stage, "timeout", f"building it took more than {self.limit:.1f} s, the time limit "
                                    f"for an input of {self.item.size / 1e6:.2f} MB (--time-limit or Limits.max_seconds, "
                                    f"plus max_seconds_per_mb per MB); it was stopped in the {stage} stage")
        except StageError as e:
            self.error = e
        except Exception as e:  # outside a stage's own guard (`_run`): a record the model or the tables cannot hold
            self.error = StageError("write", "internal_error", f"{type(e).__name__}: {e}")

    def parse(self) -> ParsedDocument:
        return parse_item(self.item, self.times)

    def normalize(self, options: Options, learned) -> Optional[Normalized]:
        # the learner's view records the shapes of the lines its step sees: the document's share of the statistics
        view = self.view = learned.for_document() if learned is not None else None
        front = parse_and_normalize(self.ref, options, view, self.times, parsed=self.value)
        self.shapes = view.shapes() if view is not None else None
        return front if self.mode == BUILD else None

    def structure(self) -> tuple[Normalized, StructureResult]:
        return self.value, structure_of(self.value, self.times)

    def extract(self) -> Document:
        return extract_document(self.ref, *self.value, self.times)

    def serialize(self, index_cut: bool = True) -> BuiltDocument:
        with self.times.timed("serialize"):
            return _serialize(self.value, self.view, index_cut)

    def result(self) -> tuple:
        if self.error is not None:
            return self.ref, self.error, self.times
        return self.ref, (self.value, self.shapes), self.times


LEARNED_FILE = ".learned.json"  # the learned chrome as it grows during a build, for local workers
_learned_cache: dict[str, Any] = {}


def _learned_now(learned, path: Optional[str]):
    """The newest learned chrome the main process has published (re-read only when the file changed);
    the context's copy where the file is not visible (a remote Dask worker). Which one a document was
    built with never changes the corpus: the build checks every decision against the final statistics
    and rebuilds what differs. A fresher copy only means fewer rebuilds."""
    if learned is None or path is None:
        return learned
    try:
        st = os.stat(path)
    except OSError:
        return learned
    key = f"{path}:{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"
    if _learned_cache.get("key") != key:
        from fangan.normalizers.batch import LearnedBoilerplate

        try:
            with open(path, "rb") as f:
                sites = json.load(f)["sites"]
        except (OSError, ValueError, KeyError):
            return learned
        value = LearnedBoilerplate({site: frozenset(shapes) for site, shapes in sites.items()})
        _learned_cache.update(key=key, value=value)
    return _learned_cache["value"]


def _publish_learned(store: CorpusStore, learned) -> None:
    from .corpus.store import atomic_write_bytes

    data = {"sites": {site: sorted(shapes) for site, shapes in sorted(learned.sites.items())}}
    atomic_write_bytes(store.root / LEARNED_FILE, json.dumps(data, ensure_ascii=False).encode("utf-8"), fsync=False)


def _serialize(doc: Document, view, index_cut: bool = True) -> BuiltDocument:
    """`index_cut`: cut the text for the index here; False leaves that to the process that writes the index
    (`IndexWriter.add`), unless the extraction pipeline's cut can be reused."""
    from fangan.extract.nlp import segmented
    from fangan.lexicon.segment import get_segmenter

    from .corpus.search import index_entry
    from .corpus.tables import table_rows

    record_json = document_bytes(doc)  # (documents/<id>.json and the corpus.jsonl line: the same bytes)
    tok = get_segmenter("auto")
    # the index cuts the text with the same segmenter as extraction did: reuse that cut when it is one
    # (only a pipeline run on a Doc cut it; the default one reads the text)
    words = segmented(doc.text)
    if words is not None and not _same_segmenter(tok):
        words = None
    entry = index_entry(table_rows(doc), tok, words, cut=index_cut or words is not None)
    return BuiltDocument(doc.id, record_json, entry, view.decision() if view is not None else None,
                         record_digest(record_json))


def _same_segmenter(tok) -> bool:
    from fangan.extract.nlp import active_pipeline

    nlp = active_pipeline()
    return nlp is not None and getattr(nlp.tokenizer, "backend", None) == tok.name


BATCH = 64  # documents per write: one fsync of the JSONL (table parts: per 256 or 32 MB of rows; index commits: corpus.search.COMMIT_CHARS)
# input bytes per write batch, and per chunk a --jobs 1 build runs stage by stage, at most (a batch or chunk holds one
# document at least). Every document of a chunk holds its text and what the stages made of it until the chunk is done,
# and every built document of a batch holds its record (which is also its JSONL line), rows and index text (about ten
# times its text) until the batch is written: by count alone, 96 plans of 1 MB took 2.2 GB of peak RSS with one process (0.95 GB with this cap; 48
# of them: 1.34 → 0.93 GB; with two processes 1.42 → 1.03 GB in the main one, 0.92 → 0.79 in the worker). The same cap
# cuts chunks and batches, so they still end together. Ordinary plans never reach it (the 20 MB benchmark's batches
# hold 0.5 MB) and are batched by count as before.
BATCH_BYTES = 8 << 20
# documents a --jobs 1 build runs stage by stage at a time; divides BATCH, so chunks end where batches do. A whole
# batch, not half of one (32 before): the learner is published once per batch, so both halves were built against the
# same statistics anyway, and longer runs of each stage cost less (the 20 MB benchmark: 0.05–0.3 CPU s less in
# 8 alternating pairs, 2 MB more peak RSS)
IN_PROCESS_CHUNK = 64


def _sizes(n: int, first: Optional[int] = None) -> Iterator[int]:
    """n, n, …; with `first`, ramping up from it: first, 2·first, … n, n, …"""
    size = min(first or n, n)
    while True:
        yield size
        size = min(2 * size, n)


def _batches(results, first: Optional[int] = None):
    """The results in write batches: BATCH of them, or fewer when their inputs would pass BATCH_BYTES; with
    `first`, the counts ramp up from it (first, 2·first, … BATCH), so what the first documents teach the
    learner reaches the workers early."""
    return chunked(results, _sizes(BATCH, first), _result_bytes, BATCH_BYTES)


def _input_bytes(job: tuple[str, SourceItem]) -> int:
    return job[1].size


def _result_bytes(result: tuple) -> int:
    return result[0].size


def _peek(items: Iterable, n: int) -> tuple[list, Iterator]:
    """The first `n` items, and an iterator over all of them (to decide serial or parallel lazily)."""
    it = iter(items)
    head = list(islice(it, n))
    return head, chain(head, it)


class _Inputs:
    """The inputs, read as often as a pass needs them, each content once: ingest errors and
    duplicates are reported the first time only."""

    def __init__(self, inputs: Iterable[str | Path], options: Options, report: BuildReport) -> None:
        self.inputs = list(inputs)
        self.options = options
        self.report = report
        self.reported = False
        self.paths: dict[str, str] = {}  # sha256 → the path this run read it from (first seen), in input order

    def items(self) -> Iterator[SourceItem]:
        seen: dict[str, str] = {}  # sha256 → first path, to report duplicates instead of silently merging
        report, first = self.report, not self.reported
        for item in iter_inputs(self.inputs, self.options.limits, follow_symlinks=self.options.follow_symlinks):
            if isinstance(item, Skipped):  # before IngestError: a Skipped is one
                if first:
                    report.skipped_inputs.append(_error(item.path, item.sha256, "ingest", item.error, item.reason))
                continue
            if isinstance(item, IngestError):
                if first:
                    report.errors.append(_error(item.path, item.sha256, "ingest", item.error, item.reason))
                continue
            sha = item.sha256
            if sha in seen:
                if first:
                    report.bytes_in += item.size
                    report.skipped_inputs.append(_error(item.path, sha, "ingest", "duplicate",
                                                        f"same content as {seen[sha]} (document {doc_id_for(sha)})"))
                continue
            seen[sha] = item.path
            if first:
                report.bytes_in += item.size
                self.paths[sha] = item.path
            yield item
        self.reported = True

    def items_of(self, doc_ids: set[str]) -> Iterator[SourceItem]:
        """This run's inputs of `doc_ids`, in input order, read again from their own paths (members of an
        archive from the archive), not by walking every input again: a build that rebuilds a few documents
        at its end reads those, not the whole archive it was given. Found ids are removed from `doc_ids`."""
        roots: dict[str, set[str]] = {}  # root path → shas wanted from it, in the order first read
        for sha, path in self.paths.items():
            if doc_id_for(sha) in doc_ids:
                roots.setdefault(path.split(ARCHIVE_SEP, 1)[0], set()).add(sha)
        options = self.options
        for root, shas in roots.items():
            for item in iter_inputs([root], options.limits, follow_symlinks=options.follow_symlinks):
                if isinstance(item, SourceItem) and item.sha256 in shas and self.paths.get(item.sha256) == item.path:
                    shas.discard(item.sha256)
                    doc_ids.discard(doc_id_for(item.sha256))
                    yield item
                    if not shas:
                        break


class _Writer:
    """The main process's side of a build: it appends each batch of built documents to the corpus."""

    def __init__(self, store: CorpusStore, log, report: BuildReport, existing: set[str]) -> None:
        from .corpus.search import IndexWriter
        from .corpus.tables import TablesWriter

        self.store, self.log, self.report, self.existing = store, log, report, existing
        self.tables = TablesWriter(store.root)
        self.index = IndexWriter(store.root)
        self._built: set[str] = set()
        self.published = None
        self.optimize_index = False
        self.suspects = _suspects(store)  # documents only workers may build

    def write(self, results: list) -> None:
        with self.report.times.timed("write"):
            self._write(results)

    def _write(self, results: list) -> None:
        done: list[tuple[SourceRef, BuiltDocument]] = []
        learn: list[dict] = []
        for ref, result, times in results:
            _merge_times(self.report.times, times)
            if isinstance(result, StageError):
                self.report.errors.append(_error(ref.path, ref.sha256, result.stage, result.error, result.reason))
                continue
            built, shapes = result
            if shapes is not None and self.log is not None and doc_id_for(ref.sha256) not in self.log.stats:
                learn.append(self.log.learn_entry(doc_id_for(ref.sha256), *shapes))
            if built is not None:
                done.append((ref, built))
        store = self.store
        if done:
            store.begin_batch([b.id for _, b in done])  # a kill from here on is repaired by the next build
        written, fps = [], {}  # fps: each written record's fingerprint, in the order of `written`
        for ref, b in done:
            try:
                fps[b.id] = store.write_record(b.id, b.record_json, b.digest)
                written.append(b)
            except OSError as e:
                self.report.errors.append(_error(ref.path, ref.sha256, "write", "write_failed", f"{type(e).__name__}: {e}"))
        if written:
            store.append_jsonl([b.record_json for b in written],
                               replacing=any(b.id in self.existing or b.id in self._built for b in written))
            self.tables.append([b.index.rows for b in written], fps)  # fps: in the order of `written`
            self.index.add([b.index for b in written], fps)
        if self.log is not None:
            self.log.append(learn + [self.log.built_entry(b.id, *b.learned) for b in written if b.learned is not None])
            self.report.learned += len(learn)
        if done:
            store.end_batch()
        for b in written:
            if b.id not in self._built:
                self._built.add(b.id)
                self.report.built.append(b.id)

    def written(self) -> set[str]:
        """The ids of the records this build wrote."""
        return set(self._built)

    def publish(self, learned=None) -> None:
        """Hand the learned chrome (grown by the last batch) to the workers, when it changed."""
        if self.log is None:
            return
        learned = learned if learned is not None else self.log.stats.learned()
        if learned != self.published:
            _publish_learned(self.store, learned)
            self.published = learned

    def close(self) -> None:
        # the index makes its lookups in a thread while this one writes the last Parquet parts: the build's serial
        # tail takes the longer of the two, not their sum (SQLite and Arrow let go of the GIL)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fangan-index-close") as pool:
            index = pool.submit(self.index.close)
            try:
                self.tables.close()
            finally:
                # the full-text merge a large build ends with runs in _finish, beside the other last writes
                self.optimize_index = index.result()


@holds_output_lock
@batch_gc()
def build(inputs: Iterable[str | Path], out: str | Path, options: Optional[Options] = None,
          progress: Optional[Callable[[str, int, Optional[int]], None]] = None, jobs: Optional[int] = None,
          dask_address: Optional[str] = None) -> BuildReport:
    """Build (or resume building) the corpus in `out` from `inputs`.

    Each new document is built once, in a worker — parse, normalize, structure, extract, and its
    record, JSONL line, table rows and index entry — and the main process appends them batch by
    batch. The boilerplate learner's statistics are stored with the corpus (DIR/learner.jsonl) and
    cover every document ever built, not only this run's: documents are built against the statistics
    as they stood when the run began, and this run's documents are added to them as they are read;
    at the end, the few documents (of this run or earlier ones) whose learned chrome changed are
    rebuilt. So the corpus is the same however its inputs were split, ordered or interrupted.

    `jobs`: processes that build documents, this one and `jobs` - 1 workers; 0 = one per core; None (the
    default) = one per core when there are more than a few documents. `dask_address` sends the per-document
    work to a Dask cluster.
    """
    from fangan.normalizers.batch import LearnerLog

    options = options or Options()
    report = BuildReport()
    t_start = time.perf_counter()
    store = CorpusStore(out)
    store.root.mkdir(parents=True, exist_ok=True)
    interrupted = store.recover()
    log = LearnerLog(store.root) if options.learn_boilerplate else None
    if log is not None and interrupted:  # a killed batch: its records may not match what the log says
        log.append([{"unbuilt": d} for d in interrupted])
    existing = store.document_ids()
    source = _Inputs(inputs, options, report)
    learned = log.stats.learned() if log is not None else None
    stale = log.stale(learned, existing) if log is not None else set()

    def jobs_of(items: Iterable[SourceItem]) -> Iterator[tuple[str, SourceItem]]:
        for item in items:
            doc_id = doc_id_for(item.sha256)
            if doc_id in existing and not options.force and doc_id not in stale:
                report.skipped.append(doc_id)
                if log is not None and doc_id not in log.stats:
                    yield LEARN, item  # built before the learner kept statistics: count its lines
                continue
            if doc_id in stale:
                report.rebuilt.append(doc_id)
                stale.discard(doc_id)
            yield BUILD, item

    writer = _Writer(store, log, report, existing)
    learned_path = str(store.root / LEARNED_FILE) if log is not None else None
    workers = None  # the first pass's local workers, kept for the documents rebuilt at the end
    try:
        workers = _run_pass(jobs_of(source.items()), (options, learned, learned_path), writer, jobs, dask_address,
                            progress, "build")
        if log is not None:
            final = log.stats.learned()

            def again() -> Iterator[tuple[str, SourceItem]]:
                # the records on disk: those there at the start and those this run wrote (a build only adds
                # and replaces records), without listing documents/ again
                for item in _stale_items(source, store, log, final, options, existing | writer.written()):
                    report.rebuilt.append(doc_id_for(item.sha256))
                    yield BUILD, item

            # what this run learned changes some documents (of this run or earlier): build them against it
            workers = _run_pass(again(), (options, final, learned_path), writer, jobs, dask_address, progress,
                                "rebuild", workers)
            log.save_snapshot()  # when enough was appended: the next build replays only what follows
    finally:
        try:
            if workers is not None:
                workers.close()
        finally:
            writer.close()
        (store.root / LEARNED_FILE).unlink(missing_ok=True)
    rebuilt = set(report.rebuilt)
    report.skipped = [d for d in report.skipped if d not in rebuilt]
    report.rebuilt = sorted(rebuilt)
    report.errors.sort(key=lambda e: e.path)
    with report.times.timed("corpus"):
        _finish(store, report, writer.optimize_index)
    # the note of what the main process was building goes once errors.jsonl holds what this build's workers
    # found (`_suspects`): a build that died had its suspects built by workers this time
    store.done_building()
    report.seconds = time.perf_counter() - t_start
    return report


def _stale_items(source: "_Inputs", store: CorpusStore, log, learned, options: Options,
                 doc_ids: Optional[set[str]] = None) -> Iterator[SourceItem]:
    """Inputs of the documents whose record no longer matches the learned boilerplate: from this run's
    inputs, else read again from the source path in the record. `doc_ids`: the records on disk, when the
    caller knows them."""
    stale = log.stale(learned, store.document_ids() if doc_ids is None else doc_ids)
    if not stale:
        return
    yield from source.items_of(stale)
    for item in (source.items() if stale & {doc_id_for(sha) for sha in source.paths} else ()):
        # (an input this run read that its own path no longer gives: walk the inputs as given)
        if not stale:
            break
        if doc_id_for(item.sha256) in stale:
            stale.discard(doc_id_for(item.sha256))
            yield item
    yield from _sources_of(store, stale, options)


PRIMER = ("长宁县2024年健康促进工作方案\n各乡镇人民政府：\n一、工作目标\n（一）总体目标\n"
          "到2024年底，全县居民健康素养水平达到25%以上。\n二、实施步骤\n1.各乡镇于7月15日前完成摸底排查工作。"
          "（责任单位：县卫生监督所）\n长宁县人民政府办公室\n2024年3月1日\n")


@lru_cache(maxsize=1)
def prime() -> None:
    """Build one small plan in this process, discarding it: it loads what every document needs (the
    character model, the segmenter, the extraction pipeline, patterns compiled on first use, about
    a CPU second). Run before worker processes fork, each inherits it instead of loading it again."""
    item = SourceItem(path="primer.txt", data=PRIMER.encode("utf-8"))
    try:
        _serialize(process_item(item), None)
    except StageError:
        pass


def _run_pass(jobs_iter: Iterator[tuple[str, SourceItem]], ctx, writer: _Writer, jobs: Optional[int],
              dask_address: Optional[str], progress, phase: str, kept=None):
    """Build the inputs of one pass and write them. `kept`: the local workers of the pass before, still running.
    Returns the workers to keep for the next pass (those of a first pass that had any); closes any others."""
    from .executors import AUTO_MIN_ITEMS, ProcessExecutor, _with_context, make_executor, resolve_jobs

    head, items = _peek(jobs_iter, BATCH)
    if not head:
        return kept
    writer.publish(ctx[1])
    fn = _tasks
    if kept is not None:
        # the documents rebuilt at the end go to the first pass's workers, idle and warm: a few of them were built by
        # this process alone while the worker waited (8 of the real bulk pages: 0.3 s of a 2.9 s build with two
        # processes), more by fresh workers forked for them. Each chunk brings this pass's context (its learned chrome:
        # 215 bytes for the bulk pages), the workers holding the first pass's
        executor = kept
        fn = partial(_with_context, _tasks, ctx=(*ctx, executor.workers != 2))
    else:
        if phase == "rebuild" and len(head) < AUTO_MIN_ITEMS and not dask_address:
            jobs = 1  # the few documents rebuilt at the end of a build that had no workers: forking some costs more
        processes = 0 if dask_address else resolve_jobs(jobs, len(head))
        # with one worker beside it, this process (which also builds a third of the documents) cuts every text
        # for the index as it writes it: one line memo for the whole build instead of one per process, and the
        # cut does not cross the pipe (the 20 MB benchmark with two processes: 0.4 CPU s less in all, 0.1 s
        # of wall). With more workers, this process's serial work is what limits them: they cut.
        ctx = (*ctx, processes != 2)
        with writer.report.times.timed("start"):
            if processes > 1:
                prime()  # forked workers share it
            executor = make_executor(jobs, dask_address, context=ctx, n_items=len(head), window=2 * BATCH)
    writer.report.jobs = max(writer.report.jobs, executor.workers)
    try:
        done = 0
        # in this process, chunks as large as the batches written (up to IN_PROCESS_CHUNK), so that each
        # document is built after the batch ahead of it was written and what it taught the learner published,
        # as one by one, while each stage runs over many documents in a row (see _tasks)
        built = executor.map_batches(fn, items, sizes=_sizes(IN_PROCESS_CHUNK, first=4), lost=_lost,
                                     here=partial(_may_build_here, suspects=writer.suspects),
                                     note=partial(_note_building, writer.store, writer.suspects),
                                     weight=_input_bytes, max_weight=BATCH_BYTES)
        for batch in _batches(built, first=4):
            writer.write(batch)
            writer.publish()
            done += len(batch)
            if progress:
                progress(phase, done, None)
    except BaseException:
        executor.close()
        raise
    if phase == "build" and isinstance(executor, ProcessExecutor):
        return executor
    executor.close()
    return None


def _sources_of(store: CorpusStore, doc_ids: set[str], options: Options) -> Iterator[SourceItem]:
    """Inputs of documents built by an earlier run that must be rebuilt but were not given this time,
    read again from the source path in their record (a member of an archive: from the archive)."""
    if not doc_ids:
        return
    wanted: dict[str, set[str]] = {}
    for doc_id in sorted(doc_ids):
        try:
            src = json.loads(store.document_path(doc_id).read_text(encoding="utf-8"))["source"]
        except (OSError, ValueError, KeyError):
            continue
        root = src["path"].split("!/", 1)[0]
        if Path(root).exists():
            wanted.setdefault(root, set()).add(src["sha256"])
    for root, shas in wanted.items():
        for item in iter_inputs([root], options.limits):
            if isinstance(item, SourceItem) and item.sha256 in shas:
                shas.discard(item.sha256)
                yield item


def _finish(store: CorpusStore, report: BuildReport, optimize_index: bool = False) -> None:
    """Derived outputs brought in line with documents/: corpus.jsonl compacted if records were replaced,
    the tables' replaced rows dropped, anything a killed build left out of step re-done. When nothing
    changed, this only reads."""
    from concurrent.futures import ThreadPoolExecutor

    from .corpus import tables

    # three independent writers (the JSONL, the SQLite index, the Parquet tables), each reading documents/
    # only: run side by side, the build's serial tail is the longest of them, not their sum (their work is
    # in SQLite, Arrow and kernel copies, which let go of the GIL); the index and the tables check the
    # same listing of the records, read once
    fingerprints = tables.record_fingerprints(store)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="fangan-finish") as pool:
        jsonl = pool.submit(_finish_jsonl, store, report, len(fingerprints))
        index = pool.submit(_finish_index, store.root, optimize_index, fingerprints)
        tables.update_tables(store.root, fingerprints=fingerprints)
        jsonl.result()
        index.result()


def _finish_index(root: Path, optimize: bool, fingerprints: dict[str, str]) -> None:
    from .corpus import search

    search.build_index(root, fingerprints=fingerprints)
    if optimize:
        search.optimize_index(root)


def _finish_jsonl(store: CorpusStore, report: BuildReport, records: Optional[int] = None) -> None:
    store.finish_jsonl(records)
    store.write_errors(report.errors)
    store.write_skipped(report.skipped_inputs)


def _merge_times(into: StageTimes, other: StageTimes) -> None:
    for stage, secs in other.seconds.items():
        into.add(stage, secs, other.cpu.get(stage))
