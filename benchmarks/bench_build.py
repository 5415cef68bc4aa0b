"""Whole-build throughput, and per stage, in MB/s and docs/s.

    python benchmarks/bench_build.py [--copies 40] [INPUT ...]

Inputs default to data/samples plus ../shared/corpus/seeds when present. Each input is copied
`--copies` times with a distinguishing trailer line (so the copies are different documents, not
duplicates), then `fangan.build` runs on a fresh output folder. Per-stage figures divide the stage's
seconds into the bytes of all inputs, so stage MB/s add up like rates, not like times.
The bare-library lines show what the stage is competing with: charset-normalizer detection
for parsing text, OpenCC t2s for normalizing.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fangan.pipeline import Options, build

REPO = Path(__file__).resolve().parents[1]


def _inputs(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    out = [REPO / "data" / "samples"]
    seeds = REPO.parent / "shared" / "corpus" / "seeds"
    if seeds.is_dir():
        out.append(seeds)
    return out


def _copies(inputs: list[Path], n: int, dest: Path) -> list[Path]:
    files = []
    for root in inputs:
        files.extend(sorted(p for p in (root.rglob("*") if root.is_dir() else [root]) if p.is_file()))
    made = []
    for i in range(n):
        for f in files:
            data = f.read_bytes()
            trailer = f"\n{i}".encode("utf-16-le" if data[:2] in (b"\xff\xfe",) else "ascii")
            target = dest / f"{i:04d}_{f.name}"
            target.write_bytes(data + trailer)
            made.append(target)
    return made


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--copies", type=int, default=40)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        files = _copies(_inputs(a.inputs), a.copies, src)
        total = sum(f.stat().st_size for f in files)
        t0 = time.perf_counter()
        report = build([src], Path(tmp) / "out", Options())
        wall = time.perf_counter() - t0
        mb = total / 1e6
        n = len(report.built)
        print(f"inputs: {len(files)} files, {mb:.2f} MB; built {n}, errors {len(report.errors)}")
        print(f"{'whole build':<14} {mb / wall:8.2f} MB/s {n / wall:9.1f} docs/s   ({wall:.2f} s)")
        for stage, secs in report.times.seconds.items():
            print(f"{stage:<14} {mb / secs if secs else float('inf'):8.2f} MB/s {n / secs if secs else float('inf'):9.1f} docs/s   ({secs:.2f} s)")
        _bare_libraries(files, mb, n)


def _bare_libraries(files: list[Path], mb: float, n: int) -> None:
    from charset_normalizer import from_bytes
    import opencc

    datas = [f.read_bytes() for f in files]
    t0 = time.perf_counter()
    texts = [str(from_bytes(d).best() or "") for d in datas]
    secs = time.perf_counter() - t0
    print(f"{'bare charset-normalizer':<24} {mb / secs:8.2f} MB/s {len(datas) / secs:9.1f} docs/s   (detect+decode only)")
    conv = opencc.OpenCC("t2s")
    t0 = time.perf_counter()
    for t in texts:
        conv.convert(t)
    secs = time.perf_counter() - t0
    print(f"{'bare OpenCC t2s':<24} {mb / secs:8.2f} MB/s {len(texts) / secs:9.1f} docs/s")


if __name__ == "__main__":
    main()
