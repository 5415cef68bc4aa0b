"""Score a built corpus against hand-made expected answers (`../shared/gold/seeds`, format in GOLD_FORMAT.md).

    python -m fangan.evaluate --gold ../shared/gold/seeds --corpus data/seeds-corpus
    fangan evaluate --gold ../shared/gold/seeds --corpus data/seeds-corpus

Per document: character error rate of `text`, surviving boilerplate strings, title / year / script,
section tree precision and recall, and precision/recall/F1 of goals' targets, phases, deadlines and
responsible parties. Totals are micro-averaged over documents.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from rapidfuzz.distance import Levenshtein

from fangan.corpus.store import CorpusStore

ITEM_KINDS = ("sections", "targets", "phases", "deadlines", "parties")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    doc: str
    found: bool
    cer: float = 1.0
    boilerplate_left: list[str] = field(default_factory=list)
    title_ok: bool = False
    year_ok: bool = False
    script_ok: bool = False
    items: dict[str, Counts] = field(default_factory=dict)


def cer(predicted: str, gold: str) -> float:
    """Character error rate: edit distance over the gold length (line breaks count as characters)."""
    if not gold:
        return 0.0 if not predicted else 1.0
    return Levenshtein.distance(predicted, gold) / len(gold)


def _flatten_sections(sections: list[dict], parent: tuple = ()) -> list[tuple]:
    out = []
    for s in sections:
        key = (s["marker"], s.get("title", ""))
        out.append(parent + (key,))
        out.extend(_flatten_sections(s.get("children", []), parent + (key,)))
    return out


def _match(pred: list, gold: list) -> Counts:
    remaining = list(gold)
    tp = 0
    for p in pred:
        if p in remaining:
            remaining.remove(p)
            tp += 1
    return Counts(tp, len(pred) - tp, len(remaining))


def _date_key(d: Optional[dict]) -> tuple:
    d = d or {}
    return (d.get("year"), d.get("month"), d.get("day"), d.get("part"))


def _section_titles(sections: list[dict]) -> dict[str, str]:
    """section id → title of the nearest titled section (itself or an ancestor)."""
    out: dict[str, str] = {}

    def walk(ss, inherited):
        for s in ss:
            t = s.get("title") or inherited
            out[s["id"]] = t
            walk(s.get("children", []), t)

    walk(sections, "")
    return out


def _item_keys(kind: str, record: dict, gold: bool) -> list:
    """Comparable keys for one kind of item, from a gold file or a built record."""
    if kind == "sections":
        return _flatten_sections(record["sections"])
    if kind == "targets":
        return [(t["comparator"], float(t["value"]), t.get("unit")) for g in record["goals"] for t in g["targets"]]
    if kind == "phases":
        return [(p["name"], _date_key(p.get("start")), _date_key(p.get("end"))) for p in record["phases"]]
    if kind == "deadlines":
        return [_date_key(d["due"]) for d in record["deadlines"]]
    if kind == "parties":
        if gold:
            return [(p["name"], p.get("section_title", "")) for p in record["responsible_parties"]]
        titles = _section_titles(record["sections"])
        return [(p["name"], titles.get(p.get("section_id") or "", "")) for p in record["responsible_parties"]]
    raise ValueError(kind)


def score_document(record: Optional[dict], gold: dict) -> DocScore:
    if record is None:
        return DocScore(doc=gold["doc"], found=False, items={k: Counts(0, 0, len(_item_keys(k, gold, True))) for k in ITEM_KINDS})
    text = record["text"]
    s = DocScore(
        doc=gold["doc"],
        found=True,
        cer=cer(text, gold["clean_text"]),
        boilerplate_left=[b for b in gold.get("boilerplate", []) if b and b in text],
        title_ok=record["title"] == gold["title"],
        year_ok=record.get("year") == gold.get("year"),
        script_ok=record.get("script") == gold.get("script"),
    )
    for kind in ITEM_KINDS:
        s.items[kind] = _match(_item_keys(kind, record, False), _item_keys(kind, gold, True))
    return s


def _records_by_name(corpus: Path) -> dict[str, dict]:
    out = {}
    for rec in CorpusStore(corpus).iter_raw():
        out[Path(rec["source"]["path"].split("!/")[-1]).name] = rec
    return out


def evaluate(gold_dir: str | Path, corpus: str | Path) -> list[DocScore]:
    records = _records_by_name(Path(corpus))
    scores = []
    for g in sorted(Path(gold_dir).glob("*.gold.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        scores.append(score_document(records.get(gold["doc"]), gold))
    return scores


def format_report(scores: list[DocScore]) -> str:
    head = f"{'document':<28} {'CER':>6} {'boiler':>6} {'title':>5} {'year':>4} {'script':>6} " + " ".join(
        f"{k[:9]:>9}" for k in ITEM_KINDS
    )
    lines = [head, "-" * len(head)]
    totals = {k: Counts() for k in ITEM_KINDS}
    for s in scores:
        if not s.found:
            lines.append(f"{s.doc:<28} NOT BUILT")
        for k in ITEM_KINDS:
            totals[k].add(s.items[k])
        if s.found:
            lines.append(
                f"{s.doc[:28]:<28} {s.cer:6.2%} {len(s.boilerplate_left):6d} {'ok' if s.title_ok else 'x':>5} "
                f"{'ok' if s.year_ok else 'x':>4} {'ok' if s.script_ok else 'x':>6} "
                + " ".join(f"{s.items[k].f1:9.2f}" for k in ITEM_KINDS)
            )
    lines.append("-" * len(head))
    found = [s for s in scores if s.found]
    mean_cer = sum(s.cer for s in found) / len(found) if found else 1.0
    lines.append(
        f"{'micro total':<28} {mean_cer:6.2%} {sum(len(s.boilerplate_left) for s in found):6d} "
        f"{sum(s.title_ok for s in found):>5} {sum(s.year_ok for s in found):>4} {sum(s.script_ok for s in found):>6} "
        + " ".join(f"{totals[k].f1:9.2f}" for k in ITEM_KINDS)
    )
    lines.append("")
    for k in ITEM_KINDS:
        c = totals[k]
        lines.append(f"  {k:<10} P {c.precision:.2f}  R {c.recall:.2f}  F1 {c.f1:.2f}  (tp {c.tp}, fp {c.fp}, fn {c.fn})")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fangan.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("--gold", required=True, type=Path)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--json", action="store_true", help="print per-document scores as JSON")
    a = ap.parse_args(argv)
    scores = evaluate(a.gold, a.corpus)
    if a.json:
        print(json.dumps([{"doc": s.doc, "found": s.found, "cer": s.cer, "boilerplate_left": s.boilerplate_left,
                           "title_ok": s.title_ok, "year_ok": s.year_ok, "script_ok": s.script_ok,
                           **{k: {"tp": c.tp, "fp": c.fp, "fn": c.fn, "f1": c.f1} for k, c in s.items.items()}}
                          for s in scores], ensure_ascii=False, indent=2))
    else:
        print(format_report(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
