"""Site chrome inside the text: what 范文 and document-sharing sites wrap around a plan.

Two mechanisms. `remove_site_chrome` knows the chrome patterns of Chinese document sites (rules
below, one per kind of line). `remove_learned_boilerplate` asks the batch which line shapes recur
across many documents of one site (see `batch.py`). Both only ever remove whole lines or a
marked tail of a line, and every cut is listed in the record's `removed`.

Chrome lines often carry the title (breadcrumbs, 《X.docx》由会员分享, 您正在浏览：X); those
titles go to `ctx.title_candidates` for `structure/` to match against the body's first line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from . import NormalizeContext, StepReport, step

_C = "[：:]"  # colon, either width (punctuation is canonicalized before this step, but be lenient)
_DOC_EXT = r"\s*\.(?:docx?|pdf|wps|txt|pptx?|xlsx?)"


@dataclass(frozen=True)
class ChromeRule:
    name: str
    pattern: re.Pattern
    title_group: Optional[str] = None  # named group holding the document title, if the line carries it
    docshare: bool = False  # the line is a sign of a document-sharing site (page markers expected)
    max_len: int = 400  # a longer line is body text that happens to match


def _r(name: str, pattern: str, title_group: Optional[str] = None, docshare: bool = False, max_len: int = 400) -> ChromeRule:
    compiled = re.compile(pattern)
    if title_group is None and "title" in compiled.groupindex:
        title_group = "title"
    return ChromeRule(name, compiled, title_group, docshare, max_len)


LINE_RULES: tuple[ChromeRule, ...] = (
    # navigation
    _r("breadcrumb", rf"^(?:当前位置{_C}?\s*|您的位置{_C}?\s*|位置{_C}\s*)?(?:首页|主页|网站首页)\s*(?:[>›»/]|&gt;)\s*(?:.*(?:[>›»/]|&gt;)\s*)?(?P<title>[^>›»/]*)$"),
    _r("viewing", rf"^您正在浏览{_C}\s*(?P<title>.+)$"),
    _r("tags", rf"^(?P<title>.*?)\s*标签{_C}.*$", max_len=200),
    _r("site_meta", rf"^(?:手机{_C}.*|分类{_C}.*编辑{_C}.*|.*\s分类{_C}\S+\s+编辑{_C}.*)$", max_len=120),
    _r("post_time", rf"^(?:发布|更新|上传|发表)?时间{_C}\s*\d{{4}}[-/年.]\d{{1,2}}[-/月.]\d{{1,2}}.*$", max_len=120),
    _r("post_meta", rf"^(?:来源|作者|编辑|责任编辑|浏览次数|点击数|阅读次数|字号|发布者|发布人){_C}.{{0,60}}$", max_len=100),
    _r("lead_disclaimer", rf"^导语{_C}\s*(?P<title>.+?)一文来源于.*$"),
    _r("disclaimer", r"^.*(?:不代表本站观点|仅供参考|版权归原作者|如有侵权|请联系删除|若需要原创文章).*$", max_len=200),
    _r("comments", r"^(?:网友评论|发表评论|我要评论|评论列表|相关评论|(?P<title>.*?)\s*暂无评论)$"),
    _r("related", r"^(?:相关资源|猜你喜欢|相关搜索|相关推荐|相关文章|热门文章|推荐阅读|延伸阅读|上一篇|下一篇)(?:[：:].*)?$", max_len=120),
    _r("expand", r"^(?:展开阅读全文|阅读全文|点击查看全文|查看更多|收起)$"),
    _r("copyright", r"^(?:copyright|Copyright|COPYRIGHT|©|版权所有).*$|^.*(?:网站版权所有|版权所有\s*©?).*$", max_len=160),
    _r("icp", r"^.*(?:ICP备|ICP证|经营许可证编号|公网安备).*$", max_len=160),
    _r("print_share", r"^(?:【?字体[：:]?\s*大\s*中\s*小】?|打印本页|关闭窗口|分享到[：:]?.*|微信扫一扫.*|扫一扫.*)$", max_len=80),
    # document-sharing sites
    _r("share_bar", r"^收藏\s*分享(?:（赏）|\(赏\))?$", docshare=True),
    _r("doc_file_title", rf"^(?!附件)(?:\d{{4}}年)?(?P<title>[^\s《》]{{4,80}}?){_DOC_EXT}$", docshare=True),
    _r("uploader", rf"^.*(?:上传人{_C}|文档编号{_C}|上传时间{_C}.*格式{_C}).*$", docshare=True),
    _r("download_bar", r"^下载\s*相关\s*举报$|^(?:下载文档|立即下载|点击下载|文档下载)$", docshare=True),
    _r("page_list", rf"^.*{_DOC_EXT}_第\d+页$|^第\s*\d+\s*页\s*/\s*共\s*\d+\s*页$|^第\s*\d+\s*页\s*共\s*\d+\s*页$", docshare=True),
    _r("preview_end", r"^亲[，,]该文档总共\d+页.*$|^.*全部预览完了.*$", docshare=True),
    _r("resource_header", r"^(?:资源描述|文档介绍|内容简介|文本预览)[：:]?$", docshare=True),
    _r("member_share", rf"^《(?P<title>.+?){_DOC_EXT}》由会员分享.*$", docshare=True, max_len=600),
    _r("member_share_short", r"^.*由会员分享[，,]可在线阅读.*$", docshare=True, max_len=600),
)

# a tail of a line that is chrome: document-sharing sites append their machine summary to the last page
TAIL_RULES: tuple[ChromeRule, ...] = (
    _r("appended_summary", r"\s*内容总结[（(]\d+[）)].*$", docshare=True, max_len=100000),
)


def _clean_title(t: str) -> str:
    t = re.sub(_DOC_EXT + "$", "", t.strip())
    t = re.sub(r"[（(]\d+页珍藏版[）)]$", "", t)
    return t.strip(" 　-_|")


def _looks_like_title(t: str) -> bool:
    return 4 <= len(t) <= 80 and not re.search("[。；]", t)


@step("remove_site_chrome")
def remove_site_chrome(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    lines = text.split("\n")
    kept: list[str] = []
    docshare = False
    for line in lines:
        stripped = line.strip()
        hit = None
        for rule in LINE_RULES:
            if len(stripped) <= rule.max_len:
                m = rule.pattern.match(stripped)
                if m:
                    hit = (rule, m)
                    break
        if hit:
            rule, m = hit
            report.remove(stripped, f"site chrome: {rule.name}")
            docshare = docshare or rule.docshare
            if rule.title_group and m.groupdict().get(rule.title_group):
                cand = _clean_title(m.group(rule.title_group))
                if _looks_like_title(cand) and cand not in ctx.title_candidates:
                    ctx.title_candidates.append(cand)
            continue
        for rule in TAIL_RULES:
            m = rule.pattern.search(line)
            if m and m.start() > 0:
                report.remove(m.group(0).strip(), f"site chrome: {rule.name}")
                docshare = docshare or rule.docshare
                line = line[: m.start()]
        kept.append(line)

    # a title repeated after the chrome that separated it from the body (范文 sites print it twice)
    if kept:
        first = kept[0].strip()
        for i in range(1, min(len(kept), 6)):
            if kept[i].strip() == first and _looks_like_title(first):
                report.remove(kept[i].strip(), "repeated title")
                del kept[i]
                break
    if docshare:
        ctx.metadata.setdefault("site_family", "docshare")
    return "\n".join(kept)


@step("remove_learned_boilerplate")
def remove_learned_boilerplate(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Lines whose shape recurs across many documents of this site (learned from the batch)."""
    batch = ctx.batch
    if batch is None or not hasattr(batch, "is_chrome"):
        return text
    kept = []
    for line in text.split("\n"):
        if batch.is_chrome(line, ctx.site):
            report.remove(line.strip(), "recurs across the site's documents (learned from the batch)")
        else:
            kept.append(line)
    return "\n".join(kept)
