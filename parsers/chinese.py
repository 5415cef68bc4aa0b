"""How much a string reads like Chinese text: the check behind every encoding decision.

A decoding that does not raise is not a correct one: GBK bytes decode as Big5 and vice versa,
UTF-8 decodes as GBK. Wrong decodings land on rare characters, private-use code points,
katakana, box drawing and control characters; right ones on the few thousand common hanzi.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def _char_class(ch: str) -> float:
    """Score of one character: + for what Chinese documents are made of, − for decoding debris."""
    cp = ord(ch)
    if ch in "\n\r\t ":
        return 0.0
    if cp < 0x80:
        return 0.2 if ch.isprintable() else -3.0
    if 0x4E00 <= cp <= 0x9FFF:
        return 1.0 if _is_common_hanzi(ch) else -0.6
    if 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF:  # CJK punctuation, fullwidth forms
        return 0.2 if cp not in range(0xFF61, 0xFFA0) else -2.0  # halfwidth katakana = debris
    if ch in "“”‘’—…·●■□◆○①②③④⑤⑥⑦⑧⑨⑩※№": 
        return 0.2
    if cp == 0xFFFD or 0xE000 <= cp <= 0xF8FF:
        return -3.0
    cat = unicodedata.category(ch)
    if cat.startswith("C"):
        return -3.0
    if 0x3040 <= cp <= 0x30FF:  # kana: in a Chinese plan, a sign of a wrong codec (Big5 read as Big5-HKSCS, GBK as Shift-JIS)
        return -1.5
    if 0x00C0 <= cp <= 0x024F or 0x0370 <= cp <= 0x04FF or 0x2500 <= cp <= 0x257F or 0xAC00 <= cp <= 0xD7AF:
        return -1.0  # Latin-1 letters, Greek/Cyrillic, box drawing, Hangul: classic mojibake debris
    if 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2FFFF:
        return -1.0  # extension A/B hanzi almost never appear in plans
    return -0.3


@lru_cache(maxsize=65536)
def _is_common_hanzi(ch: str) -> bool:
    # GB2312 covers the ~6,700 hanzi of simplified documents; Big5's first tier (A440–C67E)
    # the ~5,400 frequent traditional ones. Rare characters are where wrong decodings land.
    try:
        b = ch.encode("gb2312")
        if b[0] >= 0xB0:
            return True
    except UnicodeEncodeError:
        pass
    try:
        b = ch.encode("big5")
        code = (b[0] << 8) | b[1]
        return 0xA440 <= code <= 0xC67E
    except UnicodeEncodeError:
        return False


def plausibility(text: str, sample: int = 20000) -> float:
    """Mean per-character score in [-3, 1]; clean Chinese plans score above 0.6."""
    s = text[:sample]
    scored = [_char_class(c) for c in s if c not in "\n\r\t "]
    if not scored:
        return 0.0
    return sum(scored) / len(scored)


def cjk_ratio(text: str) -> float:
    s = [c for c in text if not c.isspace()]
    if not s:
        return 0.0
    return sum(1 for c in s if 0x4E00 <= ord(c) <= 0x9FFF) / len(s)


def han_share(text: str, sample: int = 200_000) -> float:
    """Share of hanzi (any CJK ideograph block) among the visible characters of `text`."""
    visible = han = 0
    for c in text[:sample]:
        if c.isspace():
            continue
        visible += 1
        cp = ord(c)
        if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3134F:
            han += 1
    return han / visible if visible else 0.0
