"""The character model (fangan.lexicon.chars) and the decisions made with it: codecs, mojibake chains, lost bytes."""
from __future__ import annotations

import pytest

from fangan.ingest.archives import decode_name
from fangan.lexicon import chars
from fangan.normalizers import NormalizeContext, normalize_and_explain
from fangan.parsers.text import decode_bytes

PLAN = ("县卫生健康局2024年夏季食品安全专项整治工作方案\n各乡镇卫生院、县直各医疗卫生单位：\n"
        "为切实加强夏季食品安全监管，保障人民群众饮食安全，特制定本方案。\n一、工作目标\n"
        "集体食堂监督检查覆盖率达到100%。\n二、工作要求\n各单位要高度重视，认真组织实施，确保各项工作落到实处。")


def _repair(text: str):
    return normalize_and_explain(text, NormalizeContext(), steps=["repair_mojibake", "flag_irrecoverable"])


def test_model_separates_chinese_from_mojibake():
    clean = chars.logprob("为深入贯彻落实党的十九大精神，现制定如下工作方案。")
    trad = chars.logprob("爲深入貫徹落實黨的十九大精神，現制定如下工作方案。")
    assert clean > -6 and trad > -6
    for debris in ("浣犲ソ锛屾垜鏄腑鍥戒汉", "ÄãºÃ£¬ÎÒÊÇÖÐ¹úÈË", "鍗遍櫓鍥犵礌"):
        assert chars.logprob(debris) < clean - 5
        assert chars.suspicious(debris)
    assert not chars.suspicious("县人民政府办公室关于印发2024年工作要点的通知")


def test_char_scores_rank_frequent_hanzi_over_debris():
    assert chars.char_score("的") == 1.0 and chars.char_score("县") == 1.0
    assert chars.char_score("\ue000") == -3.0 and chars.char_score("ア") < 0 and chars.char_score("Ã") < 0
    assert chars.plausibility(PLAN) > 0.6


def test_gbk_through_latin1_across_a_whole_file_is_repaired_on_every_line():
    damaged = PLAN.encode("gbk").decode("latin-1")
    e = _repair(damaged)
    assert e.text == PLAN  # the title line included
    assert "decided for the document" in e.repairs[0].detail


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_short_lines_follow_the_documents_chain(codec):
    lines = PLAN.split("\n") + ["附件", "二〇二四年五月"]
    clean = "\n".join(lines)
    damaged = clean.encode("gb18030").decode(codec, errors="replace") if codec == "latin-1" else "\n".join(
        ln.encode("gbk").decode("cp1252", errors="replace") for ln in lines)
    e = _repair(damaged)
    if codec == "latin-1":
        assert e.text == clean
    else:  # cp1252 has holes (0x81, 0x8d …): lines hit by one keep what cannot be reversed
        assert sum(a == b for a, b in zip(e.text.split("\n"), lines)) >= len(lines) - 3


def test_utf8_shown_as_gbk_with_lost_bytes_is_recovered_or_counted():
    damaged = PLAN.encode("utf-8").decode("gbk", errors="replace")
    assert "\ufffd" in damaged
    e = _repair(damaged)
    from rapidfuzz.distance import Levenshtein

    assert Levenshtein.distance(e.text, PLAN) <= 0.05 * len(PLAN)  # a lost byte may leave a near miss (夏季 → 小口)
    assert len(e.text) <= len(PLAN)
    lost = e.text.count("\ufffd")
    if lost:
        assert any(w.code == "lost_bytes" and w.count == lost for w in e.warnings)


def test_clean_text_is_left_alone():
    e = _repair(PLAN)
    assert e.text == PLAN and not e.repairs


@pytest.mark.parametrize("text", [
    "Questo è un testo italiano: àèìòù perché così",
    "Ελληνικά: αυτό είναι ένα κείμενο",
    "Русский текст для проверки кодировки",
    "Magyar szöveg: árvíztűrő tükörfúrógép",
    "עברית טקסט לבדיקה",
])
def test_valid_multibyte_utf8_is_read_as_utf8(text):
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


def test_plausibility_chooses_among_valid_codecs():
    assert decode_bytes(PLAN.encode("gbk"))[1] == "gb18030"
    trad = "①②③ 第一階段 工作計畫 衛生局"
    text, codec = decode_bytes(trad.encode("cp950"))
    assert codec == "cp950" and text == trad  # never big5hkscs katakana


def test_archive_member_names_use_the_same_model():
    assert decode_name("工作方案.doc".encode("gbk")) == "工作方案.doc"
    assert decode_name("工作計畫.doc".encode("cp950")) == "工作計畫.doc"


def test_the_model_loads_to_what_json_and_a_plain_loop_give():
    """model() reads the file with orjson and sums the pairs by first character with groupby: the same
    numbers as json.load and a loop over the pairs."""
    import gzip
    import json

    from fangan.lexicon import chars

    data = json.loads(gzip.decompress(chars.DATA.read_bytes()).decode("utf-8"))
    types, follow = {}, {}
    for pair, n in data["bi"].items():
        types[pair[0]] = types.get(pair[0], 0) + 1
        follow[pair[0]] = follow.get(pair[0], 0) + n
    m = chars.model()
    assert m.uni == data["uni"] and m.bi == data["bi"] and m.total == float(data["total"])
    assert m.types == types and m.follow == follow


@pytest.mark.parametrize("text, spans", [
    ("计划（1.25--1.31）", [(2, 14)]),
    ("《A（B）》", [(2, 5), (0, 6)]),
    ("《A（B》-某网", [(0, 5)]),  # （ opened inside 《》 and never closed
    ("方案（试行-某网", []),
    ("方案）（", []),
    ("“C”(D)【E】", [(0, 3), (3, 6), (6, 9)]),
])
def test_bracketed_spans_are_the_pairs_that_close(text, spans):
    assert chars.bracketed_spans(text) == spans
