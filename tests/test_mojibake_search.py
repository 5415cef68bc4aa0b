"""The lossy-UTF-8 Viterbi reads each pair's log probability from the character model's pair cache: the same path
and the same scores as asking `char_logp` for every pair."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.lexicon import chars
from fangan.normalizers import encoding

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
_CHARS = list("的一是在有人工作方案，。、（）“”浣犲ソ锟斤拷x1 A\ufffd\u00d7") + ["\n", "😀", "龘"]


@FAST
@given(st.sampled_from(_CHARS + [None]), st.sampled_from(_CHARS))
def test_pair_logp_is_char_logp(prev, ch):
    for _ in range(2):  # (computed, then remembered)
        assert chars.pair_logp(prev, ch) == chars.char_logp(prev, ch)


def _plain_viterbi(slots):
    m = chars.model()
    scores, back = {"": 0.0}, []
    for cands in slots:
        nxt, ptr = {}, {}
        for ch in cands:
            for prev, score in scores.items():
                s = score + chars.char_logp(prev or None, ch, m)
                if ch not in nxt or s > nxt[ch]:
                    nxt[ch], ptr[ch] = s, prev
        scores = nxt
        back.append(ptr)
    if not back:
        return ""
    last = max(scores, key=lambda ch: scores[ch] + chars.char_logp(ch or None, chars.EOL, m))
    out = []
    for ptr in reversed(back):
        out.append(last)
        last = ptr[last]
    return "".join(reversed(out))


@FAST
@given(st.lists(st.lists(st.sampled_from(_CHARS[:-2]), min_size=1, max_size=4, unique=True), max_size=12))
def test_viterbi_is_the_plain_viterbi(slots):
    assert encoding._viterbi(slots) == _plain_viterbi(slots)


def test_lossy_lines_reverse_as_before():
    for line in ["浣犲ソ\ufffd锛屼笘鐣\ufffd", "鍗遍櫓\ufffd鐨勪换鍔", "璁＄畻鏂规硶锛歕ufffd"]:
        assert encoding._reverse_lossy(line, "gb18030", "utf-8") == _plain_lossy(line)


def _plain_lossy(s):
    parts = [p.encode("gb18030") for p in s.split("\ufffd")]
    buf = bytearray(parts[0])
    gaps = []
    for p in parts[1:]:
        gaps.append(len(buf))
        buf += b"\x00" + p
    return _plain_viterbi(encoding._slots(buf, gaps))
