"""Field extraction on our own fixtures: every form the extraction issue lists, and its absence."""
from __future__ import annotations

from pathlib import Path

import pytest

from fangan.extract.dates import parse_range
from fangan.pipeline import process_file

FIX = Path(__file__).parent / "fixtures" / "extract"


def _d(d):
    return None if d is None else (d.year, d.month, d.day, d.part)


@pytest.mark.parametrize("raw,start,end", [
    ("1月中旬至3月底", (None, 1, None, "mid"), (None, 3, None, "end")),
    ("4月初至11底", (None, 4, None, "early"), (None, 11, None, "end")),
    ("6月中旬至7月份", (None, 6, None, "mid"), (None, 7, None, None)),
    ("7月至年底", (None, 7, None, None), (None, 12, None, "end")),
    ("202*年4月6月", (None, 4, None, None), (None, 6, None, None)),
    ("202223年7月至12月", (None, 7, None, None), (None, 12, None, None)),
    ("2024年5月—6月", (2024, 5, None, None), (2024, 6, None, None)),
    ("5月1日至5月31日", (None, 5, 1, None), (None, 5, 31, None)),
    ("二〇二三年四月十九日", (2023, 4, 19, None), (2023, 4, 19, None)),
    ("6月上旬", (None, 6, None, "early"), (None, 6, None, "early")),
])
def test_date_forms(raw, start, end):
    s, e, _ = parse_range(raw)
    assert (_d(s), _d(e)) == (start, end)


@pytest.fixture(scope="module")
def plan():
    return process_file(FIX / "county_vaccination_plan.txt")


def test_metadata(plan):
    assert plan.doc_number == "县卫健发〔2024〕15号"
    assert plan.issuer == "县卫生健康局"
    assert plan.addressee == "各乡镇卫生院、县直各医疗卫生单位"
    assert _d(plan.date) == (2024, 8, 20, None)
    assert (plan.year, plan.year_source) == (2024, "title")


@pytest.mark.parametrize("line,addressee", [
    ("各乡镇卫生院、县直各医疗卫生单位：", "各乡镇卫生院、县直各医疗卫生单位"),
    # units listed with ， as well as 、 (a 主送 line of a State Council or county office)
    ("各乡镇人民政府，县直各单位：", "各乡镇人民政府，县直各单位"),
    ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"),
    ("平潭县人民政府，区直各单位，各乡镇人民政府，县直各有关单位：", "平潭县人民政府，区直各单位，各乡镇人民政府，县直各有关单位"),
    ("各有关单位:", "各有关单位"),
    ("发布机构：", None),  # a metadata box's label
    ("工作要求：", None),  # a heading, not units
])
def test_the_addressee_line_under_the_title(line, addressee):
    from fangan.ingest import SourceItem
    from fangan.pipeline import process_item

    text = f"长宁县2024年健康促进工作方案\n{line}\n为提高居民健康素养水平，制定本方案。\n一、工作目标\n全县居民健康素养水平达到25%以上。\n"
    assert process_item(SourceItem(path="plan.txt", data=text.encode("utf-8"))).addressee == addressee


def test_targets(plan):
    targets = [(t.comparator, t.value, t.unit) for g in plan.goals for t in g.targets]
    assert targets == [(">=", 95, "%"), (">=", 2000, "人"), ("<=", 0.1, "%"), (">=", 1, "个"), ("<=", 2, "个"), ("==", 100, "%")]
    assert any(g.text == "以提高接种率为目标" and g.section_id == "s1" for g in plan.goals)


def test_phases(plan):
    assert [(p.order, p.name, _d(p.start), _d(p.end), p.section_id) for p in plan.phases] == [
        (1, "准备阶段", (2024, 9, None, "early"), (2024, 9, None, "end"), "s3.1"),
        (2, "实施阶段", (None, 10, None, None), (None, 11, None, "mid"), "s3.2"),
        (3, "总结阶段", (None, 11, None, "late"), (None, 12, None, "end"), "s3.3"),
    ]


def test_deadlines(plan):
    got = [(_d(d.due), d.action, d.recurring, d.section_id) for d in plan.deadlines]
    assert got == [
        ((None, 10, 10, None), "完成人员培训", None, "s3.1"),
        ((None, 11, None, "end"), "上报接种数据", None, "s3.2"),
        ((None, None, None, "end"), "报送工作总结", "quarterly", "s3.3"),
    ]


def test_responsible_parties(plan):
    got = {(p.name, p.section_id) for p in plan.responsible_parties}
    assert got == {
        ("县疫苗接种工作领导小组", "s2"), ("县疾控中心", "s2"),  # 成立…负责 / 办公室设在
        ("县疾控中心", "s3.1"),  # …负责
        ("县疾控中心", "s3.2"), ("县人民医院", "s3.2"), ("各乡镇卫生院", "s3.2"),  # 责任单位：…
        ("县卫生健康局", "s3.3"),  # 将组织督导检查
        ("县妇幼保健院", "s4.1"),  # 与…密切合作
    }
    # excluded: generic addressees (各乡镇卫生院要…), authorities (按照县委办公室工作要求), report recipients
    assert not any(p.name in ("县委办公室", "县卫生健康局办公室") for p in plan.responsible_parties)


