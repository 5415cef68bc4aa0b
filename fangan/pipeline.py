"""The pipeline: ingest → parse → normalize → structure → extract → corpus.

`process_item` turns one input into a `Document` or raises `StageError` naming the stage that
failed; `build` runs it over a batch, never letting one input stop the others, and writes the
corpus atomically. A re-run skips inputs whose content (sha256) is already built.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Optional

from fangan.extract import extract
from fangan.ingest import IngestError, Limits, SourceItem, iter_inputs
from fangan.model import Document, ErrorRecord, Source, Warning
from fangan.normalizers import NormalizeContext, normalize_and_explain
from fangan.parsers import ParsedDocument, ParseError, parse
from fangan.structure import build_structure

from .corpus.store import CorpusStore


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


def process_parsed(item: SourceItem, parsed: ParsedDocument, options: Optional[Options] = None, batch=None,
                   times: Optional[StageTimes] = None) -> Document:
    options = options or Options()
    ctx = NormalizeContext(
        script_variant=options.script,
        site=parsed.site or item.site,
        title_hint=parsed.title_hint,
        batch=batch,
        metadata=dict(parsed.metadata),
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
            size=len(item.data),
        ),
        title=st.title,
        script=explained.script,
        text=st.text,
        sections=st.sections,
        repairs=explained.repairs + st.repairs,
        removed=explained.removed,
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
        return parse_item(item, times), times
    except StageError as e:
        return e, times


def _process_task(args):
    item, parsed, options, batch = args
    times = StageTimes()
    try:
        return process_parsed(item, parsed, options, batch, times), times
    except StageError as e:
        return e, times


def build(inputs: Iterable[str | Path], out: str | Path, options: Optional[Options] = None,
          progress: Optional[Callable[[str, int, int], None]] = None, jobs: int = 1,
          dask_address: Optional[str] = None) -> BuildReport:
    """Build (or resume building) the corpus in `out` from `inputs`.

    Two passes: the first reads and parses every new input and lets the boilerplate learner see
    them all (lines recurring across a site's documents are chrome); the second normalizes,
    structures and extracts each document and writes it as soon as it is ready. `jobs` > 1 runs
    the per-document work in local processes (0 = one per core); `dask_address` on a Dask cluster.
    """
    from .executors import make_executor

    options = options or Options()
    store = CorpusStore(out)
    report = BuildReport()
    t_start = time.perf_counter()
    seen: dict[str, str] = {}  # sha256 → first path, to report duplicates instead of silently merging
    todo: list[SourceItem] = []
    for item in iter_inputs(inputs, options.limits):
        if isinstance(item, IngestError):
            report.errors.append(_error(item.path, item.sha256, "ingest", item.error, item.reason))
            continue
        sha = item.sha256
        report.bytes_in += len(item.data)
        if sha in seen:
            report.errors.append(_error(item.path, sha, "ingest", "duplicate", f"same content as {seen[sha]} (document {doc_id_for(sha)})"))
        elif store.has(doc_id_for(sha)) and not options.force:
            seen[sha] = item.path
            report.skipped.append(doc_id_for(sha))
        else:
            seen[sha] = item.path
            todo.append(item)

    executor = make_executor(jobs, dask_address)
    try:
        parsed: list[Optional[ParsedDocument]] = [None] * len(todo)
        batch = _new_batch_learner() if options.learn_boilerplate else None
        for done, (i, (result, times)) in enumerate(executor.map(_parse_task, todo)):
            _merge_times(report.times, times)
            if progress:
                progress("read", done + 1, len(todo))
            if isinstance(result, StageError):
                report.errors.append(_error(todo[i].path, todo[i].sha256, result.stage, result.error, result.reason))
            else:
                parsed[i] = result
        ready = [(item, p) for item, p in zip(todo, parsed) if p is not None]
        if batch is not None:
            for item, p in ready:
                batch.add(p.text, site=p.site or item.site)
        tasks = [(item, p, options, batch) for item, p in ready]
        for done, (i, (result, times)) in enumerate(executor.map(_process_task, tasks)):
            _merge_times(report.times, times)
            if progress:
                progress("build", done + 1, len(tasks))
            item = tasks[i][0]
            if isinstance(result, StageError):
                report.errors.append(_error(item.path, item.sha256, result.stage, result.error, result.reason))
                continue
            t0 = time.perf_counter()
            try:
                store.write_document(result)
                report.built.append(result.id)
            except OSError as e:
                report.errors.append(_error(item.path, item.sha256, "write", "write_failed", f"{type(e).__name__}: {e}"))
            report.times.add("write", time.perf_counter() - t0)
    finally:
        executor.close()
    report.errors.sort(key=lambda e: e.path)
    t0 = time.perf_counter()
    store.write_jsonl()
    store.write_errors(report.errors)
    _write_tables(store)
    report.times.add("corpus", time.perf_counter() - t0)
    report.seconds = time.perf_counter() - t_start
    return report


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
    """Derived outputs (Parquet tables, full-text index) when their writers are present."""
    try:
        from .corpus import tables
    except ImportError:
        return
    if hasattr(tables, "write_tables"):
        tables.write_tables(store.root)
