"""Score a built corpus against hand-made expected answers (`<input name>.gold.json`, format in GOLD_FORMAT.md).

    fangan evaluate --gold ../shared/gold/seeds --corpus data/seeds-corpus
    python -m fangan.evaluate --gold ../shared/gold/seeds --corpus data/seeds-corpus [--json]

The figures are the project scorer's (`../shared/eval/score.py`), computed with the same definitions so that
both print the same per-document rows and the same MEAN row; this module does not import the scorer, so it
works without ../shared. Per document:

    title          1 when the title equals the gold title (NFKC, trailing 。；：， ignored), else 0
    cer            edit distance / gold length, comparing the texts without whitespace (NFKC)
    boiler_leak    gold boilerplate strings still present in the text
    sec_f1         F1 of the section keys (the path of markers, （一） = (一), trailing 、.： ignored)
    sec_title_acc  share of titled gold sections whose key has the same title in the output
    phase_f1       F1 of (name, start, end), dates compared as (month, day, part)
    deadline_f1    F1 of the due dates (month, day, part)
    party_f1       F1 of the distinct party names
    target_f1      F1 of (value, unit) of the goals' targets

A gold document whose input was not built scores 0 everywhere and CER 1. The MEAN is the plain average
over gold documents. An F1 of two empty lists is 1.
"""
from __future__ import annotations

import argparse
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from rapidfuzz.distance import Levenshtein

COLUMNS = ("title", "cer", "boiler_leak", "sec_f1", "sec_title_acc", "phase_f1", "deadline_f1", "party_f1",
           "target_f1")


class EvaluationError(ValueError):
    """The gold folder or the corpus cannot be scored (the message says what to give instead)."""


# ---------------------------------------------------------------- the scorer's definitions

_WS = re.compile(r"\s+")


def squash(s: Optional[str]) -> str:
    """The text without whitespace, with width variants folded (NFKC): what CER and boilerplate compare."""
    return _WS.sub("", unicodedata.normalize("NFKC", s or ""))


def cer(predicted: str, gold: str) -> float:
    g, o = squash(gold), squash(predicted)
    return Levenshtein.distance(o, g) / max(1, len(g))


def norm_marker(m: Optional[str]) -> str:
    m = unicodedata.normalize("NFKC", m or "").strip()
    return re.sub(r"[、.．:：\s]+$", "", m)


def norm_title(t: Optional[str]) -> str:
    t = unicodedata.normalize("NFKC", t or "").strip()
    return re.sub(r"[。；;：:，,\s]+$", "", t)


def flatten(sections: Optional[list], prefix: tuple = ()) -> Iterable[tuple[tuple, str]]:
    for s in sections or []:
        key = prefix + (norm_marker(s.get("marker")),)
        yield key, norm_title(s.get("title"))
        yield from flatten(s.get("children"), key)


def f1(gold: Iterable, out: Iterable) -> tuple[float, float, float]:
    """(precision, recall, F1) of two multisets; (1, 1, 1) when both are empty."""
    gold, out = list(gold), list(out)
    if not gold and not out:
        return 1.0, 1.0, 1.0
    remaining: dict = {}
    for x in gold:
        remaining[x] = remaining.get(x, 0) + 1
    tp = 0
    for x in out:
        if remaining.get(x, 0) > 0:
            remaining[x] -= 1
            tp += 1
    p = tp / len(out) if out else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def date_key(d: Optional[dict]):
    return None if not d else (d.get("month"), d.get("day"), d.get("part"))


def _phase_keys(phases) -> list:
    return [(norm_title(p.get("name")), date_key(p.get("start")), date_key(p.get("end"))) for p in phases or []]


