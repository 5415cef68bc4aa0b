"""Character classes and a character language model of modern Chinese: how much a string reads like Chinese.

One scorer behind every encoding decision (the parser choosing a codec, `repair_mojibake` choosing a reversal,
archive member names choosing GBK or Big5). A decoding that does not raise is not a correct one: GBK bytes decode
as Big5, UTF-8 decodes as GBK. Wrong decodings land on rare characters and on pairs of characters that never stand
together (浣犲ソ, 鍗遍櫓); right ones on frequent characters in frequent pairs.

The model is a unigram + bigram model over characters, interpolated, built at development time from jieba's
dictionary (word frequencies of modern Chinese; each word gives its characters and the pairs inside it), the same
words in traditional script (OpenCC s2t, so Big5 text reads as Chinese too), and the clean texts of the gold
answers (pairs across word boundaries, punctuation). `python -m fangan.lexicon.build_chars` regenerates
`data/chars.json.gz` (about 1 MB); it is loaded once, lazily.

* `char_score(ch)` — one character's class score in [-3, 1] (+ frequent hanzi, − decoding debris: private use,
  controls, kana, Latin-1 letters, box drawing, rare hanzi): a quick, context-free view of the model.
* `plausibility(text)` — the mean of `char_score` over a sample (clean plans score above 0.6).
* `logprob(text)` — the mean per-character log probability under the bigram model (clean Chinese ≈ −7,
  GBK-shown UTF-8 ≈ −12): what candidate decodings are ranked by. `logprob_at_least(text)` bounds it from
  below without looking up new pairs (a decoding far ahead of the others wins without being scored).
* `suspicious(line)` — a cheap one-pass check before any expensive scoring.
"""
from __future__ import annotations

import gzip
import math
import re
import sys
import threading
import unicodedata
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Optional

import orjson

DATA = Path(__file__).parent / "data" / "chars.json.gz"
DEBRIS_LOGP = -18.0  # a character no Chinese text is made of
ASCII_LOGP = -7.0  # ASCII printables: neutral-ish (numbers, dates and codes stand in plans)
COMMON_RANK = 3500  # rank below which a hanzi is common (class score 1)
FREQUENT_RANK = 6000  # rank below which it is still frequent (0.2); rarer ones are where mojibake lands
EOL = "\n"  # the model's end-of-line symbol (how lines end: 。 ： ； rather than 、 ，)
PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕—…·●■□◆○①②③④⑤⑥⑦⑧⑨⑩※№「」『』％"
# paired punctuation, opening → closing (full- and half-width): what stands between a pair belongs together
BRACKETS = {"（": "）", "(": ")", "《": "》", "〈": "〉", "【": "】", "〔": "〕", "[": "]", "“": "”", "「": "」", "『": "』"}
CLOSING_BRACKETS = frozenset(BRACKETS.values())


