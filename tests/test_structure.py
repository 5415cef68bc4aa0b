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


def test_out_of_sequence_numbers_are_kept_with_warnings():
    text = "方案\n一、工作目标\n全年开展活动。\n3、这是正文中的编号。\n一、这不是第二个一\n二、保障措施"
    st = build_structure(text)
    assert _tree(st.sections) == ["一、工作目标", "  3、这是正文中的编号", "一、这不是第二个一", "二、保障措施"]
    assert {w.code for w in st.warnings} == {"numbering_gap", "numbering_repeat"}
    assert "3、这是正文中的编号。" in st.lines


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


# --- never drop a heading; the numbering is a signal, not a gate ------------------------------------

from fangan.lexicon.markers import match_marker  # noqa: E402
from fangan.pipeline import process_file  # noqa: E402
from fangan.structure.runin import split_run_in  # noqa: E402
from fangan.structure.titles import heading_title  # noqa: E402


def _doc(fixtures_dir, name):
    return process_file(fixtures_dir / "structure" / name)


def test_gaps_and_repeats_stay_sections_placed_by_style(fixtures_dir):
    doc = _doc(fixtures_dir, "numbering_errors.txt")
    assert _tree(doc.sections) == ["一、工作目标", "二、工作任务", "  1.开展检查", "  3．落实整改", "  2.建立台账",
                                   "四、保障措施", "四、工作要求"]
    warned = {w.code: w.examples for w in doc.warnings if w.step == "structure"}
    assert warned["numbering_gap"] == ["3．落实整改。", "四、保障措施"]
    assert warned["numbering_repeat"] == ["2. 建立台账。", "四、工作要求"]


def test_numbering_continued_across_parents(fixtures_dir):
    doc = _doc(fixtures_dir, "continued_numbering.txt")
    assert _tree(doc.sections) == ["一、总体要求", "  （一）指导思想", "  （二）基本原则", "  （三）发展目标", "二、重点任务",
                                   "  （四）大力发展职业赛事", "  （五）支持引进国际赛事", "三、保障措施", "  （六）加强组织领导"]
    assert not [w for w in doc.warnings if w.step == "structure"]  # a continuation is not a gap


def test_taiwan_formal_numerals_nest_over_plain_ones(fixtures_dir):
    doc = _doc(fixtures_dir, "taiwan_formal.txt")
    assert _tree(doc.sections) == [
        "壹、依据", "贰、目标", "参、工作项目及执行要点", "  一、「交通安全」教育宣导", "    （一）", "    （二）张贴宣教资料",
        "  二、召开「交通安全教育委员会」", "  三、其他", "肆、本实施计划如有未尽事宜，得适时修订之"]


def test_dot_markers_with_a_space_and_chinese_numeral_dots():
    assert match_marker("1. 加强领导").text == "1."
    assert match_marker("2. 2020年9月以后入职的教师").value == 2
    assert match_marker("一.总则").style.name == "一、"
    assert match_marker("参、工作项目").value == 3
    for not_marker in ("1.5亿元", "3个月", "2020年", "1.A类", "12.5前完成"):
        assert match_marker(not_marker) is None, not_marker
    st = build_structure("方案\n一.总则\n1. 加强领导。要重视。\n2. 落实责任。\n二.附则\n本方案自印发之日起施行。")
    assert _tree(st.sections) == ["一.总则", "  1.加强领导", "  2.落实责任", "二.附则"]


def test_titles_lose_alignment_spaces_and_keep_clock_times():
    assert heading_title("其 他", True) == "其他"
    assert heading_title("线上初赛（2026 年 4 月）", True) == "线上初赛（2026年4月）"
    assert heading_title("课堂：28 节优质课例。", False) == "课堂"
    assert heading_title("集合8：00开始，地点：操场。随后出发。", False) == "集合8：00开始，地点"


def test_attachments_are_top_level_parts(fixtures_dir):
    doc = _doc(fixtures_dir, "attachments.txt")
    # the notice's own 附件 line (before the plan) is not a part; the blocks after the plan are
    assert _tree(doc.sections) == ["一、总体要求", "二、实施要求", "  （一）加强领导，明确分工"]
    assert _tree(doc.attachments) == ["附件1补贴机具种类范围", "附件2实施细则", "  一、适用范围", "  二、申请程序",
                                      "附件3参加人员名单"]
    items = [w for w in doc.warnings if w.code == "attachment_items"]
    assert items and items[0].examples == ["1.耕整地机械", "2.种植施肥机械"]


def test_several_plans_on_one_page_say_so():
    plan = "一、推荐原则\n公平公正。\n二、推荐人数\n2人。\n三、推荐条件\n品学兼优。\n"
    st = build_structure("关于公布推荐方案的通知\n" + plan + plan)
    assert [s.marker for s in st.sections] == ["一、", "二、", "三、"] * 2
    assert "several_plans" in {w.code for w in st.warnings}


def test_run_in_headings_of_flattened_text(fixtures_dir):
    doc = _doc(fixtures_dir, "flattened.txt")
    assert _tree(doc.sections) == [
        "一、指导思想", "二、工作目标", "三、工作步骤", "  （一）动员部署阶段（3月10日至3月25日）",
        "  （二）组织实施阶段（4月1日至4月7日）", "四、工作要求", "  （一）畜禽生产环节", "    1.加强监督管理",
        "    2.开展专项整治", "    3.开展治理整顿"]
    lines = doc.text.split("\n")
    assert "（一）动员部署阶段（3月10日至3月25日）" in lines and "召开动员会议。" in lines
    assert any(r.step == "split_run_in_headings" and r.count >= 10 for r in doc.repairs)


