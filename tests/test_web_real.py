"""Every HTML page in ../shared/corpus/real builds (`fangan build FILE --out DIR`) into a record whose text keeps
the document and drops the site around it (menus, sidebar lists, breadcrumb, print/prev/next links, footer)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangan.cli import app

# page → (title, strings of the body that must survive)
PAGES = {
    "school_safety_work_plan_2010_wordhtml.html": (
        "绍兴一中2010年安全工作计划",
        ["一、指导思想", "力争实现“零死亡”、“零事故”、“零犯罪”的目标", "4．强化安全预案制度",
         "坚决铲除校园周边影响学生健康成长的各种不利因素"]),
    "school_fitness_test_plan_wordhtml.html": (
        "体质健康测试实施方案",
        ["领导小组职责：负责安排学校开足开齐体育课", "谨防意外伤害事故发生"]),
    "school_fitness_data_reporting_plan_numbering_errors.html": (
        "绍兴一中《国家学生体质健康标准》测试上报数据工作实施方案",
        ["充分发挥学校体育在育人工作中的独特作用", "领导小组", "后勤医务组", "评分标准详见附件"]),
    "school_medical_exam_plan_2020_wordhtml_tables.html": (
        "2020年绍兴一中普通高校招生体检工作方案",
        ["负责人：周文龙（18906858234）", "绍兴文理学院附属医院（中兴南路999号）"]),
    "school_party_implementation_opinion_2010_draft_wordhtml.html": (
        "中共绍兴一中委员会关于深化“先锋工程”建设 深入开展创先争优活动的实施意见",
        ["讨论稿", "认真贯彻市教党", "努力在全校形成学习先进、崇尚先进、争当先进的良好风气"]),
    "school_multiple_admission_plans_combined.html": (
        "关于公布《绍兴一中“2014年清华大学‘新百年领军计划’”实施方案》等方案的通知",
        ["绍兴一中“2014年清华大学‘新百年领军计划’”实施方案", "学习成绩在年级前15名者", "全国少年羽毛球精英赛"]),
    "school_nucleic_acid_testing_plan_inline.html": (
        "绍兴一中全员核酸检测工作方案",
        ["党政办负责通知校内教工准备好核酸检测预约码", "确保万无一失"]),
    "school_gaokao_epidemic_control_plan_2022.html": (
        "2022年高考绍兴市第一中学考点 疫情防控工作方案",
        ["家贤楼1楼设置备用", "同时做好舆情管控"]),
    # the CMS title wins over the body's own, differently worded heading, which stays in the text (dev d11)
    "school_gaokao_drill_plan_2026_table.html": (
        "2026年6月高考6日下午模拟演练工作方案",
        ["2026年6月高考模拟演练工作方案", "一、工作小组", "6月5日考务培训", "考生到达休息室", "拉起警戒线"]),
    "school_teacher_rotation_plan_2021_large.html": (
        "2021年绍兴市第一中学“县管校聘”实施方案",
        ["学校核定编制", "一、学校基本情况", "校长签名（盖章）"]),
    "school_staff_appraisal_plan_2022_attachments.html": (
        "绍兴一中2022年度教工考核工作方案",
        ["一、指导思想", "点击下载", "具体交流时间、地点由各组负责人自定", "树兰楼美术办公室"]),
}

# the site's chrome: top links, menus, sidebar menu and 推荐阅读 list, breadcrumb, article tools, footer
CHROME = ["今天是", "智慧校园", "网上报修", "新闻中心", "百年芳华", "走进一中", "莘莘学子", "推荐阅读", "当前位置", "文章来源",
          "点击数", "进入后台编辑", "打印正文", "上一篇", "下一篇", "网站地图", "怀旧网站", "版权所有", "浙公网安备", "ICP证",
          "2026年7月学考试场布置要求", "呼吸道传染病应急处置预案", "教育集团全体教职工大会通知", "请输入关键词"]


def _build(file: Path, out: Path):
    result = CliRunner().invoke(app, ["build", str(file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    return [json.loads(x) for x in lines], errors


def test_every_real_html_page_is_covered(real_dir):
    pages = {p.name for p in real_dir.glob("*.html")}
    assert pages == set(PAGES) | {"school_party_activity_plan_2026_image_only.html"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_real_page_builds_to_its_body(real_dir, tmp_path, name):
    docs, errors = _build(real_dir / name, tmp_path / "corpus")
    assert not errors and len(docs) == 1
    doc = docs[0]
    title, body = PAGES[name]
    assert doc["title"] == title
    assert doc["source"]["format"] == "html" and doc["source"]["encoding"] == "utf-8"
    assert doc["source"]["site"] == "sxyz.net"
    assert doc["metadata"]["upload_date"][:4].isdigit()
    text = doc["text"]
    for s in body:
        assert s in text, s
    for s in CHROME:
        assert s not in text, s


def test_image_only_page_is_an_error_not_an_empty_record(real_dir, tmp_path):
    docs, errors = _build(real_dir / "school_party_activity_plan_2026_image_only.html", tmp_path / "corpus")
    assert docs == []
    assert [(e["stage"], e["error"]) for e in errors] == [("parse", "needs_ocr")]
