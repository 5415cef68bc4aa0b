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
