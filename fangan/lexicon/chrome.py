"""Words and labels of site chrome: what a web page, a crawler or a document-sharing site prints around a plan.

Used by the normalizer's chrome detectors (`normalizers/chrome.py`), the HTML parser and the title ranking
(`structure/document_title.py`), so that "what chrome looks like" is written once. Nothing here names a site: these are
the labels and widgets that Chinese government, school and 文库 pages share.
"""
from __future__ import annotations

import re

COLON = "[：:]"


def spaced(label: str) -> str:
    """A label as pages print it: characters may be spread with spaces to align a table (索 引 号, 标　　题)."""
    return r"[ \t\u3000\xa0]*".join(re.escape(ch) for ch in label)


# Labels of metadata boxes (gov.cn 索引号 table, 政府信息公开 pages), crawler headers and article info lines.
# A line made only of `label：value` pairs with these labels is chrome, wherever it stands.
METADATA_LABELS: tuple[str, ...] = (
    "索引号", "信息索引号", "主题分类", "体裁分类", "组配分类", "服务对象分类", "信息分类", "信息类别", "分类",
    "发文机关", "发布机关", "发布机构", "发布单位", "发布部门", "所属机构", "公开主体", "生成日期", "成文日期",
    "发文日期", "发布日期", "发布时间", "更新时间", "公开日期", "印发日期", "实施日期", "废止日期", "有效性",
    "标题", "文章标题", "题名", "名称", "发文字号", "文号", "文件编号", "主题词", "关键词", "关键字",
    "公开方式", "公开范围", "公开时限", "公开形式", "栏目", "所属栏目", "原文链接", "原文地址", "本地目录",
    "来源", "信息来源", "文章来源", "作者", "责任编辑", "编辑", "审核", "录入", "浏览次数", "点击数", "阅读次数",
    "访问量", "访问次数", "点击", "浏览", "阅读量", "发布者", "供稿", "撰稿", "录入时间", "发稿时间", "字号", "时间",
)
# labels whose value is the page's title (a title candidate when its line is cut)
TITLE_LABELS: tuple[str, ...] = ("标题", "文章标题", "题名", "名称")
# labels common in plan bodies too (时间：3月20日 is a schedule line): a line with only these is chrome only when
# its value looks like a post stamp, or when it stands with a distinctive label
WEAK_LABELS: frozenset[str] = frozenset({"时间", "来源", "作者", "编辑", "审核", "名称", "分类", "关键词", "关键字", "字号",
                                        "点击", "浏览", "供稿", "撰稿"})

# breadcrumb heads (当前位置：首页 > …)
BREADCRUMB_HEADS: tuple[str, ...] = ("当前位置", "您的位置", "您现在的位置", "您当前的位置", "所在位置", "现在位置", "位置")
# share widgets and toolbars
SHARE_WORDS: tuple[str, ...] = (
    "微信", "微博", "QQ空间", "QQ好友", "朋友圈", "腾讯微博", "新浪微博", "人人网", "豆瓣", "分享到", "分享",
    "收藏", "举报", "下载", "打印", "关闭", "打印本页", "关闭窗口", "相关", "评论", "点赞",
)
# widgets that end a page (after 来源：…)
FOOTER_WORDS: tuple[str, ...] = (
    "附件下载", "打印本页", "关闭窗口", "【打印】", "【关闭】", "【打印正文】", "【关闭窗口】", "[打印]", "[关闭]",
    "返回顶部", "分享到", "网站地图", "联系我们", "设为首页", "加入收藏", "关于我们", "网站声明", "返回首页", "无障碍浏览",
    "无障碍", "English", "繁体版", "简体版",
)
# lines a crawler writes between its header and the page text
CRAWLER_LINES: tuple[str, ...] = (
    r"页面链接与图片详见.*",
    r"[=＝\-—*#]{4,}\s*(?:正文|全文|内容|原文)?\s*[=＝\-—*#]{4,}",
)
# document-sharing sites (文库): lines about the upload, not the document
DOCSHARE_LINES: tuple[str, ...] = (
    r"本文档共\s*\d+\s*页[，,]?\s*已全部预览完毕.*",
    r".*(?:全部预览完了|已全部预览完毕|预览已结束|全文阅读已结束|剩余\d+页未读|还剩\d+页未读).*",
    r"(?:资源描述|文档介绍|内容简介|文本预览|文档简介){COLON}?.*".replace("{COLON}", COLON),
    r"《.+?》文档由用户上传分享.*",
    r".*由(?:会员|用户)上传分享.*",
    r".*(?:上传人|上传者|文档编号|上传时间|上传于){COLON}.*".replace("{COLON}", COLON),
    r"第\s*\d+\s*页\s*[/／]?\s*共\s*\d+\s*页",
    r"(?:下载\s*收藏\s*举报\s*分享|下载\s*相关\s*举报|收藏\s*分享|下载文档|立即下载|点击下载|文档下载|免费下载)",
    r"(?:\d+\s*)?(?:积分|金币|财富值|下载券)\s*(?:下载|\d+).*",
)

# a date-time stamp of a post (2015-04-30 10:09, 2020年3月13日 16:28:01)
POST_STAMP = r"\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"

# MS-Word CSS that leaks into a page's text when a Word document is pasted into a CMS:
# "Normal 0 7.8 磅 0 2 false false false MicrosoftInternetExplorer4 st1\:*{behavior:url(#ieooui) } /* Style
# Definitions */ table.MsoNormalTable {mso-style-name:普通表格; …}"
WORD_CSS = re.compile(
    r"(?:Normal\s+\d[\w\s.磅]*?(?:false\s+)+(?:false|true)\s+(?:MicrosoftInternetExplorer\d|EN-US|ZH-CN|X-NONE)[\w\s-]*?)?"
    r"(?:(?:/\*[^*]{0,80}\*/|[A-Za-z0-9_.:\\*#@,>\- ]{1,80}\{[^{}]{0,3000}\})\s*)+"
)
WORD_CSS_HINT = re.compile(r"\{[^{}]*(?:mso-|font-family|behavior:url)[^{}]*\}|MicrosoftInternetExplorer\d")

# words that make a candidate a site, not a document title
SITE_WORDS = re.compile(
    r"(?:网|网站|文库|首页|门户|官网|平台|之家|频道|在线|范文|大全|资料|文档|\.(?:com|cn|net|org|gov)(?:\.cn)?)$", re.I)
# words of a toolbar or navigation line (a candidate made of these is not a title)
TOOLBAR = re.compile(r"^(?:(?:" + "|".join(map(re.escape, SHARE_WORDS)) + r")[\s|/·]*){2,}$")
