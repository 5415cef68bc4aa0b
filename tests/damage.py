"""A damage simulator: what archives do to a clean plan, written from the phenomena (README, issue #14), seeded.

Each damage kind takes a clean document (its title line, then its body lines) and a `random.Random`, and returns
the damaged file's bytes and a file suffix, or None when the kind does not apply to that document (a lexical round
trip needs words to destroy). The damaged copy must build into the same record as the clean one: same title, text
CER ≤ 0.5 %, same section tree (`tests/test_damage_invariance.py`, `benchmarks/bench_damage.py`).

Kinds: codec chains (GBK shown as Latin-1, UTF-8 shown as GBK, UTF-8 shown as Latin-1, and two in a row),
traditional script with and without pinyin after each converted character (衛(wèi)), chrome of several site
kinds (crawler header, gov.cn metadata box, CMS breadcrumb with share bar and source footer, document-sharing
upload page with its page counters), page markers `N、` that break pages inside words, paragraphs flattened to
spaces, and machine-translation round trips (服务 → 效劳).
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

# --------------------------------------------------------------------------------------------------------------
# documents


@dataclass(frozen=True)
class CleanDoc:
    name: str
    title: str
    body: list[str]

    @property
    def text(self) -> str:
        return "\n".join([self.title] + self.body)


def gold_documents(gold_dirs: list[Path]) -> list[CleanDoc]:
    """Clean documents from gold answers: the title line, then `clean_text` (one paragraph per line)."""
    docs = []
    for d in gold_dirs:
        for p in sorted(Path(d).glob("*.gold.json")):
            g = json.loads(p.read_text("utf-8"))
            body = [ln.strip() for ln in (g.get("clean_text") or "").split("\n") if ln.strip()]
            if body and body[0] == g.get("title"):
                body = body[1:]  # a page that kept its own heading below the title line: one title line here
            if g.get("title") and len(body) >= 3:
                docs.append(CleanDoc(p.name.split(".")[0], g["title"], body))
    return docs


def text_documents(paths: list[Path]) -> list[CleanDoc]:
    """Clean plans kept as text files (fixtures, samples): the first line is the title."""
    from fangan.parsers.text import decode_bytes

    docs = []
    for p in paths:
        lines = [ln.strip() for ln in decode_bytes(Path(p).read_bytes())[0].splitlines() if ln.strip()]
        if len(lines) >= 4:
            docs.append(CleanDoc(Path(p).stem, lines[0], lines[1:]))
    return docs


# --------------------------------------------------------------------------------------------------------------
# damage kinds: (doc, rng) -> (bytes, suffix) or None

Damage = Callable[[CleanDoc, random.Random], Optional[tuple[bytes, str]]]


def _utf8(text: str) -> tuple[bytes, str]:
    return text.encode("utf-8"), "txt"


def gbk_shown_as_latin1(doc: CleanDoc, rng: random.Random):
    """The whole file's GBK bytes decoded as Latin-1 (or cp1252) and saved as UTF-8: ÄãºÃ."""
    try:
        raw = doc.text.encode("gbk")
    except UnicodeEncodeError:
        return None
    shown = raw.decode("latin-1")
    return _utf8(shown)


def utf8_shown_as_gbk(doc: CleanDoc, rng: random.Random):
    """UTF-8 shown as GBK (浣犲ソ) on the lines whose bytes happen to be valid GBK (reversible); other lines were
    pasted clean: a mixed document, decided line by line."""
    out = []
    for ln in [doc.title] + doc.body:
        try:
            out.append(ln.encode("utf-8").decode("gbk") if rng.random() < 0.7 else ln)
        except UnicodeDecodeError:
            out.append(ln)
    return _utf8("\n".join(out))


def utf8_shown_as_gbk_lossy(doc: CleanDoc, rng: random.Random):
    """UTF-8 decoded as GB18030 with `errors="replace"` and saved: one byte lost per U+FFFD. Not reversible: the
    model guesses each lost byte; scored by the benchmark, not held to the invariance bar."""
    return _utf8(doc.text.encode("utf-8").decode("gb18030", errors="replace"))


def utf8_shown_as_latin1(doc: CleanDoc, rng: random.Random):
    """UTF-8 shown as cp1252 or Latin-1 (ftfy's case: å·¥ä½œ)."""
    codec = rng.choice(["latin-1", "cp1252"])
    raw = doc.text.encode("utf-8")
    try:
        return _utf8(raw.decode(codec))
    except UnicodeDecodeError:
        return _utf8(raw.decode("latin-1"))


def some_lines_mojibake(doc: CleanDoc, rng: random.Random):
    """A document whose lines were pasted from different sources: a third of them GBK shown as Latin-1."""
    lines = [doc.title] + doc.body
    out = []
    for ln in lines:
        if rng.random() < 0.33 and len(ln) >= 6:
            try:
                ln = ln.encode("gbk").decode("latin-1")
            except UnicodeEncodeError:
                pass
        out.append(ln)
    return _utf8("\n".join(out))