def bracketed_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each pair of `BRACKETS` in `text` that closes, from the opening mark to just after its closing
    one; a mark left open, or a closing one without its opening one, makes no span."""
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch in BRACKETS:
            stack.append(i)
        elif ch in CLOSING_BRACKETS:
            # the innermost open pair this mark closes (marks opened inside it and never closed are dropped)
            for k in range(len(stack) - 1, -1, -1):
                if BRACKETS[text[stack[k]]] == ch:
                    spans.append((stack[k], i + 1))
                    del stack[k:]
                    break
    return spans


class _Model:
    def __init__(self, data: dict):
        self.total = float(data["total"])
        self.uni: dict[str, int] = data["uni"]
        self.bi: dict[str, int] = data["bi"]
        self.rank: dict[str, int] = {c: i for i, (c, _) in enumerate(sorted(self.uni.items(), key=lambda kv: -kv[1]))}
        self.unseen = math.log(0.5 / self.total)
        # Witten-Bell: a character followed by many different ones leaves more mass for unseen pairs
        self.types: dict[str, int] = {}
        self.follow: dict[str, int] = {}
        count = self.bi.__getitem__
        for first, pairs in groupby(sorted(self.bi), key=itemgetter(0)):  # (sums in C: a third of a loop's time)
            pairs = list(pairs)
            self.types[first] = len(pairs)
            self.follow[first] = sum(map(count, pairs))

    def uni_logp(self, ch: str) -> float:
        n = self.uni.get(ch)
        return math.log(n / self.total) if n else self.unseen


@lru_cache(maxsize=1)
def model() -> _Model:
    # orjson: the same values as json.load, in half the time (each process that builds pays this load once)
    return _Model(orjson.loads(gzip.decompress(DATA.read_bytes())))


def is_hanzi(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2FFFF or 0xF900 <= cp <= 0xFAFF


def is_debris(ch: str) -> bool:
    """A character that, in a Chinese plan, means a wrong decoding."""
    cp = ord(ch)
    if cp == 0xFFFD or 0xE000 <= cp <= 0xF8FF:
        return True
    if 0x3040 <= cp <= 0x30FF or 0xFF61 <= cp <= 0xFF9F:  # kana, halfwidth katakana (big5hkscs, Shift-JIS)
        return True
    if 0x00C0 <= cp <= 0x024F or 0x2500 <= cp <= 0x257F or 0xAC00 <= cp <= 0xD7AF:  # Latin-1 letters, box, Hangul
        return True
    if cp < 0x20 and ch not in "\n\r\t":
        return True
    return unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\n\r\t"


@lru_cache(maxsize=65536)
def char_score(ch: str) -> float:
    """One character's class score in [-3, 1]: + for what Chinese documents are made of, − for decoding debris."""
    cp = ord(ch)
    if ch in "\n\r\t ":
        return 0.0
    if cp < 0x80:
        return 0.2 if ch.isprintable() else -3.0
    if is_hanzi(ch):
        rank = model().rank.get(ch)
        if rank is None:
            return -1.0
        # the ~3,500 most frequent characters carry 99 % of running text; wrong decodings land past them
        if rank < COMMON_RANK:
            return 1.0
        if rank < FREQUENT_RANK:
            return 0.2
        return -0.6
    if ch in PUNCT or 0x3000 <= cp <= 0x303F or 0xFF01 <= cp <= 0xFF5E:
        return 0.2
    if is_debris(ch):
        return -3.0 if (cp == 0xFFFD or 0xE000 <= cp <= 0xF8FF or cp < 0x20) else -1.5
    if 0x0370 <= cp <= 0x04FF:
        return -1.0  # Greek/Cyrillic: debris in a Chinese plan (but never decided alone: see decode_bytes)
    return -0.3


#: characters read by `plausibility` and `logprob` (a caller may score only this head of a long text)
PLAUSIBILITY_SAMPLE = 20000
LOGPROB_SAMPLE = 4000


def plausibility(text: str, sample: int = PLAUSIBILITY_SAMPLE) -> float:
    """Mean per-character class score in [-3, 1]; clean Chinese plans score above 0.6."""
    if len(text) >= _PLAUSIBILITY_ARRAY_FROM and sample >= _PLAUSIBILITY_ARRAY_FROM and _SUM_IN_ORDER:
        return _plausibility_arrays(text[:sample])
    return _plausibility_loop(text, sample)


def _plausibility_loop(text: str, sample: int = PLAUSIBILITY_SAMPLE) -> float:
    """`plausibility` through a dict lookup per character (short texts; the oracle of the array path)."""
    visible = text[:sample].replace("\n", "").replace("\r", "").replace("\t", "").replace(" ", "")
    if not visible:
        return 0.0
    if len(_SCORES) > _SCORES_MAX:
        _SCORES.clear()
    return sum(map(_SCORES.__getitem__, visible)) / len(visible)  # (same order, same sum as a loop)


#: `sum` of floats adds one after the other (as `cumsum` does) before Python 3.12, which compensates rounding
_SUM_IN_ORDER = sys.version_info < (3, 12)
#: from this length on, `plausibility` scores with arrays (a fixed cost of some 20 µs, then a few ns a character)
_PLAUSIBILITY_ARRAY_FROM = 2000