def test_wrapped_and_dangling_markers_are_repaired():
    lines, repairs = split_run_in(["（八）其他有关工作1.", "开展共治试点。用两年时间。", "6.开展首届青运会食品安全保障",
                                   "工作。实施总体方案。", "（1）", "加强训练。要严格。"])
    assert lines == ["（八）其他有关工作", "1.开展共治试点。用两年时间。", "6.开展首届青运会食品安全保障工作。实施总体方案。",
                     "（1）加强训练。要严格。"]
    assert repairs[0].count == 3
    # a finished heading is not continued by the sentence that follows it
    assert split_run_in(["四、保障措施", "加强领导。"])[0] == ["四、保障措施", "加强领导。"]


def test_heading_levels_from_the_format():
    text = "都市防灾计划\n主要灾害特性\n1. 台洪灾害\n说明。\n1. 坡地灾害\n防灾圈\n本区分三级。"
    hints = {"主要灾害特性": 4, "防灾圈": 4}
    st = build_structure(text, heading_hints=hints, source_format="md")
    assert _tree(st.sections) == ["主要灾害特性", "  1.台洪灾害", "  1.坡地灾害", "防灾圈"]
    # a numbered line keeps its place in the numbering; a level that disagrees is reported
    st = build_structure("方案\n一、总体要求\n正文。\n（一）目标\n正文。\n二、保障\n正文。", heading_hints={"（一）目标": 1})
    assert _tree(st.sections) == ["一、总体要求", "  （一）目标", "二、保障"]
    assert "heading_level_conflict" in {w.code for w in st.warnings}
    # outside Markdown an unnumbered line with a level stays text
    st = build_structure("方案\n一、总体要求\n活动安排\n正文。", heading_hints={"活动安排": 2}, source_format="html")
    assert _tree(st.sections) == ["一、总体要求"]


def test_section_lines_reach_extraction():
    from fangan.extract.fields import SectionIndex

    st = build_structure("方案\n一、目标\n（一）任务\n完成100%。\n二、要求\n（一）任务\n按时完成。")
    index = SectionIndex(st.text, st.sections, st.section_lines)
    # the second （一）任务 is found at its own line, not at the first line with the same text
    assert index.heading_line == {"s1": 0, "s1.1": 1, "s2": 3, "s2.1": 4}
    assert index.section_at(st.text.index("按时完成")) == "s2.1"


def test_markdown_is_layout_not_text(fixtures_dir):
    from fangan.ingest import SourceItem
    from fangan.parsers import parse

    path = fixtures_dir / "markdown" / "plan.md"
    parsed = parse(SourceItem(str(path), path.read_bytes()))
    assert [(b.kind, b.level, b.text) for b in parsed.blocks if b.text.strip()] == [
        ("heading", 2, "玖、實施進度及經費"),
        ("paragraph", None, "本案預計自民國 102 年起實施，詳見 附表："),
        ("paragraph", None, "表 9-1 開發進度及經費表"),
        ("table_row", None, "公共設施種類\t面積 (公頃)"),
        ("table_row", None, "公園用地\t1.66"),
        ("heading", 3, "一、經費來源"),
        ("paragraph", None, "1. 市府預算支應。"),
    ]
    doc = process_file(path)
    assert _tree(doc.sections) == ["玖、实施进度及经费", "  一、经费来源", "    1.市府预算支应"]


def test_a_page_number_inside_a_sentence_is_not_a_heading():
    text = ("方案\n一、主要任务\n要围绕中心工作，深入开展文明创建活动，切实提高干部职工的文明素质和城市文明程度，推动工作全面发展，围\n"
            "2、绕目标抓落实。\n二、工作要求\n加强领导。")
    st = build_structure(text)
    assert _tree(st.sections) == ["一、主要任务", "二、工作要求"]
    rejected = [w for w in st.warnings if w.code == "heading_rejected"]
    assert rejected and rejected[0].examples == ["2、绕目标抓落实。"]


def test_a_known_heading_run_into_its_sentence_is_cut_but_never_before_its_colon():
    st = build_structure("方案\n一、指导思想以习近平新时代中国特色社会主义思想为指导，深入贯彻。\n二、活动内容：在校门口开展宣传。")
    assert st.lines == ["一、指导思想", "以习近平新时代中国特色社会主义思想为指导，深入贯彻。", "二、活动内容：在校门口开展宣传。"]
    assert _tree(st.sections) == ["一、指导思想", "二、活动内容"]


def test_twin_styles_continue_or_nest():
    # 1、 then 2.: one list written two ways; 6、议程 then 1.: a list inside the item
    st = build_structure("方案\n一、组织领导\n1、成立领导小组。\n2.明确职责。\n二、议程\n1、时间\n2、主要议程\n1. 颁发通知书\n2. 校长致词\n3、地点")
    assert _tree(st.sections) == ["一、组织领导", "  1、成立领导小组", "  2.明确职责", "二、议程", "  1、时间", "  2、主要议程",
                                  "    1.颁发通知书", "    2.校长致词", "  3、地点"]
    assert not st.warnings
