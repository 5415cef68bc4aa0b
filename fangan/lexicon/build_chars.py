"""Build `data/chars.json.gz`, the character model behind `fangan.lexicon.chars` (run at development time).

    python -m fangan.lexicon.build_chars [--gold DIR ...]

Sources: jieba's dictionary (`jieba/dict.txt`: word, frequency, POS), each word also in traditional script
(OpenCC s2t) at the same frequency, and the `clean_text` of gold answers (default: ../shared/gold/seeds and
../shared/gold/dev when present) for pairs across word boundaries and punctuation. Counts are pruned to what
matters for ranking decodings (characters seen at all, the most frequent pairs) so the file stays about 1 MB.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
from collections import Counter
from pathlib import Path

MAX_BIGRAMS = 150_000
EOL = "\n"
TEXT_WEIGHT = 20  # one running-text occurrence counts like this many dictionary occurrences


def _jieba_words():
    import jieba

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                yield parts[0], int(parts[1])


def _record_texts(files, keys):
    """The string fields `keys` of the JSON records in `files` (gold answers, built corpus records)."""
    for p in files:
        try:
            rec = json.loads(Path(p).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        for key in keys:
            if isinstance(rec.get(key), str):
                yield rec[key]


def build(gold_dirs, corpus_dirs=()) -> dict:
    from fangan.lexicon.script import converter

    s2t = converter("s2t")
    uni: Counter = Counter()
    bi: Counter = Counter()

    def add(text: str, weight: int, line_end: bool = False) -> None:
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            uni[ch] += weight
            if i and not text[i - 1].isspace():
                bi[text[i - 1] + ch] += weight
        if line_end and text and not text[-1].isspace():
            # how lines end (。 ： ； rather than 、 ，): the model's end-of-line symbol is "\n"
            uni[EOL] += weight
            bi[text[-1] + EOL] += weight

    for word, freq in _jieba_words():
        add(word, freq)
        trad = s2t.convert(word)
        if trad != word:
            add(trad, freq)
    gold = [p for d in gold_dirs for p in sorted(Path(d).glob("*.json"))]
    records = [p for d in corpus_dirs for p in sorted(Path(d).glob("documents/*.json"))]
    for text in list(_record_texts(gold, ("title", "clean_text"))) + list(_record_texts(records, ("text",))):
        for line in text.split("\n"):
            add(line, TEXT_WEIGHT, line_end=True)
            trad = s2t.convert(line)
            if trad != line:
                add(trad, TEXT_WEIGHT, line_end=True)
    top = dict(bi.most_common(MAX_BIGRAMS))
    return {"total": sum(uni.values()), "uni": dict(uni), "bi": top}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve()
    shared = here.parents[2] / ".." / "shared" / "gold"
    ap.add_argument("--gold", nargs="*", default=[str(shared / "seeds"), str(shared / "dev")])
    ap.add_argument("--corpus", nargs="*", default=[],
                    help="built corpora whose record texts are added (e.g. a build of ../shared/corpus/bulk)")
    ap.add_argument("--out", default=str(here.parent / "data" / "chars.json.gz"))
    args = ap.parse_args(argv)
    data = build([d for d in args.gold if Path(d).is_dir()], [d for d in args.corpus if Path(d).is_dir()])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with open(args.out, "wb") as out, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(raw)  # mtime=0: the same sources give the same bytes
    print(f"{args.out}: {len(data['uni'])} characters, {len(data['bi'])} pairs, {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
