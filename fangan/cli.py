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

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.tree import Tree

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese plan documents (方案) → a structured corpus.")
console = Console()
err_console = Console(stderr=True)

ScriptOpt = typer.Option("auto", "--script", help="auto | t2s | tw2s (Taiwan) | hk2s (Hong Kong)")


@app.command()
def build(
    inputs: List[Path] = typer.Argument(..., help="files, folders, archives"),
    out: Path = typer.Option(..., "--out", "-o", help="corpus folder to create or resume"),
    script: str = ScriptOpt,
    force: bool = typer.Option(False, help="rebuild documents that are already built"),
    timings: bool = typer.Option(False, help="print seconds per stage"),
    jobs: int = typer.Option(1, "--jobs", "-j", help="worker processes (0 = one per core)"),
    dask: Optional[str] = typer.Option(None, "--dask", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786"),
):
    """Build (or resume) a corpus: DIR/documents/<id>.json, DIR/corpus.jsonl, DIR/errors.jsonl.

    Examples: fangan build data/samples --out data/corpus
              fangan build archive/ --out corpus --jobs 0
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from fangan.pipeline import Options
    from fangan.pipeline import build as run_build

    options = Options(script=script, force=force)
    show_bar = sys.stderr.isatty()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, disable=not show_bar, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(phase: str, done: int, total: Optional[int]) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task({"read": "reading", "build": "building"}.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        report = run_build(inputs, out, options, progress=progress, jobs=jobs, dask_address=dask)
    mb = report.bytes_in / 1e6
    console.print(
        f"built {len(report.built)}, already built {len(report.skipped)}, errors {len(report.errors)} "
        f"({mb:.2f} MB in {report.seconds:.1f} s) → {out}"
    )
    for e in report.errors:
        err_console.print(f"[red]error[/red] {e.path}: {e.stage}/{e.error}: {e.reason}")
    if timings:
        for stage, secs in report.times.seconds.items():
            console.print(f"  {stage:<10} {secs:8.3f} s")


def _load_document(path: Path, script: str):
    from fangan.model import Document
    from fangan.pipeline import Options, process_file

    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if "schema_version" in data and "source" in data:
            return Document.model_validate(data)
    return process_file(path, Options(script=script))


@app.command()
def show(
    file: Path = typer.Argument(..., help="an input document, or a built documents/<id>.json"),
    script: str = ScriptOpt,
    as_json: bool = typer.Option(False, "--json", help="print the record as JSON"),
    text: bool = typer.Option(False, "--text", help="also print the clean text"),
):
    """Print one document's fields and section tree for a person to read.

    Example: fangan show data/samples/health_campaign_traditional.txt
    """
    from fangan.pipeline import StageError

    try:
        doc = _load_document(file, script)
    except StageError as e:
        err_console.print(f"[red]error[/red] {file}: {e.stage}/{e.error}: {e.reason}")
        raise typer.Exit(1)
    if as_json:
        console.print_json(doc.model_dump_json())
        return
    console.print(f"[bold]{doc.title or '(no title)'}[/bold]  [dim]{doc.id}  {doc.source.path}[/dim]")
    for label, value in (("issuer", doc.issuer), ("addressee", doc.addressee), ("doc_number", doc.doc_number),
                         ("date", doc.date.raw if doc.date else None), ("year", doc.year), ("script", doc.script),
                         ("encoding", doc.source.encoding)):
        if value:
            console.print(f"  {label:<11} {value}")
    tree = Tree("[bold]sections[/bold]")

    def add(node, sections):
        for s in sections:
            add(node.add(f"[cyan]{s.marker}[/cyan] {s.title}  [dim]{s.id}[/dim]"), s.children)

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
        console.print(doc.text, markup=False, highlight=False, soft_wrap=True)


def _date(d) -> str:
    if d is None:
        return "?"
    parts = [f"{d.year}年" if d.year else "", f"{d.month}月" if d.month else "", f"{d.day}日" if d.day else ""]
    part = {"early": "上旬", "mid": "中旬", "late": "下旬", "end": "底"}.get(d.part or "", "")
    return "".join(parts) + part or d.raw or "?"


def _print_items(label: str, items: list[str]) -> None:
    if not items:
        return
    console.print(f"[bold]{label}[/bold] ({len(items)})")
    for it in items:
        console.print(f"  • {it}", markup=False, highlight=False)


@app.command()
def normalize(
    file: Path = typer.Argument(..., help="a text, HTML, Word or PDF file"),
    explain: bool = typer.Option(False, "--explain", help="after the text, list what each step changed"),
    script: str = ScriptOpt,
):
    """Print the clean text of one file and, with --explain, what each normalization step changed.

    Example: fangan normalize data/samples/health_campaign_traditional.txt --explain
    """
    from fangan.ingest import IngestError, iter_inputs
    from fangan.normalizers import NormalizeContext, normalize_and_explain
    from fangan.parsers import ParseError, parse

    for item in iter_inputs([file]):
        if isinstance(item, IngestError):
            err_console.print(f"[red]error[/red] {item.path}: {item.error}: {item.reason}")
            raise typer.Exit(1)
        try:
            parsed = parse(item)
        except ParseError as e:
            err_console.print(f"[red]error[/red] {item.path}: {e.error}: {e.reason}")
            raise typer.Exit(1)
        ctx = NormalizeContext(script_variant=script, site=parsed.site, title_hint=parsed.title_hint,
                               title_candidates=list(parsed.title_candidates))
        result = normalize_and_explain(parsed.text, ctx)
        console.print(result.text, markup=False, highlight=False, soft_wrap=True)
        if explain:
            console.rule("explain")
            console.print(f"encoding {parsed.encoding}, script {result.script}")
            for r in result.repairs:
                console.print(f"[bold]{r.step}[/bold]: {r.count}" + (f" — {r.detail}" if r.detail else ""))
                for c in r.changes[:8]:
                    context = c.context.replace("\n", "⏎")
                    console.print(f"    {c.before!r} → {c.after!r}" + (f"   …{context}…" if context else ""), markup=False, highlight=False)
            for r in result.removed:
                console.print(f"[yellow]removed[/yellow] ({r.step}, {r.reason}): {r.text[:80]}", highlight=False)
            for w in result.warnings:
                console.print(f"[red]warning[/red] {w.code}: {w.message}", highlight=False)


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", help="folder of <input name>.gold.json files"),
    corpus: Path = typer.Option(..., "--corpus", help="a built corpus folder"),
):
    """Score a built corpus against expected answers (CER, boilerplate, sections, item F1).

    Example: fangan evaluate --gold ../shared/gold/seeds --corpus /tmp/seeds-corpus
    """
    from fangan.evaluate import evaluate as run_evaluate
    from fangan.evaluate import format_report

    console.print(format_report(run_evaluate(gold, corpus)), markup=False, highlight=False)


@app.command()
def search(
    query: str = typer.Argument("", help="words to find, simplified or traditional ('' lists what the filters keep)"),
    corpus: Path = typer.Option(..., "--corpus", "-c", help="a built corpus folder"),
    year: Optional[List[int]] = typer.Option(None, "--year", help="document year (repeat for several)"),
    issuer: Optional[str] = typer.Option(None, "--issuer", help="issuer name contains this"),
    site: Optional[str] = typer.Option(None, "--site", help="site family, e.g. wnwk.com"),
    deadline_month: Optional[int] = typer.Option(None, "--deadline-month", min=1, max=12, help="has a deadline in this month"),
    party: Optional[str] = typer.Option(None, "--party", help="a responsible party's name contains this"),
    limit: int = typer.Option(20, "--limit", "-n", help="at most this many hits"),
    as_json: bool = typer.Option(False, "--json", help="print the hits as JSON"),
):
    """Full-text search of a built corpus, best hit first: document id, title, source file and snippet.

    Examples: fangan search "健康教育 知晓率" --corpus data/corpus
              fangan search 醫改 --corpus data/corpus --year 2012 --json
    """
    from rich.markup import escape

    from fangan.corpus.search import search as run_search

    mark = ("\x02", "\x03")
    try:
        hits = run_search(query, corpus, year=year or None, issuer=issuer, site=site, deadline_month=deadline_month,
                          party=party, limit=limit, highlight=("[", "]") if as_json else mark)
    except FileNotFoundError as e:
        err_console.print(f"[red]error[/red] {e}")
        raise typer.Exit(1)
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
        console.print(f"   {snippet}", highlight=False)


@app.command()
def serve(
    corpus: Path = typer.Argument(..., help="a built corpus folder"),
    host: str = typer.Option("127.0.0.1", "--host", help="interface to listen on"),
    port: int = typer.Option(8001, "--port", "-p", help="port to listen on"),
):
    """Open the corpus in Datasette: tables, facets (year, issuer, site, party), full-text search, JSON API.

    Example: fangan serve data/corpus   (then open http://127.0.0.1:8001/corpus/documents)
    """
    from fangan.corpus.serve import serve as run_serve

    if not (corpus / "documents").is_dir():
        err_console.print(f"[red]error[/red] {corpus} is not a built corpus (no documents/); run `fangan build` first")
        raise typer.Exit(1)
    console.print(f"serving {corpus} at http://{host}:{port}/corpus/documents  (Ctrl-C stops)")
    run_serve(corpus, host=host, port=port)


@app.command()
def scrape(
    urls: Optional[List[str]] = typer.Argument(None, help="start URLs (http/https)"),
    archive: Path = typer.Option(..., "--archive", "-a", help="folder for the WARC files (and the crawl state)"),
    from_file: Optional[Path] = typer.Option(None, "--from", help="file with more start URLs, one per line"),
    follow: Optional[List[str]] = typer.Option(None, "--follow", help="regex: also follow links whose URL matches (repeatable)"),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", help="fetch at most N pages this run (the rest wait for the next)"),
    allow_private: bool = typer.Option(False, "--allow-private", help="allow private and loopback addresses"),
    delay: float = typer.Option(1.0, "--delay", help="seconds between two requests to one host"),
    timeout: float = typer.Option(30.0, "--timeout", help="seconds before a request is given up"),
    max_mb: float = typer.Option(20.0, "--max-mb", help="largest page to download, in MB"),
    retries: int = typer.Option(3, "--retries", help="retries on 429/5xx and connection errors"),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="try again URLs that failed for a transient reason"),
):
    """Fetch plan pages politely (robots.txt, rate limit, retries) into WARC files that `fangan build` reads.

    Example: fangan scrape https://example.gov.cn/zwgk/ --follow '/art/\\d+' --max-pages 200 --archive web/
             fangan build web/ --out corpus
    """
    from fangan.ingest.scrape import read_url_file
    from fangan.ingest.scrape import scrape as run_scrape

    all_urls = list(urls or []) + (read_url_file(from_file) if from_file else [])
    if not all_urls:
        err_console.print("[red]error[/red] no URLs: give them as arguments or with --from FILE")
        raise typer.Exit(2)
    report = run_scrape(all_urls, archive, follow=list(follow or []), max_pages=max_pages, allow_private=allow_private,
                        delay=delay, timeout=timeout, max_bytes=int(max_mb * 1024 * 1024), retries=retries,
                        retry_failed=retry_failed)
    console.print(
        f"archived {len(report.archived)}, duplicates {len(report.duplicates)}, errors {len(report.errors)}, "
        f"left for the next run {len(report.deferred)}, crawled before {len(report.already)} "
        f"({report.requests} responses in {report.seconds:.1f} s) → {report.warc or archive}"
    )
    for e in report.errors:
        err_console.print(f"[red]error[/red] {e['url']}: {e['error']}: {e['reason']}", markup=False, highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()
