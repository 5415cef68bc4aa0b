"""Titles chosen by ranking candidates (structure/document_title.py) and generic site chrome (normalizers/chrome.py)."""
from __future__ import annotations

import json
import re

import pytest

from fangan.normalizers import NormalizeContext, normalize_and_explain
from fangan.parsers import TitleCandidate
from fangan.pipeline import process_file
from fangan.structure import build_structure
from fangan.structure.document_title import choose_title, clean_candidate, is_not_a_title

CHROME_WORDS = re.compile(r"标题[：:]|索引号|当前位置|来源[：:]|发布时间|下载|分享")


def _reasons(doc) -> list[str]:
    return [r.reason for r in doc.removed]


# --- generic chrome, each kind listed with the rule that cut it ----------------------------------

def test_crawler_header_breadcrumb_share_and_footer_are_cut_and_listed(fixtures_dir):
    doc = process_file(fixtures_dir / "chrome" / "crawler_header.txt")
    # the crawler's 标题 line opens the file: it is the title line, the body keeps its own heading
    assert doc.title == "关于印发《某县2021年农村人居环境整治实施方案》的通知"
    assert doc.text.split("\n")[:2] == ["某政办〔2021〕12号", "某县人民政府办公室关于印发《某县2021年农村人居环境整治实施方案》的通知"]
    assert doc.text.endswith("落实工作责任。")
    for word in ("发布机构", "原文链接", "本地目录", "links.tsv", "正文 ===", "当前位置", "微信", "QQ空间", "来源", "附件下载"):
        assert word not in doc.text
    reasons = " ".join(_reasons(doc))
    for rule in ("metadata labels", "crawler_header", "breadcrumb", "post_time", "share_widgets", "source_footer"):
        assert rule in reasons
    assert any(r.step == "choose_title" and "label line" in (r.detail or "") for r in doc.repairs)


def test_govcn_metadata_box_is_cut_and_the_wrapped_body_heading_is_the_title(fixtures_dir):
    doc = process_file(fixtures_dir / "chrome" / "govcn_metadata_box.html")
    assert doc.title == "国务院办公厅关于推进农村人居环境整治的指导意见"
    assert doc.text.startswith("国办发〔2019〕11号\n各省、自治区")
    for label in ("索", "主题分类", "发文机关", "成文日期", "发文字号", "发布日期", "主 题 词"):
        assert not any(ln.startswith(label) for ln in doc.text.split("\n"))
    assert sum("metadata labels" in r for r in _reasons(doc)) == 5


def test_word_css_leaked_into_a_flattened_page_is_cut(fixtures_dir):
    doc = process_file(fixtures_dir / "chrome" / "word_css_page.txt")
    assert "mso-" not in doc.text and "MsoNormalTable" not in doc.text and "Normal 0" not in doc.text
    assert doc.title == "关于开展冬春消防安全专项行动的通知"
    assert any("word_css" in r for r in _reasons(doc))


def test_chrome_of_another_document_sharing_site_is_cut(fixtures_dir):
    doc = process_file(fixtures_dir / "chrome" / "docshare_other_site.txt")
    assert doc.title == "社区2022年垃圾分类工作实施方案"
    assert doc.text.startswith("为深入推进生活垃圾分类工作")
    for word in ("上传人", "资源描述", "文档由用户上传分享", "第1页", "已全部预览完毕", "举报"):
        assert word not in doc.text
    assert len(doc.removed) == 7


@pytest.mark.parametrize("line", [
    "时间：3月20日至3月31日",  # a schedule line of a plan
    "来源：各乡镇上报的统计数据汇总后形成报告，并对照目标进行考核。",
    "标题要简明扼要，内容要真实准确。",
    "主题：安全生产月",
])
def test_body_lines_with_label_words_stay(line):
    e = normalize_and_explain("某县安全生产月活动方案\n" + line + "\n一、工作目标", NormalizeContext())
    assert line.replace(":", "：") in e.text


# --- titles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,clean", [
    ("关于印发2024年工作要点的通知_某县人民政府", "关于印发2024年工作要点的通知"),
    ("某镇防汛工作方案 - 某镇政府门户网站", "某镇防汛工作方案"),
    ("2023年区卫生系统创建实施方案 .doc", "2023年区卫生系统创建实施方案"),
    ("标题： 关于印发《安全隐患大排查 实施方案》的通知", "关于印发《安全隐患大排查实施方案》的通知"),
    ("关于深化“先锋工程”建设 深入开展创先争优活动的实施意见", "关于深化“先锋工程”建设 深入开展创先争优活动的实施意见"),
    ("Microsoft Word - 某县防汛工作方案.doc", "某县防汛工作方案"),
])
def test_candidates_are_cleaned_of_site_decoration(raw, clean):
    assert clean_candidate(raw) == clean


@pytest.mark.parametrize("text", [
    "县人民政府办公室", "县第一中学", "县卫生监督所",  # letterheads (regression, issue #10)
    "下载 收藏 举报 分享", "索 引 号： 0000000/2019-00000 主题分类：农业", "当前位置：首页 > 通知公告",
    "2021年4月28日", "1、加强组织领导", "工作方案.docx", "某某市教育网", "发布时间：2020-03-17",
])
def test_what_is_never_a_title(text):
    assert is_not_a_title(text) is not None


