"""Office, PDF and archive reading throughput in MB/s and docs/s, beside the bare libraries.

    python benchmarks/bench_office.py [--rounds 5] [--doc]

* docx: `fangan.parsers.office.parse_docx` (numbering, tables, text boxes, hints) against bare python-docx
  (`"\\n".join(p.text for p in Document(f).paragraphs)`), on generated numbered plans and the real .docx;
* pdf: `fangan.parsers.pdf.parse_pdf` (lines from characters, running lines, joining, headings, tables)
  against bare pdfplumber (`page.extract_text()` per page), on a generated reportlab plan and the real PDFs;
* zip: `fangan.ingest.archives.iter_archive` (name decoding, limits, nesting) against bare zipfile
  reading every member;
* doc (with --doc, needs LibreOffice): `parse_doc` against `soffice --convert-to docx` alone.

Real documents come from ../shared/corpus/real when present.
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "corpus" / "real"
sys.path.insert(0, str(REPO / "tests"))


def _time(fn, items, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for x in items:
            fn(x)
        best = min(best, time.perf_counter() - t0)
    return best


def _row(label: str, nbytes: int, ndocs: int, secs: float) -> None:
    print(f"  {label:<34} {nbytes / 1e6 / secs:8.2f} MB/s {ndocs / secs:9.1f} docs/s")


def bench_docx(rounds: int) -> None:
    import docx

    from fangan.ingest import SourceItem
    from fangan.parsers.office import parse_docx
    from test_office import PLAN_LEVELS, PLAN_LINES, make_docx

    samples = []
    for n in (1, 10, 40):  # plans of growing length
        paras = []
        for _ in range(n):
            for level, text in PLAN_LINES:
                paras.append((text, 1 if level is not None else None, level or 0, None))
        samples.append(make_docx(paras, {0: PLAN_LEVELS}, {1: (0, "")}))
    samples += [p.read_bytes() for p in sorted(REAL.glob("*.docx"))] if REAL.is_dir() else []
    total = sum(map(len, samples))
    print(f"docx: {len(samples)} files, {total / 1e3:.0f} kB")
    _row("fangan parse_docx", total, len(samples),
         _time(lambda b: parse_docx(SourceItem("x.docx", b)), samples, rounds))
    _row("bare python-docx paragraphs", total, len(samples),
         _time(lambda b: "\n".join(p.text for p in docx.Document(io.BytesIO(b)).paragraphs), samples, rounds))


def bench_pdf(rounds: int) -> None:
    import pdfplumber

    from fangan.ingest import SourceItem
    from fangan.parsers import ParseError
    from fangan.parsers.pdf import parse_pdf
    from test_pdf import make_plan_pdf

    samples = [make_plan_pdf()]
    if REAL.is_dir():
        samples += [p.read_bytes() for p in sorted(REAL.glob("*.pdf")) if "scanned" not in p.name]
    total = sum(map(len, samples))
    print(f"pdf: {len(samples)} files, {total / 1e3:.0f} kB")

    def ours(b):
        try:
            parse_pdf(SourceItem("x.pdf", b))
        except ParseError:
            pass

    def bare(b):
        with pdfplumber.open(io.BytesIO(b)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)

    r = max(1, rounds // 2)
    _row("fangan parse_pdf", total, len(samples), _time(ours, samples, r))
    _row("bare pdfplumber extract_text", total, len(samples), _time(bare, samples, r))


def bench_zip(rounds: int) -> None:
    from fangan.ingest import Limits
    from fangan.ingest.archives import iter_archive

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plans.zip"
        member = ("为切实加强夏季食品安全监管，结合我县实际，制定本方案。\n" * 200).encode("gbk")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for i in range(500):
                zf.writestr(f"dir{i % 10}/plan{i:04d}.txt", member + str(i).encode())
        size = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
        print(f"zip: 500 members, {size / 1e6:.1f} MB uncompressed")

        def ours(p):
            return sum(1 for _ in iter_archive(p, Limits()))

        def bare(p):
            with zipfile.ZipFile(p) as zf:
                return sum(len(zf.read(i)) for i in zf.infolist())

        _row("fangan iter_archive", size, 500, _time(ours, [path], rounds))
        _row("bare zipfile read", size, 500, _time(bare, [path], rounds))


def bench_doc() -> None:
    from fangan.ingest import SourceItem
    from fangan.parsers.office import find_soffice, parse_doc

    exe = find_soffice()
    docs = sorted(REAL.glob("*.doc")) if REAL.is_dir() else []
    if not exe or not docs:
        print("doc: skipped (no LibreOffice or no .doc file)")
        return
    total = sum(p.stat().st_size for p in docs)
    print(f"doc: {len(docs)} files, {total / 1e3:.0f} kB")
    _row("fangan parse_doc (convert + parse)", total, len(docs),
          _time(lambda p: parse_doc(SourceItem(str(p), p.read_bytes())), docs, 2))
    with tempfile.TemporaryDirectory() as tmp:
        def bare(p):
            subprocess.run([exe, "--headless", "--convert-to", "docx", "--outdir", tmp, str(p)],
                           capture_output=True, check=False)

        _row("bare soffice --convert-to docx", total, len(docs), _time(bare, docs, 2))
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--doc", action="store_true", help="also time .doc conversion (needs LibreOffice)")
    a = ap.parse_args()
    bench_docx(a.rounds)
    bench_pdf(a.rounds)
    bench_zip(a.rounds)
    if a.doc:
        bench_doc()


if __name__ == "__main__":
    main()
