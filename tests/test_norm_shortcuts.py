"""Shortcuts of the normalizers' fifth speed pass decide exactly what the plain computation they skip decides:
each is run beside its plain form on generated texts (Hypothesis) and on real ones."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.normalizers import NormalizeContext, StepReport
from fangan.normalizers import canonical, lexical

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


# ---- the learner's remembered line judgements ----

LEARNER_PIECES = ["一、", "第3页 / 共5页", "2024年5月6日", "县教育局", "版权所有", "加强管理", " ", "\u3000", "٣", "7",
                  "A" * 150, "\n", "\n", "\n"]


def _learned():
    from fangan.normalizers import batch

    stats = batch.BoilerplateStats()
    for i in range(4):
        stats.add(str(i), "site", batch.document_shapes(f"第{i}页 / 共5页\n版权所有 2024\n县教育局\n正文{i}"))
    return stats.learned()


@FAST
@given(st.lists(_texts(LEARNER_PIECES + ["B" * 190 + "县教育局", "一、" + "方" * 199, "2024年" * 40], 12), min_size=1, max_size=6),
       st.integers(2, 8), st.integers(150, 900))
def test_remembered_judgements_are_the_line_by_line_ones(texts, bound, long_chars):
    from fangan.normalizers import batch

    saved = dict(batch._JUDGED), batch.JUDGED_MAX, dict(batch._JUDGED_LONG), batch.JUDGED_LONG_CHARS, batch._long_chars
    batch._JUDGED.clear()
    batch._JUDGED_LONG.clear()
    batch._long_chars = 0
    batch.JUDGED_MAX = bound  # (tiny bounds: lines are forgotten and judged again as the texts go by)
    batch.JUDGED_LONG_CHARS = long_chars
    try:
        for text in texts + texts:
            view, plain = _learned().for_document(), _learned().for_document()
            assert view.chrome_flags(text, "site") == [plain.is_chrome(line, "site") for line in text.split("\n")]
            assert (view.lines, view.asked) == (plain.lines, plain.asked)
            assert len(batch._JUDGED) <= bound
            assert all(len(line) <= batch.MAX_LINE for line in batch._JUDGED)
            assert all(len(line) > batch.MAX_LINE for line in batch._JUDGED_LONG)
            assert sum(map(len, batch._JUDGED_LONG)) == batch._long_chars <= long_chars
    finally:
        batch._JUDGED.clear()
        batch._JUDGED.update(saved[0])
        batch.JUDGED_MAX = saved[1]
        batch._JUDGED_LONG.clear()
        batch._JUDGED_LONG.update(saved[2])
        batch.JUDGED_LONG_CHARS, batch._long_chars = saved[3], saved[4]


# ---- repair_mojibake: suspect lines judged as one block ----

MOJIBAKE_PIECES = ["浣犲ソ", "鍗遍櫓", "的", "加强", "工作", "，", "x", "12", " ", "Ã", "Ä", "\ufffd", "ア", "━", "锟斤拷",
                   "龘", "䶮", "丂", "\n", "\n"]


def _plain_suspects(text: str) -> list[int]:
    from fangan.lexicon import chars

    return [i for i, line in enumerate(text.split("\n")) if chars.suspicious(line)]


@FAST
@given(_texts(MOJIBAKE_PIECES, 40))
def test_suspect_lines_are_the_suspicious_lines(text):
    from fangan.normalizers import encoding

    assert encoding.suspect_lines(text, text.split("\n")) == _plain_suspects(text)


def test_suspect_lines_on_real_texts(shared_dir):
    from fangan.normalizers import encoding

    for text in _real_texts(shared_dir, 40):
        for t in (text, text.encode("utf-8").decode("gb18030", errors="replace"),
                  text.encode("gb18030").decode("latin-1")):
            assert encoding.suspect_lines(t, t.split("\n")) == _plain_suspects(t)


def test_enough_hanzi_is_the_least_count_that_clears():
    from fangan.normalizers import encoding

    for rare in range(1, encoding.ENOUGH_FOR + 1):
        k, pattern = encoding._enough_hanzi(rare)
        assert not rare / k > 0.3 and (k == max(1, rare) or rare / (k - 1) > 0.3)
        assert pattern.match("x一" * k) and not pattern.match("x一" * (k - 1) + "xx")


# ---- remove_site_chrome: a line's whole-line verdict is remembered ----

def test_remembered_line_verdicts_are_the_rules_verdicts(shared_dir):
    from fangan.normalizers import chrome

    lines = ["首页 > 通知公告 > 关于印发某某方案的通知", "来源：县教育局", "时间：2024-05-06", "版权所有 ©2024", "一、总体要求"]
    for text in _real_texts(shared_dir, 30):
        lines += text.split("\n")[:40]
    for _ in range(2):  # (the second time from what was remembered)
        for line in lines:
            for top in (True, False):
                assert chrome._line_verdict(line.strip(), top) == chrome._whole_line_rule(line.strip(), top=top)


# ---- canonical forms: one scan for widths and marks, lines stripped and joined at C speed ----

CANONICAL_PIECES = ["加强", "工作", "(一)", "(1)", "(ok)", "（", "）", "Ａ", "１", "ｚ", ",", ":", ";", "!", "?", "13:00", " ", "  ",
                    "\u3000", "\u00a0", "\t", "\r", "\r\n", "\u200b", "\ufeff", "x", "1", "\n", "\n", "\x1c", "\u2028"]


def _plain_whitespace(text: str) -> tuple[str, int, int, int]:
    """canonicalize_whitespace as written before this pass: (text, zero-width count, space count, blank lines)."""
    zw = sum(text.count(chr(c)) for c in canonical._ZERO_WIDTH)
    text = text.translate(canonical._ZERO_WIDTH).replace("\r\n", "\n").replace("\r", "\n")
    text, n_sp = canonical._SPACES.subn(" ", text)
    text = canonical._SPACE_RUN.sub(" ", text)
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln), zw, n_sp, sum(1 for ln in lines if not ln)


def _plain_punctuation(text: str) -> tuple[str, list]:
    """canonicalize_punctuation with the mark pattern run by `sub` over the whole text (no scan shared)."""
    report = StepReport("canonicalize_punctuation")
    before = text
    text2 = text.translate(canonical._FULLWIDTH_ALNUM)
    if text2 != text:
        report.change("fullwidth digits/Latin", "ASCII", n=sum(1 for a, b in zip(text, text2) if a != b))
    text = text2

    def paren(m):
        inner, end = m.group(1), m.end()
        nxt, prev = text[end: end + 1], text[m.start() - 1: m.start()] if m.start() else ""
        if canonical._has_cjk(inner) or (inner and (canonical._has_cjk(nxt) or canonical._has_cjk(prev))):
            report.change(m.group(0), f"（{inner}）", context=text[max(0, m.start() - 10): end + 10])
            return f"（{inner}）"
        return m.group(0)

    text = canonical._ASCII_PARENS.sub(paren, text)

    def punct(m):
        ch = m.group(1) or m.group(2)
        s, e = m.start(), m.end()
        if ch == ":" and (text[s - 1: s].isdigit() and text[e: e + 1].isdigit()):
            return m.group(0)
        report.change(ch, canonical._PUNCT_MAP[ch], context=text[max(0, s - 8): e + 8])
        return canonical._PUNCT_MAP[ch]

    text = canonical._PUNCT_NEAR_CJK.sub(punct, text)
    return text, ([] if text == before else report.changes)


@FAST
@given(_texts(CANONICAL_PIECES, 40))
def test_whitespace_is_the_plain_canonical_form(text):
    report = StepReport("canonicalize_whitespace")
    out = canonical.canonicalize_whitespace(text, NormalizeContext(), report)
    plain, zw, n_sp, blank = _plain_whitespace(text)
    assert out == plain
    assert report.count == zw + n_sp and (report.detail or "") == (f"dropped {blank} blank lines" if blank else "")


WHITESPACE_PIECES = CANONICAL_PIECES + ["\u2005", "\u202f", "\u205f", "\u200a", "\u00ad", "\u2060", "\u200c", "\u200d", "\u200b\u3000",
                                         "\r\r\n", " \n", "\n "]


@FAST
@given(_texts(WHITESPACE_PIECES, 40))
def test_whitespace_changes_are_the_plain_ones(text):
    """(sixth pass: one scan for every character the step replaces, replaced one distinct character at a time; the
    text handed back as it is when no line lost a character to the strip)"""
    report = StepReport("canonicalize_whitespace")
    out = canonical.canonicalize_whitespace(text, NormalizeContext(), report)
    plain, zw, n_sp, blank = _plain_whitespace(text)
    assert out == plain
    want = ([("zero-width", "", zw)] if zw else []) + ([("NBSP/ideographic space", " ", n_sp)] if n_sp else [])
    assert [(c.before, c.after) for c in report.changes] == [w[:2] for w in want] and report.count == zw + n_sp


def test_space_chars_are_the_space_class():
    assert canonical._SPACE_CHARS == {chr(c) for c in range(0x110000) if canonical._SPACES.match(chr(c))}
    assert not canonical._SPACE_CHARS & set(map(chr, canonical._ZERO_WIDTH)) and "\r" not in canonical._SPACE_CHARS


@FAST
@given(_texts(CANONICAL_PIECES, 40))
def test_punctuation_is_the_plain_canonical_form(text):
    report = StepReport("canonicalize_punctuation")
    out = canonical.canonicalize_punctuation(text, NormalizeContext(), report)
    assert (out, report.changes) == _plain_punctuation(text)


def test_canonical_forms_on_real_texts(shared_dir):
    for text in _real_texts(shared_dir, 40):
        report = StepReport("canonicalize_whitespace")
        assert canonical.canonicalize_whitespace(text, NormalizeContext(), report) == _plain_whitespace(text)[0]
        for t in (text, text.replace("，", ",").replace("：", ":").replace("1", "１")):
            report = StepReport("canonicalize_punctuation")
            assert (canonical.canonicalize_punctuation(t, NormalizeContext(), report), report.changes) == _plain_punctuation(t)


# ---- strip_pinyin_annotations: each opening bracket scanned for alone ----

PINYIN_PIECES = ["衛", "生", "一", "(", "（", ")", "）", "wèi", "sheng1", "shēng", "lü", "u:", "ā", " ", "\n", "x", "2", "(一)",
                 "（责任部门：县局）", "a", "Zhōng", "guó", "。"]


def _plain_pinyin(text: str) -> tuple[str, list]:
    from fangan.normalizers import pinyin

    report = StepReport("strip_pinyin_annotations")

    def cut(m):
        report.change(m.group(0), "", context=text[max(0, m.start() - 4): m.end() + 4])
        return ""

    return pinyin._ANNOTATION.sub(cut, text), report.changes


@FAST
@given(_texts(PINYIN_PIECES, 40))
def test_pinyin_annotations_are_the_plain_patterns(text):
    from fangan.normalizers import pinyin

    report = StepReport("strip_pinyin_annotations")
    assert (pinyin.strip_pinyin_annotations(text, NormalizeContext(), report), report.changes) == _plain_pinyin(text)


def test_pinyin_annotations_on_real_texts(shared_dir):
    from fangan.normalizers import pinyin

    for text in _real_texts(shared_dir, 40) + ["衛(wèi)生(shēng)（zhōng）(guó)国(guo2)"]:
        report = StepReport("strip_pinyin_annotations")
        assert (pinyin.strip_pinyin_annotations(text, NormalizeContext(), report), report.changes) == _plain_pinyin(text)


# ---- repair_mojibake: the characters a lost byte may have been, remembered by sequence ----

def _plain_slots(buf: bytearray, gaps: list[int]) -> list[list[str]]:
    """encoding._slots as written before this pass: every candidate byte value decoded where the gap is."""
    import itertools

    from fangan.lexicon import chars
    from fangan.normalizers import encoding

    slots: list[list[str]] = []
    pos = 0
    for g in gaps:
        if g < pos:
            continue
        start, length, values = encoding._gap_sequence(buf, g)
        inside = [x for x in gaps if start <= x < start + length]
        if start < pos or len(inside) > 2 or not values:
            slots += encoding._known(buf, pos, g)
            slots.append(["\ufffd"])
            pos = g + 1
            continue
        slots += encoding._known(buf, pos, start)
        cands = []
        for combo in itertools.product(values, *[range(0x80, 0xC0)] * (len(inside) - 1)):
            for x, v in zip(inside, combo):
                buf[x] = v
            try:
                ch = bytes(buf[start: start + length]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and (chars.is_hanzi(ch) or ch in chars.PUNCT) and chars.char_score(ch) > 0:
                cands.append(ch)
        for x in inside:
            buf[x] = 0
        slots.append(cands or ["\ufffd"])
        pos = start + length
    slots += encoding._known(buf, pos, len(buf))
    return slots


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet="加强工作，。的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞" + "\ufffd", max_size=12))
def test_gap_candidates_are_the_decoded_byte_values(text):
    from fangan.normalizers import encoding

    data = text.encode("utf-8")
    for cut in range(0, len(data), 2):  # lose one byte here and there (and two in a row)
        broken = data[:cut] + b"\x00" + data[cut + 1:]
        for buf_bytes, gaps in ((broken, [cut]), (broken[:cut + 1] + b"\x00" + broken[cut + 2:], [cut, cut + 1])):
            gaps = [g for g in gaps if g < len(buf_bytes)]
            assert encoding._slots(bytearray(buf_bytes), gaps) == _plain_slots(bytearray(buf_bytes), gaps)


@FAST
@given(st.text(alphabet=st.sampled_from(list("12０٣३x页 \n第共") + ["\U0001d7ce"]), max_size=40))
def test_digit_runs_are_those_of_the_plain_pattern(text):
    import re

    from fangan.normalizers import batch

    assert batch._DIGITS.sub("#", text) == re.sub(r"\d+", "#", text)
    assert batch.line_shape(text) == re.sub(r"\d+", "#", text.strip())


# ---- convert_script: the characters OpenCC changed, counted at C speed ----

_SCRIPT_ALPHABET = st.sampled_from(list("ab們们國国\x00\uffff") + ["\U0001d7ce", "\U00020000", "\ud800"])


@FAST
@given(st.text(alphabet=_SCRIPT_ALPHABET, max_size=60), st.text(alphabet=_SCRIPT_ALPHABET, max_size=60))
def test_changed_count_is_the_count_of_differing_places(a, b):
    from operator import ne

    from fangan.normalizers import script

    assert script.changed_count(a, b) == sum(map(ne, a, b))
    assert script.changed_count(a, a) == 0 and script.changed_count(a, "") == 0


def test_changed_count_on_a_converted_text():
    from operator import ne

    from fangan.lexicon.script import converter
    from fangan.normalizers import script

    text = "為了貫徹落實國務院關於進一步加強農村義務教育的決定，制定本實施方案。" * 20
    out = converter("t2s").convert(text)
    assert script.changed_count(text, out) == sum(map(ne, text, out)) > 0
