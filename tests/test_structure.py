"""The heading tree: levels from the order of marker styles, sequence checks, run-in headings."""
from __future__ import annotations

from fangan.structure import build_structure


def _tree(sections, depth=0):
    out = []
    for s in sections:
        out.append(("  " * depth) + s.marker + s.title)
        out.extend(_tree(s.children, depth + 1))
    return out


def test_levels_follow_the_documents_own_nesting():
    st = build_structure("某某方案\n一、重点任务\n1、加强培训。①组织学习；②开展竞赛。\n2、完善制度。\n二、工作要求\n（一）加强领导。要重视。")
    assert _tree(st.sections) == ["一、重点任务", "  1、加强培训", "    ①", "    ②", "  2、完善制度", "二、工作要求", "  （一）加强领导"]
    assert st.title == "某某方案"
    assert st.sections[0].children[0].children[0].level == 3


def test_out_of_sequence_numbers_are_not_headings():
    text = "方案\n一、工作目标\n全年开展活动。\n3、这是正文中的编号。\n一、这不是第二个一\n二、保障措施"
    st = build_structure(text)
    assert _tree(st.sections) == ["一、工作目标", "二、保障措施"]
    assert "3、这是正文中的编号。" in st.lines  # kept as body text


def test_titles_follow_the_conventions():
    text = ("方案\n一、指导思想\n（一）宣传发动阶段：（1月中旬至3月底）。对照要求开展工作。\n"
            "（二）学习动员阶段(6月上旬):主要开展动员。\n1、坚持每周学习制度，积极组织机关干部参加区委组织的素质讲座、业务培训。\n"
            "（三）提高认识，加强领导。进一步提高认识。")
    st = build_structure(text)
    titles = [s.title for s in st.sections[0].children]
    assert titles == ["宣传发动阶段", "学习动员阶段(6月上旬)", "提高认识，加强领导"]
    assert st.sections[0].children[1].children[0].title == ""
    assert st.sections[0].children[1].marker == "（二）"


def test_run_in_headings_of_a_flattened_document_are_split():
    text = ("镇卫生院工作方案为做好工作，特制定本方案。一、指导思想增强服务意识，提升服务水平。二、工作目标以群众满意为目标，全面提升能力。"
            "三、主要措施（一）抓好政治理论学习讲清楚政策要求，推动工作落实。（二）营造良好氛围1.参与主题活动。开展宣传。2.深化道德建设。做好培训。")
    st = build_structure(text, title_candidates=["镇卫生院工作方案"])
    assert st.title == "镇卫生院工作方案"
    assert _tree(st.sections) == ["一、指导思想", "二、工作目标", "三、主要措施", "  （一）抓好政治理论学习", "  （二）营造良好氛围",
                                  "    1.参与主题活动", "    2.深化道德建设"]
    assert st.lines[:4] == ["为做好工作，特制定本方案。", "一、指导思想", "增强服务意识，提升服务水平。", "二、工作目标"]
    assert {r.step for r in st.repairs} == {"choose_title", "split_run_in_title", "split_run_in_headings"}


def test_an_inline_list_in_a_normal_paragraph_is_not_split():
    text = "方案\n一、主要任务\n主要有三项：1、组织动员；2、深入学习；3、撰写体会。"
    st = build_structure(text)
    assert st.lines == ["一、主要任务", "主要有三项：1、组织动员；2、深入学习；3、撰写体会。"]
    assert _tree(st.sections) == ["一、主要任务"]


def test_stage_markers_drop_their_colon():
    st = build_structure("方案\n一、方法步骤\n第一阶段：宣传发动阶段（202*年4月6月）。召开会议。\n第二阶段：全面实施阶段（7月至9月）。")
    assert _tree(st.sections) == ["一、方法步骤", "  第一阶段宣传发动阶段（202*年4月6月）", "  第二阶段全面实施阶段（7月至9月）"]


def test_letterhead_comes_before_the_title():
    st = build_structure("海南省农业农村厅 海南省财政厅\n关于印发2024年农机补贴实施方案\n的通知\n各市县农业农村局：\n一、总体要求")
    assert st.title == "关于印发2024年农机补贴实施方案的通知"
    assert st.lines[0] == "海南省农业农村厅 海南省财政厅"


def test_formal_numerals_and_excerpts():
    st = build_structure("都市计划\n玖、实施进度及经费\n本案自102年起。\n拾、附则\n本计划自公告日起实施。")
    assert [(s.marker, s.title) for s in st.sections] == [("玖、", "实施进度及经费"), ("拾、", "附则")]
