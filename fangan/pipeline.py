"""The pipeline: ingest → parse → normalize → structure → extract → corpus.

`process_item` turns one input into a `Document` or raises `StageError` naming the stage that
failed; `build` runs it over a batch, never letting one input stop the others, and writes the
corpus atomically. A re-run skips inputs whose content (sha256) is already built.
"""
from __future__ import annotations

import pickle
import shutil
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Optional

from fangan.extract import extract
from fangan.ingest import IngestError, Limits, SourceItem, SourceRef, iter_inputs
from fangan.model import Document, ErrorRecord, Removed, Source, Warning
from fangan.normalizers import NormalizeContext, normalize_and_explain
from fangan.parsers import ParsedDocument, ParseError, parse
from fangan.structure import build_structure

from .corpus.store import CorpusStore, atomic_write_bytes


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


def doc_id_for(sha256: str) -> str:
    return sha256[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class StageTimes:
    """Seconds spent per stage over a batch, for `benchmarks/` and `--timings`."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, dt: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + dt


def _run(stage: str, fn: Callable, *args, times: Optional[StageTimes] = None, **kwargs):
    t0 = time.perf_counter()
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
            times.add(stage, time.perf_counter() - t0)


def parse_item(item: SourceItem, times: Optional[StageTimes] = None) -> ParsedDocument:
    return _run("parse", parse, item, times=times)


def process_parsed(item: SourceItem | SourceRef, parsed: ParsedDocument, options: Optional[Options] = None, batch=None,
                   times: Optional[StageTimes] = None) -> Document:
    options = options or Options()
    ctx = NormalizeContext(
        script_variant=options.script,
        site=parsed.site or item.site,
        title_hint=parsed.title_hint,
        batch=batch,
        metadata=dict(parsed.metadata),
        title_candidates=list(parsed.title_candidates),
    )
    explained = _run("normalize", normalize_and_explain, parsed.text, ctx, times=times)
    st = _run(
        "structure",
        build_structure,
        explained.text,
        title_hint=parsed.title_hint,
        heading_hints=parsed.heading_hints,
        title_candidates=ctx.title_candidates,
        times=times,
    )
    warnings = [Warning(code=code, message=msg, step="parse") for code, msg in parsed.warnings] + explained.warnings
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
        repairs=explained.repairs + st.repairs,
        removed=[Removed(step="parse", text=t, reason=r) for t, r in parsed.removed] + explained.removed,
        warnings=warnings,
        metadata=ctx.metadata,
    )
    ex = _run("extract", extract, doc, times=times)
    for name in ("issuer", "addressee", "doc_number", "date", "year", "year_source", "goals", "phases", "deadlines",
                 "responsible_parties"):
        setattr(doc, name, getattr(ex, name))
    doc.warnings.extend(ex.warnings)
    if not doc.text.strip():
        raise StageError("normalize", "empty_after_cleaning", "no body text is left after removing boilerplate")
    return doc


def process_item(item: SourceItem, options: Optional[Options] = None, batch=None, times: Optional[StageTimes] = None) -> Document:
    return process_parsed(item, parse_item(item, times), options, batch, times)


def process_file(path: str | Path, options: Optional[Options] = None) -> Document:
    """One file → one Document (raises StageError). The Python twin of `fangan show`."""
    for item in iter_inputs([path], (options or Options()).limits):
        if isinstance(item, IngestError):
            raise StageError("ingest", item.error, item.reason)
        return process_item(item, options)
    raise StageError("ingest", "not_found", f"nothing to read at {path}")


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)  # ids written this run
    skipped: list[str] = field(default_factory=list)  # ids already built (resume)
    errors: list[ErrorRecord] = field(default_factory=list)
    times: StageTimes = field(default_factory=StageTimes)
    bytes_in: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def _error(path: str, sha: Optional[str], stage: str, error: str, reason: str) -> ErrorRecord:
    return ErrorRecord(path=path, sha256=sha, stage=stage, error=error, reason=reason, time=_now())


# Tasks run in worker processes or on a Dask cluster: module-level, and they return errors rather than raise.
def _parse_task(item: SourceItem):
    times = StageTimes()
    try:
        return item.reference(), parse_item(item, times), times
    except StageError as e:
        return item.reference(), e, times


def _process_task(args):
    ref, parsed, options, batch = args
    times = StageTimes()
    try:
        return ref, process_parsed(ref, parsed, options, batch, times), times
    except StageError as e:
        return ref, e, times


CHUNK = 64  # documents in flight at once: bounds memory whatever the archive size


def _chunks(iterable, n: int):
    chunk = []
    for x in iterable:
        chunk.append(x)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(inputs: Iterable[str | Path], out: str | Path, options: Optional[Options] = None,
          progress: Optional[Callable[[str, int, Optional[int]], None]] = None, jobs: int = 1,
          dask_address: Optional[str] = None) -> BuildReport:
    """Build (or resume building) the corpus in `out` from `inputs`.

    Two passes, both streaming in chunks so memory stays bounded on large archives. The first reads
    and parses every new input, lets the boilerplate learner see it (lines recurring across a site's
    documents are chrome) and caches the parsed text under DIR/.cache; the second normalizes,
    structures and extracts each document and writes it. `jobs` > 1 runs the per-document work in
    local processes (0 = one per core); `dask_address` sends it to a Dask cluster.
    """
    from .executors import make_executor

    options = options or Options()
    store = CorpusStore(out)
    cache = store.root / ".cache" / "parsed"
    report = BuildReport()
    t_start = time.perf_counter()
    seen: dict[str, str] = {}  # sha256 → first path, to report duplicates instead of silently merging
    batch = _new_batch_learner() if options.learn_boilerplate else None
    refs: list[SourceRef] = []

    def new_items():
        for item in iter_inputs(inputs, options.limits):
            if isinstance(item, IngestError):
                report.errors.append(_error(item.path, item.sha256, "ingest", item.error, item.reason))
                continue
            sha = item.sha256
            report.bytes_in += item.size
            if sha in seen:
                report.errors.append(_error(item.path, sha, "ingest", "duplicate", f"same content as {seen[sha]} (document {doc_id_for(sha)})"))
                continue
            seen[sha] = item.path
            if store.has(doc_id_for(sha)) and not options.force:
                report.skipped.append(doc_id_for(sha))
                continue
            yield item

    executor = make_executor(jobs, dask_address)
    try:
        for chunk in _chunks(new_items(), CHUNK):
            for _, (ref, result, times) in executor.map(_parse_task, chunk):
                _merge_times(report.times, times)
                if isinstance(result, StageError):
                    report.errors.append(_error(ref.path, ref.sha256, result.stage, result.error, result.reason))
                    continue
                if batch is not None:
                    batch.add(result.text, site=result.site or ref.site)
                atomic_write_bytes(cache / f"{doc_id_for(ref.sha256)}.pickle", pickle.dumps(result))
                refs.append(ref)
            if progress:
                progress("read", len(refs), None)
        done = 0
        for chunk in _chunks(refs, CHUNK):
            tasks = [(ref, _load_parsed(cache, ref), options, batch) for ref in chunk]
            for _, (ref, result, times) in executor.map(_process_task, tasks):
                _merge_times(report.times, times)
                done += 1
                if progress:
                    progress("build", done, len(refs))
                if isinstance(result, StageError):
                    report.errors.append(_error(ref.path, ref.sha256, result.stage, result.error, result.reason))
                    continue
                t0 = time.perf_counter()
                try:
                    store.write_document(result)
                    report.built.append(result.id)
                except OSError as e:
                    report.errors.append(_error(ref.path, ref.sha256, "write", "write_failed", f"{type(e).__name__}: {e}"))
                report.times.add("write", time.perf_counter() - t0)
    finally:
        executor.close()
        shutil.rmtree(cache, ignore_errors=True)
    report.errors.sort(key=lambda e: e.path)
    t0 = time.perf_counter()
    store.write_jsonl()
    store.write_errors(report.errors)
    _write_tables(store)
    report.times.add("corpus", time.perf_counter() - t0)
    report.seconds = time.perf_counter() - t_start
    return report


def _load_parsed(cache: Path, ref: SourceRef) -> ParsedDocument:
    return pickle.loads((cache / f"{doc_id_for(ref.sha256)}.pickle").read_bytes())


def _merge_times(into: StageTimes, other: StageTimes) -> None:
    for stage, secs in other.seconds.items():
        into.add(stage, secs)


def _new_batch_learner():
    try:
        from fangan.normalizers.batch import BatchLearner
    except ImportError:
        return None
    return BatchLearner()


def _write_tables(store: CorpusStore) -> None:
    """Derived outputs, brought up to date incrementally: Parquet tables (DIR/tables/) and the
    full-text index (DIR/corpus.sqlite)."""
    from .corpus import search, tables

    tables.write_tables(store.root)
    search.build_index(store.root)
