"""Full-text indexing and query throughput, jieba beside rjieba, in MB/s and docs/s.

    python benchmarks/bench_search.py [--copies 40] [CORPUS_DIR]

Uses a built corpus (default: builds data/samples plus ../shared/corpus/seeds when present into a
temporary folder). Its records are copied `--copies` times under new ids, then for each tokenizer:

* bare library   jieba.cut / rjieba.cut, and their cut_for_search, on the document texts
* index columns  fangan's FTS columns (words joined by U+200B, plus dictionary sub-words)
* build_index    the whole DIR/corpus.sqlite: tables, FTS5 insert, optimize
* queries        fangan.search over a fixed query list (queries/s)

MB are UTF-8 megabytes of the document texts.
"""
from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERIES = ["知晓率", "医改", "健康教育 知晓率", "醫改", "食品安全", "精神文明建设", "责任单位", "覆盖率 100%"]


def _source_corpus(arg: str | None, tmp: Path) -> Path:
    if arg:
        return Path(arg)
    from fangan.pipeline import build

    inputs = [REPO / "data" / "samples"]
    seeds = REPO.parent / "shared" / "corpus" / "seeds"
    if seeds.is_dir():
        inputs.append(seeds)
    out = tmp / "src"
    build(inputs, out)
    return out


def _replicate(src: Path, dest: Path, copies: int) -> list[dict]:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((src / "documents").glob("*.json"))]
    (dest / "documents").mkdir(parents=True)
    out = []
    for i in range(copies):
        for r in records:
            r = dict(r, id=f"{i:04x}{r['id'][4:]}")
            (dest / "documents" / f"{r['id']}.json").write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
            out.append(r)
    return out


def _rate(label: str, mb: float, n: int, secs: float, extra: str = "") -> None:
    print(f"{label:<30} {mb / secs:8.2f} MB/s {n / secs:9.1f} docs/s   ({secs:.2f} s){extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--copies", type=int, default=40)
    a = ap.parse_args()
    import jieba

    from fangan.corpus import search as S

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    try:
        import rjieba
    except ImportError:
        rjieba = None
        print("rjieba is not installed (pip install 'fangan[fast]'): jieba only")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = _source_corpus(a.corpus, tmp)
        records = _replicate(src, tmp / "bench", a.copies)
        texts = [r["text"] for r in records]
        n = len(texts)
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        print(f"{n} documents, {mb:.2f} MB of text")

        bare = [("bare jieba.cut", lambda t: list(jieba.cut(t))),
                ("bare jieba.cut_for_search", lambda t: list(jieba.cut_for_search(t)))]
        if rjieba:
            bare += [("bare rjieba.cut", lambda t: rjieba.cut(t, True)),
                     ("bare rjieba.cut_for_search", lambda t: rjieba.cut_for_search(t, True))]
        for label, fn in bare:
            t0 = time.perf_counter()
            for t in texts:
                fn(t)
            _rate(label, mb, n, time.perf_counter() - t0)

        for name in ["jieba"] + (["rjieba"] if rjieba else []):
            tok = S.get_tokenizer(name)
            t0 = time.perf_counter()
            for r in records:
                S.index_columns(r["title"], r["text"], tok)
            _rate(f"fangan index columns, {name}", mb, n, time.perf_counter() - t0)
            root = tmp / "bench"
            S.db_path(root).unlink(missing_ok=True)
            t0 = time.perf_counter()
            S.build_index(root, tokenizer=name)
            _rate(f"fangan build_index, {name}", mb, n, time.perf_counter() - t0)
            t0 = time.perf_counter()
            upd = S.build_index(root, tokenizer=name)
            print(f"{'  … again, nothing changed':<30} {time.perf_counter() - t0:8.3f} s   (re-indexed {upd.indexed})")
            reps = 5
            t0 = time.perf_counter()
            for _ in range(reps):
                for q in QUERIES:
                    S.search(q, root)
            secs = time.perf_counter() - t0
            print(f"{'  queries, ' + name:<30} {reps * len(QUERIES) / secs:8.1f} queries/s over {n} documents")


if __name__ == "__main__":
    main()