def _plausibility_arrays(head: str) -> float:
    """`_plausibility_loop` of `head` with numpy, to the same float (the scores added in text order)."""
    import numpy as np

    # \n \r \t and space, which the loop removes, score 0.0 here: kept, they add nothing (x + 0.0 is x), and
    # they are not counted
    n = len(head) - head.count("\n") - head.count("\r") - head.count("\t") - head.count(" ")
    if not n:
        return 0.0
    cps = np.frombuffer(head.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    table = _score_array()
    at = np.minimum(cps, _FLAGGED)
    vals = table.take(at)  # (`take`: a gather several times quicker than fancy indexing)
    unseen = np.isnan(vals)
    if unseen.any():
        new = _distinct(at[unseen])
        new = new[new < _FLAGGED]  # (the last entry, for every code point past the table, stays unscored)
        table[new] = [char_score(chr(cp)) for cp in new.tolist()]
        vals = table.take(at)
        far = cps >= _FLAGGED  # (astral planes past the hanzi: rare, scored one by one)
        if far.any():
            vals[far] = [_SCORES[chr(cp)] for cp in cps[far].tolist()]
    return float(np.cumsum(vals)[-1]) / n


@lru_cache(maxsize=1)
def _score_array():
    """`char_score` by code point below `_FLAGGED`, filled on first sight (NaN: not yet scored; one more
    entry, never scored, for all code points above)."""
    import numpy as np

    return np.full(_FLAGGED + 1, np.nan, dtype=np.float64)


class _ScoreTable(dict):
    """`char_score` by character, filled on first sight: a plain dict lookup per character (C level through
    `map`), where the lru_cache wrapper costs half as much again."""

    def __missing__(self, ch: str) -> float:
        score = self[ch] = char_score(ch)
        return score


_SCORES = _ScoreTable()
_SCORES_MAX = 200_000


@lru_cache(maxsize=1)
def _maybe_negative() -> re.Pattern:
    """A character class holding every character whose `char_score` is below 0 (and nothing that scores 0 or more
    among ASCII, punctuation and the frequent hanzi): the complement of the characters checked to score >= 0."""
    candidates = [chr(cp) for cp in range(0x20, 0x7F)] + list("\n\r\t") + list(PUNCT)
    candidates += [chr(cp) for lo, hi in ((0x3000, 0x3040), (0xFF01, 0xFF5F)) for cp in range(lo, hi)]
    candidates += [c for c, r in model().rank.items() if r < FREQUENT_RANK]
    safe = sorted({c for c in candidates if char_score(c) >= 0})
    return re.compile("[^" + "".join(re.escape(c) for c in safe) + "]")


def plausibility_at_least(text: str, bar: float) -> bool:
    """Whether `plausibility(text) >= bar` is certain without scoring every character, for a bar below 0: no
    character scores below -3, so a text whose possibly-negative characters are few enough clears it (with a
    margin far above any rounding of the mean). False means "score it" (`plausibility`), not "below"."""
    if bar >= 0:
        return False
    head = text[:PLAUSIBILITY_SAMPLE]
    n = len(head) - head.count("\n") - head.count("\r") - head.count("\t") - head.count(" ")
    if n == 0:
        return 0.0 >= bar
    neg = len(_maybe_negative().findall(head))
    return 3 * neg <= (-bar - 1e-6) * n


def char_logp(prev: Optional[str], ch: str, m: Optional[_Model] = None) -> float:
    """log P(ch | prev) under the interpolated bigram model (prev None: no left context)."""
    m = m or model()
    if is_hanzi(ch) or ch in PUNCT or ch == EOL:
        p_uni = m.uni.get(ch, 0) / m.total
        if not p_uni:
            return DEBRIS_LOGP + 4
        if prev is not None and prev in m.types:
            t, n = m.types[prev], m.follow[prev]
            return math.log((m.bi.get(prev + ch, 0) + t * p_uni) / (n + t))
        return math.log(p_uni)
    if ord(ch) < 0x80:
        return ASCII_LOGP if ch.isprintable() else DEBRIS_LOGP
    if is_debris(ch) or 0x0370 <= ord(ch) <= 0x04FF:
        return DEBRIS_LOGP
    return ASCII_LOGP - 2


# (previous character, character) → (its log probability, the context it leaves): candidate decodings and
# mojibake lines are scored character by character, and the same pairs recur across documents
_LOGP_CACHE: dict[str, tuple[float, Optional[str]]] = {}
_LOGP_CACHE_MAX = 1_000_000


def pair_logp(prev: Optional[str], ch: str) -> float:
    """`char_logp(prev, ch)`, remembered in the pair cache `logprob` fills (a pure function of the pair, so the cache
    may hold it whatever `prev` is: a key is `ch`, or `prev + ch`, its value that pair's log probability)."""
    key = ch if prev is None else prev + ch
    hit = _LOGP_CACHE.get(key)
    if hit is None:
        if len(_LOGP_CACHE) > _LOGP_CACHE_MAX:
            _LOGP_CACHE.clear()
        hit = _LOGP_CACHE[key] = (char_logp(prev, ch), ch if (is_hanzi(ch) or ch in PUNCT) else None)
    return hit[0]


def logprob(text: str, sample: int = LOGPROB_SAMPLE) -> float:
    """Mean per-character log probability of `text` (whitespace skipped) under the bigram model."""
    if len(text) >= _ARRAY_FROM and sample >= _ARRAY_FROM:
        return _logprob_arrays(text[:sample])
    return _logprob_loop(text, sample)


def _logprob_loop(text: str, sample: int = LOGPROB_SAMPLE) -> float:
    """`logprob` one character at a time (short texts: lines checked for mojibake; and the oracle of the
    array path in tests)."""
    m = model()
    cache = _LOGP_CACHE
    if len(cache) > _LOGP_CACHE_MAX:
        cache.clear()
    get = cache.get
    total, n = 0.0, 0
    # whitespace resets the context and is not scored: the text between runs of it, scored chunk by chunk
    # (`str.split()` splits exactly where `str.isspace()` holds), in the same order, to the same sum
    for chunk in text[:sample].split():
        n += len(chunk)
        prev = None
        for ch in chunk:
            key = ch if prev is None else prev + ch
            hit = get(key)
            if hit is None:
                hit = cache[key] = (char_logp(prev, ch, m), ch if (is_hanzi(ch) or ch in PUNCT) else None)
            total += hit[0]
            prev = hit[1]
    return total / n if n else 0.0


#: from this length on, `logprob` scores a text with arrays (a fixed cost of some 30 µs, then C speed)
_ARRAY_FROM = 400


def _logprob_arrays(head: str) -> float:
    """`_logprob_loop` of `head` computed with numpy, to the same float: each scored character's
    (context, character) key is found with array operations, the log probabilities of the keys are
    looked up (`_PAIR_CACHE`), and they are added in text order (`cumsum` adds one after the other, as the
    loop does; `sum` of an array would add pairwise, to different last bits)."""
    import numpy as np

    keys = _scored_keys(head)
    if not len(keys):
        return 0.0
    total = float(np.cumsum(_PAIR_CACHE.values(keys))[-1])
    return total / len(keys)


def _scored_keys(head: str):
    """The key (context code point << 21 | code point; context 0: none) of each scored character of `head`."""
    import numpy as np

    cps = np.frombuffer(head.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    flags = _char_flags().take(np.minimum(cps, _FLAGGED))
    keys = cps.astype(np.int64)
    # a hanzi or punctuation mark is the context of the next character; anything else (whitespace included,
    # so a new chunk starts without one) leaves none, and the text's first character has none
    context = np.where(flags[:-1] & _CONTEXT, cps[:-1], 0).astype(np.int64)
    keys[1:] |= context << 21
    return keys[(flags & _SPACE_FLAG) == 0]  # whitespace is neither scored nor counted


def logprob_at_least(text: str, sample: int = LOGPROB_SAMPLE) -> float:
    """A lower bound of `logprob(text)`, cheaper on a long text: the (context, character) pairs already
    looked up count their log probability, the others a lower bound of it (`_pair_floors`), so no pair is
    looked up in the bigram table. Short texts: the exact value."""
    if not (len(text) >= _ARRAY_FROM and sample >= _ARRAY_FROM):
        return _logprob_loop(text, sample)
    keys = _scored_keys(text[:sample])
    if not len(keys):
        return 0.0
    known, vals = _PAIR_CACHE.known(keys)
    total = float(vals[known].sum())
    if not known.all():
        total += float(_pair_floors(keys[~known]).sum())
    # (the sum in another order than the exact one's: a margin far above its rounding, far below any decision)
    return total / len(keys) - 1e-6


def _pair_floors(keys):
    """A lower bound of each key's log probability without the bigram table: the character's own (no context),
    plus, after a context, the log of the share of mass that context leaves to unseen pairs (Witten-Bell:
    P(ch | prev) >= t/(n+t) × P(ch)); characters that `char_logp` scores without context get their value."""
    import numpy as np

    own, share = _unigram_arrays()
    at = np.minimum(keys & 0x1FFFFF, _FLAGGED)
    vals = own.take(at)
    unseen = np.isnan(vals)
    if unseen.any():
        new = _distinct(at[unseen])
        m = model()
        own[new] = [char_logp(None, chr(cp), m) if cp < _FLAGGED else logprob_floor() for cp in new.tolist()]
        vals = own.take(at)
    context = np.minimum(keys >> 21, _FLAGGED)
    return vals + np.where(_char_flags().take(at) & _CONTEXT, share.take(context), 0.0)


@lru_cache(maxsize=1)
def _unigram_arrays():
    """By code point below `_FLAGGED` (one more entry for all above): `char_logp` with no context (NaN: not
    yet computed; above: the floor), and the log share a context leaves to unseen pairs (0: no bigrams)."""
    import numpy as np

    m = model()
    own = np.full(_FLAGGED + 1, np.nan, dtype=np.float64)
    share = np.zeros(_FLAGGED + 1, dtype=np.float64)
    for c, t in m.types.items():
        if ord(c) < _FLAGGED:
            share[ord(c)] = math.log(t / (m.follow[c] + t))
    return own, share


@lru_cache(maxsize=1)
def logprob_floor() -> float:
    """The lowest log probability `char_logp` can give: debris, or the rarest character after the context
    that leaves the least mass to unseen pairs (Witten-Bell: P(ch | prev) >= t/(n+t) × P(ch))."""
    m = model()
    rarest = math.log(min(m.uni.values()) / m.total)
    stingiest = min(math.log(m.types[c] / (m.follow[c] + m.types[c])) for c in m.types)
    return min(DEBRIS_LOGP, rarest + stingiest) - 1e-6


_CONTEXT, _SPACE_FLAG = 1, 2
_FLAGGED = 0x30000  # code points from here up are neither hanzi (as `is_hanzi` reads them), punctuation nor space


@lru_cache(maxsize=1)
def _char_flags():
    """By code point below `_FLAGGED` (and one entry for all above): whether it is a context (`is_hanzi` or
    PUNCT: what `_logprob_loop` keeps as `prev`) and whether it is whitespace (`str.isspace`, where `split` cuts)."""
    import numpy as np

    flags = np.zeros(_FLAGGED + 1, dtype=np.uint8)
    for lo, hi in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2FFFF), (0xF900, 0xFAFF)):
        flags[lo: hi + 1] = _CONTEXT
    for ch in PUNCT:
        flags[ord(ch)] |= _CONTEXT
    for cp in range(_LAST_SPACE + 1):
        if chr(cp).isspace():
            flags[cp] |= _SPACE_FLAG
    return flags