_S2T = None


def _to_traditional(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


_SYLLABLES = ("wèi", "shēng", "jú", "guān", "yú", "kāi", "zhǎn", "gōng", "zuò", "fāng", "àn", "shí", "shī", "jiàn",
              "shè", "guǎn", "lǐ", "zhì", "dù", "xiàn", "zhèn", "qū", "yuàn", "xué", "xiào")


def traditional(doc: CleanDoc, rng: random.Random):
    """The document converted to traditional script (a naive s→t conversion), as Big5 or UTF-8 bytes."""
    text = _to_traditional(doc.text)
    if rng.random() < 0.5:
        try:
            return text.encode("cp950"), "txt"
        except UnicodeEncodeError:
            pass
    return _utf8(text)


def traditional_with_pinyin(doc: CleanDoc, rng: random.Random):
    """Traditional script with a pinyin reading after every converted character: 衛(wèi)生局."""
    simp = doc.text
    trad = _to_traditional(simp)
    out = []
    for s, t in zip(simp, trad):
        out.append(t + (f"({rng.choice(_SYLLABLES)})" if s != t else ""))
    return _utf8("".join(out))


def crawler_header(doc: CleanDoc, rng: random.Random):
    """A crawler's text rendition: a label header (标题/发布时间/发布机构/栏目/原文链接/本地目录), a separator,
    then the page body (which here has no heading of its own: the label line is the title line)."""
    n = rng.randint(100, 99999)
    head = [f"标题: {doc.title}", f"发布时间: 20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 10:0{rng.randint(0, 9)}",
            "文号: ", f"发布机构: {rng.choice(['某县人民政府', '某市教育局', '某区管委会'])}", "栏目: 通知公告",
            f"原文链接: https://www.example.gov.cn/zwgk/t2020_{n}.htm", f"本地目录: zwgk/{n}_{doc.title[:20]}",
            "页面链接与图片详见 links.tsv(同目录)", "==================== 正文 ===================="]
    return _utf8("\n".join(head + doc.body + [f"来源：{rng.choice(['某县人民政府', '中国某地'])}", "附件下载"]))


def govcn_box(doc: CleanDoc, rng: random.Random):
    """A gov.cn-style metadata box (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期, 主题词) above
    the document, as table rows of an HTML fragment."""
    cells = [("索 引 号：", f"000014349/20{rng.randint(10, 24)}-00{rng.randint(100, 999)}", "主题分类：", "综合政务\\其他"),
             ("发文机关：", "某县人民政府办公室", "成文日期：", "2020年03月11日"),
             ("标　　题：", doc.title, "", ""),
             ("发文字号：", "某政办〔2020〕8号", "发布日期：", "2020年03月13日")]
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row if c) + "</tr>" for row in cells)
    body = "".join(f"<p>{_esc(ln)}</p>" for ln in [doc.title] + doc.body)
    html = (f"<div class='wrap'><table class='bd1'><tbody>{rows}</tbody></table>"
            f"<table><tbody><tr><td>主 题 词：</td><td></td></tr></tbody></table><div class='b12c'>{body}</div></div>")
    return html.encode("utf-8"), "html"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cms_breadcrumb(doc: CleanDoc, rng: random.Random):
    """A CMS page copied as text: breadcrumb, post time and share bar (on one line or on their own), the document,
    then the source line and the attachment widget."""
    crumb = f"当前位置：首页 > {rng.choice(['政务公开', '通知公告', '工作动态'])} > {doc.title}"
    stamp = f"发布时间：2021-0{rng.randint(1, 9)}-2{rng.randint(0, 8)} 0{rng.randint(0, 9)}:1{rng.randint(0, 9)}"
    share = rng.choice(["微信 微博 QQ空间", "分享到： 微信 微博", "【打印本页】【关闭窗口】"])
    foot = [f"来源：{rng.choice(['某县教育局', '某镇人民政府'])}", rng.choice(["附件下载", "【打印】【关闭】"])]
    return _utf8("\n".join([crumb, stamp, share, doc.title] + doc.body + foot))


