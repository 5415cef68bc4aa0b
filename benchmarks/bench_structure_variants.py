"""Agreement of heading trees between clean documents and damaged copies of them.

    python benchmarks/bench_structure_variants.py [CORPUS_DIR ...] [--show]

Each document (default: ../shared/corpus/bulk) is processed once; its title and body lines are then
structured again as written (the reference), as a *flattened* copy (every line break of the body
replaced by a space) and as a *run-in* copy (every short heading line run straight into the next
line, as crawlers leave them). For documents with at least two sections it prints the share whose
damaged copy gives the same markers under the same parents, and the same markers and titles.
`--show` lists the documents that differ.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from fangan.lexicon.markers import match_marker
from fangan.pipeline import StageError, process_file
from fangan.structure import build_structure

# a heading line short enough to lose its line break in crawler output
RUN_IN_HEADING = 30


def tree(text: str) -> list[tuple[tuple[str, ...], str]]:
    out: list[tuple[tuple[str, ...], str]] = []

    def walk(sections, path):
        for s in sections:
            out.append((path + (s.marker,), s.title))
            walk(s.children, path + (s.marker,))

    walk(build_structure(text).sections, ())
    return out


def flattened(lines: list[str]) -> str:
    return lines[0] + "\n" + " ".join(lines[1:])


def run_in(lines: list[str]) -> str:
    out: list[str] = []
    for ln in lines:
        if out and match_marker(out[-1]) and len(out[-1]) <= RUN_IN_HEADING and not re.search("[。；：:]$", out[-1]):
            out[-1] += ln
        else:
            out.append(ln)
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", type=Path, default=[Path("../shared/corpus/bulk")])
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    totals = {"flattened": [0, 0, 0], "run-in": [0, 0, 0]}
    for folder in args.dirs:
        for path in sorted(folder.iterdir()):
            if path.name == "MANIFEST.tsv" or path.is_dir():
                continue
            try:
                doc = process_file(path)
            except StageError:
                continue
            lines = [ln for ln in [doc.title] + doc.text.split("\n") if ln.strip()]
            ref = tree("\n".join(lines))
            if len(ref) < 2:
                continue
            for name, damaged in (("flattened", flattened(lines)), ("run-in", run_in(lines))):
                got = tree(damaged)
                same_markers = [p for p, _ in got] == [p for p, _ in ref]
                t = totals[name]
                t[0] += 1
                t[1] += same_markers
                t[2] += got == ref
                if args.show and got != ref:
                    print(f"{name:9} {path.name}: {'titles differ' if same_markers else 'markers differ'}")
    for name, (n, markers, both) in totals.items():
        if n:
            print(f"{name:9} docs={n}  same markers={markers / n:.3f}  same markers and titles={both / n:.3f}")


if __name__ == "__main__":
    main()
