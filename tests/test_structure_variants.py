"""The same plan gives the same heading tree when its text was damaged on the way: line breaks
replaced by spaces (a flattened page) or headings run into the next line with no break at all
(crawler output)."""
from __future__ import annotations

import re

from fangan.lexicon.markers import match_marker
from fangan.structure import build_structure
from test_structure import _tree  # the tree as indented "marker+title" lines


def _clean(fixtures_dir):
    return (fixtures_dir / "structure" / "multilevel_clean.txt").read_text("utf-8").strip().split("\n")


def flatten(lines):
    """Every line break of the body becomes a space (the title keeps its line)."""
    return lines[0] + "\n" + " ".join(lines[1:])


def run_in(lines):
    """A short heading line loses its break: it runs straight into the next line."""
    out = []
    for ln in lines:
        if out and match_marker(out[-1]) and len(out[-1]) <= 30 and not re.search("[。；：:]$", out[-1]):
            out[-1] += ln
        else:
            out.append(ln)
    return "\n".join(out)


EXPECTED = ["一、活动时间", "二、参与人员", "三、活动内容", "  （一）听一场讲座", "    1．校长讲话", "    2．主题讲座",
            "  （二）开展课堂观摩活动", "四、组织领导", "五、工作要求", "  1．各班主任提前统计参加人数", "  2．总务处做好后勤保障",
            "  3．安全处做好车辆停放引导"]


def test_clean_plan_tree(fixtures_dir):
    assert _tree(build_structure("\n".join(_clean(fixtures_dir))).sections) == EXPECTED


def test_flattened_copy_gives_the_same_tree(fixtures_dir):
    st = build_structure(flatten(_clean(fixtures_dir)))
    assert _tree(st.sections) == EXPECTED
    # the space a line break left ends the heading phrase; the body goes to its own line
    assert "二、参与人员" in st.lines and "高一、高二学生家长，全体班主任" in st.lines


def test_run_in_copy_gives_the_same_tree(fixtures_dir):
    text = run_in(_clean(fixtures_dir))
    assert "三、活动内容（一）听一场讲座1．校长讲话。" in text  # the damage the test is about
    st = build_structure(text)
    assert _tree(st.sections) == EXPECTED
    assert any(r.step == "split_run_in_headings" for r in st.repairs)


def test_marker_forms_of_real_plans(fixtures_dir):
    """A year after 1、 opens the text; a closed bracket ends the number (（1）18级); 1） with one
    bracket is a marker; 一、二、三等奖 and 高一（1）班 are not."""
    text = (fixtures_dir / "structure" / "marker_forms.txt").read_text("utf-8")
    st = build_structure(text)
    assert _tree(st.sections) == [
        "一、主要议程", "  1、2025届高三学长引领发言", "  2、2026届家长代表发言", "  3、校长致辞",
        "二、工作安排", "  （1）18级创新班代表发言", "  （2）高一（1）班负责会场布置", "  （3）组长负责小组协调", "  （4）班主任随班管理",
        "三、奖项设置", "四、分工", "  1）多媒体PPT制作（负责人：王老师）", "  2）暖场音乐播放（负责人：李老师）", "  3）摄像"]
    assert "一、二、三等奖若干名，颁发证书。" in st.sections[2].text


def test_run_in_items_end_where_the_body_sentence_begins(fixtures_dir):
    """A heading phrase run into its body without punctuation ends before a unit that is the body's
    subject (区交通与建设局要…) or a sentence opener (按照…, 依照…); a heading noun or a unit's name
    is never cut in two."""
    st = build_structure((fixtures_dir / "structure" / "runin_items.txt").read_text("utf-8"))
    titles = [s.title for s in st.sections[0].children]
    assert titles == ["完善主干道交通指示标志", "投资规模", "明确建设主体，分工实施", "加快辖区交通安全基础设施建设", ""]
    assert "区交通与建设局要牵头相关单位开展主干道标志标线排查，年底前完成。" in st.lines


def test_flattened_label_opens_a_new_list():
    text = "开学典礼方案\n一、流程： 1. 奏唱国歌 2. 校长讲话 3. 典礼结束 要求： 1. 全体学生统一着装。 2. 班主任随班坐。 二、其他 另行通知。"
    st = build_structure(text)
    assert _tree(st.sections) == ["一、流程", "  1.奏唱国歌", "  2.校长讲话", "  3.典礼结束", "  1.全体学生统一着装", "  2.班主任随班坐",
                                  "二、其他"]
    assert {w.code for w in st.warnings} == {"numbering_repeat"}


def test_parentheticals_belong_to_the_title():
    text = ("活动方案\n一、流程（主持：陈书记）\n1.颁奖仪式（颁奖曲 各班班长上台领奖，领导颁发。10分钟）\n2.校长讲话\n"
            "二、比赛项目\n（一）、美术类比赛\n（二）、歌曲比赛")
    st = build_structure(text)
    assert _tree(st.sections) == ["一、流程（主持：陈书记）", "  1.颁奖仪式（颁奖曲各班班长上台领奖，领导颁发。10分钟）", "  2.校长讲话",
                                  "二、比赛项目", "  （一）美术类比赛", "  （二）歌曲比赛"]


