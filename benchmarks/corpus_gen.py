"""A reproducible corpus of distinct plan documents, made from the shared texts.

    python benchmarks/corpus_gen.py OUT_DIR [--mb 20] [--seed 12]

Paragraphs come from the gold clean texts (../shared/gold) and from the pages of
../shared/corpus/bulk (parsed, not built); a seeded RNG recombines them into plans with a title, an
addressee, numbered sections (一、 （一） 1.), a signature and a date. Most files are UTF-8; some are
GB18030 and some are in traditional script (OpenCC s2t), so decoding and script conversion run as
they do on real archives. The same seed and shared data give the same bytes.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

PLACES = ["市", "县", "区", "镇", "市卫生健康委员会", "县教育局", "区人民政府办公室", "市生态环境局", "县农业农村局",
          "区市场监督管理局", "市体育局", "县应急管理局", "市住房和城乡建设局", "区民政局"]
NAMES = ["长宁", "东川", "南平", "西林", "北湖", "青山", "清河", "临江", "安平", "永和", "新丰", "白云"]
TOPICS = ["健康教育", "食品安全专项整治", "安全生产大检查", "垃圾分类", "义务教育均衡发展", "乡村振兴", "文明城市创建",
          "疫苗接种", "防汛抗旱", "森林防火", "校园安全", "农村人居环境整治", "全民健身", "医疗卫生服务提升"]
KINDS = ["实施方案", "工作方案", "活动方案", "行动计划", "三年行动方案"]
HEADINGS = ["指导思想", "工作目标", "主要任务", "组织领导", "实施步骤", "工作措施", "保障措施", "工作要求",
            "重点工作", "职责分工", "督导考核", "经费保障"]
NUMERALS = "一二三四五六七八九十"


def _paragraphs() -> list[str]:
    pool: list[str] = []
    for g in sorted((SHARED / "gold").rglob("*.gold.json")):
        text = json.loads(g.read_text(encoding="utf-8")).get("clean_text") or ""
        pool += [ln.strip() for ln in text.split("\n")]
    bulk = SHARED / "corpus" / "bulk"
    if bulk.is_dir():
        from fangan.ingest import SourceItem, iter_inputs
        from fangan.parsers import parse

        for item in iter_inputs([bulk]):
            if isinstance(item, SourceItem):
                try:
                    pool += [ln.strip() for ln in parse(item).text.split("\n")]
                except Exception:
                    continue
    # body paragraphs: finished sentences of a useful length, each once
    return sorted({p for p in pool if 30 <= len(p) <= 600 and p.endswith(("。", "；", "！"))})


def _document(rng: random.Random, pool: list[str], target: int) -> str:
    name, place, topic = rng.choice(NAMES), rng.choice(PLACES), rng.choice(TOPICS)
    issuer = name + place
    year = rng.randint(2008, 2025)
    lines = [f"{issuer}{year}年{topic}{rng.choice(KINDS)}", "各有关单位："]
    lines.append(rng.choice(pool))
    size = sum(map(len, lines))
    headings = rng.sample(HEADINGS, k=min(len(HEADINGS), rng.randint(4, 8)))
    for i, h in enumerate(headings):
        lines.append(f"{NUMERALS[i]}、{h}")
        for j in range(rng.randint(1, 4)):
            if rng.random() < 0.4:
                lines.append(f"（{NUMERALS[j]}）{rng.choice(pool)}")
            else:
                lines.append(rng.choice(pool))
            if rng.random() < 0.2:
                lines += [f"{k + 1}.{rng.choice(pool)}" for k in range(rng.randint(2, 4))]
        size = sum(map(len, lines))
        if size > target and i >= 2:
            break
    while size < target:
        lines.append(rng.choice(pool))
        size += len(lines[-1])
    lines += ["", issuer, f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
    return "\n".join(lines) + "\n"


def generate(out: Path, mb: float = 20.0, seed: int = 12, count: int | None = None) -> list[Path]:
    """Write the corpus to `out` (mb megabytes of files, or `count` files); returns the files."""
    from fangan.lexicon.script import converter

    rng = random.Random(seed)
    pool = _paragraphs()
    out.mkdir(parents=True, exist_ok=True)
    files, total, i = [], 0, 0
    while (count is None and total < mb * 1e6) or (count is not None and i < count):
        text = _document(rng, pool, target=int(rng.lognormvariate(7.8, 0.5)))
        roll = rng.random()
        if roll < 0.05:
            data = converter("s2t").convert(text).encode("utf-8")
        elif roll < 0.15:
            data = text.encode("gb18030")
        else:
            data = text.encode("utf-8")
        p = out / f"plan_{i:05d}.txt"
        p.write_bytes(data)
        files.append(p)
        total += len(data)
        i += 1
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=12)
    a = ap.parse_args()
    files = generate(Path(a.out), a.mb, a.seed)
    print(f"{len(files)} files, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB in {a.out}")


if __name__ == "__main__":
    main()
