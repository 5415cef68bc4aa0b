"""The `fangan` command. Each command mirrors a Python function one to one:

    fangan build INPUT... --out DIR     fangan.build(inputs, out)
    fangan show FILE                    fangan.process_file(path)     (or a built documents/<id>.json)
    fangan normalize FILE --explain     fangan.normalizers.normalize_and_explain(text)
    fangan evaluate --gold G --corpus C fangan.evaluate.evaluate(gold, corpus)
    fangan search QUERY --corpus DIR    fangan.search(query, corpus)
    fangan serve DIR                    fangan.corpus.serve.serve(root)
    fangan scrape URL... --archive DIR  fangan.ingest.scrape.scrape(urls, archive)
"""
from __future__ import annotations

import importlib
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text
from rich.tree import Tree
from typer.core import TyperArgument, TyperCommand

from fangan.ingest import Limits  # (its defaults are the --time-limit help's; 10 ms of the CLI's import)

# plain (click) help: readable metavars, example lines kept as written (\b), no rich boxes to wrap
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Chinese plan documents (方案) → a structured corpus.")
# soft_wrap: piped output is never wrapped at 80 columns (a path or a title stays on one line)
console = Console(soft_wrap=True, highlight=False)
err_console = Console(stderr=True, soft_wrap=True, highlight=False)

class PlainHelp(TyperCommand):
    """Help that shows an argument as its metavar (INPUT..., FILE), not typer's `{INPUT}` and `<list[Path]>`."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for p in params:
            if isinstance(p, TyperArgument) and p.metavar:
                p.display_type_rich = lambda ctx=None: ""  # noqa: E731  (per instance: typer's own is a method)
                p._usage_display_name = lambda p=p: p.metavar
                p._rich_display_name = lambda p=p: p.metavar
        return params


ScriptOpt = typer.Option("auto", "--script", metavar="VARIANT", help="auto | t2s | tw2s (Taiwan) | hk2s (Hong Kong)")


def say_error(message: str) -> None:
    """One line on stderr: "error: " and the message, printed as text (never read as rich markup)."""
    err_console.print(Text.assemble(("error: ", "bold red"), message))


def fail(message: str, code: int = 1) -> None:
    """Say what is wrong and what to do, and stop with a non-zero exit status."""
    say_error(message)
    raise typer.Exit(code)


def need_extra(extra: str, command: str, *modules: str) -> None:
    """Stop with the pip command to run when an optional dependency of `command` is missing."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            fail(f"`fangan {command}` needs the optional '{extra}' dependencies ({name} is missing); "
                 f"install them with: pip install 'fangan[{extra}]'")


def _check_inputs(inputs: List[Path]) -> None:
    for p in inputs:
        if not p.exists():
            fail(f"{p} does not exist; give files, folders or archives of plans, e.g. data/samples", 2)
    if all(p.is_dir() for p in inputs) and not any(
            f.is_file() and not f.name.startswith(".") for p in inputs for f in p.rglob("*")):
        fail(f"no files in {', '.join(str(p) for p in inputs)}; give a folder that holds plans "
             "(.txt, .html, .docx, .pdf, .doc, .md, or archives of them)", 2)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder for the corpus (it is created when missing)", 2)