def test_no_false_extraction_from_prose():
    doc = process_file(FIX / "guiding_ideology_only.txt")
    assert doc.goals == [] and doc.phases == [] and doc.deadlines == [] and doc.responsible_parties == []
    assert doc.year is None


def test_pandas_tables_carry_the_fields(tmp_path):
    from fangan.corpus.tables import frames_from_records

    corpus = frames_from_records([process_file(FIX / "county_vaccination_plan.txt").model_dump(mode="json")])
    assert len(corpus.phases) == 3 and len(corpus.deadlines) == 3 and len(corpus.parties) == 8
    assert corpus.deadlines.loc[0, "section_path"] == "实施步骤 > 准备阶段（2024年9月上旬至9月底）"
    assert set(corpus.targets["comparator"]) == {">=", "<=", "=="}


def test_phases_stated_in_running_text_and_assisting_parties(repo_dir):
    doc = process_file(repo_dir / "data" / "samples" / "county_summer_food_safety_plan_utf16.txt")
    assert [(p.name, _d(p.start), _d(p.end)) for p in doc.phases] == [
        ("动员部署阶段", (2024, 5, None, None), (2024, 6, None, None)),
        ("集中整治阶段", (2024, 7, 1, None), (2024, 8, 31, None)),
        ("总结验收阶段", (None, 9, None, "mid"), (None, 9, None, "mid")),
    ]
    roles = {(p.name, p.role) for p in doc.responsible_parties}
    assert {("县卫生监督所", "牵头"), ("县疾控中心", "配合"), ("局食品安全科", "领导小组办公室")} <= roles
    assert "通过专项整治" not in [g.text for g in doc.goals]


def test_year_inferred_from_the_plan_keeps_year_as_written(plan):
    first, second = plan.phases[0], plan.phases[1]
    assert (first.start.year, first.start.year_inferred) == (2024, None)  # the date writes its year
    assert (second.start.year, second.start.year_inferred) == (None, 2024)  # 10月 in a 2024 plan
    assert {(d.due.year, d.due.year_inferred) for d in plan.deadlines} == {(None, 2024)}


def test_a_plan_in_other_wordings_end_to_end():
    """Role parentheticals and labels, generic subjects, a duty section, undated-stage steps under 实施步骤
    with a day range and an open end, deadlines with words between the date and 前, labels and 不能晚于."""
    doc = process_file(FIX / "county_market_order_plan.txt")
    assert [(t.comparator, t.value, t.unit) for g in doc.goals for t in g.targets] == [
        (">=", 80, "%"), (">=", 95, "%"), (">=", 2, "分钟"), ("<=", 40, "分钟"), ("==", 8, "个"), ("==", 500, "人次")]
    assert [(p.name, _d(p.start), _d(p.end)) for p in doc.phases] == [
        ("动员部署", (2023, 3, 10, None), (2023, 3, 24, None)),
        ("集中整治", (2023, 3, 25, None), (2023, 6, 30, None)),
        ("总结验收", (2023, 7, 1, None), None),
    ]
    assert [(_d(d.due), d.due.year_inferred, d.action) for d in doc.deadlines] == [
        ((None, 7, 10, None), 2023, "报送工作总结"),
        ((None, 12, 8, None), 2023, "须全部验收完毕"),
        ((None, 3, 15, None), 2023, "各单位报送"),
        ((None, 5, 21, None), 2023, "材料报送"),
    ]
    assert [(p.name, p.role, p.section_id) for p in doc.responsible_parties] == [
        ("县市场监管局", "牵头", "s2.1"), ("县商务局", "参与", "s2.1"), ("县公安局", "参与", "s2.1"),
        ("县市场监管局执法大队", "牵头处室", "s2.2"), ("县商务局流通科", "配合处室", "s2.2"),
        ("县融媒体中心", "负责", "s2.3"), ("各乡镇", "负责", "s2.3"),
        ("县商务局", "任务分工", "s4"), ("供电公司", "任务分工", "s4"),
    ]
    assert not any(g.text in ("工作目标", "到2023年底") for g in doc.goals)


def test_a_goal_stated_twice_is_one_goal_with_all_its_targets():
    from fangan.extract.fields import _merge_duplicates
    from fangan.model import Goal, Target

    t1, t2 = Target(indicator="覆盖率", value=90, unit="%"), Target(indicator="覆盖率", value=95, unit="%")
    merged = _merge_duplicates([Goal(text="提高覆盖率", targets=[t1]), Goal(text="完善机制"), Goal(text="提高覆盖率", targets=[t2])])
    assert [(g.text, [t.value for t in g.targets]) for g in merged] == [("提高覆盖率", [90, 95]), ("完善机制", [])]


@pytest.mark.parametrize("clause", ["工作目标", "指导思想", "到2025年", "2015年", "活动目标", "具体来说", "l宏观层面",
                                    "争取用5年时间", "三到五年时间内"])
def test_heading_labels_and_time_frames_are_not_goals(clause):
    from fangan.extract.rules import find_goal_statements

    text = f"{clause}，全面提升服务水平"
    assert [c for _, _, c in find_goal_statements(text, [(0, len(text))])] == ["全面提升服务水平"]
