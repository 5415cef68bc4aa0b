"""Steps share a text's lines (`normalizers.lines_of` / `joined`) instead of splitting the same text again, and hand
their input back unchanged when they change no line: the explanation is exactly the one of splitting and joining
every time."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fangan.normalizers as N
from fangan.normalizers import NormalizeContext, StepReport, batch, canonical, chrome, encoding, joined, lines_of, pages

FAST = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
_SHARING = (encoding, canonical, chrome, pages, batch)

_PIECES = ["当前位置：首页 > 通知 > 关于印发方案的通知", "第 3 页 / 共 12 页", "版权所有", "来源：县教育局", "微信 微博 QQ空间",
           "为加强管理，特制定本方案。", "一、总体要求", "（一）工作目标", "计算方法：人次数×100%。", "浣犲ソ锛屼笘鐣", "效劳",
           "2024年3月1日", "长宁县人民政府办公室", " ", "\u3000", "\t", "\xa0", "\r", "\n", "\n", "\n\n",
           "各地要严格落实责任。 各部门要加强协作。 各单位要按时报送。 " * 3]


def _plain(monkeypatch) -> None:
    """Every step splits and joins for itself (the computation the sharing skips)."""
    for module in _SHARING:
        monkeypatch.setattr(module, "lines_of", lambda text: text.split("\n"))
        if hasattr(module, "joined"):
            monkeypatch.setattr(module, "joined", lambda lines: "\n".join(lines))


def _explain(text: str) -> tuple:
    learner = batch.BatchLearner()
    for k in range(3):
        learner.add(text, "site", doc_id=f"d{k}")
    e = N.normalize_and_explain(text, NormalizeContext(site="site", batch=learner.stats.learned().for_document()))
    return (e.text, e.script, [r.model_dump() for r in e.repairs], [r.model_dump() for r in e.removed],
            [w.model_dump() for w in e.warnings], e.context.title_candidates, e.context.site_family)


def test_lines_of_is_the_split_and_joined_the_join():
    text = "甲\n\n乙 \n"
    assert lines_of(text) == text.split("\n")
    assert lines_of(text) is lines_of(text)  # (the same text: its lines are not split again)
    lines = ["一", "", "二"]
    out = joined(lines)
    assert out == "一\n\n二" and lines_of(out) is lines
    broken = ["一\n二", "三"]  # a line holding a break is not the split of its join: not remembered
    out = joined(broken)
    assert out == "一\n二\n三" and lines_of(out) == ["一", "二", "三"]
    assert joined([]) == "" and lines_of("") == [""]


@FAST
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_shared_lines_explain_as_the_plain_steps(text):
    shared = _explain(text)
    with pytest.MonkeyPatch.context() as mp:
        _plain(mp)
        assert _explain(text) == shared


def test_shared_lines_on_real_texts(shared_dir):
    paths = sorted((shared_dir / "corpus" / "dev").glob("*.txt"))[:30] + sorted((shared_dir / "corpus" / "bulk").glob("*.*"))[:30]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    shared = [_explain(t) for t in texts]
    with pytest.MonkeyPatch.context() as mp:
        _plain(mp)
        assert [_explain(t) for t in texts] == shared


def test_unchanged_text_is_handed_back():
    text = "一、总体要求\n为加强管理，特制定本方案。"
    ctx = NormalizeContext()
    assert pages.split_space_separated_paragraphs(text, ctx, StepReport("s")) is text
    assert chrome.remove_site_chrome(text, ctx, StepReport("c")) is text
    flat = "。 ".join(["各地要严格落实责任"] * 30) + "。"
    out = pages.split_space_separated_paragraphs(flat, NormalizeContext(site_family="docshare"), StepReport("s"))
    assert out != flat and out == "\n".join(out.split("\n"))


_WIDTH_PIECES = ["加强", "Ａ", "１", "ｚ", "９", "Ｚ", "ａ", "（", "）", "(一)", ",", ":", "13:00", "x", "\n", "，", "\uff0f", "\uff5b"]


@FAST
@given(st.lists(st.sampled_from(_WIDTH_PIECES), max_size=30).map("".join))
def test_fullwidth_folded_in_place_as_translated(text):
    """The fullwidth letters and digits are folded where the scan found them: the text, the count and the examples
    of translating the whole text and comparing it character by character."""
    from fangan.normalizers import canonical

    report = StepReport("canonicalize_punctuation")
    out = canonical.canonicalize_punctuation(text, NormalizeContext(), report)
    folded = text.translate(canonical._FULLWIDTH_ALNUM)
    n = sum(1 for a, b in zip(text, folded) if a != b)
    plain = StepReport("canonicalize_punctuation")
    with pytest.MonkeyPatch.context() as mp:  # (the step on the folded text: only the fold is left out)
        mp.setattr(canonical, "_FULLWIDTH_OR_MARK", canonical._ASCII_PUNCT)
        rest = canonical.canonicalize_punctuation(folded, NormalizeContext(), plain)
    assert out == rest
    if out != text:
        assert report.count == n + plain.count
        assert [c.model_dump() for c in report.changes] == (
            ([{"before": "fullwidth digits/Latin", "after": "ASCII", "context": ""}] if n else [])
            + [c.model_dump() for c in plain.changes])
