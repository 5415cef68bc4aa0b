"""Flat tables of the corpus for analysts: one row per document, section, goal, target, phase,
deadline, party and repair, each with the document id (and section path where it has one)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from fangan.model import Document, iter_sections

from .store import CorpusStore

TABLES = ("documents", "sections", "goals", "targets", "phases", "deadlines", "parties", "repairs")


@dataclass
class Corpus:
    documents: pd.DataFrame
    sections: pd.DataFrame
    goals: pd.DataFrame
    targets: pd.DataFrame
    phases: pd.DataFrame
    deadlines: pd.DataFrame
    parties: pd.DataFrame
    repairs: pd.DataFrame

    def __iter__(self):
        return iter(TABLES)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def _date_cols(prefix: str, d) -> dict:
    d = d or {}
    y, m, day = d.get("year"), d.get("month"), d.get("day")
    return {
        f"{prefix}_year": y,
        f"{prefix}_month": m,
        f"{prefix}_day": day,
        f"{prefix}_part": d.get("part"),
        f"{prefix}_iso": f"{y:04d}-{m:02d}-{day:02d}" if (y and m and day) else None,
        f"{prefix}_raw": d.get("raw"),
    }


def rows_for(doc: dict) -> dict[str, list[dict]]:
    """Every table's rows for one record (a dict as stored in documents/*.json)."""
    did = doc["id"]
    d = Document.model_validate(doc)
    paths: dict[str, str] = {}
    sections = []
    for order, (s, path) in enumerate(iter_sections(d.sections)):
        paths[s.id] = " > ".join(path)
        sections.append({
            "doc_id": did, "section_id": s.id, "order": order, "level": s.level, "marker": s.marker,
            "title": s.title, "path": paths[s.id], "parent_id": s.id.rsplit(".", 1)[0] if "." in s.id else None,
            "n_children": len(s.children), "text": s.text,
        })
    src = doc["source"]
    documents = [{
        "doc_id": did, "schema_version": doc["schema_version"], "title": doc["title"], "issuer": doc.get("issuer"),
        "addressee": doc.get("addressee"), "doc_number": doc.get("doc_number"), "year": doc.get("year"),
        "year_source": doc.get("year_source"), "script": doc["script"], "path": src["path"], "url": src.get("url"),
        "format": src["format"], "site": src.get("site"), "sha256": src["sha256"], "encoding": src.get("encoding"),
        **_date_cols("date", doc.get("date")),
        "n_chars": len(doc["text"]), "n_sections": len(sections), "n_goals": len(doc["goals"]),
        "n_phases": len(doc["phases"]), "n_deadlines": len(doc["deadlines"]),
        "n_parties": len(doc["responsible_parties"]), "n_warnings": len(doc["warnings"]),
        "warnings": json.dumps([w["code"] for w in doc["warnings"]], ensure_ascii=False), "text": doc["text"],
    }]
    goals, targets = [], []
    for gi, g in enumerate(doc["goals"]):
        goals.append({"doc_id": did, "goal_index": gi, "section_id": g.get("section_id"),
                      "section_path": paths.get(g.get("section_id") or ""), "text": g["text"], "n_targets": len(g["targets"])})
        for t in g["targets"]:
            targets.append({"doc_id": did, "goal_index": gi, "section_id": g.get("section_id"),
                            "section_path": paths.get(g.get("section_id") or ""), **t})
    phases = [{"doc_id": did, "order": p["order"], "name": p["name"], "section_id": p.get("section_id"),
               "section_path": paths.get(p.get("section_id") or ""), **_date_cols("start", p.get("start")),
               **_date_cols("end", p.get("end")), "raw": p.get("raw")} for p in doc["phases"]]
    deadlines = [{"doc_id": did, "action": x.get("action"), "party": x.get("party"), "recurring": x.get("recurring"),
                  "section_id": x.get("section_id"), "section_path": paths.get(x.get("section_id") or ""),
                  **_date_cols("due", x.get("due")), "raw": x.get("raw")} for x in doc["deadlines"]]
    parties = [{"doc_id": did, "name": x["name"], "role": x.get("role"), "section_id": x.get("section_id"),
                "section_path": paths.get(x.get("section_id") or ""), "raw": x.get("raw")} for x in doc["responsible_parties"]]
    repairs = [{"doc_id": did, "step": r["step"], "count": r["count"], "detail": r.get("detail"),
                "examples": json.dumps([[c["before"], c["after"]] for c in r["changes"][:10]], ensure_ascii=False)}
               for r in doc["repairs"]]
    return {"documents": documents, "sections": sections, "goals": goals, "targets": targets, "phases": phases,
            "deadlines": deadlines, "parties": parties, "repairs": repairs}


def frames_from_records(records: Iterable[dict]) -> Corpus:
    acc: dict[str, list[dict]] = {t: [] for t in TABLES}
    for doc in records:
        for t, rows in rows_for(doc).items():
            acc[t].extend(rows)
    return Corpus(**{t: pd.DataFrame(acc[t]) for t in TABLES})


def load_corpus(root: str | Path) -> Corpus:
    """The corpus in `root` as pandas DataFrames: `corpus.documents`, `corpus.sections`, …"""
    return frames_from_records(CorpusStore(root).iter_raw())


def write_tables(root: str | Path) -> Optional[Path]:
    """Placeholder for the Parquet writer (corpus issue); JSON is the source of truth meanwhile."""
    return None
