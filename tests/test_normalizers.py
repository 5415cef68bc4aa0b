"""Normalization: every damage kind repaired exactly, explained, and clean documents untouched."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fangan.normalizers import NormalizeContext, normalize_and_explain
from fangan.normalizers.batch import BatchLearner
from fangan.pipeline import process_file
from fangan.structure import build_structure

FIX = Path(__file__).parent / "fixtures" / "normalize"

CLEAN = "卫生局素质提升指导方案，为更加全面深入、扎实有效地做好居民素质提升工作。"
CLEAN_TRAD = "衛生局素質提升指導方案，為更加全面深入、紮實有效地做好居民素質提升工作。"


def _norm(text: str, **ctx) -> tuple[str, object]:
    e = normalize_and_explain(text, NormalizeContext(**ctx))
    return e.text, e


def _steps(e) -> dict[str, int]:
    return {r.step: r.count for r in e.repairs}


# --- wrong-codec chains ------------------------------------------------------------------------

EXACT = "全面推进健康教育工作"  # its UTF-8 bytes happen to be valid GBK: the exact-reversal case
CHAINS = {
    "utf8_shown_as_gbk": (EXACT, EXACT.encode("utf-8").decode("gb18030")),
    "gbk_shown_as_latin1": (CLEAN, CLEAN.encode("gbk").decode("latin-1")),
    "utf8_shown_as_latin1": (CLEAN, CLEAN.encode("utf-8").decode("latin-1")),
    "double_utf8_latin1": (CLEAN, CLEAN.encode("utf-8").decode("latin-1").encode("utf-8").decode("latin-1")),
    "gbk_latin1_then_utf8_gbk": (CLEAN, CLEAN.encode("gbk").decode("latin-1").encode("utf-8").decode("gb18030")),
}


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_wrong_codec_chain_is_reversed_exactly(name):
    original, damaged = CHAINS[name]
    assert damaged != original
    text, e = _norm("一、总体要求\n" + damaged + "\n二、工作措施")
    assert text.split("\n")[1] == original
    assert _steps(e)["repair_mojibake"] == 1
    assert text.split("\n")[0] == "一、总体要求"  # clean lines untouched


def test_lossy_wrong_decoding_is_reversed_where_possible_and_the_loss_reported():
    damaged = CLEAN.encode("utf-8").decode("gb18030", errors="replace")
    text, e = _norm(damaged)
    assert "素质提升指导方案" in text and "扎实有效地做好居民素质提升工作" in text
    # the one byte gb18030 lost (the final 。) is chosen back by the character model
    assert text == CLEAN and "repair_mojibake" in _steps(e)


def test_big5_shown_as_gbk_is_reversed_to_the_traditional_original():
    damaged = CLEAN_TRAD.encode("cp950").decode("gb18030")
    text, e = _norm(damaged, script_variant="auto")
    # reversed to the Big5 original, then converted to simplified by OpenCC
    assert text == CLEAN
    assert e.script == "traditional"


def test_cp1252_decoding_of_gbk_is_reversed():
    raw = CLEAN.encode("gbk")
    damaged = "".join(bytes([b]).decode("cp1252") if bytes([b]).decode("cp1252", errors="replace") != "\ufffd" else chr(b) for b in raw)
    text, _ = _norm(damaged)
    assert text == CLEAN


@pytest.mark.parametrize("damaged,code", [
    ("请各单位于锟斤拷锟斤拷前上报材料。", "kunjinkao"),
    ("烫烫烫烫烫烫", "uninitialized_memory"),
    ("加强\ufffd\ufffd管理工作。", "replacement_chars"),
    ("各单位要加强??管理，确保???落实。", "question_marks"),
])
def test_irrecoverable_damage_is_kept_and_reported(damaged, code):
    text, e = _norm(damaged)
    warnings = {w.code: w for w in e.warnings}
    assert code in warnings
    assert warnings[code].count >= 1
    assert text  # the text is kept, never dropped


def test_ftfy_case_keeps_fullwidth_brackets_and_quotes():
    original = "（一）坚持“以人民为中心”。"
    damaged = original.encode("utf-8").decode("latin-1")
    text, _ = _norm(damaged)
    assert text == original


# --- pinyin and script -------------------------------------------------------------------------

def test_pinyin_after_each_character_is_removed_but_not_numbering_or_notes():
    text, e = _norm("衛(wèi)生局素質(zhì)提升方案\n(一)加強領導（責任部門：局辦公室）")
    assert text == "卫生局素质提升方案\n（一）加强领导（责任部门：局办公室）"
    assert _steps(e)["strip_pinyin_annotations"] == 2


def test_traditional_plan_converts_with_mainland_phrases():
    text, e = _norm((FIX / "clean_traditional.txt").read_text(encoding="utf-8"))
    assert e.script == "traditional"
    assert "县卫生局开展爱国卫生运动实施方案" in text
    assert "巩固创建成果" in text and "标准" in text
    assert "级段" not in text and "内核" not in text  # never tw2sp


# --- site chrome ---------------------------------------------------------------------------------

def test_fanwen_site_chrome_is_cut_and_listed(tmp_path):
    raw = ("首頁 > 範文大全 > 計劃方案 > 鄉鎮衛生院健康扶貧工作方案\n鄉鎮衛生院健康扶貧工作方案\n時間:2022-07-05 06:08:32\n"
           "導語:鄉鎮衛生院健康扶貧工作方案一文來源于網友上傳,不代表本站觀點,歡迎參考。\n鄉鎮衛生院健康扶貧工作方案\n"
           "一、工作目標\n做好健康扶貧工作。\n您正在瀏覽: 鄉鎮衛生院健康扶貧工作方案\n網友評論\n")
    text, e = _norm(raw)
    assert text == "乡镇卫生院健康扶贫工作方案\n一、工作目标\n做好健康扶贫工作。"
    reasons = [r.reason for r in e.removed]
    assert any("breadcrumb" in r for r in reasons) and any("repeated title" in r for r in reasons)
    assert len(e.removed) == 6
    assert "乡镇卫生院健康扶贫工作方案" in [c.text for c in e.context.title_candidates]


def test_learned_boilerplate_needs_a_recurring_shape_across_a_sites_documents():
    learner = BatchLearner()
    for i in range(4):
        learner.add(f"方案{i}\n一、工作目标\n本站编号：A{i}00{i} 浏览次数 {i * 7}\n正文{i}。", site="example.cn")
    assert learner.is_chrome("本站编号：A9009 浏览次数 12", "example.cn")
    assert not learner.is_chrome("一、工作目标", "example.cn")  # shared outlines are not chrome
    assert not learner.is_chrome("本站编号：A9009 浏览次数 12", "other.cn")
    text, e = _norm("方案\n本站编号：A5005 浏览次数 3\n正文。", batch=learner, site="example.cn")
    assert text == "方案\n正文。"
    assert e.removed[0].reason.startswith("recurs across")


# --- document-sharing sites: page markers, flattened paragraphs, lexical damage -------------------

def test_docshare_document_comes_out_as_the_original():
    doc = process_file(FIX / "docshare_flattened.txt")
    assert doc.title == "镇卫生院创建群众满意乡镇卫生院实施方案"
    lines = doc.text.split("\n")
    assert lines[:3] == ["镇卫生院", "关于创建群众满意乡镇卫生院的实施方案", "各村卫生室："]
    # page marker inside a word: 创立任 / 2、务 → 创建任务
    assert "逐项落实创建任务，院办公室每月检查一次。" in doc.text
    assert "2、" not in doc.text and "内容总结" not in doc.text and "上传人" not in doc.text
    assert "以科学发展观为指导" in doc.text and "提高基层医疗服务水平" in doc.text and "考核细则" in doc.text
    assert [s.marker + s.title for s in doc.sections] == ["一、指导思想", "二、工作目标", "三、实施步骤", "四、保障措施"]
    steps = {r.step for r in doc.repairs}
    assert {"remove_page_markers", "split_space_separated_paragraphs", "repair_lexical_damage"} <= steps
    assert {w.code for w in doc.warnings} >= {"template_year"}
    assert doc.year is None


def test_flattened_page_keeps_spaces_inside_lines_and_breaks_after_headings():
    """A flattened 文库 page: spaces inside a line (spaced-out labels, name lists, brackets, a short note after a
    heading) are not paragraph breaks; the space after a numbered heading phrase with commas is one."""
    doc = process_file(FIX / "docshare_flattened_inline_spaces.txt")
    lines = doc.text.split("\n")
    assert "组 长：张明" in lines
    assert "副 组 长：王月琴 李建国 赵小红" in lines and "组 员：冯王亮 周文龙 汪陈帅" in lines
    assert "1. 搭建展示平台，促进学生提高综合素养" in lines  # the heading keeps its own line
    assert lines[lines.index("1. 搭建展示平台，促进学生提高综合素养") + 1].startswith("各班组织学生")
    assert "2. 校领导致辞 （5分钟）" in lines
    assert "（颁奖曲 集体奖 获奖学生上台领奖，领导颁发）" in lines
    activities = [s for s in doc.sections if s.marker == "二、"][0]
    assert [c.title for c in activities.children] == ["搭建展示平台，促进学生提高综合素养", "校领导致辞（5分钟）",
                                                      "颁发毕业证书", "主持人宣布典礼结束"]
    assert [s.marker + s.title for s in doc.sections] == ["一、领导小组", "二、活动安排", "三、工作要求", "四、其他事项"]


@pytest.mark.parametrize("line, pieces", [
    # a space inside brackets is spacing, even long after the sentence began
    ("各单位要高度重视（按照 县委 要求），认真配合督查组开展工作。 二、督查内容 督查各项重点工作的推进情况。",
     ["各单位要高度重视（按照 县委 要求），认真配合督查组开展工作。", "二、督查内容", "督查各项重点工作的推进情况。"]),
    # a bracket pair of mixed widths (一）is closed: the space after the heading is its line break
    ("二、目标任务 (一）畜禽生产环节 治理指标：全区生猪定点屠宰率达到98%以上。",
     ["二、目标任务", "(一）畜禽生产环节", "治理指标：全区生猪定点屠宰率达到98%以上。"]),
    # a clause left open by a comma is not a finished heading line
    ("学校决定开展评选活动，现将有关事项通知如下。 4.推荐名单在高二年段的名单中产生， 候选人需有先进荣誉或获奖的经历。",
     ["学校决定开展评选活动，现将有关事项通知如下。", "4.推荐名单在高二年段的名单中产生，候选人需有先进荣誉或获奖的经历。"]),
])
def test_flattened_line_breaks_only_where_a_line_ended(line, pieces):
    from fangan.normalizers.pages import split_space_separated_paragraphs
    from fangan.normalizers import StepReport

    # (only a long line with finished sentences is a flattened page)
    line = line + " 以上工作要求各单位认真落实，确保各项工作按时完成，取得实效，并及时报送工作总结。" * 3
    out = split_space_separated_paragraphs(line, NormalizeContext(site_family="docshare"), StepReport("s"))
    assert out.split("\n")[:len(pieces)] == pieces


def test_a_flattened_line_that_opens_with_spaces_is_split_like_one_that_does_not():
    """A flattened page line may keep the spaces it began with (found by the damage run over the bulk pages:
    an empty first paragraph raised IndexError)."""
    from fangan.normalizers.pages import split_space_separated_paragraphs
    from fangan.normalizers import StepReport

    line = "一、工作目标 全面提升学生安全意识。 二、组织领导 成立演练领导小组。" + " 各班主任负责本班学生的疏散工作，确保有序撤离。" * 8
    ctx = NormalizeContext(site_family="docshare")
    plain = split_space_separated_paragraphs(line, ctx, StepReport("s"))
    assert plain.split("\n")[:4] == ["一、工作目标", "全面提升学生安全意识。", "二、组织领导", "成立演练领导小组。"]
    assert split_space_separated_paragraphs("  " + line, ctx, StepReport("s")) == plain


def test_real_numbered_items_are_not_page_markers():
    raw = "卫生院工作方案\n一、主要任务\n1、加强培训。\n2、完善制度。\n3、强化考核。"
    text, e = _norm(raw)
    assert text == raw
    assert "remove_page_markers" not in _steps(e)


_FILL = "各校要进行充分的动员，认真组织考生报名，做好考前的各项准备工作，确保考试工作顺利进行。" * 3


def test_an_unpunctuated_list_on_a_docshare_page_is_not_a_chain_of_page_numbers():
    """1、 报名条件：…考生 / 2、 报名地点 is the document's list (its item 1 is just above, 3 just below); the page
    marker is the number that breaks the sentence further on (…到达考 / 2、点)."""
    from fangan.normalizers.pages import find_page_markers

    lines = ["1、音乐模拟考试方案", _FILL, "一、报名", "1、 报名条件：全县普通高中音乐应届考生", "2、 报名地点：鉴湖中学音乐办公室",
             "3、 报名方法：各校集体报名。", _FILL + "各校带队老师要提前到达考", "2、点，安排好考生进休息室准备。", _FILL]
    assert find_page_markers(lines, docshare=True, pages=2) == [0, 7]
    # past the stated count (1 page), a numbered line with its list around it is never a page marker
    assert find_page_markers(lines[:6], docshare=True, pages=1) == [0]


def test_a_page_opening_with_a_heading_starts_a_line_and_a_page_broken_in_a_marker_joins():
    from fangan.normalizers.pages import remove_page_markers
    from fangan.normalizers import StepReport

    ctx = NormalizeContext(site_family="docshare", page_count=3)
    lines = ["1、活动方案", _FILL, "4.全体教师及部分教师代表", "2、5.全体学生及部分学生代表", _FILL + "（", "3、4）工作量不足的；", _FILL]
    out = remove_page_markers("\n".join(lines), ctx, StepReport("remove_page_markers")).split("\n")
    assert "5.全体学生及部分学生代表" in out and "4.全体教师及部分教师代表" in out
    assert out[-2].endswith("（4）工作量不足的；")


def test_page_markers_without_site_chrome_need_breaks_inside_sentences():
    raw = "1、某县卫生健康局关于开展健康促进工作的实施方\n2、案为推进健康促进工作，特制定本方案。一、工作目标全面提升健康素养水\n3、平。"
    text, e = _norm(raw)
    assert text == "某县卫生健康局关于开展健康促进工作的实施方案为推进健康促进工作，特制定本方案。一、工作目标全面提升健康素养水平。"


@pytest.mark.parametrize("name", ["clean_simplified_with_valid_words.txt", "clean_traditional.txt"])
def test_correct_documents_with_valid_look_alike_words_are_not_repaired(name):
    raw = (FIX / name).read_text(encoding="utf-8")
    text, e = _norm(raw)
    assert "repair_lexical_damage" not in _steps(e)
    if "simplified" in name:
        assert text == raw.strip()
        assert "公司创立于1998年" in text and "到达会场" in text and "开展健康教育" in text


def test_one_damaged_form_is_not_a_signature():
    raw = "为人民效劳是我们的宗旨，全面开展健康教育，创立品牌。"
    text, _ = _norm(raw)
    assert text == raw


def test_template_years_are_flagged_not_read():
    text, e = _norm("到202*年底，覆盖率达到90%。20XX年工作要点。202223年4月启动。2023年完成。")
    w = next(w for w in e.warnings if w.code == "template_year")
    assert w.count == 3
    assert set(w.examples) == {"202*年", "20XX年", "202223年"}


def test_canonical_form():
    text, _ = _norm("一、工作目标:\u3000提高ＡＢＣ覆盖率到９０%\u200b(含乡镇)")
    assert text == "一、工作目标： 提高ABC覆盖率到90%（含乡镇）"


# --- the gold texts fed back in come out unchanged ---------------------------------------------

def test_gold_texts_come_out_unchanged(gold_dir):
    for f in sorted(gold_dir.glob("*.gold.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        src = g["title"] + "\n" + g["clean_text"]
        e = normalize_and_explain(src, NormalizeContext())
        assert e.text == src, f.name
        assert not e.repairs and not e.removed, f.name
        st = build_structure(e.text)
        assert (st.title, st.text) == (g["title"], g["clean_text"]), f.name


def test_learned_boilerplate_keeps_an_issuers_signature_and_date():
    learner = BatchLearner()
    for i in range(5):
        learner.add(f"方案{i}\n正文{i}。\n绍兴市第一中学\n2021年3月{i + 1}日", site="sxyz.net")
    assert not learner.is_chrome("绍兴市第一中学", "sxyz.net")
    assert not learner.is_chrome("2021年3月9日", "sxyz.net")