def score_record(gold: dict, rec: dict) -> dict[str, float]:
    """The scorer's figures for one built record against its gold answer."""
    s: dict[str, float] = {}
    s["title"] = float(norm_title(rec.get("title")) == norm_title(gold.get("title")))
    s["cer"] = cer(rec.get("text") or "", gold.get("clean_text") or "")
    body = squash(rec.get("text") or "")
    s["boiler_leak"] = len([b for b in gold.get("boilerplate", []) if squash(b) and squash(b) in body])
    gk, ok = list(flatten(gold.get("sections"))), list(flatten(rec.get("sections")))
    s["sec_p"], s["sec_r"], s["sec_f1"] = f1([k for k, _ in gk], [k for k, _ in ok])
    titles = dict(ok)
    titled = [(k, t) for k, t in gk if t]
    s["sec_title_acc"] = sum(1 for k, t in titled if titles.get(k) == t) / len(titled) if titled else 1.0
    s["phase_f1"] = f1(_phase_keys(gold.get("phases", [])), _phase_keys(rec.get("phases")))[2]
    s["deadline_f1"] = f1([date_key(d.get("due")) for d in gold.get("deadlines", [])],
                          [date_key(d.get("due")) for d in rec.get("deadlines") or []])[2]
    s["party_f1"] = f1(sorted({norm_title(p.get("name")) for p in gold.get("responsible_parties", [])}),
                       sorted({norm_title(p.get("name")) for p in rec.get("responsible_parties") or []}))[2]
    gt = [(t.get("value"), t.get("unit")) for g in gold.get("goals", []) for t in g.get("targets", [])]
    ot = [(t.get("value"), t.get("unit")) for g in rec.get("goals") or [] for t in g.get("targets", []) or []]
    s["target_f1"] = f1(gt, ot)[2]
    return s


# ---------------------------------------------------------------- reading a corpus and a gold folder


def _add(records: dict[str, dict], rec: dict) -> None:
    src = rec.get("source") or {}
    for k in ("path", "url", "name"):
        v = src.get(k)
        if v:
            records.setdefault(Path(str(v).split("?")[0]).name, rec)


def load_records(corpus: str | Path) -> dict[str, dict]:
    """Every record under `corpus` (documents/*.json, then *.jsonl lines) by the base name of its source."""
    records: dict[str, dict] = {}
    root = Path(corpus)
    for p in sorted(root.rglob("*.json")):
        try:
            rec = json.loads(p.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(rec, dict) and "source" in rec:
            _add(records, rec)
    for p in sorted(root.rglob("*.jsonl")):
        for line in p.read_text("utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and "source" in rec:
                _add(records, rec)
    return records


@dataclass
class DocScore:
    doc: str
    found: bool
    scores: dict[str, float] = field(default_factory=dict)


def evaluate(gold_dir: str | Path, corpus: str | Path) -> list[DocScore]:
    """Score the corpus folder `corpus` against every `*.gold.json` in `gold_dir` (raises EvaluationError when
    there is nothing to score)."""
    gold_dir, corpus = Path(gold_dir), Path(corpus)
    if not gold_dir.is_dir():
        raise EvaluationError(f"gold folder {gold_dir} does not exist; give the folder of <input name>.gold.json files")
    golds = sorted(gold_dir.glob("*.gold.json"))
    if not golds:
        raise EvaluationError(f"no *.gold.json files in {gold_dir}; give the folder of <input name>.gold.json files")
    if not corpus.is_dir():
        raise EvaluationError(f"corpus folder {corpus} does not exist; build it first: fangan build INPUT --out {corpus}")
    records = load_records(corpus)
    out = []
    for g in golds:
        gold = json.loads(g.read_text("utf-8"))
        rec = records.get(gold["doc"])
        if rec is None:
            out.append(DocScore(gold["doc"], False, {**{c: 0.0 for c in COLUMNS}, "cer": 1.0}))
        else:
            out.append(DocScore(gold["doc"], True, score_record(gold, rec)))
    return out


def mean(scores: list[DocScore]) -> dict[str, float]:
    m: dict[str, float] = {c: sum(s.scores[c] for s in scores) / max(1, len(scores)) for c in COLUMNS}
    m["missing"] = sum(1 for s in scores if not s.found)
    return m


def format_report(scores: list[DocScore]) -> str:
    """The scorer's table: one row per gold document and the MEAN row."""
    lines = ["doc".ljust(34) + "".join(c[:11].rjust(12) for c in COLUMNS)]
    for s in scores:
        lines.append(s.doc[:33].ljust(34) + "".join(f"{s.scores[c]:12.3f}" for c in COLUMNS)
                     + ("" if s.found else "   MISSING"))
    m = mean(scores)
    lines.append("MEAN".ljust(34) + "".join(f"{m[c]:12.3f}" for c in COLUMNS)
                 + f"   missing={int(m['missing'])}/{len(scores)}")
    return "\n".join(lines)


def to_json(scores: list[DocScore]) -> dict:
    return {"documents": [{"doc": s.doc, "found": s.found, **s.scores} for s in scores], "mean": mean(scores)}


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fangan.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("--gold", required=True, type=Path)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    a = ap.parse_args(argv)
    try:
        scores = evaluate(a.gold, a.corpus)
    except EvaluationError as e:
        ap.exit(2, f"error: {e}\n")
    print(json.dumps(to_json(scores), ensure_ascii=False, indent=2) if a.json else format_report(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
