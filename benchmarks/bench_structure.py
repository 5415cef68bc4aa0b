"""CPU time of the structure stage alone, with its line caches empty and full.

    python benchmarks/bench_structure.py [CORPUS_DIR ...] [--passes N]

Each document (default: ../shared/corpus/bulk) is parsed and normalized once, untimed; the stage
(`build_structure`) is then timed over all of them: "cold" passes start with every cache of the
structure stage and the lexicon emptied (what one build of a corpus sees: only lines that repeat
within the corpus are remembered), "warm" passes keep what the previous pass remembered. Prints the
best of N passes of each, in seconds and MB/s of normalized text.
"""
from __future__ import annotations

import argparse
import sys
import time

from fangan.ingest import SourceItem, iter_inputs
from fangan.lexicon.segment import cut
from fangan.pipeline import StageError, parse_and_normalize
from fangan.structure import build_structure


def _inputs(dirs: list[str]) -> list[tuple[str, dict]]:
    out = []
    for item in iter_inputs(dirs):
        if not isinstance(item, SourceItem):
            continue
        try:
            front = parse_and_normalize(item)
        except StageError:
            continue
        out.append((front.explained.text, dict(title_hint=front.parsed.title_hint, heading_hints=front.parsed.heading_hints,
                                               title_candidates=front.context.title_candidates,
                                               source_format=front.parsed.format)))
    return out


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith(("fangan.structure", "fangan.lexicon")) and name != "fangan.lexicon.segment":
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _best(docs: list[tuple[str, dict]], passes: int, cold: bool) -> float:
    best = float("inf")
    for _ in range(passes):
        if cold:
            _clear_caches()
        t = time.process_time()
        for text, kw in docs:
            build_structure(text, **kw)
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", default=["../shared/corpus/bulk"])
    ap.add_argument("--passes", type=int, default=5)
    args = ap.parse_args()
    docs = _inputs(args.dirs)
    cut("预热")  # the segmenter loads its dictionary once per process: not the stage's cost
    mb = sum(len(text.encode()) for text, _ in docs) / 1e6
    for label, cold in (("cold", True), ("warm", False)):
        s = _best(docs, args.passes, cold)
        print(f"structure {label}: {len(docs)} documents, {mb:.2f} MB  {s:.3f} s  {mb / s:.2f} MB/s")


if __name__ == "__main__":
    main()
