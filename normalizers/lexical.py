"""Words swapped by a machine-translation round trip (zh → en → zh), which some sites run to
make copied documents look original: 服务 → service → 效劳, 发展 → develop → 开展, 细则 → 细那么.

Every damaged form is also a real word somewhere (效劳, 开展, 标准, 创立 are all good Chinese), so
the repair is gated twice. The document must carry the damage *signature*: at least two distinct
forms that a clean plan practically never writes (效劳, 细那么, 开展观, 根底上 …). And each
substitution applies only where its clean form is rarer in the document than the damaged one:
a round trip replaces a word everywhere, so a document that writes 创建 elsewhere was not damaged
on its 创立. A correct document comes out unchanged.
"""
from __future__ import annotations

import re
from dataclasses import replace
from dataclasses import dataclass

from fangan.gates import required_literals

from . import NormalizeContext, StepReport, step


@dataclass(frozen=True)
class Substitution:
    damaged: str  # regex matching the damaged text
    clean: str  # replacement (may use groups)
    clean_word: str  # the word the round trip destroyed, counted to decide whether it is missing
    damaged_word: str  # the damaged word, counted the same way
    signature: bool = False  # a form clean plans practically never write


TABLE: tuple[Substitution, ...] = (
    Substitution("效劳", "服务", "服务", "效劳", signature=True),
    Substitution("(细|原|规|准|法|总|守)那么", r"\1则", "(?:细|原|规|准|法|总|守)则", "那么", signature=True),
    Substitution("开展观", "发展观", "发展观", "开展观", signature=True),
    Substitution("根底", "基础", "基础", "根底", signature=True),
    Substitution("(协调|可持续|科学|高质量|跨越式|均衡|健康|经济社会|事业)开展(?![^，。；]{0,6}(?:活动|工作))", r"\1发展",
                 "发展", "开展", signature=True),
    Substitution("(?<=把)开展(?=、)", "发展", "发展", "开展"),
    Substitution("创立", "创建", "创建", "创立"),
    Substitution("稳固(?=提高|成果|拓展|深化|和|发展|阶段|提升)", "巩固", "巩固", "稳固"),
    Substitution("到达(?=[^，。；]{0,40}(?:标准|要求|目标|水平|%|％))", "达到", "达到", "到达"),
    Substitution("标准档案", "规范档案", "规范", "标准档案"),
)
MIN_SIGNATURE_FORMS = 2

# what each damaged form's pattern must contain (read off the pattern: `fangan/gates.py`); a text without it has no
# hit, and the pattern is not run over it (most texts hold none of these forms)
_NEEDS = {sub.damaged: required_literals(sub.damaged) for sub in TABLE}


def _damaged_hits(sub: Substitution, text: str) -> list:
    need = _NEEDS[sub.damaged]
    if need is not None and not any(s in text for s in need):
        return []
    return re.findall(sub.damaged, text)


def damage_signature(text: str) -> list[str]:
    """The distinct signature forms present (and not outnumbered by their clean forms)."""
    found = []
    for sub in TABLE:
        if not sub.signature:
            continue
        hits = _damaged_hits(sub, text)
        if hits and len(re.findall(sub.clean_word, text)) < len(hits):
            found.append(sub.damaged_word if len(set(map(str, hits))) == 1 else sub.damaged)
    return found


def repair_lexical_text(text: str, report: StepReport | None = None) -> str:
    """Apply the table to `text` (the caller has checked the signature)."""
    # counts on the text as it came in: a repair must not make the next pair look clean (开展观→发展观)
    original = text
    for sub in TABLE:
        n_damaged = len(_damaged_hits(sub, original))
        if not n_damaged or len(re.findall(sub.clean_word, original)) >= n_damaged:
            continue  # absent, or the clean word is in use here: this 开展/标准/创立 is the author's

        def repl(m: re.Match) -> str:
            after = m.expand(sub.clean)
            if report is not None:
                report.change(m.group(0), after, context=text[max(0, m.start() - 8): m.end() + 8])
            return after

        text = re.sub(sub.damaged, repl, text)
    return text


_SIGNATURE_NEEDS = tuple(_NEEDS[sub.damaged] for sub in TABLE if sub.signature)


def may_carry_signature(text: str) -> bool:
    """Whether `damage_signature(text)` can hold MIN_SIGNATURE_FORMS forms: that many signature forms have their
    required literal in the text (a form is found only where it is). Stops as soon as the answer is known; most
    texts hold one such literal (开展) or none, and their forms are never searched."""
    present, left = 0, len(_SIGNATURE_NEEDS)
    for need in _SIGNATURE_NEEDS:
        left -= 1
        if need is None or any(s in text for s in need):
            present += 1
            if present >= MIN_SIGNATURE_FORMS:
                return True
        elif present + left < MIN_SIGNATURE_FORMS:
            return False
    return False


@step("repair_lexical_damage")
def repair_lexical_damage(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    if not may_carry_signature(text):
        return text
    forms = damage_signature(text)
    if len(forms) < MIN_SIGNATURE_FORMS:
        return text
    report.detail = f"machine-translation round-trip signature: {', '.join(forms)}"
    text = repair_lexical_text(text, report)
    # title candidates from site chrome went through the same round trip
    ctx.title_candidates = [replace(c, text=repair_lexical_text(c.text)) for c in ctx.title_candidates]
    return text
