"""The HTML parser: charset order, Word HTML, blocks, titles, site adapters, multi-page joining."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from fangan.ingest import SourceItem
from fangan.parsers import ParseError, parse
from fangan.parsers import sites
from fangan.parsers.html import clean_title, decode_html, is_pager

WEB = Path(__file__).resolve().parent / "fixtures" / "web"


def parsed(name: str, **kw):
    return parse(SourceItem(path=str(WEB / name), data=(WEB / name).read_bytes(), **kw))


def page(body: str, head: str = "", charset: str = "utf-8") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode(charset)


# -- charset ------------------------------------------------------------------------------------------------------

def test_gbk_page_declaring_gb2312_is_read_as_gb18030():
    doc = parsed("gbk_declared_gb2312.html")
    assert doc.encoding == "gb18030"
    assert doc.title_hint == "朱镕基路社区2023年垃圾分类工作实施方案"  # 镕 is GBK, not GB2312
    assert "由社区书记张喆牵头负责。" in doc.text
    assert not doc.warnings


def test_http_header_wins_over_meta():
    data = page("<p>关于印发工作方案的通知，请各单位认真贯彻执行。</p>", '<meta charset="utf-8">', charset="gbk")
    dec = decode_html(data, "text/html; charset=GBK")
    assert (dec.codec, dec.source) == ("gb18030", "http")
    assert "认真贯彻执行" in dec.text


def test_bom_wins_over_declarations():
    data = codecs.BOM_UTF8 + page("<p>实施方案正文</p>", '<meta charset="gb2312">')
    dec = decode_html(data, "text/html; charset=gbk")
    assert (dec.codec, dec.source) == ("utf-8", "bom")
    assert "实施方案正文" in dec.text


def test_wrong_declaration_is_detected_and_reported():
    # declared gb2312 but the bytes are UTF-8 (a common CMS mistake)
    dec = decode_html(page("<p>为进一步做好安全生产工作，制定本方案。</p>", '<meta charset="gb2312">'))
    assert dec.codec == "utf-8" and "安全生产" in dec.text
    assert dec.warnings[0][0] == "declared_charset_wrong"
    # declared UTF-8 but the bytes are GBK: detection takes over
    dec = decode_html(page("<p>为进一步做好安全生产工作，制定本方案。</p>", charset="gbk"), "text/html; charset=utf-8")
    assert dec.codec == "gb18030" and "安全生产" in dec.text
    assert dec.warnings[0][0] == "declared_charset_wrong"


def test_no_declaration_falls_back_to_detection():
    dec = decode_html(page("<p>各乡镇人民政府：现将《农村人居环境整治实施方案》印发给你们，请认真组织实施。</p>", charset="gb18030"))
    assert dec.source == "detected" and dec.codec == "gb18030"
    assert "人居环境整治" in dec.text


# -- Word HTML ----------------------------------------------------------------------------------------------------

def test_word_export_keeps_list_numbering_and_drops_office_noise():
    doc = parsed("word_export.html")
    texts = [b.text for b in doc.blocks]
    assert doc.title_hint == "县教育局关于校园安全专项整治的工作方案"
    assert texts[0] == doc.title_hint and texts.count(doc.title_hint) == 1
    assert "(征求意见稿)" in texts  # text inside <o:p> is kept
    marked = {b.text: b.marker for b in doc.blocks if b.marker}
    assert marked == {"一、工作目标": "一、", "二、工作步骤": "二、", "1.排查阶段（4月1日至4月30日）。": "1.",
                      "2.整改阶段（5月底前）。": "2."}
    assert "全县中小学校安全隐患整改率达到100%。" in texts
    rows = [b.text for b in doc.blocks if b.kind == "table_row"]
    assert rows == ["阶段\t时间\t责任单位", "排查\t4月\t安全股"]
    assert "注：各校于每月5日前报送进展。" in texts  # a one-cell row reads as a paragraph
    for noise in ("xml:namespace", "supportLists", "WordDocument", "mso-", "\xa0\xa0"):
        assert noise not in doc.text


def test_real_word_html_headings_and_markers(real_dir):
    data = (real_dir / "school_fitness_data_reporting_plan_numbering_errors.html").read_bytes()
    doc = parse(SourceItem(path="x.html", data=data))
    marked = [b.text for b in doc.blocks if b.marker]
    assert marked[:3] == ["一．领导小组", "二．测试组", "三．后勤医务组"]


# -- blocks, headings, titles ---------------------------------------------------------------------------------------

def test_headings_tables_and_breaks():
    html = page("""<div class="content"><h1>某县2024年防汛工作方案</h1>
      <h2>一、总体要求</h2><p>坚持人民至上。<br>坚持预防为主。</p>
      <p><strong>二、主要任务</strong></p>
      <p>（一）加强监测预警。汛期实行24小时值班，<span>5月1日</span>前完成隐患排查，
      确保安全度汛。</p>
      <table><tr><th>任务</th><th>责任单位</th><th></th></tr><tr><td>排查</td><td>水利局</td><td>&nbsp;</td></tr></table>
      <ul><li>防汛物资</li><li>抢险队伍</li></ul></div>""", "<title>某县2024年防汛工作方案_某县人民政府</title>")
    doc = parse(SourceItem(path="p.html", data=html))
    got = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert got == [
        ("heading", 1, "某县2024年防汛工作方案"),
        ("heading", 2, "一、总体要求"),
        ("paragraph", None, "坚持人民至上。"),
        ("paragraph", None, "坚持预防为主。"),
        ("heading", None, "二、主要任务"),  # all-bold short paragraph
        ("paragraph", None, "（一）加强监测预警。汛期实行24小时值班，5月1日前完成隐患排查，确保安全度汛。"),
        ("table_row", None, "任务\t责任单位"),
        ("table_row", None, "排查\t水利局"),
        ("list_item", None, "防汛物资"),
        ("list_item", None, "抢险队伍"),
    ]


@pytest.mark.parametrize("raw, title", [
    ("关于印发《镇卫生院家庭医生签约服务提升行动方案》的通知_青山镇人民政府", "关于印发《镇卫生院家庭医生签约服务提升行动方案》的通知"),
    ("2023年区卫生系统创建省级文明城市实施方案 .doc_文网文库", "2023年区卫生系统创建省级文明城市实施方案"),
    ("社区安全生产工作方案 - 第一范文网", "社区安全生产工作方案"),
    ("绍兴一中2010年安全工作计划--校园安全-绍兴市第一中学", "绍兴一中2010年安全工作计划"),
    ("2024—2026年农机购置与应用补贴实施方案", "2024—2026年农机购置与应用补贴实施方案"),
    ("2021-2025年教育发展规划", "2021-2025年教育发展规划"),
    # a separator inside brackets that close is the title's own (a week's dates, a period); one after a bracket left
    # open still parts the title from its site
    ("第二十二周各处室周工作计划（1.25--1.31）--工作安排-绍兴市第一中学", "第二十二周各处室周工作计划（1.25--1.31）"),
    ("第二十二周各处室周工作计划（1.25--1.31）", "第二十二周各处室周工作计划（1.25--1.31）"),
    ("《健康县城—行动》实施方案_青山镇人民政府", "《健康县城—行动》实施方案"),
    ("某县养老服务工作方案（试行-某县人民政府", "某县养老服务工作方案（试行"),
    ("某县工作方案（1--2）（试行-某县人民政府", "某县工作方案（1--2）（试行"),
])
def test_title_without_site_suffix(raw, title):
    assert clean_title(raw) == title


def test_page_title_and_body_title_reconciled(real_dir):
    # page (CMS) title '2026年6月高考6日下午模拟演练工作方案', the document's own '2026年6月高考模拟演练工作方案':
    # the CMS title is the title and the differently worded heading stays in the body (dev judgement call, d11)
    data = (real_dir / "school_gaokao_drill_plan_2026_table.html").read_bytes()
    doc = parse(SourceItem(path="x.html", data=data))
    assert doc.title_hint == "2026年6月高考6日下午模拟演练工作方案"
    assert [b.text for b in doc.blocks[:3]] == [doc.title_hint, "2026年6月高考模拟演练工作方案", "一、工作小组"]
    assert any(c.source == "site_title" for c in doc.title_candidates)
    # a title split over two body lines
    data = (real_dir / "school_gaokao_epidemic_control_plan_2022.html").read_bytes()
    doc = parse(SourceItem(path="x.html", data=data))
    assert doc.blocks[1].text.startswith("为积极应对新冠肺炎疫情")


def test_image_only_page_needs_ocr():
    with pytest.raises(ParseError) as e:
        parsed("image_only.html")
    assert e.value.error == "needs_ocr"


def test_generic_page_drops_chrome_and_keeps_metadata():
    doc = parsed("gbk_declared_gb2312.html", url="http://www.example.gov.cn/tzgg/1.html")
    assert doc.site == "example.gov.cn"
    assert doc.metadata == {"upload_date": "2023-03-08", "source": "街道办事处", "views": "1024"}
    for chrome in ("政务公开", "当前位置", "分享到", "网友评论", "这个方案很好", "版权所有", "发布时间"):
        assert chrome not in doc.text


def test_pager_lines():
    assert is_pager("共3页: 1 2 3 下一页") and is_pager("第1页 / 共5页") and is_pager("上一页 1 2 下一页 尾页")
    assert not is_pager("第一阶段") and not is_pager("1、加强领导") and not is_pager("全年共计3页材料")


# -- site adapters --------------------------------------------------------------------------------------------------

def test_every_site_file_loads():
    names = {s.name for s in sites.all_sites()}
    assert {"sxyz.net", "wnwk.com", "taowenge.com", "fanwen-daquan", "daoyu-disclaimer"} <= names
    for s in sites.all_sites():
        assert s.fingerprints or s.hosts, s.source_file


def test_site_by_host_and_by_fingerprint():
    assert sites.site_for("https://m.wnwk.com/doc/1.html").name == "wnwk.com"
    assert sites.site_for("https://www.bingdoc.com/p-1.html").name == "wnwk.com"
    assert sites.site_for("http://127.0.0.1:8000/x.html", "<p>普通页面</p>") is None
    doc = parsed("docshare_wnwk.html", url="https://www.bingdoc.com/p-7071303.html")
    assert doc.site == "bingdoc.com"  # the matched host is reported, not the family's first name


def test_docshare_site_metadata_and_chrome():
    doc = parsed("docshare_wnwk.html")
    assert doc.site == "wnwk.com"
    assert doc.title_hint == "2023年区卫生系统创建省级文明城市实施方案"
    assert doc.metadata == {"uploader": "g****t", "doc_id": "1296159", "upload_date": "2023-04-19", "file_format": "DOC",
                            "pages": "5", "file_size": "14KB", "category": "资格与职业考试 > 其它"}
    assert "区卫生局将创建工作纳入全年卫生工作目标考核的重要内容。" in doc.text
    for chrome in ("收藏", "上传人", "第1页", "展开阅读全文", "相关资源", "猜你喜欢", "当前位置", "copyright", "ICP"):
        assert chrome not in doc.text


def test_fanwen_site_metadata_and_chrome():
    doc = parsed("fanwen_daquan.html")
    assert doc.site == "fanwen-daquan"
    assert doc.metadata["category"] == "计划方案" and doc.metadata["uploader"] == "小景"
    assert "将在全市卫生工作会议上予以通报表彰。" in doc.text
    for chrome in ("范文大全 >", "手机:M版", "标签:", "您正在浏览", "网友评论", "暂无评论"):
        assert chrome not in doc.text


def test_daoyu_site_metadata_and_chrome():
    doc = parsed("daoyu_disclaimer.html")
    assert doc.site == "daoyu-disclaimer"
    assert doc.metadata["upload_date"] == "2022-09-02T06:18:08"
    assert doc.text.count("卫生系统职业精神工作方案") == 1
    assert "相关材料要及时报市卫生局办公室。" in doc.text
    for chrome in ("时间:2022", "导语", "网友上传", "相关推荐", "Copyright"):
        assert chrome not in doc.text


def test_real_site_adapter(real_dir):
    data = (real_dir / "school_safety_work_plan_2010_wordhtml.html").read_bytes()
    doc = parse(SourceItem(path="x.html", data=data))
    assert doc.site == "sxyz.net"
    assert doc.metadata == {"upload_date": "2010-06-17", "source": "本站原创", "author": "佚名", "category": "校园安全"}


# -- several pages of one document ----------------------------------------------------------------------------------

def test_mhtml_pages_are_joined():
    from fangan.ingest.warc import _Rec, _joined

    members, data = [], {}
    for i, name in enumerate(("plan.html", "plan_2.html", "plan_3.html")):
        members.append(_Rec(f"http://x.gov.cn/a/{name}", "2024-03-01T08:00:00Z", "text/html; charset=utf-8", i, None, None, 0))
        data[i] = (WEB / name).read_bytes()
    item = _joined(Path("a.warc.gz"), members, data)
    doc = parse(item)
    assert doc.metadata["pages_joined"] == "3"
    assert doc.title_hint == "某镇2024年人居环境整治实施方案"
    lines = doc.text.split("\n")
    assert lines[0] == "某镇2024年人居环境整治实施方案" and lines.count(lines[0]) == 1
    assert lines[1:] == ["为持续改善农村人居环境，结合本镇实际，制定本方案。", "一、工作目标", "到2024年底，全镇农村卫生厕所普及率达到95%以上。",
                         "二、重点任务", "（一）垃圾治理。各村于3月31日前完成积存垃圾清理。", "（二）污水治理。由镇农业农村办牵头推进。",
                         "三、保障措施", "镇纪委对整治工作开展督查，每季度通报一次。"]


def test_browser_mhtml_reads_the_main_page_only():
    import quopri

    main = quopri.encodestring("<html><head><title>某区2024年河长制工作方案_某区政府网</title></head><body><div class='article'>"
                               "<h1>某区2024年河长制工作方案</h1><p>一、工作目标</p><p>全区河湖水质优良比例达到90%以上。</p>"
                               "</div></body></html>".encode("utf-8")).decode("ascii")
    frame = "<html><body><p>广告：点击领取优惠券</p></body></html>"
    data = ("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.example.gov.cn/art/1.html\r\n"
            "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n"
            "\tboundary=\"----MultipartBoundary--abc----\"\r\n\r\n"
            "------MultipartBoundary--abc----\r\nContent-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: https://www.example.gov.cn/art/1.html\r\n\r\n"
            f"{main}\r\n"
            "------MultipartBoundary--abc----\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: 8bit\r\n"
            "Content-Location: https://ads.example.com/frame.html\r\n\r\n"
            f"{frame}\r\n------MultipartBoundary--abc------\r\n").encode("utf-8")
    doc = parse(SourceItem(path="saved.mhtml", data=data))
    assert doc.text.split("\n") == ["某区2024年河长制工作方案", "一、工作目标", "全区河湖水质优良比例达到90%以上。"]
    assert doc.url == "https://www.example.gov.cn/art/1.html" and doc.site == "example.gov.cn"


def test_a_site_is_one_file(monkeypatch):
    """A new site family needs only its TOML (here parsed from a string instead of a file in parsers/sites/)."""
    spec = sites.site_from_toml(sites.tomllib.loads('''
name = "plans.example.org"
hosts = ["plans.example.org"]
content = ["div#doc"]
drop = ["div.ad"]
title = ["div#doc-title"]
chrome_lines = ["^本文来自"]
[metadata.uploader]
select = "span.who"
[metadata.upload_date]
select = "span.when"
kind = "date"
'''))
    monkeypatch.setattr(sites, "all_sites", lambda: (spec,))
    html = page('<div id="doc-title">某市2025年文明创建工作方案</div><span class="who">张三</span><span class="when">2025年3月1日</span>'
                '<div class="nav">首页 新闻</div><div id="doc"><p>一、总体目标</p><div class="ad">广告位招租</div>'
                '<p>全市文明程度指数达到90以上。</p><p>本文来自网络</p></div>')
    doc = parse(SourceItem(path="x.html", data=html, url="https://plans.example.org/a/1.html"))
    assert doc.site == "plans.example.org"
    assert doc.metadata == {"uploader": "张三", "upload_date": "2025-03-01"}
    assert doc.text.split("\n") == ["某市2025年文明创建工作方案", "一、总体目标", "全市文明程度指数达到90以上。"]