_LAST_SPACE = 0x3000  # the highest code point `str.isspace` holds for (IDEOGRAPHIC SPACE; tests check them all)


def _distinct(values):
    """The sorted distinct values of an array (`np.unique` without the import of numpy.ma it makes)."""
    import numpy as np

    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class _PairCache:
    """log P(character | context) by key (context code point << 21 | character code point; context 0: none),
    filled on first sight (by `char_logp`, as the loop's cache is), held in arrays so that every key of a text
    is looked up at once: a direct-mapped cache (each key has one slot, by a multiplicative hash; a key that
    finds another in its slot is a miss, computed again and put there). A key and its value are read and
    written under one lock: threads (a Dask worker's) must never read one pair's key with another's value."""

    BITS = 18  # 262,144 slots (4 MB): a corpus of plans holds some tens of thousands of pairs

    def __init__(self):
        self.keys = None
        self.vals = None
        self._lock = threading.Lock()

    def _slots(self, keys):
        import numpy as np

        if self.keys is None:
            self.keys = np.full(1 << self.BITS, -1, dtype=np.int64)
            self.vals = np.zeros(1 << self.BITS, dtype=np.float64)
        return (keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - self.BITS)

    def known(self, keys):
        """Which `keys` are cached, and their values (others: garbage)."""
        with self._lock:
            return self._known(keys)

    def _known(self, keys):
        slots = self._slots(keys)
        return self.keys.take(slots) == keys, self.vals.take(slots)

    def values(self, keys):
        """The log probabilities of `keys`, as an array; the missing ones are computed and cached."""
        with self._lock:
            return self._values(keys)

    def _values(self, keys):
        import numpy as np

        known, vals = self._known(keys)
        if not known.all():
            missing = keys[~known]
            new = _distinct(missing)
            m = model()
            new_vals = np.array([char_logp(chr(k >> 21) if k >> 21 else None, chr(k & 0x1FFFFF), m)
                                 for k in new.tolist()], dtype=np.float64)
            vals[~known] = new_vals[np.searchsorted(new, missing)]
            slots = self._slots(new)
            self.keys[slots], self.vals[slots] = new, new_vals  # (of two new keys in one slot, one stays)
        return vals


