"""Shortcuts in reading text files decide exactly what the plain checks decide."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan import parsers
from fangan.parsers import text as text_parser

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))

_BYTES = st.binary(max_size=64) | st.text(alphabet="方案\x00\x01\t\n a", max_size=40).map(lambda s: s.encode("utf-16-le"))


@FAST
@given(st.lists(_BYTES, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_is_binary_remembered_is_is_binary_computed(heads, rng):
    """Judged again (the same bytes, or other bytes with the same head) or after other bytes: the same answer."""
    seq = heads + [rng.choice(heads) for _ in range(6)] + [h + b"\x00" * 9000 for h in heads]
    for data in seq:
        assert text_parser.is_binary(data) == text_parser._is_binary_head(data[:8192])


def test_is_binary_on_long_heads():
    rng = random.Random(4)
    for _ in range(50):
        data = bytes(rng.choice(b"\x00\x01abc\n\xe4\xb8\x80") for _ in range(rng.randint(8000, 9000)))
        for d in (data, data, data[:8192] + b"x", bytes(100) + data):
            assert text_parser.is_binary(d) == text_parser._is_binary_head(d[:8192])


@FAST
@given(st.binary(max_size=40) | st.text(max_size=20).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_multibyte_utf8_text_decides_as_is_multibyte_utf8(data):
    text = text_parser._multibyte_utf8_text(data)
    plain = False
    if not data.isascii():
        try:
            data.decode("utf-8")
            plain = True
        except UnicodeDecodeError:
            pass
    assert (text is not None) == plain == text_parser.is_multibyte_utf8(data)
    if text is not None:
        assert text == data.decode("utf-8")


@FAST
@given(st.text(alphabet="方案a\ud800\udbff\udc00\udfff\ud7ff\ue000\U00010000\U0010ffff ", max_size=30))
def test_has_surrogate_is_the_pattern(s):
    assert parsers._has_surrogate(s) == bool(parsers._LONE_SURROGATE.search(s))


def test_has_surrogate_across_slices(monkeypatch):
    monkeypatch.setattr(parsers, "_SURROGATE_SLICE", 4)
    for s in ("方案方案方案方", "方案方案\ud800", "方案方\ud800案", "\udfff", "", "a" * 9 + "\U00010000"):
        assert parsers._has_surrogate(s) == bool(parsers._LONE_SURROGATE.search(s)), s


# ---- decode_bytes against the plain decision: every candidate decoded strictly and leniently, all scored ----

def _decode_plain(data: bytes, declared=None):
    from charset_normalizer import from_bytes

    from fangan.lexicon import chars

    for bom, codec in text_parser._BOMS:
        if data.startswith(bom):
            return None
    candidates = [text_parser.canonical_codec(declared)] if declared else []
    u16 = text_parser._looks_utf16(data)
    if u16:
        candidates.append(u16)
    elif not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    candidates += [text_parser.canonical_codec(m.encoding) for m in list(from_bytes(data[:200_000]))[:4]]
    candidates += list(text_parser._FALLBACKS)
    heads = []
    for codec in dict.fromkeys(candidates):
        try:
            heads.append((codec, True, data.decode(codec)[:text_parser._SCORED_CHARS]))
        except (UnicodeDecodeError, LookupError):
            pass
    for codec in dict.fromkeys(c for c in candidates if not c.startswith("utf-16")):
        lenient = text_parser._lenient(data, codec)
        if lenient is not None:
            heads.append((codec, False, lenient[:text_parser._SCORED_CHARS]))
    if not heads:
        return data.decode("gb18030", errors="replace"), "gb18030"
    scores = [chars._plausibility_loop(h) + 0.1 * chars._logprob_loop(h) for _, _, h in heads]
    codec, strict, _ = heads[max(range(len(heads)), key=lambda i: (scores[i], -i))]
    return (data.decode(codec) if strict else text_parser._lenient(data, codec)), codec


_PLAN = "县卫生健康局关于印发夏季食品安全专项整治工作方案的通知。为切实加强夏季食品安全监管，特制定本方案。一、工作目标\n"
_TRAD = "縣衛生健康局關於印發夏季食品安全專項整治工作方案的通知。為切實加強夏季食品安全監管，特制定本方案。\n"


def _damaged_files():
    rng = random.Random(8)
    out = []
    for n in (1, 3, 12, 40):
        for text in (_PLAN * n, _TRAD * n, _PLAN * n + "\ufffd" + _PLAN, "abc" * n + _PLAN[:9]):
            for codec in ("gb18030", "cp950", "utf-16-le", "utf-16-be", "gbk"):
                data = text.encode(codec, errors="replace")
                out.append(data)
                cut = bytearray(data)
                for _ in range(rng.randint(1, 3)):
                    cut[rng.randrange(len(cut))] = rng.randrange(256)
                out.append(bytes(cut))
                out.append(data[:-1])
    return out


def test_decode_bytes_is_the_plain_decision_on_damaged_files():
    for data in _damaged_files():
        plain = _decode_plain(data)
        if plain is not None:
            assert text_parser.decode_bytes(data) == plain
        assert text_parser.decode_bytes(data, "gbk") == (_decode_plain(data, "gbk") or text_parser.decode_bytes(data, "gbk"))


def _counting_detector(monkeypatch) -> list[int]:
    import charset_normalizer

    asked, real = [], charset_normalizer.from_bytes
    monkeypatch.setattr(charset_normalizer, "from_bytes",
                        lambda data, *a, **k: asked.append(len(data)) or real(data, *a, **k))
    return asked


def test_fluent_chinese_in_a_fallback_codec_does_not_ask_the_detector(monkeypatch):
    cases = [(text.encode(codec), text, codec) for text, codec in
             ((_PLAN * 12, "gb18030"), (_PLAN * 12, "gbk"), (_TRAD * 12, "cp950"), (_PLAN * 420, "gb18030"))]
    plain = [_decode_plain(data) for data, _, _ in cases]
    asked = _counting_detector(monkeypatch)
    for (data, text, codec), expected in zip(cases, plain):
        assert text_parser.decode_bytes(data) == (text, text_parser.canonical_codec(codec)) == expected
    assert asked == []


def test_what_no_fallback_reads_fluently_still_asks_the_detector(monkeypatch):
    """Russian in cp1251 is read right only by the detector's guess; Korean EUC-KR read as GB18030 is common
    hanzi (class score 0.62) in pairs no Chinese text has: not fluent, so the detector is asked too."""
    russian = "План мероприятий по реализации программы развития города. Ответственные лица. " * 20
    korean = "서울시 실행 계획에 관하여 관계자는 다음과 같이 추진한다. 한국어 문서입니다. " * 20
    korean_plain = _decode_plain(korean.encode("euc-kr"))
    damaged = [d for d in _damaged_files() if _decode_plain(d) is not None]
    asked = _counting_detector(monkeypatch)
    assert text_parser.decode_bytes(russian.encode("cp1251")) == (russian, "cp1251")
    assert text_parser.decode_bytes(korean.encode("euc-kr")) == korean_plain
    assert len(asked) == 2
    asked.clear()
    for data in damaged:
        text_parser.decode_bytes(data)
    assert 0 < len(asked) < len(damaged)  # the damaged ones are not fluent; the intact ones are


# ---- han_share_at_least: any prefix ladder gives the plain count's answer ----

def _han_share_at_least_plain(text: str, share: float, sample: int = 200_000) -> bool:
    from fangan.lexicon import chars

    head = text[:sample]
    return bool(head) and len(chars._ANY_HAN.findall(head)) / len(head) >= share


@FAST
@given(st.text(alphabet="中文方案a \n𠀀豈，1", max_size=3000), st.sampled_from([0.05, 0.3, 0.75, 0.9]))
def test_han_share_at_least_is_the_plain_count(s, share):
    from fangan.lexicon import chars

    assert chars.han_share_at_least(s, share) == _han_share_at_least_plain(s, share)
    assert chars.han_share_at_least(s, share, sample=700) == _han_share_at_least_plain(s, share, sample=700)


def test_han_share_at_least_on_plans_and_sparse_texts():
    from fangan.lexicon import chars

    rng = random.Random(6)
    for _ in range(200):
        n = rng.randint(1, 20000)
        density = rng.random()
        text = "".join("方" if rng.random() < density else rng.choice("a1，\n ") for _ in range(n))
        for share in (0.05, 0.5, density):
            assert chars.han_share_at_least(text, share) == _han_share_at_least_plain(text, share)


# ---- a UTF-8 prefix's replacements are the whole's, but for one ----

_UTF8ISH = st.lists(st.sampled_from([b"a", b"\n", b"\xe4\xb8\x80", b"\xe4", b"\xb8", b"\x80", b"\xc4\xe3", b"\xef\xbf\xbd",
                                     b"\xf0\x9f\x98\x80", b"\xf0", b"\xed\xa0\x80", b"\xc0\xaf", b"\xff", b"\xe0\x80"]),
                    max_size=60).map(b"".join)


@FAST
@given(_UTF8ISH | st.binary(max_size=80))
def test_utf8_prefix_replacements_are_at_most_one_more_than_the_whole(data):
    whole = data.decode("utf-8", errors="replace").count("\ufffd")
    for n in range(len(data) + 1):
        assert text_parser._replaced_in_utf8_prefix(data, n) - 1 <= whole


def test_lenient_utf8_is_the_plain_decision():
    def plain(data, codec, max_share=0.05):
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        return None if bad == 0 or bad > max(8, max_share * len(data)) else text

    rng = random.Random(10)
    for data in _damaged_files():
        for codec in ("utf-8", "gb18030", "cp950"):
            assert text_parser._lenient(data, codec) == plain(data, codec)
    for _ in range(300):  # UTF-8 with a few bad bytes, around the 5 % line
        text = bytearray((_PLAN * rng.randint(4, 30)).encode("utf-8"))
        for _ in range(rng.randint(0, len(text) // 15)):
            text[rng.randrange(len(text))] = rng.randrange(256)
        assert text_parser._lenient(bytes(text), "utf-8") == plain(bytes(text), "utf-8")


# ---- small exits: no zero byte, no carriage return ----

def _looks_utf16_plain(data: bytes):
    sample = data[:4000]
    if len(sample) < 8:
        return None
    even, odd, n = sample[0::2].count(0), sample[1::2].count(0), len(sample) // 2
    if odd > 0.2 * n and even < 0.02 * n:
        return "utf-16-le"
    if even > 0.2 * n and odd < 0.02 * n:
        return "utf-16-be"
    return None


@FAST
@given(_BYTES | st.binary(max_size=20))
def test_looks_utf16_is_the_plain_count(data):
    assert text_parser._looks_utf16(data) == _looks_utf16_plain(data)


@FAST
@given(st.text(alphabet="方\r\n a", max_size=30))
def test_split_paragraphs_is_the_plain_split(s):
    assert text_parser.split_paragraphs(s) == s.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def test_boms_still_decide():
    for bom, codec in text_parser._BOMS:
        data = bom + "方案".encode(codec.replace("-sig", "").replace("utf-16", "utf-16-le" if bom[:1] == b"\xff" else "utf-16-be").replace("utf-32", "utf-32-le" if bom[:1] == b"\xff" else "utf-32-be"))
        text, got = text_parser.decode_bytes(data)
        assert got == ("utf-8" if codec == "utf-8-sig" else codec) and text.endswith("方案")


def test_decode_bytes_of_texts_longer_than_the_scored_head():
    """Past the scored head the winner is decoded again (strictly or leniently): still the plain decision."""
    long_plan = _PLAN * 420  # (about 22,000 characters: longer than the head the scores read)
    for data in (long_plan.encode("gb18030"), long_plan.encode("cp950", errors="replace"),
                 long_plan.encode("gb18030")[:-1], long_plan.encode("gb18030") + b"\xff" + _PLAN.encode("gb18030")):
        assert text_parser.decode_bytes(data) == _decode_plain(data)


# ---- a plain text's blocks are made only when asked for ----

def _plain_lines_document(text: str) -> parsers.ParsedDocument:
    return parsers.ParsedDocument(blocks=[parsers.Block(p) for p in text.split("\n")], format="txt", encoding="utf-8")


def _view(doc: parsers.ParsedDocument) -> tuple:
    return (doc.text, doc.heading_hints, doc.format, doc.encoding, doc.title_hint, doc.warnings, doc.metadata,
            doc.title_candidates, doc.removed, doc.site, doc.url, doc.captured_at)


@FAST
@given(st.text(alphabet="方案\n \r\t一、a\ud800\U00020000", max_size=40))
def test_lines_document_is_the_document_of_its_lines(text):
    import copy
    import pickle

    lazy, plain = parsers.LinesDocument(text, format="txt", encoding="utf-8"), _plain_lines_document(text)
    assert _view(lazy) == _view(plain)
    for doc in (copy.deepcopy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert _view(doc) == _view(plain) and doc.blocks == plain.blocks
    parsers.check_text(lazy)  # (lone surrogates rewritten in the blocks, as in any document)
    parsers.check_text(plain)
    assert _view(lazy) == _view(plain) and lazy.blocks == plain.blocks
    lazy.blocks[0].text = "改"  # (once made, the blocks are the document)
    lazy.blocks.append(parsers.Block("标题", kind="heading", level=1))
    plain.blocks[0].text = "改"
    plain.blocks.append(parsers.Block("标题", kind="heading", level=1))
    assert _view(lazy) == _view(plain)
    lazy.blocks = [parsers.Block("新")]
    assert lazy.text == "新" and lazy.blocks == [parsers.Block("新")]


@FAST
@given(st.binary(max_size=60) | st.text(alphabet="方案\n\r\r\n 一、a", max_size=40).map(lambda s: s.encode("utf-8")))
def test_text_files_parse_to_the_blocks_of_their_lines(data):
    from fangan.ingest import SourceItem

    try:
        lazy = parsers.parse(SourceItem(path="a.txt", data=data))
    except parsers.ParseError:
        return
    text, codec = text_parser.decode_bytes(data)
    plain = parsers.ParsedDocument(blocks=[parsers.Block(p) for p in text_parser.split_paragraphs(text)], format="txt",
                                   encoding=codec)
    parsers.check_text(plain)
    assert _view(lazy) == _view(plain) and lazy.blocks == plain.blocks


_MAYBE_UTF8 = (st.binary(max_size=60) | st.text(max_size=30).map(lambda s: s.encode("utf-8", "surrogatepass"))
               | st.text(max_size=30).map(lambda s: b"\xef\xbb\xbf" + s.encode("utf-8", "surrogatepass"))
               | st.text(alphabet="方案\ud800\udc00 a\n\r", max_size=30).map(lambda s: s.encode("utf-8", "surrogatepass")))


@FAST
@given(_MAYBE_UTF8, st.sampled_from([None, "text/plain; charset=utf-8", "text/plain; charset=ascii"]))
def test_a_text_read_as_utf8_holds_no_surrogate(data, content_type):
    """A plain text the parser read with the UTF-8 decoder skips the surrogate scan: it never holds one, so the
    parse (text, warnings, error) is the one the scan gives."""
    from fangan.ingest import SourceItem

    def run():
        try:
            parsed = parsers.parse(SourceItem(path="a.txt", data=data, content_type=content_type))
        except parsers.ParseError as e:
            return ("error", e.error), None
        return (parsed.text, parsed.encoding, parsed.warnings), parsed

    fast, parsed = run()
    if parsed is not None and getattr(parsed, "surrogate_free", False):
        assert parsed.encoding == "utf-8" and not parsers._LONE_SURROGATE.search(parsed.text)
    original = parsers.LinesDocument.surrogate_free
    parsers.LinesDocument.surrogate_free = property(lambda self: False)
    try:
        assert run()[0] == fast
    finally:
        parsers.LinesDocument.surrogate_free = original


def test_surrogate_free_only_while_the_text_is_the_decoded_one():
    doc = parsers.LinesDocument("方案\n甲", format="txt", encoding="utf-8", decoded_utf8=True)
    assert doc.surrogate_free
    doc.blocks[0].text = "\ud800"  # (blocks made, and editable: the scan decides again)
    assert not doc.surrogate_free
    assert not parsers.LinesDocument("\ud800", format="txt", encoding="utf-8").surrogate_free
