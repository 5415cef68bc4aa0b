"""Throughput of normalization alone (MB/s of text) over the parsed pages of a folder (default ../shared/corpus/bulk).

    python benchmarks/bench_normalize.py [DIR]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from fangan.ingest import iter_inputs
from fangan.normalizers import NormalizeContext, normalize_and_explain
from fangan.parsers import parse


def main(folder: str) -> None:
    texts = []
    for item in iter_inputs([Path(folder)]):
        try:
            texts.append(parse(item).text)
        except Exception:
            continue
    size = sum(len(t.encode("utf-8")) for t in texts)
    normalize_and_explain("预热", NormalizeContext())
    t0 = time.perf_counter()
    for t in texts:
        normalize_and_explain(t, NormalizeContext())
    dt = time.perf_counter() - t0
    print(f"{len(texts)} documents, {size / 1e6:.2f} MB of text, {dt:.2f} s: {size / 1e6 / dt:.2f} MB/s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "bulk"))