def docshare(doc: CleanDoc, rng: random.Random, flatten: bool = False):
    """A document-sharing (文库) page: toolbar, file name, upload line, page counters; the text split into pages that
    start with a page number `N、` wherever the page broke, inside words too (围 / 2、绕); optionally each page
    flattened to one line with spaces between paragraphs."""
    pages_n = rng.randint(2, 4)
    text = "\n".join([doc.title] + doc.body)
    # pages of a few hundred characters at least (a page of the original holds that much)
    # (breaks on a 400-character grid, each moved by less than half a step: no page under 200 characters)
    pages_n = max(1, min(pages_n, len(text) // 400))
    cuts = sorted(rng.sample(range(400, max(401, len(text) - 205), 400), pages_n - 1)) if pages_n > 1 else []
    cuts = [c + rng.randint(0, 199) for c in cuts]
    pages, prev = [], 0
    for c in cuts + [len(text)]:
        while c < len(text) and text[c] == "\n":
            c += 1  # a page break is never placed on a paragraph break itself here
        pages.append(text[prev:c])
        prev = c
    pages = [p for p in pages if p.strip()]
    lines = []
    for i, p in enumerate(pages, 1):
        paras = p.split("\n")
        if flatten:
            paras = [" ".join(x for x in paras if x)]
        paras[0] = f"{i}、{paras[0]}"
        lines += [x for x in paras if x]
    head = ["收藏 分享(赏)", f"{doc.title} .doc", f"上传人:a****{rng.randint(1, 9)} 文档编号:{rng.randint(10000, 99999)} "
            f"上传时间:2022-03-0{rng.randint(1, 9)} 格式:DOC 页数:{len(pages)} 大小:12KB", "下载 相关 举报"]
    head += [f"第{i}页 / 共{len(pages)}页" for i in range(1, len(pages) + 1)]
    return _utf8("\n".join(head + lines + [f"本文档共{len(pages)}页，已全部预览完毕"]))


def docshare_flattened(doc: CleanDoc, rng: random.Random):
    return docshare(doc, rng, flatten=True)


ROUND_TRIP = {"服务": "效劳", "细则": "细那么", "基础": "根底", "创建": "创立", "发展观": "开展观"}


def lexical_round_trip(doc: CleanDoc, rng: random.Random):
    """A zh→en→zh round trip that replaces words everywhere (服务 → 效劳, 细则 → 细那么, 基础 → 根底 …); it
    applies only to documents holding at least two of the words it destroys (the repair needs its signature)."""
    text = doc.text
    present = [w for w in ROUND_TRIP if w in text and w not in ("创建",)]
    if len(present) < 2 or any(d in text for d in ROUND_TRIP.values()):
        return None
    for clean, damaged in ROUND_TRIP.items():
        text = text.replace(clean, damaged)
    return _utf8(text)


KINDS: dict[str, Damage] = {
    "gbk_shown_as_latin1": gbk_shown_as_latin1,
    "utf8_shown_as_gbk": utf8_shown_as_gbk,
    "utf8_shown_as_latin1": utf8_shown_as_latin1,
    "some_lines_mojibake": some_lines_mojibake,
    "traditional": traditional,
    "traditional_with_pinyin": traditional_with_pinyin,
    "crawler_header": crawler_header,
    "govcn_box": govcn_box,
    "cms_breadcrumb": cms_breadcrumb,
    "docshare": docshare,
    "docshare_flattened": docshare_flattened,
    "lexical_round_trip": lexical_round_trip,
}
# damage that loses information: measured by benchmarks/bench_damage.py, not part of the ≥ 99 % bar
LOSSY_KINDS: dict[str, Damage] = {"utf8_shown_as_gbk_lossy": utf8_shown_as_gbk_lossy}
ALL_KINDS = {**KINDS, **LOSSY_KINDS}


def damaged_copies(docs: list[CleanDoc], seed: int = 14, kinds: Optional[list[str]] = None):
    """(doc, kind, bytes, suffix) for every document and kind, each with its own seeded Random."""
    for doc in docs:
        for kind in kinds or list(KINDS):
            rng = random.Random(f"{seed}:{doc.name}:{kind}")
            out = ALL_KINDS[kind](doc, rng)
            if out is not None:
                yield doc, kind, out[0], out[1]


# --------------------------------------------------------------------------------------------------------------
# comparing records


def record_for(data: bytes, suffix: str, name: str = "doc"):
    from fangan.ingest import SourceItem
    from fangan.pipeline import process_item

    return process_item(SourceItem(path=f"{name}.{suffix}", data=data))


def _flatten(sections, prefix=()):
    for s in sections or []:
        key = prefix + (s.marker,)
        yield key, s.title
        yield from _flatten(s.children, key)


def compare(clean, damaged) -> list[str]:
    """What differs between the clean copy's record and the damaged copy's (empty: the same record)."""
    from rapidfuzz.distance import Levenshtein
    import re

    problems = []
    if clean.title != damaged.title:
        problems.append(f"title {damaged.title!r} != {clean.title!r}")
    a, b = re.sub(r"\s+", "", clean.text), re.sub(r"\s+", "", damaged.text)
    cer = Levenshtein.distance(a, b) / max(1, len(a))
    if cer > 0.005:
        problems.append(f"CER {cer:.4f}")
    if list(_flatten(clean.sections)) != list(_flatten(damaged.sections)):
        problems.append("section tree differs")
    return problems
