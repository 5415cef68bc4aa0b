"""Run `fangan build` on a folder of generated inputs and account for every input.

An input (a top-level name the generators wrote) is accounted for when at least one record
(`corpus.jsonl`), error (`errors.jsonl`) or skipped entry (`skipped.jsonl`) names it or something
inside it (`x.zip!/member`, `x.warc!http://…`, `folder/file`). A batch crash is a build that exits
non-zero or prints a traceback. Every error and skipped entry must have a stage, a kind and a readable
reason (no control characters, no U+FFFD, no bytes reprs, bounded length). A record of garbage — a
text that reads like no language, without a `not_chinese` warning — is counted too.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

STAGES = {"ingest", "parse", "normalize", "structure", "extract", "write"}
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")
_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]|\bb'|\bb\"|(?:\\x[0-9a-f]{2}){4,}")
_CONTAINER = (".zip", ".tar", ".tar.gz", ".tgz", ".7z", ".warc", ".warc.gz")


@dataclass
class Tally:
    inputs: int = 0
    records: int = 0
    errors: int = 0
    skipped: int = 0
    lost: list[str] = field(default_factory=list)
    batch_crashes: list[str] = field(default_factory=list)
    bad_entries: list[dict] = field(default_factory=list)
    garbage_records: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)

    def add(self, other: "Tally") -> None:
        for name in ("inputs", "records", "errors", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("lost", "batch_crashes", "bad_entries", "garbage_records"):
            getattr(self, name).extend(getattr(other, name))
        for k, n in other.kinds.items():
            self.kinds[k] = self.kinds.get(k, 0) + n


def display(path: str) -> str:
    from fangan.model import json_safe_path

    return json_safe_path(path)[0]


def run_build(folder: Path, out: Path, timeout: float = 1800) -> tuple[int, str]:
    """`fangan build folder --out out --force` in a child process: (exit code, stderr)."""
    cmd = [sys.executable, "-m", "fangan.cli", "build", str(folder), "--out", str(out), "--force"]
    env = dict(os.environ, COLUMNS="200")
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def readable_problem(entry: dict) -> str | None:
    """What is wrong with an error/skipped entry, or None."""
    if entry.get("stage") not in STAGES:
        return f"stage {entry.get('stage')!r}"
    if not _KIND.match(entry.get("error") or ""):
        return f"kind {entry.get('error')!r}"
    reason = entry.get("reason") or ""
    if not reason.strip():
        return "empty reason"
    if len(reason) > 500:
        return "reason longer than 500 characters"
    if _UNREADABLE.search(reason):
        return f"unreadable reason {reason[:120]!r}"
    return None


def is_garbage(record: dict) -> bool:
    """A record of noise: what it read (its text, title and removed spans: learned boilerplate may take most
    of a batch of near-identical plans) reads like no language. 0.0 sits between damaged Chinese (≈ 0.8),
    English (≈ 0.2) and decoded random bytes (< 0)."""
    from fangan.lexicon.chars import plausibility

    read = "\n".join([record.get("title", ""), record.get("text", "")] + [r["text"] for r in record.get("removed", [])])
    return plausibility(read) < 0.0


def account(folder: Path, names: list[str], out: Path, returncode: int, stderr: str) -> Tally:
    t = Tally(inputs=len(names))
    root = display(str(folder))
    by_name: dict[str, int] = {display(n): 0 for n in names}

    def note(path: str) -> None:
        if not path.startswith(root + "/"):
            return
        rel = path[len(root) + 1:]
        key = re.split(r"[!/]", rel, maxsplit=1)[0]
        if key in by_name:
            by_name[key] += 1

    records = _read_jsonl(out / "corpus.jsonl")
    errors = _read_jsonl(out / "errors.jsonl")
    skipped = _read_jsonl(out / "skipped.jsonl")
    t.records, t.errors, t.skipped = len(records), len(errors), len(skipped)
    for r in records:
        note(r["source"]["path"])
        if is_garbage(r):
            t.garbage_records.append(r["source"]["path"])
    for e in errors + skipped:
        note(e["path"])
        t.kinds[e["error"]] = t.kinds.get(e["error"], 0) + 1
        problem = readable_problem(e)
        if problem:
            t.bad_entries.append({"path": e["path"], "error": e.get("error"), "problem": problem})
    # a duplicate's content is built once: the other copies are skipped entries, still accounted for
    t.lost = sorted(n for n, c in by_name.items() if c == 0)
    if returncode != 0 or "Traceback" in stderr:
        tail = stderr.strip().splitlines()[-3:]
        t.batch_crashes.append(f"{folder}: exit {returncode}: {' | '.join(tail)}")
    return t


def is_container(name: str) -> bool:
    return name.lower().endswith(_CONTAINER)
