"""The `fangan` command. Each command mirrors a Python function one to one:

    fangan build INPUT... --out DIR     fangan.build(inputs, out)
    fangan show FILE                    fangan.process_file(path)     (or a built documents/<id>.json)
    fangan normalize FILE --explain     fangan.normalizers.normalize_and_explain(text)
    fangan evaluate --gold G --corpus C fangan.evaluate.evaluate(gold, corpus)
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
    _print_items("deadlines", [f"{_date(d.due)}  {d.action}" + (f"  ({d.party})" if d.party else "") for d in doc.deadlines])
    _print_items("responsible parties", [f"{p.name}  [dim]{p.role}[/dim]" for p in doc.responsible_parties])
    _print_items("repairs", [f"{r.step}: {r.count}" + (f"  {r.detail}" if r.detail else "") for r in doc.repairs])
    _print_items("removed", [f"{r.step}: {r.text[:70]}" for r in doc.removed])
    _print_items("warnings", [f"{w.code}: {w.message}" for w in doc.warnings])
    if text:
        console.rule("text")
        console.print(doc.text, markup=False, highlight=False)


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
        ctx = NormalizeContext(script_variant=script, site=parsed.site, title_hint=parsed.title_hint)
        result = normalize_and_explain(parsed.text, ctx)
        console.print(result.text, markup=False, highlight=False)
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


if __name__ == "__main__":  # pragma: no cover
    app()
