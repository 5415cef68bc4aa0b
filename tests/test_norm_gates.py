"""Shortcuts in parsing and normalization decide exactly what the full computation decides.

Each gate or early exit is checked against the slow path it skips: strings generated to match a rule must pass
the rule's gate, and the fast functions must agree with the plain ones on generated and real inputs."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.lexicon import chars
from fangan.normalizers import NormalizeContext, StepReport
from fangan.normalizers import canonical, chrome, encoding, script, years
from fangan.gates import first_chars, gate, required_literals
from fangan.parsers import text as text_parser

FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


# ---- required literals read off a pattern ----

def test_required_literals_of_simple_patterns():
    assert required_literals(r"^(?P<title>.*?)\s*标签[：:].*$") == frozenset({"标签：", "标签:"})
    assert required_literals(r"^(?:首页|主页)\s*>") == frozenset({"首页", "主页"})
    assert required_literals(r"\.(?:docx?|pdf)$") == frozenset({"doc", "pdf"})
    assert required_literals(r"[ab]x*") == frozenset({"a", "b"})
    assert required_literals(r"a*") is None  # nothing is required
    assert required_literals(r"(a)\1") is None  # a back-reference: not reasoned about
    assert required_literals(re.compile("abc", re.I)) is None  # case-insensitive: no literal is sure
    assert required_literals("(?i)abc") is None and first_chars("(?i)abc") is None
    assert gate([r"标签", r"x*"]) is None  # one rule without a requirement: no gate for the group
    # a run through a class of plain characters gives one string per choice; of equals, the rarer hanzi wins
    assert required_literals(r"^时间[：:]\s*\d") == frozenset({"时间：", "时间:"})
    assert required_literals(r"^第\s*\d+\s*页$") == frozenset({"页"})


def _matches(pattern: re.Pattern):
    return st.from_regex(pattern, fullmatch=False).filter(lambda s: pattern.match(s) is not None)


@pytest.mark.parametrize("rule", chrome.LINE_RULES, ids=lambda r: r.name)
@FAST
@given(data=st.data())
def test_every_line_rule_match_passes_the_gate(rule, data):
    line = data.draw(_matches(rule.pattern))
    assert chrome._LINE_RULE_GATE.search(line), (rule.name, line)


@FAST
@given(data=st.data())
def test_every_docshare_line_passes_its_gate(data):
    line = data.draw(_matches(chrome._DOCSHARE))
    assert chrome._DOCSHARE_GATE.search(line)


def test_first_chars_of_simple_patterns():
    assert first_chars(r"^(?:页面|[=#]{4,})") == frozenset({"页", "=", "#"})
    assert first_chars(r"(?:^|(?<=[,;]))(?:来源|作者)[：:]") == frozenset({"来", "作"})
    assert first_chars(r"(?=x)ab|c") == frozenset({"a", "c"})  # a lookahead consumes nothing
    assert first_chars(r"a?b") == frozenset({"a", "b"})
    assert first_chars(r"a*") is None  # may match the empty string
    assert first_chars(r"\d+") is None  # a class of many characters


@pytest.mark.parametrize("name", ["_CRAWLER", "_WIDGETS_LINE", "_LABEL_RE"])
@FAST
@given(data=st.data())
def test_start_anchored_matches_open_with_a_first_char(name, data):
    pattern = getattr(chrome, name)
    line = data.draw(_matches(pattern))
    assert line[:1] in first_chars(pattern), (name, line)


_CHROME_PIECES = ["当前位置：首页 > 通知 > 关于印发方案的通知", "第 3 页 / 共 12 页", "版权所有", "时间：2020-03-13", "来源：县教育局",
                  "【发布时间：2020-03-13】", "微信 微博 QQ空间", "分享到", "关闭窗口", "【打印】", "内容总结（1）", "{", "p{font-size:1pt}",
                  "《方案.docx》由会员分享", "下载文档", "页", " ", "\u3000", "\t", "\n", "\n", "为加强管理，特制定本方案。", "一、总体要求"]


@FAST
@given(st.lists(st.sampled_from(_CHROME_PIECES), max_size=24).map("".join))
def test_busy_lines_hold_every_line_a_rule_may_touch(text):
    """The step's scan for busy lines finds exactly the lines its pattern finds one by one, and the step keeps the
    others untouched: its result and report are those of trying every rule on every line."""
    lines = text.split("\n")
    assert chrome.busy_lines(text) == {i for i, ln in enumerate(lines) if chrome._BUSY.search("\n" + ln)}
    fast_ctx, fast = NormalizeContext(), StepReport("remove_site_chrome")
    out = chrome.remove_site_chrome(text, fast_ctx, fast)
    busy, chrome._BUSY = chrome._BUSY, None
    try:
        plain_ctx, plain = NormalizeContext(), StepReport("remove_site_chrome")
        assert chrome.remove_site_chrome(text, plain_ctx, plain) == out
    finally:
        chrome._BUSY = busy
    assert [(r.text, r.reason) for r in fast.removed] == [(r.text, r.reason) for r in plain.removed]
    assert (fast_ctx.title_candidates, fast_ctx.site_family, fast_ctx.page_count) == (
        plain_ctx.title_candidates, plain_ctx.site_family, plain_ctx.page_count)


def test_chrome_lines_still_found_behind_the_gate():
    found = chrome._whole_line_rule("当前位置：首页 > 通知公告 > 关于印发工作方案的通知")
    assert found and found[0] == "breadcrumb"
    assert chrome._whole_line_rule("第 3 页 / 共 12 页")[0] == "page_list"
    assert chrome._whole_line_rule("为切实加强夏季食品安全监管，特制定本方案。") is None


# ---- damage that no codec undoes: the character gate ----

@pytest.mark.parametrize("code,pattern", [(c, p) for c, p, _ in encoding.IRRECOVERABLE])
def test_irrecoverable_patterns_need_a_gate_string(code, pattern):
    need = required_literals(pattern)  # (one of these stands in every match; the gate's strings are those or longer)
    assert need and all(any(n in s or s in n for n in encoding._IRRECOVERABLE_NEEDS) for s in need), code


@FAST
@given(st.text(alphabet="烫屯锟斤拷鈹中文?\ufffd a\n", max_size=30))
def test_irrecoverable_matches_hold_a_gate_string(s):
    for _, pattern, _ in encoding.IRRECOVERABLE:
        for m in pattern.finditer(s):
            assert any(n in m.group(0) for n in encoding._IRRECOVERABLE_NEEDS), (pattern.pattern, m.group(0))
    if encoding._ANY_IRRECOVERABLE.search(s):
        assert any(n in s for n in encoding._IRRECOVERABLE_NEEDS)


def test_irrecoverable_gate_lets_a_lone_tang_through_unflagged():
    report = StepReport("flag_irrecoverable")
    encoding.flag_irrecoverable("预防烫伤，烫烫烫烫", NormalizeContext(), report)
    assert [w.code for w in report.warnings] == ["uninitialized_memory"]
    report = StepReport("flag_irrecoverable")
    assert encoding.flag_irrecoverable("预防烫伤", NormalizeContext(), report) == "预防烫伤" and not report.warnings


def test_irrecoverable_still_flagged():
    report = StepReport("flag_irrecoverable")
    encoding.flag_irrecoverable("工作方案锟斤拷实施，保障??安全", NormalizeContext(), report)
    assert {w.code for w in report.warnings} == {"kunjinkao", "question_marks"}


# ---- punctuation near Chinese: the regex tried only at the marks ----

@FAST
@given(st.text(alphabet="中文 ,:;!?\n\t a1。(（", max_size=40))
def test_punct_near_cjk_same_as_sub(s):
    def repl(m):
        return "<" + m.group(0) + ">"
    assert canonical._sub_punct_near_cjk(repl, s) == canonical._PUNCT_NEAR_CJK.sub(repl, s)


# ---- template years ----

@FAST
@given(st.text(alphabet="20年*＊×xX19 3中", max_size=30))
def test_template_year_gate_is_necessary(s):
    if years.TEMPLATE_YEAR.search(s):
        assert years._MAYBE_TEMPLATE.search(s)


# ---- character counts: prefixes and early exits ----

@FAST
@given(st.text(alphabet="中文a \n𠀀豈，", max_size=300), st.sampled_from([0.05, 0.3, 0.9]))
def test_han_share_at_least_never_claims_too_much(s, share):
    if chars.han_share_at_least(s, share):
        assert chars.han_share(s) >= share


def test_han_share_at_least_decides_a_plan_early():
    assert chars.han_share_at_least("为切实加强夏季食品安全监管，特制定本方案。" * 2000 + "x" * 100000, 0.05)
    assert not chars.han_share_at_least("plain English text " * 100, 0.05)


def _script_by_counts(text: str) -> str:
    trad, simp = script.script_counts(text)
    total = trad + simp
    if total == 0:
        return "unknown"
    if trad / total >= 0.9:
        return "traditional"
    return "simplified" if simp / total >= 0.9 else "mixed"


@FAST
@given(st.text(alphabet="发这个为們這個為的是中", max_size=60))
def test_detect_script_early_exit_agrees_with_counts(s):
    assert script.detect_script(s) == _script_by_counts(s)


def _plausibility_by_loop(text: str, sample: int = chars.PLAUSIBILITY_SAMPLE) -> float:
    visible = [c for c in text[:sample] if c not in "\n\r\t "]
    return sum(map(chars.char_score, visible)) / len(visible) if visible else 0.0


@FAST
@given(st.text(max_size=80))
def test_plausibility_table_same_as_char_score(s):
    assert chars.plausibility(s) == _plausibility_by_loop(s)


@FAST
@given(st.text(max_size=120), st.sampled_from([-0.2, -1.0, -0.01]))
def test_plausibility_at_least_never_claims_too_much(s, bar):
    if chars.plausibility_at_least(s, bar):
        assert chars.plausibility(s) >= bar


def test_plausibility_at_least_clears_a_plan_and_not_debris():
    assert chars.plausibility_at_least("为切实加强夏季食品安全监管，特制定本方案。" * 50, -0.2)
    assert not chars.plausibility_at_least("\ue000\ufffd\x01" * 50, -0.2)


# ---- the decode decision: pruned by plausibility, same winner ----

def _best_by_full_scores(texts: list[str]) -> int:
    best = None
    for i, t in enumerate(texts):
        score = chars.plausibility(t) + 0.1 * chars.logprob(t)
        if best is None or score > best[0]:
            best = (score, i)
    return best[1]


def test_logprob_is_never_positive():
    m = chars.model()
    assert max(m.uni.values()) <= m.total
    assert all(n <= m.follow[pair[0]] for pair, n in m.bi.items())


@FAST
@given(st.lists(st.text(alphabet="为切实加强监管浣犲ソÄãºÃ，。a \ufffd", max_size=50), min_size=1, max_size=6))
def test_best_reading_same_as_scoring_all(texts):
    assert text_parser._best_reading(texts) == _best_by_full_scores(texts)


def test_decode_bytes_picks_the_codec_of_gbk_and_big5_files():
    plan = "县卫生健康局关于印发夏季食品安全专项整治工作方案的通知。为切实加强夏季食品安全监管，特制定本方案。" * 5
    assert text_parser.decode_bytes(plan.encode("gb18030")) == (plan, "gb18030")
    trad = "縣衛生健康局關於印發夏季食品安全專項整治工作方案的通知。為切實加強夏季食品安全監管，特制定本方案。" * 5
    assert text_parser.decode_bytes(trad.encode("cp950")) == (trad, "cp950")


# ---- mojibake: the reversal remembered by line ----

def test_best_reversal_cached_result_is_a_fresh_list():
    line = "浣犲ソ锛屾垜鏄腑鍥戒汉"
    a = encoding.best_reversal(line)
    a[1].append(("x", "y"))
    b = encoding.best_reversal(line)
    assert ("x", "y") not in b[1] and b[0] == a[0]
