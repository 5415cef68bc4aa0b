"""Hypothesis properties of the normalizers and the heading parser.

The properties, stated precisely (they are what holds, checked; not what one might wish):

1. Never raise. `normalize_and_explain` and `build_structure` accept any string of valid Unicode
   (every category but lone surrogates, which no decoder of ours emits).
2. Idempotent steps. `canonicalize_whitespace`, `canonicalize_punctuation` and `strip_pinyin_annotations`
   reach a fixed point in one pass: step(step(x)) == step(x) for any x. `convert_script` does on text
   that is already simplified. The whole chain is NOT idempotent by design (the page-marker and
   lexical repairs look at counts in the text they are given), so that is not claimed.
3. Nothing lost unlisted. For plan-like text (hanzi of plans, Chinese punctuation, digits, markers
   and line breaks), every hanzi of the input is in the output text or in a `removed` span: as
   multisets, H(input) ⊆ H(output) + H(removed). Repairs that *change* a character (script,
   lexical) cannot fire on this alphabet, which is simplified and holds no damaged word pairs.
4. The heading parser keeps every hanzi: H(input) ⊆ H(title) + H(body text), and its tree is well
   formed: ids unique, every child one level deeper than its parent.
"""
from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.model import iter_sections
from fangan.normalizers import STEPS, NormalizeContext, StepReport, default_steps, normalize_and_explain
from fangan.structure import build_structure

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# words of plans; simplified, and free of the damaged forms `repair_lexical_damage` looks for
WORDS = ["工作", "方案", "目标", "加强", "食品", "安全", "监管", "卫生", "健康", "单位", "乡镇", "部署", "阶段", "要求",
         "领导", "督查", "培训", "完成", "报送", "进展", "县", "局", "年", "月", "日", "各", "为", "和", "的"]
MARKERS = ["一、", "二、", "三、", "（一）", "（二）", "1.", "2、", "（1）", "①", "第一阶段"]
PUNCT = ["，", "。", "；", "：", "、", "（", "）", "%", " "]

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
plan_line = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(PUNCT), st.sampled_from(MARKERS),
                               st.integers(0, 2030).map(str)), max_size=25).map("".join)
plan_text = st.lists(plan_line, min_size=1, max_size=15).map("\n".join)


def hanzi(s: str) -> Counter:
    return Counter(c for c in s if 0x4E00 <= ord(c) <= 0x9FFF)


def run_step(name: str, text: str) -> str:
    default_steps()  # registers the built-in steps
    return STEPS[name](text, NormalizeContext(), StepReport(name))


@SETTINGS
@given(st.one_of(any_text, plan_text, st.tuples(plan_text, any_text).map("".join)))
def test_normalizers_never_raise(text):
    out = normalize_and_explain(text, NormalizeContext())
    assert isinstance(out.text, str)


@SETTINGS
@given(st.one_of(any_text, plan_text, st.tuples(plan_text, any_text).map("".join)))
def test_heading_parser_never_raises(text):
    result = build_structure(text)
    assert isinstance(result.text, str)


@SETTINGS
@given(st.one_of(any_text, plan_text))
def test_idempotent_steps(text):
    for name in ("canonicalize_whitespace", "canonicalize_punctuation", "strip_pinyin_annotations"):
        once = run_step(name, text)
        assert run_step(name, once) == once, name


@SETTINGS
@given(plan_text)
def test_script_conversion_leaves_simplified_text_alone(text):
    once = run_step("convert_script", text)
    assert run_step("convert_script", once) == once


@SETTINGS
@given(plan_text)
def test_no_hanzi_is_lost_without_being_listed(text):
    out = normalize_and_explain(text, NormalizeContext())
    kept = hanzi(out.text) + hanzi("".join(r.text for r in out.removed))
    assert not (hanzi(text) - kept), (hanzi(text) - kept)


@SETTINGS
@given(plan_text)
def test_heading_parser_keeps_every_hanzi_and_a_well_formed_tree(text):
    result = build_structure(text)
    assert not (hanzi(text) - hanzi(result.title) - hanzi(result.text))
    ids = [s.id for s, _ in iter_sections(result.sections)]
    assert len(ids) == len(set(ids))

    def check(sections, level):
        for s in sections:
            assert s.level > level
            check(s.children, s.level)

    check(result.sections, 0)