_PAIR_CACHE = _PairCache()


_SUSPECT = re.compile(r"[\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020\u2021\u2030"
                      r"\u2039\u203a\ufffd\ue000-\uf8ff\u3040-\u30ff\uff61-\uff9f\u2500-\u259f\uac00-\ud7af]")


_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOT_HANZI_RUN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")  # (the complement of _HANZI)


@lru_cache(maxsize=1)
def _rare_hanzi() -> re.Pattern:
    """A character class of the basic-plane hanzi that are not common (where wrong decodings land)."""
    frequent = {c for c, r in model().rank.items() if r < COMMON_RANK}
    rare = [cp for cp in range(0x3400, 0xA000) if chr(cp) not in frequent]
    ranges, start, prev = [], rare[0], rare[0]
    for cp in rare[1:] + [None]:
        if cp is None or cp != prev + 1:
            ranges.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
            if cp is not None:
                start = cp
        if cp is not None:
            prev = cp
    return re.compile("[" + "".join(ranges) + "]")


@lru_cache(maxsize=1)
def suspect_gate() -> re.Pattern:
    """One character class that every `suspicious` line holds a character of (debris or a rare hanzi): lines
    without one are not suspicious, so a scan of a whole text for it picks the lines worth checking."""
    return re.compile("[" + _SUSPECT.pattern[1:-1] + _rare_hanzi().pattern[1:-1] + "]")