def test_school_style_appendix_is_an_attachment():
    """附：《…》 (and 附表, 附录) after the plan opens an attachment like 附件 does; a plan inside it
    keeps its own headings."""
    text = ("演练方案\n一、组织机构\n成员若干。\n二、演练目的\n提高能力。\n附：《疫情防控演练工作安排》\n"
            "一、演练工作安排\n（一）演练指挥组：王某\n（二）技术指导：李某\n二、演练工作流程\n按流程进行。")
    st = build_structure(text)
    assert _tree(st.sections) == ["一、组织机构", "二、演练目的"]
    assert _tree(st.attachments) == ["附《疫情防控演练工作安排》", "  一、演练工作安排", "    （一）演练指挥组",
                                     "    （二）技术指导", "  二、演练工作流程"]


def test_markers_with_alignment_spaces():
    """二 、 and （ 3 ） (a space a converter or typist left inside the marker) are markers, written
    without the space."""
    st = build_structure("方案\n一、总体要求\n正文。\n二 、保障措施\n（ 一 ）加强领导。要重视。\n2 、完善制度")
    assert _tree(st.sections) == ["一、总体要求", "二、保障措施", "  （一）加强领导", "    2、完善制度"]


def test_flattened_chapter_that_skips_a_number_is_still_a_heading():
    st = build_structure("方案\n一、主题 迎新 2、时间 9月1日 3、地点 体育馆 四、流程 1.升旗 2.讲话 五、要求 着装整齐。")
    assert [s.marker for s in st.sections] == ["一、", "四、", "五、"]
    assert "numbering_gap" in {w.code for w in st.warnings}


def test_regulation_style_chapters_and_articles():
    """第一章 heads a chapter and 第一条 is an item in it (its （一） items below it); 第一节课 and
    演练第一部分 in school plans are not headings."""
    text = ("某某管理办法\n第一章 总则\n第一条 为了加强管理，制定本办法。\n第二条 本办法适用于下列单位：\n（一）学校；\n"
            "（二）医院。\n第二章 职责分工\n第三条 各单位负责实施。\n第一节课后集合。")
    st = build_structure(text)
    assert _tree(st.sections) == ["第一章总则", "  第一条为了加强管理，制定本办法", "  第二条本办法适用于下列单位",
                                  "    （一）学校", "    （二）医院", "第二章职责分工", "  第三条各单位负责实施"]


def test_run_in_chapters_after_a_time_and_numbered_on_subsections():
    """Crawler text: 二、 right after a clock time, and a subsection numbered on across chapters
    （五） run into the chapter heading, are split off."""
    text = ("会议方案\n一、时间：7月6日下午13:30—15:30二、主题：心怀广宇\n三、主要议程\n（一）校长致辞。讲话十分钟。\n"
            "（二）学生发言。代表两名。\n四、工作安排（三）会场布置。由总务处负责。\n（四）摄影。由宣传处负责。")
    st = build_structure(text)
    assert _tree(st.sections) == ["一、时间", "二、主题", "三、主要议程", "  （一）校长致辞", "  （二）学生发言",
                                  "四、工作安排", "  （三）会场布置", "  （四）摄影"]


def test_flattened_numeral_inside_a_word_is_not_a_heading():
    """统一、权威 and 高一、高二 in flattened text: a repeated 一、 right after a hanzi is part of a word."""
    text = ("意见\n一、总体要求 （一）指导思想。 建立统一、权威高效的执法体系。 （二）基本原则。 坚持依法规范。 "
            "二、场地安排 高一、高二年级在田径场。 三、工作要求 按时完成。")
    st = build_structure(text)
    assert [s.marker for s in st.sections] == ["一、", "二、", "三、"]
    assert [c.marker for c in st.sections[0].children] == ["（一）", "（二）"]


def test_flattened_attachment_and_restarted_list():
    """Flattened text: 附：… after a sentence opens the attachment (its table's numbers stay out of
    the plan), and a list that starts again at 1 after an unnumbered label is kept."""
    text = ("军训方案\n一、训练内容 队列训练。 二、评选方式 第一次评选：大众公投 1.每班派代表投票。 2.当场计票。 "
            "第二次评选：专业点评 1.由专业老师打分。 2.公布结果。 附：活动安排表 1. 8月24日 报到 2. 8月25日 训练")
    st = build_structure(text)
    assert _tree(st.sections)[:2] == ["一、训练内容", "二、评选方式"]
    assert [c.marker for c in st.sections[1].children] == ["1.", "2.", "1.", "2."]
    assert [a.marker for a in st.attachments] == ["附"]
