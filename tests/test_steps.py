"""Each normalizer step run alone, ftfy-style: a table of (input → output) per step name in DEFAULT_STEPS.

A step is called as the pipeline calls it, `fn(text, ctx, report)`, with a fresh context, so a row shows what
that step does and nothing else does. A last test checks that every default step has a table here."""
from __future__ import annotations

import pytest

from fangan.normalizers import STEPS, NormalizeContext, StepReport, default_steps
from fangan.normalizers.batch import BatchLearner


def run_step(name: str, text: str, **ctx) -> tuple[str, StepReport, NormalizeContext]:
    default_steps()  # registers the built-in steps
    context = NormalizeContext(**ctx)
    report = StepReport(name)
    return STEPS[name](text, context, report), report, context


def _learner() -> BatchLearner:
    learner = BatchLearner()
    for i in range(4):
        learner.add(f"某网站首页 | 联系我们\n第{i}号通知\n正文第{i}段。", "example.org")
    return learner


FLAT = ("为认真贯彻落实上级关于安全生产的各项要求，切实做好本镇安全生产工作，结合实际，特制定本方案。 "
        "一、工作目标。 通过开展专项整治，全面排查各类安全隐患，坚决遏制重特大事故的发生，确保全镇安全形势稳定。 "
        "二、工作措施。 各村要按照镇里提出的要求，认真组织开展自查自纠，建立隐患台账，限期整改 到位。 "
        "三、工作要求。 各单位要高度重视，加强组织领导，落实工作责任，确保各项工作取得实效。")

TABLES: dict[str, list[tuple[str, str, dict]]] = {
    "repair_mojibake": [
        ("全面推进健康教育工作".encode("utf-8").decode("gb18030"), "全面推进健康教育工作", {}),
        ("卫生局工作方案".encode("gbk").decode("latin-1"), "卫生局工作方案", {}),
        ("卫生局工作方案".encode("utf-8").decode("latin-1"), "卫生局工作方案", {}),
        ("衛生局工作計畫".encode("cp950").decode("gb18030"), "衛生局工作計畫", {}),
        ("为深入贯彻落实，制定本方案。", "为深入贯彻落实，制定本方案。", {}),
        ("Café résumé naïve", "Café résumé naïve", {}),
    ],
    "flag_irrecoverable": [
        ("加强锟斤拷管理", "加强锟斤拷管理", {}),
        ("烫烫烫烫", "烫烫烫烫", {}),
    ],
    "canonicalize_whitespace": [
        ("一、\u3000总体要求\u200b\n\n\n（一）指导思想", "一、 总体要求\n（一）指导思想", {}),
        ("  为做好工作\xa0，特制定本方案。  ", "为做好工作 ，特制定本方案。", {}),
    ],
    "strip_pinyin_annotations": [
        ("衛(wèi)生局素質(zhì)提升", "衛生局素質提升", {}),
        ("（一）指导思想（责任部门：县卫生局）", "（一）指导思想（责任部门：县卫生局）", {}),
    ],
    "convert_script": [
        ("衛生局關於開展工作的實施方案", "卫生局关于开展工作的实施方案", {}),
        ("卫生局关于开展工作的实施方案", "卫生局关于开展工作的实施方案", {}),
        ("網路計畫", "网路计划", {}),  # OpenCC t2s as-is (CONVENTIONS: 計畫 → 计划, 網路 kept)
    ],
    "remove_site_chrome": [
        ("当前位置：首页 > 通知公告 > 某镇防汛方案\n一、工作目标", "一、工作目标", {}),
        ("索 引 号： 000014349/2019-00010 主题分类： 农业\n一、工作目标", "一、工作目标", {}),
        ("一、工作目标\n确保安全。 来源：某县政府 附件下载", "一、工作目标\n确保安全。", {}),
        ("时间：3月20日至3月31日\n一、工作目标", "时间：3月20日至3月31日\n一、工作目标", {}),
    ],
    "remove_learned_boilerplate": [
        ("某网站首页 | 联系我们\n关于防汛的通知\n一、工作目标", "关于防汛的通知\n一、工作目标", {"site": "example.org"}),
        ("某网站首页 | 联系我们\n一、工作目标", "某网站首页 | 联系我们\n一、工作目标", {}),
    ],
    "remove_page_markers": [
        ("1、某镇工作方案\n为认真贯彻落实上级要求，围\n2、绕中心工作，特制定本方案。\n一、工作目标",
         "某镇工作方案\n为认真贯彻落实上级要求，围绕中心工作，特制定本方案。\n一、工作目标", {"site_family": "docshare"}),
        ("一、工作目标\n1、加强组织领导。\n2、落实工作责任。", "一、工作目标\n1、加强组织领导。\n2、落实工作责任。", {}),
    ],
    "split_space_separated_paragraphs": [
        (FLAT, FLAT.replace("。 ", "。\n").replace("整改 到位", "整改到位"), {}),
        ("为做好工作，特制定本方案。", "为做好工作，特制定本方案。", {}),
    ],
    "canonicalize_punctuation": [
        ("责任单位:县卫生局(牵头)", "责任单位：县卫生局（牵头）", {}),
        ("覆盖率达到１００％", "覆盖率达到100％", {}),
        ("2021-04-30 10:09", "2021-04-30 10:09", {}),
    ],
    "repair_lexical_damage": [
        ("提供优质效劳，落实细那么，夯实根底。", "提供优质服务，落实细则，夯实基础。", {}),
        ("积极开展创建活动。", "积极开展创建活动。", {}),
    ],
    "flag_template_years": [
        ("202*年工作方案", "202*年工作方案", {}),
    ],
}

ROWS = [(name, i, *row) for name, rows in TABLES.items() for i, row in enumerate(rows)]


@pytest.mark.parametrize("name,i,before,after,ctx", ROWS, ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_step_alone(name, i, before, after, ctx):
    if name == "remove_learned_boilerplate":
        ctx = dict(ctx, batch=_learner())
    site_family = ctx.pop("site_family", None)
    default_steps()
    context = NormalizeContext(**ctx)
    context.site_family = site_family
    report = StepReport(name)
    out = STEPS[name](before, context, report)
    assert out == after
    # a step that changed the text says so; flags and whitespace report without changing (or below the count)
    if name not in ("flag_irrecoverable", "flag_template_years", "canonicalize_whitespace"):
        assert bool(report.count or report.removed or report.warnings or report.detail) == (before != after)


def test_flag_steps_warn_and_keep_the_text():
    _, report, _ = run_step("flag_irrecoverable", "加强锟斤拷管理")
    assert [w.code for w in report.warnings] == ["kunjinkao"]
    _, report, ctx = run_step("flag_template_years", "202*年工作方案")
    assert [w.code for w in report.warnings] == ["template_year"] and ctx.template_year == "202*年"


def test_steps_share_typed_fields_not_metadata():
    _, _, ctx = run_step("remove_site_chrome", "收藏 分享(赏)\n某方案.doc\n一、工作目标")
    assert ctx.site_family == "docshare" and ctx.metadata == {}
    _, _, ctx = run_step("convert_script", "衛生局關於開展工作")
    assert ctx.script == "traditional"


def test_every_default_step_has_a_table():
    assert set(default_steps()) <= set(TABLES)
