"""HTML parsing throughput: fangan's HTML parser beside bare trafilatura, in MB/s and docs/s.

    python benchmarks/bench_web.py [--rounds 5] [--generic] [FILE.html ...]

Pages default to the HTML of ../shared/corpus/real plus tests/fixtures/web. Each round parses every page once.
`fangan` is `fangan.parsers.parse` (charset decision, Word clean-up, site adapter or generic extraction, blocks,
title, metadata); `trafilatura` is `trafilatura.extract(html_string)` on the already-decoded page, i.e. the bare
main-text extraction with no decoding, no title work and no blocks. `--generic` also times fangan with the site
adapters switched off (the path unknown sites take: trafilatura locates the body, the DOM walker renders it).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _pages(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    out = sorted((REPO.parent / "shared" / "corpus" / "real").glob("*.html"))
    out += sorted((REPO / "tests" / "fixtures" / "web").glob("*.html"))
    return out


def _time(fn, items, rounds: int) -> float:
    fn(items[0])  # warm-up: imports, regex and selector compilation
    t0 = time.perf_counter()
    for _ in range(rounds):
        for it in items:
            fn(it)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--generic", action="store_true")
    a = ap.parse_args()

    import trafilatura

    from fangan.ingest import SourceItem
    from fangan.parsers import ParseError, parse
    from fangan.parsers.html import decode_html

    files = _pages(a.pages)
    items = [SourceItem(path=str(f), data=f.read_bytes()) for f in files]
    texts = [decode_html(it.data).text for it in items]
    total = sum(len(it.data) for it in items) * a.rounds
    n = len(items) * a.rounds

    def ours(it):
        try:
            parse(it)
        except ParseError:
            pass

    rows = [("fangan html parser", _time(ours, items, a.rounds)),
            ("trafilatura.extract (bare)", _time(lambda t: trafilatura.extract(t, include_tables=True), texts, a.rounds))]
    if a.generic:
        from fangan.parsers import html as html_mod

        real = html_mod.site_registry.site_for
        html_mod.site_registry.site_for = lambda url=None, html=None: None
        try:
            rows.insert(1, ("fangan html parser, generic path", _time(ours, items, a.rounds)))
        finally:
            html_mod.site_registry.site_for = real
    print(f"{len(items)} pages, {sum(len(i.data) for i in items) / 1e6:.2f} MB, {a.rounds} rounds")
    for label, secs in rows:
        print(f"  {label:<34} {total / 1e6 / secs:8.2f} MB/s  {n / secs:8.1f} docs/s")


if __name__ == "__main__":
    main()
