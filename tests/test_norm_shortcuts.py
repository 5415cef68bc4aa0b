"""Shortcuts of the normalizers' fifth speed pass decide exactly what the plain computation they skip decides:
each is run beside its plain form on generated texts (Hypothesis) and on real ones."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.normalizers import NormalizeContext, StepReport
from fangan.normalizers import lexical

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def _texts(pieces: list[str], max_size: int = 30):
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


def _real_texts(shared_dir, n: int = 60) -> list[str]:
    paths = sorted((shared_dir / "corpus" / "dev").glob("*.*")) + sorted((shared_dir / "corpus" / "bulk").glob("*.*"))[:n]
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]


# ---- repair_lexical_damage: the signature is searched only where enough of its literals stand ----

LEXICAL_PIECES = ["效劳", "服务", "细那么", "原则", "那么", "开展观", "发展观", "根底", "基础", "协调开展", "科学开展", "开展活动",
                  "把开展、", "创立", "创建", "稳固提高", "到达标准", "标准档案", "，", "。", "加强", "\n"]


def _plain_repair_lexical(text: str) -> tuple[str, list, object]:
    report = StepReport("repair_lexical_damage")
    forms = lexical.damage_signature(text)
    if len(forms) >= lexical.MIN_SIGNATURE_FORMS:
        report.detail = "x"
        text = lexical.repair_lexical_text(text, report)
    return text, report.changes, report.detail is not None


@FAST
@given(_texts(LEXICAL_PIECES))
def test_signature_gate_lets_every_signature_through(text):
    if not lexical.may_carry_signature(text):
        assert len(lexical.damage_signature(text)) < lexical.MIN_SIGNATURE_FORMS
    report = StepReport("repair_lexical_damage")
    out = lexical.repair_lexical_damage(text, NormalizeContext(), report)
    plain, changes, detailed = _plain_repair_lexical(text)
    assert out == plain and report.changes == changes and (report.detail is not None) == detailed


def test_signature_gate_on_real_texts(shared_dir):
    for text in _real_texts(shared_dir):
        for t in (text, text.replace("服务", "效劳").replace("基础", "根底")):
            if not lexical.may_carry_signature(t):
                assert len(lexical.damage_signature(t)) < lexical.MIN_SIGNATURE_FORMS


def test_signature_gate_examples():
    assert lexical.may_carry_signature("效劳群众，夯实根底") and not lexical.may_carry_signature("开展工作，服务群众")
    assert not lexical.may_carry_signature("") and not lexical.may_carry_signature("开展")