@pytest.mark.parametrize("letterhead", ["县人民政府办公室", "县第一中学", "县卫生监督所"])
def test_a_letterhead_is_never_the_title(letterhead):
    st = build_structure(f"{letterhead}\n关于开展校园安全专项整治的工作方案\n一、工作目标\n消除安全隐患。")
    assert st.title == "关于开展校园安全专项整治的工作方案"
    assert st.lines[0] == letterhead  # the letterhead stays in the text
    # a letterhead alone above a sentence gives no title rather than the letterhead
    st = build_structure(f"{letterhead}\n为切实加强安全管理，特制定本方案。\n一、工作目标")
    assert st.title != letterhead


def test_a_first_page_marker_and_a_toolbar_are_not_titles():
    cands = [TitleCandidate("下载 收藏 举报 分享", "chrome"), TitleCandidate("1、", "chrome"),
             TitleCandidate("某镇2024年人居环境整治实施方案", "page_title")]
    choice = choose_title(["为改善人居环境，制定本方案。", "一、工作目标"], cands)
    assert choice.title == "某镇2024年人居环境整治实施方案"
    assert "page_title" in choice.repairs[-1].detail


def test_cms_title_wins_over_a_differently_worded_body_heading():
    lines = ["2023年某校教师办公室美化实施方案", "某校教师办公室美化实施方案", "一、实施目的"]
    choice = choose_title(lines, [TitleCandidate(lines[0], "site_title")], lines[0])
    assert choice.title == lines[0] and choice.lines[0] == "某校教师办公室美化实施方案"


def test_a_title_run_into_the_first_line_is_split_off():
    choice = choose_title(["卫健局精神文明创建工作实施方案为认真贯彻落实市、县文明办工作要求，特制定本方案。"],
                          [TitleCandidate("卫健局精神文明创建工作实施方案", "chrome")])
    assert choice.title == "卫健局精神文明创建工作实施方案"
    assert choice.lines[0].startswith("为认真贯彻")


@pytest.mark.shared
def test_bulk_titles_hold_no_label_or_chrome_word_and_none_is_empty(shared_dir, tmp_path):
    from fangan.pipeline import build

    out = tmp_path / "bulk"
    build([shared_dir / "corpus" / "bulk"], out)
    titles = [json.loads(p.read_text("utf-8"))["title"] for p in (out / "documents").glob("*.json")]
    bad = [t for t in titles if not t.strip() or CHROME_WORDS.search(t)]
    print(f"bulk: {len(titles)} titles, {len(bad)} with a label or chrome word or empty")
    assert len(titles) >= 200 and bad == []


@pytest.mark.parametrize("name,title", [
    ("label_header_other_order.txt", "某县教育局关于开展2022年校园安全专项整治的实施方案"),
    ("info_line_and_widgets.txt", "某县教育局关于开展2022年校园安全专项整治的实施方案"),
    ("generic_cms_page.html", "关于印发某镇2023年防汛工作方案的通知"),
])
def test_pages_of_other_sites_give_the_plan_title_and_a_clean_body(fixtures_dir, name, title):
    doc = process_file(fixtures_dir / "chrome" / name)
    assert doc.title == title
    first = doc.text.split("\n")[0]
    assert first in ("各中小学校：", "各村（社区）、镇直各单位：")
    assert not CHROME_WORDS.search(doc.text) and "字体" not in doc.text and "上一篇" not in doc.text


def test_a_whole_title_line_is_not_split_by_a_shorter_candidate():
    full = "6月份主题党日活动方案暨参观“建党百年 初心如磐”——长三角红色档案珍品展方案"
    cands = [TitleCandidate(full, "site_title"), TitleCandidate("6月份主题党日活动方案暨参观“建党百年 初心如磐”", "page_title")]
    choice = choose_title([full, "各支部：", "一、活动目的"], cands, full)
    assert choice.title == full and choice.lines[0] == "各支部："


def test_bracketed_info_lines_site_navigation_and_site_codes_are_cut():
    text = ("某县防汛工作方案\n【发布时间：2020-03-13】【来源：县水利局】【字号：大 中 小】\n一、工作目标\n确保安全度汛。\n"
            "网站地图 | 联系我们 | 设为首页\n政府网站标识码：3306000001 浙ICP备12345号")
    e = normalize_and_explain(text, NormalizeContext())
    assert e.text == "某县防汛工作方案\n一、工作目标\n确保安全度汛。"
    assert [r.reason.split(" (")[0] for r in e.removed] == ["site chrome: metadata labels", "site chrome: share_widgets",
                                                          "site chrome: icp"]


def test_a_page_title_that_names_only_the_site_gives_way_to_the_documents_heading(fixtures_dir):
    doc = process_file(fixtures_dir / "chrome" / "site_name_as_page_title.html")
    assert doc.title == "某县2023年森林防火工作方案"
    assert doc.text.startswith("为做好2023年森林防火工作") and "某县人民政府" not in doc.text.split("\n")[0]