def suspicious(line: str) -> bool:
    """Cheap one-pass check: debris characters, or many rare hanzi (UTF-8 shown as GBK: 浣犲ソ)."""
    if _SUSPECT.search(line):
        return True
    rare = len(_rare_hanzi().findall(line))
    if rare == 0:
        return False
    wide = len(line) - sum(map(len, _NOT_HANZI_RUN.findall(line)))  # (hanzi counted without a string for each)
    return wide >= 2 and rare / wide > 0.3


def reads_better(candidate: str, original: str, margin: float = 1.5) -> bool:
    """`candidate` reads as Chinese by a clear margin over `original` (mean log probability per character)."""
    return logprob(candidate) - logprob(original) >= margin


# one C-level pass each instead of a Python loop per character (`\s` is exactly `str.isspace`; a hanzi is never space)
_SPACE = re.compile(r"\s")
_ANY_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f]")


def han_share(text: str, sample: int = 200_000) -> float:
    """Share of hanzi (any CJK ideograph block) among the visible characters of `text`."""
    head = text[:sample]
    visible = len(head) - len(_SPACE.findall(head))
    han = len(_ANY_HAN.findall(head))
    return han / visible if visible else 0.0


_NOT_HAN_RUN = re.compile("[^\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f]+")  # (the complement of _ANY_HAN)


def han_share_at_least(text: str, share: float, sample: int = 200_000) -> bool:
    """Whether `han_share(text, sample) >= share` is certain from a head of the text: hanzi in a prefix, counted
    against every character of the sample (visible ones are fewer), already reach `share`. False means "count it
    all" (`han_share`), not "below": a Chinese plan is decided on its first few thousand characters."""
    head = text[:sample]
    if not head:
        return False
    k = int(1.3 * share * len(head)) + 64  # (enough when hanzi are three quarters of the text, as in plans)
    while True:
        part = head[:k]
        han = len(part) - sum(map(len, _NOT_HAN_RUN.findall(part)))  # (runs between hanzi: few objects to make)
        if han / len(head) >= share:
            return True  # (the whole sample holds at least these hanzi among at most len(head) visible characters)
        if k >= len(head):
            return False
        k *= 4
