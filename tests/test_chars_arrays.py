"""The array paths of the character model give the plain loops' floats, bit for bit, and its bounds bound.

`logprob` and `plausibility` score long texts with numpy; every decision (the codec of a file, a mojibake repair,
noise) compares their values with `>` and `==`, so the array path must be the loop to the last bit, not close to
it. `logprob_at_least` must never be above `logprob`, and `_best_reading` must pick what scoring all picks."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.lexicon import chars
from fangan.parsers import text as text_parser

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

PLAN = ("县卫生健康局关于印发夏季食品安全专项整治工作方案的通知\n各乡镇人民政府：\r\n  为切实加强夏季食品安全监管，"
        "特制定本方案。一、工作目标（一）到2025年底，全面完成整治任务；\t二、保障措施①②③ 《方案》“实施”……\n")
#: what texts are made of: hanzi (common, rare, astral, compatibility), the punctuation that is a context, every
#: kind of whitespace (where `split` cuts), ASCII, Latin-1 and Greek debris, kana, private use, U+FFFD, a lone
#: surrogate and the edges of the flagged range
ALPHABET = (PLAN + "浣犲ソ鍗遍櫓縣衛𠀀𪚥丣兀﨟㐀䶵é×ÄãºÃαЖ\u3042\uff71\ue000\ufffd\ud800\U00030000\U0010fffd"
            + "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\x00\x01\x7f")


def _long_texts(rng: random.Random, n: int = 40) -> list[str]:
    """Texts past the array thresholds: a plan with characters of ALPHABET spliced in, and random strings."""
    out = []
    for _ in range(n):
        base = list(PLAN * rng.randint(8, 60))
        for _ in range(rng.randint(0, 400)):
            base.insert(rng.randrange(len(base) + 1), rng.choice(ALPHABET))
        out.append("".join(base))
        out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(400, 5000))))
    return out


def test_char_flags_are_isspace_and_the_loops_context():
    flags = chars._char_flags()
    for cp in range(chars._FLAGGED):
        ch = chr(cp)
        assert bool(flags[cp] & chars._SPACE_FLAG) == ch.isspace(), hex(cp)
        assert bool(flags[cp] & chars._CONTEXT) == (chars.is_hanzi(ch) or ch in chars.PUNCT), hex(cp)
    # past the table: no whitespace and no context (the last entry stands for them all)
    assert flags[chars._FLAGGED] == 0
    assert not any(chr(cp).isspace() for cp in range(chars._FLAGGED, 0x110000))
    assert not any(chars.is_hanzi(chr(cp)) for cp in range(chars._FLAGGED, 0x110000, 7))
    assert chr(chars._LAST_SPACE).isspace()


def test_logprob_arrays_are_the_loop_to_the_last_bit():
    rng = random.Random(12)
    for text in _long_texts(rng):
        for sample in (chars.LOGPROB_SAMPLE, len(text), 401):
            assert chars.logprob(text, sample) == chars._logprob_loop(text, sample)
            assert chars._logprob_arrays(text[:sample]) == chars._logprob_loop(text, sample)


@FAST
@given(st.text(alphabet=ALPHABET, min_size=0, max_size=1200))
def test_logprob_arrays_are_the_loop_on_generated_text(s):
    assert chars._logprob_arrays(s) == chars._logprob_loop(s, len(s) + 1)
    assert chars.logprob(s) == chars._logprob_loop(s)


def test_logprob_arrays_with_a_cold_and_a_colliding_cache(monkeypatch):
    """A fresh cache (every key computed) and a tiny one (keys evicting each other) give the same floats."""
    rng = random.Random(5)
    texts = _long_texts(rng, 10)
    expected = [chars._logprob_loop(t) for t in texts]
    for bits in (4, 18):
        monkeypatch.setattr(chars._PairCache, "BITS", bits)
        monkeypatch.setattr(chars, "_PAIR_CACHE", chars._PairCache())
        assert [chars.logprob(t) for t in texts] == expected
        assert [chars.logprob(t) for t in texts] == expected  # (the second time from the cache)


def test_logprob_floor_is_below_every_pair():
    m = chars.model()
    floor = chars.logprob_floor()
    contexts = [None] + list(m.types) + list(chars.PUNCT) + ["a", "\ufffd"]
    characters = list(m.uni) + list(ALPHABET)
    rng = random.Random(3)
    for _ in range(20000):
        assert chars.char_logp(rng.choice(contexts), rng.choice(characters), m) >= floor
    # the rarest character after the stingiest context (an unseen pair) comes within rounding of it: it is tight
    rare = min((c for c in m.uni if chars.is_hanzi(c)), key=m.uni.get)
    stingy = min(m.types, key=lambda c: m.types[c] / (m.follow[c] + m.types[c]))
    if stingy + rare not in m.bi and m.uni[rare] == min(m.uni.values()):
        assert floor <= chars.char_logp(stingy, rare, m) < floor + 1e-5


@pytest.mark.parametrize("warm", [0, 1, 3])
def test_logprob_at_least_is_a_lower_bound(warm):
    rng = random.Random(warm)
    texts = _long_texts(rng, 15)
    for t in texts[:warm * 5]:
        chars.logprob(t)  # (pairs seen: the bound uses their values)
    for t in texts:
        assert chars.logprob_at_least(t) <= chars.logprob(t)
    short = "为切实加强监管 a"
    assert chars.logprob_at_least(short) == chars.logprob(short)


def test_logprob_at_least_is_close_once_the_pairs_are_seen():
    text = PLAN * 30
    chars.logprob(text)
    assert chars.logprob(text) - 1e-5 <= chars.logprob_at_least(text) <= chars.logprob(text)


def test_plausibility_arrays_are_the_loop_to_the_last_bit():
    rng = random.Random(7)
    for text in _long_texts(rng):
        for sample in (chars.PLAUSIBILITY_SAMPLE, 2001, len(text)):
            assert chars.plausibility(text, sample) == chars._plausibility_loop(text, sample)
    astral = PLAN * 40 + "\U00030000\U0010fffd\U0002ffff"  # (past the table: scored one by one)
    assert chars._plausibility_arrays(astral) == chars._plausibility_loop(astral, len(astral))
    assert chars._plausibility_arrays(" \n\r\t" * 600) == 0.0 == chars._plausibility_loop(" \n\r\t" * 600)


@FAST
@given(st.text(alphabet=ALPHABET, max_size=3000))
def test_plausibility_arrays_are_the_loop_on_generated_text(s):
    assert chars._plausibility_arrays(s) == chars._plausibility_loop(s, len(s) + 1)


def _best_by_full_scores(texts: list[str]) -> int:
    scores = [chars._plausibility_loop(t) + 0.1 * chars._logprob_loop(t) for t in texts]
    return max(range(len(texts)), key=lambda i: (scores[i], -i))


def test_best_reading_of_long_decodings_is_the_full_scores_choice():
    """Real candidate decodings (GBK bytes read as GB18030, Big5, UTF-8 with replacements), long enough for the
    array paths and the outright win by a lower bound: the same winner as scoring every candidate."""
    rng = random.Random(11)
    plans = [PLAN * rng.randint(10, 80) for _ in range(6)] + [t for t in _long_texts(rng, 6)]
    for plan in plans:
        for codec in ("gb18030", "cp950"):
            data = plan.encode(codec, errors="replace")
            heads = []
            for c in ("gb18030", "cp950", "utf-8", "utf-16-le", "latin-1"):
                heads.append(data.decode(c, errors="replace")[:20000])
            for texts in (heads, heads[::-1], heads[1:], [heads[0], heads[0]], [heads[0]]):
                assert text_parser._best_reading(texts) == _best_by_full_scores(texts)


@FAST
@given(st.lists(st.text(alphabet=ALPHABET, min_size=380, max_size=900), min_size=1, max_size=4))
def test_best_reading_same_as_scoring_all_long(texts):
    assert text_parser._best_reading(texts) == _best_by_full_scores(texts)


def test_distinct_is_numpy_unique():
    import numpy as np

    rng = np.random.default_rng(2)
    for n in (0, 1, 2, 50, 3000):
        a = rng.integers(0, 40, n)
        assert chars._distinct(a).tolist() == np.unique(a).tolist()


def test_pair_floors_are_below_their_pairs():
    rng = random.Random(9)
    texts = _long_texts(rng, 10) + [PLAN * 20]
    for t in texts:
        keys = chars._scored_keys(t[:chars.LOGPROB_SAMPLE])
        exact = chars._PairCache().values(keys)  # (a fresh cache: every key from char_logp)
        assert (chars._pair_floors(keys) <= exact + 1e-9).all()


def test_logprob_arrays_from_threads_sharing_a_colliding_cache(monkeypatch):
    """Threads (a Dask worker's) filling and evicting one small cache at once still get the loop's floats."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(chars._PairCache, "BITS", 6)
    monkeypatch.setattr(chars, "_PAIR_CACHE", chars._PairCache())
    texts = _long_texts(random.Random(13), 8)
    expected = [chars._logprob_loop(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            assert list(pool.map(chars.logprob, texts)) == expected