@app.command(cls=PlainHelp)
def build(
    inputs: List[Path] = typer.Argument(..., metavar="INPUT...", help="files, folders, archives", show_default=False),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="corpus folder to create or resume"),
    script: str = ScriptOpt,
    force: bool = typer.Option(False, "--force", help="rebuild documents that are already built"),
    timings: bool = typer.Option(False, "--timings", help="print seconds per stage"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="N", show_default=False,
                                       help="processes that build documents, this one and N-1 workers (0 = one per core; default: one per core for more than a few documents)"),
    dask: Optional[str] = typer.Option(None, "--dask", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786"),
    follow_symlinks: bool = typer.Option(False, "--follow-symlinks", help="follow links in input folders that lead outside the inputs"),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", metavar="SECONDS", show_default=False,
                                               help=f"seconds one document may take, plus {Limits.max_seconds_per_mb:g} per MB of input, before it "
                                                    f"gets a timeout error (0 = no limit; default {Limits.max_seconds:g})"),
):
    """Build (or resume) a corpus: DIR/documents/<id>.json, DIR/corpus.jsonl, DIR/errors.jsonl.

    \b
    Examples:
      fangan build data/samples --out data/corpus
      fangan build data/samples --out data/corpus --jobs 0 --force
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from fangan.pipeline import Options
    from fangan.pipeline import build as run_build

    from fangan.corpus.lock import OutputLocked
    from fangan.corpus.tables import without_pandas

    _check_inputs(inputs)
    _check_out(out)
    if jobs is not None and jobs < 0:
        fail(f"--jobs {jobs} is negative; give 0 (one per core) or a positive number", 2)
    if time_limit is not None and time_limit < 0:
        fail(f"--time-limit {time_limit:g} is negative; give seconds, or 0 for no limit", 2)
    limits = Limits() if time_limit is None else Limits(max_seconds=time_limit)
    options = Options(script=script, force=force, follow_symlinks=follow_symlinks, limits=limits)
    show_bar = sys.stderr.isatty()
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, disable=not show_bar, transient=True) as bar:
            tasks: dict[str, int] = {}

            def progress(phase: str, done: int, total: Optional[int]) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task({"build": "building", "rebuild": "rebuilding"}.get(phase, phase), total=total)
                bar.update(tasks[phase], completed=done, total=total)

            # nothing in a local build needs pandas (a Dask cluster's client may)
            with (without_pandas() if dask is None else nullcontext()):
                report = run_build(inputs, out, options, progress=progress, jobs=jobs, dask_address=dask)
    except OutputLocked as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write the corpus to {out}: {e.strerror or e}; give a folder you can write to")
    mb = report.bytes_in / 1e6
    console.print(
        f"built {len(report.built)}, already built {len(report.skipped)}, errors {len(report.errors)}, "
        f"skipped {len(report.skipped_inputs)} ({mb:.2f} MB in {report.seconds:.1f} s) → {out}", markup=False)
    for e in report.errors:  # paths and reasons are untrusted text: say_error never reads markup
        say_error(f"{e.path}: {e.stage}/{e.error}: {e.reason}")
    if timings:
        for stage, secs in report.times.seconds.items():
            console.print(f"  {stage:<10} {secs:8.3f} s", markup=False)
    if not (report.built or report.skipped or report.errors or report.skipped_inputs):  # all else is in errors/skipped.jsonl
        fail(f"nothing readable was found in {', '.join(map(str, inputs))}; give files, folders or archives of plans")


def _load_document(path: Path, script: str):
    from fangan.model import Document
    from fangan.pipeline import Options, process_file

    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if "schema_version" in data and "source" in data:
            return Document.model_validate(data)
    return process_file(path, Options(script=script))


@app.command(cls=PlainHelp)
def show(
    file: Path = typer.Argument(..., metavar="FILE", help="an input document, or a built documents/<id>.json", show_default=False),
    script: str = ScriptOpt,
    as_json: bool = typer.Option(False, "--json", help="print the record as JSON"),
    text: bool = typer.Option(False, "--text", help="also print the clean text"),
):
    """Print one document's fields and section tree for a person to read.

    \b
    Examples:
      fangan show data/samples/district_cdc_school_health_plan_traditional_pinyin.txt
      fangan show data/samples/county_summer_food_safety_plan_utf16.txt --json
    """
    from fangan.pipeline import StageError

    if not file.is_file():
        fail(f"{file} is not a file; give one input document or a built documents/<id>.json", 2)
    try:
        doc = _load_document(file, script)
    except StageError as e:
        fail(f"{file}: {e.stage}/{e.error}: {e.reason}")
    except ValueError as e:  # a .json that is not a fangan record
        fail(f"{file} is not a fangan record ({type(e).__name__}); give an input document or documents/<id>.json")
    if as_json:
        from fangan.corpus.store import pretty_document

        print(pretty_document(doc))  # documents/<id>.json, indented
        return
    console.print(f"[bold]{escape(doc.title or '(no title)')}[/bold]  [dim]{doc.id}  {escape(doc.source.path)}[/dim]")
    for label, value in (("issuer", doc.issuer), ("addressee", doc.addressee), ("doc_number", doc.doc_number),
                         ("date", doc.date.raw if doc.date else None), ("year", doc.year), ("script", doc.script),
                         ("encoding", doc.source.encoding)):
        if value:
            console.print(f"  {label:<11} {value}", markup=False)
    tree = Tree(Text("sections", style="bold"))

    def add(node, sections):
        for s in sections:
            label = Text.assemble((s.marker, "cyan"), " ", s.title, "  ", (s.id, "dim"))
            add(node.add(label), s.children)

    add(tree, doc.sections)
    console.print(tree)
    _print_items("goals", [f"{g.text}" + "".join(f"  [{t.indicator} {t.comparator} {t.value:g}{t.unit or ''}]" for t in g.targets) for g in doc.goals])
    _print_items("phases", [f"{p.order}. {p.name}  {_date(p.start)} → {_date(p.end)}" for p in doc.phases])
    _print_items("deadlines", [(f"{d.recurring} " if d.recurring else "") + f"{_date(d.due)}  {d.action}"
                               + (f"  ({d.party})" if d.party else "") for d in doc.deadlines])
    _print_items("responsible parties", [f"{p.name}  ({p.role})  {p.section_id or ''}" for p in doc.responsible_parties])
    _print_items("repairs", [f"{r.step}: {r.count}" + (f"  {r.detail}" if r.detail else "") for r in doc.repairs])
    _print_items("removed", [f"{r.step}: {r.text[:70]}" for r in doc.removed])
    _print_items("warnings", [f"{w.code}: {w.message}" for w in doc.warnings])
    if text:
        console.rule("text")
        console.print(doc.text, markup=False)


def _date(d) -> str:
    if d is None:
        return "?"
    parts = [f"{d.year}年" if d.year else "", f"{d.month}月" if d.month else "", f"{d.day}日" if d.day else ""]
    part = {"early": "上旬", "mid": "中旬", "late": "下旬", "end": "底"}.get(d.part or "", "")
    return "".join(parts) + part or d.raw or "?"


def _print_items(label: str, items: list[str]) -> None:
    if not items:
        return
    console.print(Text.assemble((label, "bold"), f" ({len(items)})"))
    for it in items:
        console.print(f"  • {it}", markup=False)


@app.command(cls=PlainHelp)
def normalize(
    file: Path = typer.Argument(..., metavar="FILE", help="a text, HTML, Word, PDF or Markdown file", show_default=False),
    explain: bool = typer.Option(False, "--explain", help="after the text, list what each step changed"),
    script: str = ScriptOpt,
):
    """Print the clean text of one file and, with --explain, what each normalization step changed.

    It runs the same parse + normalize code as `fangan build` (fangan.pipeline.parse_and_normalize); a build
    also learns boilerplate across all its inputs, which one file alone cannot show.

    \b
    Example:
      fangan normalize data/samples/district_cdc_school_health_plan_traditional_pinyin.txt --explain
    """
    from fangan.ingest import IngestError, iter_inputs
    from fangan.pipeline import Options, StageError, parse_and_normalize

    if not file.is_file():
        fail(f"{file} is not a file; give one input document", 2)
    for item in iter_inputs([file]):
        if isinstance(item, IngestError):
            fail(f"{item.path}: ingest/{item.error}: {item.reason}")
        try:
            front = parse_and_normalize(item, Options(script=script))
        except StageError as e:
            fail(f"{item.path}: {e.stage}/{e.error}: {e.reason}")
        result, parsed = front.explained, front.parsed
        console.print(result.text, markup=False)
        if explain:
            console.rule("explain")
            console.print(f"format {parsed.format}, encoding {parsed.encoding}, script {result.script}"
                          + (f", site {front.context.site}" if front.context.site else ""), markup=False)
            for w in parsed.warnings:
                console.print(Text.assemble(("warning", "red"), f" (parse) {w[0]}: {w[1]}"))
            for r in result.repairs:
                console.print(Text.assemble((r.step, "bold"), f": {r.count}" + (f" — {r.detail}" if r.detail else "")))
                for c in r.changes[:8]:
                    context = c.context.replace("\n", "⏎")
                    console.print(f"    {c.before!r} → {c.after!r}" + (f"   …{context}…" if context else ""), markup=False)
            for r in result.removed:
                console.print(Text.assemble(("removed", "yellow"), f" ({r.step}, {r.reason}): {r.text[:80]}"))
            for w in result.warnings:
                console.print(Text.assemble(("warning", "red"), f" {w.code}: {w.message}"))


@app.command(cls=PlainHelp)
def evaluate(
    gold: Path = typer.Option(..., "--gold", metavar="DIR", help="folder of <input name>.gold.json files"),
    corpus: Path = typer.Option(..., "--corpus", metavar="DIR", help="a built corpus folder"),
    as_json: bool = typer.Option(False, "--json", help="print the scores as JSON"),
):
    """Score a built corpus against expected answers, with the project scorer's figures (title, CER, boilerplate
    left, section F1 and title accuracy, phase / deadline / party / target F1; one row per document and the mean).

    \b
    Example:
      fangan build ../shared/corpus/seeds --out data/seeds-corpus
      fangan evaluate --gold ../shared/gold/seeds --corpus data/seeds-corpus
    """
    from fangan.evaluate import EvaluationError, format_report, to_json
    from fangan.evaluate import evaluate as run_evaluate

    try:
        scores = run_evaluate(gold, corpus)
    except EvaluationError as e:
        fail(str(e), 2)
    if as_json:
        print(json.dumps(to_json(scores), ensure_ascii=False, indent=2))
    else:
        console.print(format_report(scores), markup=False)


@app.command(cls=PlainHelp)
def search(
    query: str = typer.Argument("", metavar="[QUERY]", help="words to find, simplified or traditional ('' lists what the filters keep)"),
    corpus: Path = typer.Option(..., "--corpus", "-c", metavar="DIR", help="a built corpus folder"),
    year: Optional[List[int]] = typer.Option(None, "--year", metavar="YEAR", help="document year (repeat for several)"),
    issuer: Optional[str] = typer.Option(None, "--issuer", metavar="TEXT", help="issuer name contains this"),
    site: Optional[str] = typer.Option(None, "--site", metavar="SITE", help="site family, e.g. wnwk.com"),
    deadline_month: Optional[int] = typer.Option(None, "--deadline-month", metavar="1-12", help="has a deadline in this month"),
    party: Optional[str] = typer.Option(None, "--party", metavar="TEXT", help="a responsible party's name contains this"),
    limit: int = typer.Option(20, "--limit", "-n", metavar="N", help="at most this many hits"),
    as_json: bool = typer.Option(False, "--json", help="print the hits as JSON"),
):
    """Full-text search of a built corpus, best hit first: document id, title, source file and snippet.
    The same hits, in the same order, as fangan.search() and /corpus/search in `fangan serve`.

    \b
    Examples:
      fangan search "健康教育 知晓率" --corpus data/corpus
      fangan search 醫改 --corpus data/corpus --year 2012 --json
      fangan search "" --corpus data/corpus --deadline-month 7 --party 监督所
    """
    from fangan.corpus.query import QueryError
    from fangan.corpus.search import search as run_search

    if not corpus.is_dir():
        fail(f"--corpus {corpus} is not a folder; give a corpus built with: fangan build INPUT --out {corpus}", 2)
    mark = ("\x02", "\x03")
    try:
        hits = run_search(query, corpus, year=year or None, issuer=issuer, site=site, deadline_month=deadline_month,
                          party=party, limit=limit, highlight=("[", "]") if as_json else mark)
    except QueryError as e:
        fail(str(e), 2)
    except FileNotFoundError as e:
        fail(str(e), 2)
    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        console.print("no hits")
        return
    for i, h in enumerate(hits, 1):
        meta = "  ".join(str(x) for x in (h.year, h.issuer) if x)
        console.print(f"[bold]{i}. {escape(h.title or '(no title)')}[/bold]  [dim]{h.doc_id}  {escape(meta)}[/dim]")
        console.print(f"   [dim]{escape(h.path)}[/dim]")
        on, off = ("[bold yellow]", "[/bold yellow]") if console.is_terminal else (r"\[", "]")  # piped: [知晓率]
        snippet = escape(h.snippet).replace(mark[0], on).replace(mark[1], off)
        console.print(f"   {snippet}")


@app.command(cls=PlainHelp)
def serve(
    corpus: Path = typer.Argument(..., metavar="DIR", help="a built corpus folder", show_default=False),
    host: str = typer.Option("127.0.0.1", "--host", metavar="HOST", help="interface to listen on"),
    port: int = typer.Option(8001, "--port", "-p", metavar="PORT", help="port to listen on"),
):
    """Open the corpus in Datasette: ranked search, documents with their section tree, parties, deadlines and
    phases, facets (year, issuer, site, party, deadline month), a JSON API. Read-only (immutable).

    \b
    Example:
      fangan serve data/corpus
    then open http://127.0.0.1:8001/corpus/documents
    """
    need_extra("serve", "serve", "datasette", "uvicorn")
    from fangan.corpus.serve import serve as run_serve

    if not (corpus / "documents").is_dir():
        fail(f"{corpus} is not a built corpus (no documents/ folder); build it first: fangan build INPUT --out {corpus}", 2)
    if not 0 < port < 65536:
        fail(f"--port {port} is out of range; give 1 to 65535, e.g. 8001", 2)
    console.print(f"serving {corpus} at http://{host}:{port}/corpus/documents  (Ctrl-C stops)", markup=False)
    try:
        run_serve(corpus, host=host, port=port)
    except OSError as e:
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}; choose another --port")


@app.command(cls=PlainHelp)
def scrape(
    urls: Optional[List[str]] = typer.Argument(None, metavar="[URL]...", help="start URLs (http/https)"),
    archive: Path = typer.Option(..., "--archive", "-a", metavar="DIR", help="folder for the WARC files (and the crawl state)"),
    from_file: Optional[Path] = typer.Option(None, "--from", metavar="FILE", help="file with more start URLs, one per line"),
    follow: Optional[List[str]] = typer.Option(None, "--follow", metavar="REGEX", help="also follow links whose URL matches (repeatable)"),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", metavar="N", help="fetch at most N pages this run (the rest wait for the next)"),
    allow_private: bool = typer.Option(False, "--allow-private", help="allow private and loopback addresses"),
    delay: float = typer.Option(1.0, "--delay", metavar="SECONDS", help="seconds between two requests to one host"),
    timeout: float = typer.Option(30.0, "--timeout", metavar="SECONDS", help="seconds before a request is given up"),
    max_mb: float = typer.Option(20.0, "--max-mb", metavar="MB", help="largest page to download, in MB"),
    retries: int = typer.Option(3, "--retries", metavar="N", help="retries on 429/5xx and connection errors"),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="try again URLs that failed for a transient reason"),
):
    """Fetch plan pages politely (robots.txt, rate limit, retries) into WARC files that `fangan build` reads.

    \b
    Example:
      fangan scrape https://example.gov.cn/zwgk/ --follow '/art/\\d+' --max-pages 200 --archive web/
      fangan build web/ --out corpus
    """
    need_extra("web", "scrape", "scrapy", "warcio")
    from fangan.ingest.scrape import read_url_file
    from fangan.ingest.scrape import scrape as run_scrape

    if from_file is not None and not from_file.is_file():
        fail(f"--from {from_file} is not a file; give a text file with one URL per line", 2)
    if archive.exists() and not archive.is_dir():
        fail(f"--archive {archive} is a file; give a folder for the WARC files (it is created when missing)", 2)
    all_urls = list(urls or []) + (read_url_file(from_file) if from_file else [])
    if not all_urls:
        fail("no URLs: give them as arguments or with --from FILE", 2)
    report = run_scrape(all_urls, archive, follow=list(follow or []), max_pages=max_pages, allow_private=allow_private,
                        delay=delay, timeout=timeout, max_bytes=int(max_mb * 1024 * 1024), retries=retries,
                        retry_failed=retry_failed)
    console.print(
        f"archived {len(report.archived)}, duplicates {len(report.duplicates)}, errors {len(report.errors)}, "
        f"left for the next run {len(report.deferred)}, crawled before {len(report.already)} "
        f"({report.requests} responses in {report.seconds:.1f} s) → {report.warc or archive}", markup=False)
    for e in report.errors:
        say_error(f"{e['url']}: {e['error']}: {e['reason']}")


if __name__ == "__main__":  # pragma: no cover
    app()
