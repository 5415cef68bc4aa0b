"""The full fuzz run: thousands of generated bad and odd inputs through `fangan build`, accounted for.

    python benchmarks/fuzz.py --n 10000            # batches of 500, each a `fangan build` in a child process
    python benchmarks/fuzz.py --n 300 --batch 300  # what tests/fuzz/test_fuzz_quick.py runs

Prints inputs / records / errors / skipped / lost / batch crashes / peak RSS (of the build processes,
LibreOffice included), then the first few problems of each kind. Exit status 1 when anything is lost,
a batch crashed, an entry is unreadable or peak RSS passed --max-rss-mb. The generators are in
`tests/fuzz/generators.py`; the accounting rules in `tests/fuzz/harness.py`.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fuzz"))

import generators  # noqa: E402
import harness  # noqa: E402


def run(n: int, batch: int, seed: int, keep: bool = False, workdir: str | None = None) -> harness.Tally:
    total = harness.Tally()
    base = Path(tempfile.mkdtemp(prefix="fangan-fuzz-", dir=workdir))
    t0 = time.perf_counter()
    try:
        for b, start in enumerate(range(0, n, batch)):
            size = min(batch, n - start)
            folder, out = base / f"in{b}", base / f"out{b}"
            names = generators.generate(folder, size, seed=seed + b)
            code, stderr = harness.run_build(folder, out)
            tally = harness.account(folder, names, out, code, stderr)
            total.add(tally)
            print(f"batch {b}: {size} inputs, {tally.records} records, {tally.errors} errors, {tally.skipped} skipped, "
                  f"{len(tally.lost)} lost, {len(tally.batch_crashes)} crashes ({time.perf_counter() - t0:.0f} s)",
                  flush=True)
            if not keep:
                generators.make_readable(folder)
                shutil.rmtree(folder, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
    finally:
        if not keep:
            generators.make_readable(base)
            shutil.rmtree(base, ignore_errors=True)
    return total


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux


def report(t: harness.Tally, rss: float) -> None:
    print()
    print(f"inputs         {t.inputs}")
    print(f"records        {t.records}")
    print(f"errors         {t.errors}")
    print(f"skipped        {t.skipped}")
    print(f"lost           {len(t.lost)}")
    print(f"batch crashes  {len(t.batch_crashes)}")
    print(f"bad entries    {len(t.bad_entries)}  (error/skipped entries without a stage, a kind or a readable reason)")
    print(f"garbage recs   {len(t.garbage_records)}  (records reading like no language, without a not_chinese warning)")
    print(f"peak RSS       {rss:.0f} MB")
    print("kinds          " + ", ".join(f"{k} {n}" for k, n in sorted(t.kinds.items(), key=lambda kv: -kv[1])))
    for label, items in (("lost", t.lost), ("batch crashes", t.batch_crashes), ("bad entries", t.bad_entries),
                         ("garbage records", t.garbage_records)):
        if items:
            print(f"\n{label} (first 10):")
            for x in items[:10]:
                print(f"  {x}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="inputs in all")
    ap.add_argument("--batch", type=int, default=500, help="inputs per build")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-rss-mb", type=float, default=1024)
    ap.add_argument("--keep", action="store_true", help="keep the generated inputs and corpora")
    ap.add_argument("--workdir", default=None, help="where to write them (default: the system temp folder)")
    args = ap.parse_args(argv)
    t = run(args.n, args.batch, args.seed, args.keep, args.workdir)
    rss = peak_rss_mb()
    report(t, rss)
    failed = t.lost or t.batch_crashes or t.bad_entries or rss > args.max_rss_mb
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
