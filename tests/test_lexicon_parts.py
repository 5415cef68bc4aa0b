"""The parts of an official document told by their form (fangan.lexicon.parts), and the learner keeping them."""
from __future__ import annotations

import pytest

from fangan.lexicon.parts import (is_addressee_line, is_body_line, is_document_part, is_numbered_title,
                                  is_party_line, is_publication_note)
from fangan.normalizers import NormalizeContext, normalize
from fangan.normalizers.batch import BatchLearner, may_be_chrome


@pytest.mark.parametrize("line", [
    "各有关单位：", "各乡镇人民政府，县直各单位：", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "市教育局：", "各区县（市）教育局，局属各单位:",
])
def test_addressee_lines(line):
    assert is_addressee_line(line) and is_document_part(line) and not may_be_chrome(line)


@pytest.mark.parametrize("line", ["发布机构：", "发 文 机 关：", "附件：", "分享到：", "相关链接：", "各单位要高度重视："])
def test_labels_and_widgets_are_not_addressees(line):
    assert not is_addressee_line(line)


@pytest.mark.parametrize("line", ["（此件公开发布）", "(此件主动公开)", "（此件依申请公开）", "（ 此件发至县级 ）"])
def test_publication_notes(line):
    assert is_publication_note(line) and not may_be_chrome(line)


@pytest.mark.parametrize("line,numbered", [
    ("长宁县2018年第1批健康促进工作方案", True), ("关于印发2019年工作要点的通知", True),
    ("2020年全县防汛工作实施方案（试行）", True),
    ("政府信息公开指南", False),  # a link of the site's menu: no number, and learnable as chrome
    ("标题：关于印发2015年工作方案的通知", False),  # a metadata box's line
    ("首页 > 通知公告 > 2019年防汛工作方案", False),  # a breadcrumb
    ("第3页 共5页", False), ("浏览次数：123", False),
])
def test_numbered_titles(line, numbered):
    assert is_numbered_title(line) == numbered
    assert may_be_chrome(line) == (not numbered)


def test_party_lines():
    assert is_party_line("（责任单位：县教育局、县卫生健康局）") and is_document_part("（责任单位：县教育局、县卫生健康局）")
    assert is_party_line("牵头单位：县教育局") and is_body_line("牵头单位：县教育局")
    # unbracketed, a party line is the plan's only between its headings: a footer says 主办单位：… the same way
    assert not is_document_part("主办单位：长宁县人民政府办公室")


def _plan(n: int, footer: str) -> str:
    return "\n".join([
        f"长宁县{2010 + n}年健康促进工作方案", "一、工作目标", "各单位要高度重视，加强组织领导。", f"到{2010 + n}年底完成{n}项任务。",
        "二、保障措施", "加大宣传力度，营造良好氛围。", "长宁县人民政府办公室", f"{2010 + n}年3月{n + 1}日", footer,
        "欢迎访问本站，建议使用谷歌浏览器。",
    ])


def test_a_sentence_the_plans_share_stays_between_their_headings_and_goes_from_their_footer():
    texts = [_plan(n, f"本站编号：{n}") for n in range(6)]
    learner = BatchLearner()
    for t in texts:
        learner.add(t, "site")
    for t in texts:
        out = normalize(t, NormalizeContext(site="site", batch=learner))
        assert "各单位要高度重视，加强组织领导。" in out and "加大宣传力度，营造良好氛围。" in out
        assert "长宁县人民政府办公室" in out
        assert "本站编号" not in out and "欢迎访问本站" not in out
