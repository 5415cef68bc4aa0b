"""The damage simulator's full figure: every clean document available × every damage kind (lossy ones included).

    python benchmarks/bench_damage.py [--seeds N] [--bulk]

Clean documents: the gold answers' texts (../shared/gold/seeds, ../shared/gold/dev), the clean fixtures and
samples, and with --bulk the records of a clean build of ../shared/corpus/bulk (title + text). Each copy must
build into the clean copy's record (same title, CER ≤ 0.5 %, same section tree). Prints one row per kind.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from damage import ALL_KINDS, CleanDoc, compare, damaged_copies, gold_documents, record_for, text_documents  # noqa: E402


def bulk_documents(shared: Path) -> list[CleanDoc]:
    import json

    from fangan.pipeline import build

    docs = []
    with tempfile.TemporaryDirectory(prefix="bench-damage-") as tmp:  # (removed afterwards: it held 17 MB)
        out = Path(tmp)
        build([shared / "corpus" / "bulk"], out)
        for p in sorted((out / "documents").glob("*.json")):
            r = json.loads(p.read_text("utf-8"))
            body = [ln for ln in r["text"].split("\n") if ln.strip()]
            if r["title"] and len(body) >= 3:
                docs.append(CleanDoc("bulk_" + p.stem, r["title"], body))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=1, help="random seeds per document and kind")
    ap.add_argument("--bulk", action="store_true", help="also the records of a build of ../shared/corpus/bulk")
    args = ap.parse_args()
    shared = ROOT.parent / "shared"
    docs = text_documents([ROOT / "tests/fixtures/extract/county_vaccination_plan.txt",
                           ROOT / "tests/fixtures/normalize/clean_simplified_with_valid_words.txt",
                           ROOT / "data/samples/county_summer_food_safety_plan_utf16.txt"])
    if (shared / "gold").is_dir():
        docs += gold_documents([shared / "gold" / "seeds", shared / "gold" / "dev"])
    if args.bulk and (shared / "corpus" / "bulk").is_dir():
        docs += bulk_documents(shared)
    total, held = Counter(), Counter()
    t0 = time.perf_counter()
    clean = {d.name: record_for(d.text.encode("utf-8"), "txt", d.name) for d in docs}
    for seed in range(14, 14 + args.seeds):
        for doc, kind, data, suffix in damaged_copies(docs, seed=seed, kinds=list(ALL_KINDS)):
            total[kind] += 1
            try:
                ok = not compare(clean[doc.name], record_for(data, suffix, doc.name))
            except Exception:
                ok = False
            held[kind] += ok
    dt = time.perf_counter() - t0
    print(f"{len(docs)} clean documents, {sum(total.values())} damaged copies, {dt:.1f} s")
    for kind in ALL_KINDS:
        if total[kind]:
            print(f"  {kind:26s} {held[kind]:5d}/{total[kind]:<5d} {100 * held[kind] / total[kind]:6.1f} %")
    reversible = [k for k in total if k != "utf8_shown_as_gbk_lossy"]
    h, t = sum(held[k] for k in reversible), sum(total[k] for k in reversible)
    print(f"reversible damage: {h}/{t} = {100 * h / max(1, t):.1f} % hold (bar: 99 %)")


if __name__ == "__main__":
    main()
