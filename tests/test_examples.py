"""Every `fangan …` example in the README and in `fangan COMMAND --help` runs as written, in a folder laid out
like a checkout (data/samples, and ../shared when it exists). Examples that need the network or never end
(`fangan scrape`, `fangan serve`, and the build of what a scrape fetched) are parsed, not run."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from fangan.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COMMANDS = ("build", "show", "normalize", "evaluate", "search", "serve", "scrape")
runner = CliRunner()


def readme_examples() -> list[str]:
    out, inside = [], False
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        if inside and line.startswith("fangan "):
            out.append(line)
    return out


def help_examples() -> list[str]:
    out = []
    for command in COMMANDS:
        text = runner.invoke(app, [command, "--help"]).output
        block = re.search(r"Examples?:\n((?:    .*\n)+)", text)
        assert block, f"`fangan {command} --help` has no example"
        out += [line.strip() for line in block.group(1).splitlines() if line.strip().startswith("fangan ")]
    return out


def _args(example: str) -> list[str]:
    return shlex.split(example, comments=True)[1:]


def _parse_only(args: list[str]) -> bool:
    return args[0] in ("scrape", "serve") or (args[0] == "build" and "web/" in args)


def _parse(args: list[str]) -> None:
    group = typer.main.get_command(app)
    ctx = group.make_context("fangan", list(args), resilient_parsing=False)
    sub = group.get_command(ctx, args[0])
    sub.make_context(args[0], list(args[1:]), parent=ctx)


@pytest.fixture()
def checkout(tmp_path, monkeypatch) -> Path:
    work = tmp_path / "fangan"
    (work / "data").mkdir(parents=True)
    (work / "data" / "samples").symlink_to(REPO / "data" / "samples")
    if SHARED.is_dir():
        (tmp_path / "shared").symlink_to(SHARED)
    monkeypatch.chdir(work)
    return work


def _run_all(examples: list[str]) -> list[str]:
    failures = []
    for example in examples:
        args = _args(example)
        if "../shared" in example and not SHARED.is_dir():
            continue
        if _parse_only(args):
            try:
                _parse(args)
            except Exception as e:  # noqa: BLE001 - report every failing example at once
                failures.append(f"{example}: {type(e).__name__}: {e}")
            continue
        result = runner.invoke(app, args)
        if result.exit_code != 0:
            failures.append(f"{example}: exit {result.exit_code}: {result.output[-300:]}")
    return failures


def test_readme_examples_run_as_written(checkout):
    examples = readme_examples()
    assert len(examples) >= 10
    assert _run_all(examples) == []


def test_help_examples_run_as_written(checkout):
    examples = help_examples()
    assert len(examples) >= len(COMMANDS)
    # the README's first example builds the sample corpus the help examples search
    assert runner.invoke(app, ["build", "data/samples", "--out", "data/corpus"]).exit_code == 0
    assert _run_all(examples) == []


def test_an_example_naming_a_missing_file_would_fail(checkout):
    assert _run_all(["fangan show data/samples/health_campaign_traditional.txt"])
