"""Whole-build throughput on a reproducible corpus, and what it is competing with, in one run.

    python benchmarks/bench_build.py [--mb 20] [--seed 12] [--repeat 3] [--add-corpus 1000,2000] [--quick]

Prints:
  * MB/s and docs/s end to end and per stage, for `--jobs 1` and for every core, with CPU time
    (the machine may be shared: CPU seconds are the fair figure; wall seconds are printed too); each
    is built `--repeat` times (2 × `--repeat` + 1 when the `--jobs 1` builds' CPU times spread past UNSTEADY: the
    machine's speed moved), the two alternating so a change in the machine's load falls on both, and
    the median run is reported, with the spread of all;
    startup (imports, the character model, first-use pattern compiles: about a second, paid once per
    process) is measured by building one small plan first and printed apart;
  * the floors: bare OpenCC t2s and rjieba cut over the same text, measured right after each `--jobs 1` build
    (medians, and each build beside the floors measured after it);
  * unstructured's `partition_text` per document, where it is installed;
  * the cost of adding one document to corpora of `--add-corpus` documents (seconds, bytes written),
    against building that document alone, the bytes a build that changes nothing writes, and how much the
    fixed part of adding one grows per 1,000 documents in the corpus;
  * where the extra CPU of all cores over one goes: the same pair of builds run again, each after the corpus was
    built once in its process (every line remembered), so that what is left is not the line caches warming twice;
  * peak RSS of each build (main process and its workers);
  * CPU time per KB for one document of 10 KB, 1 MB and 5 MB;
  * peak RSS of corpora of 32 and 64 plans of 1 MB (flat: a build holds a bounded number of bytes, not of documents);
  * a build of the real pages in ../shared/corpus/bulk (distinct lines: the generated corpus repeats
    its paragraphs, which flatters per-line caches).

The corpus is `benchmarks/corpus_gen.py` (paragraphs of the shared texts recombined with a seeded RNG).
Every build runs in a fresh child process, so its peak RSS and bytes written are its own.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


# ---------------------------------------------------------------- child: one measured build

def _wchar() -> int:
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def child(inputs: list[str], out: str, jobs: int, warm: bool = False) -> None:
    """`warm`: the inputs are built once in this process before the measured build (into a scratch folder), so
    every line the measured build reads is remembered already, and its workers fork with that memory."""
    i0 = time.process_time()
    from fangan.pipeline import PRIMER, build

    # imports and the models load before the clock starts: a long build pays them once (spaCy is not
    # among them: the default extraction pipeline runs without it, fangan.extract.nlp)
    from fangan.lexicon.segment import get_segmenter

    get_segmenter("auto").cut("预热")
    imports = time.process_time() - i0
    # startup, measured apart: building one small plan loads the rest (the character model, pyarrow,
    # SQLite, every pattern compiled on first use), which a long build pays once
    s0 = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "warm.txt"
        plan.write_text(PRIMER, encoding="utf-8")  # the small plan a build primes its workers with
        build([str(plan)], Path(tmp) / "out", jobs=1)
    startup = time.process_time() - s0 + imports
    if warm:
        with tempfile.TemporaryDirectory() as tmp:
            build(inputs, Path(tmp) / "out", jobs=1)
    marks: list[tuple[int, float]] = []  # (documents written, CPU s of this process) after each batch of the first pass

    def progress(phase: str, done: int, total) -> None:
        if phase == "build":
            marks.append((done, time.process_time()))

    w0, c0, t0, k0 = _wchar(), time.process_time(), time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
    report = build(inputs, out, jobs=jobs, progress=progress)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    kernel = resource.getrusage(resource.RUSAGE_SELF).ru_stime - k0
    written = _wchar() - w0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "wall": wall, "cpu": cpu, "cpu_kernel": kernel, "startup_cpu": startup, "cpu_children": kids.ru_utime + kids.ru_stime, "built": len(report.built),
        "rebuilt": len(report.rebuilt), "errors": len(report.errors), "bytes_in": report.bytes_in, "written": written,
        "jobs": report.jobs, "times": report.times.seconds, "cpu_times": report.times.cpu,
        "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_worker_mb": kids.ru_maxrss / 1024,
        "quarters": _quarters(marks, c0),
    }))


def _quarters(marks: list[tuple[int, float]], c0: float) -> list[float]:
    """CPU ms per document of each quarter of a build's documents, in the order built (batch by batch: a batch
    falls in the quarter its last document does)."""
    if not marks or marks[-1][0] < 4:
        return []
    n, out, prev = marks[-1][0], [], (0, c0)
    for q in range(1, 5):
        end = next(m for m in marks if m[0] >= q * n / 4)
        if end[0] > prev[0]:
            out.append(1000 * (end[1] - prev[1]) / (end[0] - prev[0]))
            prev = end
    return out


def measure(inputs: list[Path], out: Path, jobs: int, warm: bool = False) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(out), str(jobs), *(["--warm"] if warm else []),
           *map(str, inputs)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    r["cpu_all"] = r["cpu"] + r["cpu_children"]  # the build's and its workers'
    return r


# ---------------------------------------------------------------- parent: the report

def _rate(mb: float, n: int, secs: float) -> str:
    if secs <= 0:
        return f"{'—':>8}      {'—':>9}       "
    return f"{mb / secs:8.2f} MB/s {n / secs:9.1f} docs/s"


def report_build(label: str, r: dict, mb: float) -> None:
    n = r["built"]
    cpu = r["cpu_all"]
    print(f"\n{label}: {n} documents ({r['rebuilt']} rebuilt for learned chrome), {r['errors']} errors, "
          + ("1 process" if r["jobs"] == 1 else f"{r['jobs']} building processes: this one and {r['jobs'] - 1} worker(s)"))
    print(f"  {'end to end (CPU)':<20} {_rate(mb, n, cpu)}   ({cpu:.1f} CPU s; startup apart: "
          f"{r['startup_cpu']:.2f} CPU s of imports and first-use loads, paid once per process)")
    if "cpu_kernel" in r:  # the file system's share: on a journal-less ext4 it grows after mass deletions
        print(f"  {'':<20} of which {r['cpu_kernel']:.2f} CPU s in the kernel (the main process: writing files, "
              f"page faults)")
    print(f"  {'end to end (wall)':<20} {_rate(mb, n, r['wall'])}   ({r['wall']:.1f} s; "
          f"{cpu / r['wall']:.2f} cores busy on average — less than the building processes means a shared machine)")
    print("  per stage (CPU seconds of the process that ran it; rates add like rates, not like times):")
    for stage, secs in sorted(r["cpu_times"].items(), key=lambda kv: -kv[1]):
        share = 100 * secs / cpu if cpu else 0
        print(f"  {stage:<20} {_rate(mb, n, secs)}   ({secs:.2f} CPU s, {share:4.1f}%)")
    if r["jobs"] == 1 and r.get("quarters"):
        # measured: the building stages' cost per document falls by about 2x over this corpus, in every stage (each
        # remembers the lines it has read; the writes do not fall); two processes each warm their own on their share,
        # a small part of what two cost beyond one (see warm_gap)
        print(f"  per document, by quarter of the build: {' '.join(f'{q:.2f}' for q in r['quarters'])} CPU ms (a process "
              f"remembers the lines it has read, and plans repeat lines)")
    print(f"  peak RSS: main {r['rss_main_mb']:.0f} MB, largest worker {r['rss_worker_mb']:.0f} MB")


def floor_texts(files: list[Path]) -> list[str]:
    texts = []
    for f in files:
        data = f.read_bytes()
        try:
            texts.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(data.decode("gb18030", "replace"))
    return texts


def floor_run(texts: list[str]) -> dict[str, float]:
    """CPU seconds of one pass of each bare library over the texts."""
    from fangan.lexicon.script import converter
    from fangan.lexicon.segment import get_segmenter

    out = {}
    for key, fn in (("t2s", converter("t2s").convert), ("cut", get_segmenter("auto").cut)):
        c0 = time.process_time()
        for t in texts:
            fn(t)
        out[key] = time.process_time() - c0
    return out


def floors(texts: list[str], mb: float, ones: list[dict], runs: list[dict[str, float]]) -> None:
    """The bare libraries' `runs` over the same text (`floor_run`), each measured right after one of the
    one-process builds `ones` (the medians are reported, as for the builds), and the builds put beside their sum
    (the issue's bar: within 8×): the medians', and each build's beside the floors measured right after it, so
    that a change in the machine's speed falls on both (measured apart, after all the builds, the floors had put
    one core at 4.4× in one run and 8.0× in the next on a machine whose cores changed speed by the second)."""
    from fangan.lexicon.segment import get_segmenter

    print("\nfloors over the same text:")
    floor = 0.0
    for name, key in (("bare OpenCC t2s", "t2s"), (f"bare {get_segmenter('auto').name} cut", "cut")):
        secs = _median(runs, key)[key]
        floor += secs
        print(f"  {name:<20} {_rate(mb, len(texts), secs)}   ({secs:.2f} CPU s; median of {len(runs)}: "
              f"{_spread(runs, key, 2)})")
    if floor > 0:
        one_core = _median(ones, "cpu_all")["cpu_all"]
        line = f"  one core is {one_core / floor:.2f}× their sum ({one_core:.2f} CPU s against {floor:.2f}; medians)"
        if len(ones) == len(runs) > 1:
            each = [o["cpu_all"] / (r["t2s"] + r["cut"]) for o, r in zip(ones, runs)]
            line += (f"; each build beside the floors measured right after it: {' '.join(f'{x:.2f}' for x in each)}× "
                     f"(median {sorted(each)[len(each) // 2]:.2f}×)")
        print(line)
    try:
        from unstructured.partition.text import partition_text
    except ImportError:
        print(f"  {'unstructured':<20} not installed")
        return
    sample = texts[:200]
    c0 = time.process_time()
    for t in sample:
        partition_text(text=t)
    secs = time.process_time() - c0
    print(f"  {'unstructured':<20} partition_text {1000 * secs / len(sample):.1f} ms per document")


ADDED = 5  # documents added one at a time to each corpus (and built alone): a single 50 ms build is noisy


def add_one(files: list[Path], sizes: list[int], tmp: Path) -> None:
    """Adding one document to corpora of each size: its cost beside building it alone, and how the fixed
    part grows with the corpus (every build lists and stats the records, checks the learner's decisions).
    ADDED different documents are added one after the other, each by its own build, and each is built alone too,
    into an empty folder, right after it was added: the ratio is the median of each document's two builds, so that
    the machine's speed, which changes from one second to the next, falls on both (alone builds measured first, and
    the adds a minute later, gave 1.3× in one run and 1.9× in the next)."""
    extras = files[sizes[0]:sizes[0] + ADDED]  # the same documents for every size
    added = []
    for n in sizes:
        base = tmp / f"base-{n}"
        base.mkdir()
        for f in [f for f in files if f not in extras][:n]:
            os.link(f, base / f.name)
        out = tmp / f"add-corpus-{n}"
        r0 = measure([base], out, jobs=0)
        print(f"\nadding one document to a {r0['built']}-document corpus "
              f"(built in {r0['wall']:.1f} s wall; peak RSS main {r0['rss_main_mb']:.0f} MB):")
        adds, alone = [], []
        for i, extra in enumerate(extras):  # each adds one: n, n+1, … documents
            adds.append(measure([extra], out, jobs=1))
            alone.append(measure([extra], tmp / f"alone-{n}-{i}", jobs=1))
        same = measure([base, *extras], out, jobs=1)
        add, alone_cpu = _median(adds, "cpu"), _median(alone, "cpu")
        ratios = sorted(a["cpu"] / b["cpu"] for a, b in zip(adds, alone))
        print(f"  add one:        {add['cpu']:.3f} CPU s, {add['wall']:.3f} s wall, {add['written'] / 1e6:.3f} MB written "
              f"(median of {len(adds)} documents added in turn; CPU s of each: {_spread(adds, 'cpu', 3)}; "
              f"MB written, largest: {max(r['written'] for r in adds) / 1e6:.3f})")
        print(f"  build it alone: {alone_cpu['cpu']:.3f} CPU s, {alone_cpu['wall']:.3f} s wall, "
              f"{alone_cpu['written'] / 1e6:.3f} MB written (median of the same {len(alone)}, each built right after it "
              f"was added; CPU s of each: {_spread(alone, 'cpu', 3)})")
        print(f"  ratio:          {ratios[len(ratios) // 2]:.2f}× the CPU time of building it alone (median of each "
              f"document's ratio: {' '.join(f'{r:.2f}' for r in ratios)}; of the medians: "
              f"{add['cpu'] / alone_cpu['cpu']:.2f}×)")
        print(f"  a build that changes nothing ({same['built']} built): {same['written']} bytes written (the output "
              f"lock's holder is named by the kernel, not written), {same['cpu']:.2f} CPU s")
        added.append((r0["built"], add["cpu"] - alone_cpu["cpu"]))
    if len(added) > 1:
        (n0, c0), (n1, c1) = added[0], added[-1]
        print(f"  the fixed cost (adding one, less building it alone: medians) grows by "
              f"{1000 * (c1 - c0) / (n1 - n0) * 1000:.1f} ms per 1,000 documents in the corpus "
              f"({n0} → {n1} documents: {1000 * c0:.0f} → {1000 * c1:.0f} ms)")


def long_documents(files: list[Path], tmp: Path) -> None:
    body = "".join(f.read_bytes().decode("utf-8", "ignore") for f in files[:800])
    lines = [ln for ln in body.split("\n") if ln and not ln[0] in "一二三四五六七八九十（"]
    print("\none long document (CPU time per KB, whole build):")
    for size in (10_000, 1_000_000, 5_000_000):
        text, i = ["长宁县2024年健康促进工作方案", "一、工作目标"], 0
        total = 0
        k = 1
        while total < size:
            ln = lines[i % len(lines)]
            if i % 40 == 39:
                k += 1
                ln = f"（{k}）{ln}"
            text.append(ln)
            total += len(ln.encode("utf-8")) + 1
            i += 1
        p = tmp / f"long_{size}.txt"
        p.write_text("\n".join(text) + "\n", encoding="utf-8")
        r = measure([p], tmp / f"long-out-{size}", jobs=1)
        kb = p.stat().st_size / 1000
        print(f"  {p.stat().st_size / 1e6:6.2f} MB   {1000 * r['cpu'] / kb:7.3f} ms/KB   "
              f"({r['cpu']:.2f} CPU s, peak RSS {r['rss_main_mb']:.0f} MB, built {r['built']})")


def large_plans(files: list[Path], tmp: Path, counts: tuple[int, ...] = (32, 64), size: int = 1_000_000) -> None:
    """Peak RSS of corpora of large plans (each the generated plans run together up to `size` bytes, distinct):
    memory bounded by the bytes a build holds at once, not by how many documents that is, stays flat as the
    corpus grows."""
    print(f"\npeak RSS, corpora of {size / 1e6:g} MB plans (--jobs 1):")
    texts = (data for data in map(Path.read_bytes, cycle(files)) if _is_utf8(data))  # (one codec per plan)
    for n in counts:
        folder = tmp / f"large-{n}"
        folder.mkdir()
        for i in range(n):
            buf = bytearray(f"第{i}号\n".encode("utf-8"))
            while len(buf) < size:
                buf += next(texts) + b"\n"
            (folder / f"large_{i:03d}.txt").write_bytes(bytes(buf))
        r = measure([folder], tmp / f"large-out-{n}", jobs=1)
        print(f"  {n:3d} plans: peak RSS {r['rss_main_mb']:.0f} MB ({r['cpu']:.1f} CPU s, built {r['built']}, errors {r['errors']})")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def real_pages(tmp: Path, repeat: int = 3) -> None:
    """The generated corpus recombines about 2,300 paragraphs, so its lines repeat (a 20 MB corpus uses
    each ~30 times) and every per-line cache hits more often than on a real archive. The bulk pages
    (real government sites, every page distinct, mostly HTML) are the check on that."""
    bulk = HERE.parent.parent / "shared" / "corpus" / "bulk"
    if not bulk.is_dir():
        print("\nreal pages: ../shared/corpus/bulk not found, skipped")
        return
    r = measure([bulk], tmp / "out-bulk", jobs=1)
    out = tmp / "out-bulk" / "documents"
    text_mb = sum(len(json.loads(p.read_text(encoding="utf-8"))["text"].encode("utf-8")) for p in out.glob("*.json")) / 1e6
    cpu = r["cpu"]
    print(f"\nreal pages (../shared/corpus/bulk, --jobs 1): {r['built']} pages, {r['bytes_in'] / 1e6:.1f} MB of HTML "
          f"→ {text_mb:.1f} MB of plan text in {cpu:.1f} CPU s: {r['bytes_in'] / 1e6 / cpu:.2f} MB/s of input, "
          f"{text_mb / cpu:.2f} MB/s of text, {r['built'] / cpu:.1f} docs/s")
    stages = ", ".join(f"{k} {v:.2f}" for k, v in sorted(r["cpu_times"].items(), key=lambda kv: -kv[1]) if v >= 0.01)
    print(f"  per stage (CPU s): {stages}")
    # all cores on the same pages, each build paired with a --jobs 1 build run just before it: few lines repeat here,
    # so the building processes' line caches lose little by being split, and the results are small beside the HTML read
    pairs = []
    for i in range(repeat):
        one = r if i == 0 else measure([bulk], tmp / f"out-bulk-1-{i}", jobs=1)
        pairs.append((one, measure([bulk], tmp / f"out-bulk-n-{i}", jobs=0)))
    ratios = [a["wall"] / b["wall"] for a, b in pairs]
    pooled = sum(a["wall"] for a, _ in pairs) / sum(b["wall"] for _, b in pairs)
    print(f"  --jobs 0 ({pairs[0][1]['jobs']} building processes): {sorted(ratios)[len(ratios) // 2]:.2f}× --jobs 1 by wall time "
          f"(median; each pair, in the order run: {' '.join(f'{x:.2f}' for x in ratios)}; walls summed: {pooled:.2f}×)")


def _median(runs: list[dict], key: str) -> dict:
    return sorted(runs, key=lambda r: r[key])[len(runs) // 2]


def _spread(runs: list[dict], key: str, digits: int = 1) -> str:
    return " ".join(f"{r[key]:.{digits}f}" for r in runs)


def _whole(tmp: Path, files: list[Path], mb: float, repeat: int = 3) -> None:
    from fangan.executors import cpu_count

    many = cpu_count() > 1
    ones, alls = [], []
    # alternating, each into a folder of its own, all kept to the end (about 250 MB each): a build right after
    # the one before was deleted paid for the deletion too. An ext4 without a journal (this machine's root) does not
    # give out an inode freed in the last 5 seconds, or 5 minutes while its inode table block is dirty (as creating
    # a file beside it makes it), and checks each candidate in turn (ext4 find_inode_bit → recently_deleted, 5 % of
    # a build's perf samples), so creating the 2,364 records took 0.3-0.7 CPU s more than it does on a disk with no
    # deletions behind it: run the benchmark five minutes after anything deleted thousands of files there
    texts, floor_runs = floor_texts(files), []
    runs, i = max(1, repeat), 0
    while i < runs:
        ones.append(measure([tmp / "in"], tmp / f"out-1-{i}", jobs=1))
        floor_runs.append(floor_run(texts))  # right after it: the machine's speed as that build had it
        if many:
            alls.append(measure([tmp / "in"], tmp / f"out-n-{i}", jobs=0))
        i += 1
        if i == runs == repeat > 1 and _unsteady([r["cpu_all"] for r in ones]):
            runs = 2 * repeat + 1  # the machine's speed moved: more pairs, so the medians are not one phase's
            print(f"(the --jobs 1 builds' CPU times spread past {UNSTEADY}×: {runs} pairs instead of {repeat})", flush=True)
    one = _median(ones, "cpu_all")
    report_build(f"--jobs 1 (median of {len(ones)} by CPU time; CPU s of each: {_spread(ones, 'cpu_all')})", one, mb)
    if many:
        alln = _median(alls, "wall")
        report_build(f"--jobs 0 ({cpu_count()} cores; median of {len(alls)} by wall time; wall s of each: "
                     f"{_spread(alls, 'wall')})", alln, mb)
        one_wall, cpu1, cpun = _median(ones, "wall")["wall"], one["cpu_all"], alln["cpu_all"]
        pairs = " ".join(f"{a['wall'] / b['wall']:.2f}" for a, b in zip(ones, alls))
        pooled = sum(r["wall"] for r in ones) / sum(r["wall"] for r in alls)
        print(f"  speed-up over --jobs 1: {one_wall / alln['wall']:.2f}× wall (medians; each pair, run one after the "
              f"other: {pairs}; all {len(ones)} pairs' walls summed: {pooled:.2f}×); "
              f"{cpu1 / (cpun / cpu_count()):.2f}× on an idle machine, from CPU time "
              f"(CPU s per MB: {cpu1 / mb:.2f} with one process, {cpun / mb:.2f} with {cpu_count()} building processes)")
        _note_if_unsteady(ones)
        last = len(ones) - 1
        same = all((tmp / f"out-1-{last}" / "documents" / p.name).read_bytes() == p.read_bytes()
                   for p in (tmp / f"out-n-{last}" / "documents").iterdir())
        print(f"  --jobs 0 records identical to --jobs 1: {same}")
        warm_gap(tmp, ones, alls)
    floors(texts, mb, ones, runs=floor_runs)


WARM_PAIRS = 2


def _extra_cpu(pairs) -> float:
    """The median over (one process, all processes) pairs of builds of the CPU the second spent beyond the first."""
    return statistics.median(b["cpu_all"] - a["cpu_all"] for a, b in pairs)


def warm_gap(tmp: Path, ones: list[dict], alls: list[dict]) -> None:
    """What the building processes' CPU beyond one process's is made of. The same pair of builds as above, each after
    the corpus was built once in its process (every line remembered; the worker forks with that memory): the extra
    CPU that is left is what more processes cost whatever they remember (results crossing the pipe, the main
    process handing out and taking back chunks, each stage running over one chunk's documents at a time); the rest of
    the cold builds' extra CPU is each process learning the plans' lines on its own (printed signed: near zero or
    below, it is within the machine's noise). Medians of WARM_PAIRS pairs, each run one after the other."""
    pairs = [(measure([tmp / "in"], tmp / f"out-w1-{i}", jobs=1, warm=True),
              measure([tmp / "in"], tmp / f"out-wn-{i}", jobs=0, warm=True)) for i in range(WARM_PAIRS)]
    cold, warm = _extra_cpu(zip(ones, alls)), _extra_cpu(pairs)
    each = " ".join(f"{b['cpu_all']:.2f}/{a['cpu_all']:.2f}" for a, b in pairs)
    print(f"  where the extra CPU of {alls[0]['jobs']} building processes goes ({cold:+.2f} CPU s over one process, median "
          f"of the pairs above): with every line remembered before the build (the corpus built once first in the same "
          f"process, its worker forked from it), {warm:+.2f} CPU s (each pair, all processes/one: {each}); so about "
          f"{cold - warm:+.2f} CPU s is each process learning the plans' lines on its own, and {warm:.2f} what "
          f"more processes cost whatever they remember (results crossing the pipe, chunks handed out and taken back, "
          f"each stage running over one chunk's documents at a time)")


UNSTEADY = 1.15  # the --jobs 1 builds' slowest over fastest CPU time past which the machine's speed is said to have moved


def _unsteady(cpus: list[float]) -> bool:
    return len(cpus) > 1 and max(cpus) > UNSTEADY * min(cpus)


def _note_if_unsteady(ones: list[dict]) -> None:
    """The --jobs 1 builds do the same work, so the spread of their CPU times is the machine's own: a host that
    gives a virtual core a share of a physical one that changes by the second (seen here: the same Python loop took
    0.18 s or 0.33 s, each core on its own, from one second to the next; the same build 10 to 20 CPU s) moves each
    pair's speed-up by as much, whatever the build does. Said so, with what narrows it."""
    cpus = [r["cpu_all"] for r in ones]
    if _unsteady(cpus):
        print(f"  note: the --jobs 1 builds did the same work in {min(cpus):.1f} to {max(cpus):.1f} CPU s "
              f"({max(cpus) / min(cpus):.2f}×): this machine's speed changed from one build to the next, so each pair's "
              f"speed-up carries that change; the medians and the summed walls narrow it as pairs are added (--repeat; an "
              f"unsteady run of the default 3 takes 7)")


# A run deletes thousands of files at its end (its corpus and builds). On this machine's ext4, which has no journal, a
# file created within five minutes of thousands deleted costs up to 0.3 ms more of kernel time (the inode allocator
# passes over recently freed inodes one by one): builds started in that window spent 0.25-0.3 CPU s more in the kernel.
SETTLE_STAMP = Path(tempfile.gettempdir()) / "fangan-bench.last-cleanup"
SETTLE_SECONDS = 300


def _warn_if_unsettled() -> None:
    """Say so when the last run of this benchmark deleted its files less than SETTLE_SECONDS ago."""
    try:
        ago = time.time() - float(SETTLE_STAMP.read_text())
    except (OSError, ValueError):
        return
    if 0 <= ago < SETTLE_SECONDS:
        print(f"note: the last run of this benchmark deleted its files {ago:.0f} s ago; on a file system that passes over "
              f"recently freed inodes (ext4 without a journal) the builds below may spend more time in the kernel: "
              f"start {SETTLE_SECONDS - ago:.0f} s later for figures comparable with a settled machine\n")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        warm = sys.argv[4:5] == ["--warm"]
        child(sys.argv[4 + warm:], sys.argv[2], int(sys.argv[3]), warm)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20.0, help="size of the generated corpus")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=3, help="builds of each whole-corpus configuration (the median is reported)")
    ap.add_argument("--add-corpus", default="1000,2000",
                    help="documents in the corpora one document is added to (comma-separated sizes)")
    ap.add_argument("--quick", action="store_true", help="skip the long documents, the large plans and the add-one measurement")
    ap.add_argument("--no-builds", action="store_true", help="skip the whole-corpus builds and the floors")
    a = ap.parse_args()
    _warn_if_unsettled()
    try:
        _run(a)
    finally:
        SETTLE_STAMP.write_text(f"{time.time():.0f}\n")  # (its folders are deleted by now)


def _run(a: argparse.Namespace) -> None:
    from corpus_gen import generate
    from fangan.executors import cpu_count

    with tempfile.TemporaryDirectory(prefix="fangan-bench-") as tmp_s:
        tmp = Path(tmp_s)
        files = generate(tmp / "in", mb=a.mb, seed=a.seed)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"corpus: {len(files)} distinct plans, {mb:.1f} MB (seed {a.seed}); {cpu_count()} cores")
        if not a.no_builds:
            _whole(tmp, files, mb, a.repeat)
            real_pages(tmp, a.repeat)
        if not a.quick:
            add_one(files, sorted({min(int(n), len(files) - ADDED - 1) for n in a.add_corpus.split(",")}), tmp)
            long_documents(files, tmp)
            large_plans(files, tmp)


if __name__ == "__main__":
    main()
