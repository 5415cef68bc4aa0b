"""Chinese numerals as plans write them: heading numbers (一, 十二, 壹) and dates (二〇二三, 十九)."""
from __future__ import annotations

DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9,
          # formal numerals (壹、贰、…), common in Taiwan plans
          "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}


def cn_to_int(s: str, positional: bool = False) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23; with `positional`, a run of digits reads digit by
    digit as years are written (二〇二三 → 2023). Unknown text gives 0."""
    if s.isdigit():
        return int(s)
    s = s.replace("拾", "十")
    if positional and "十" not in s and all(c in DIGITS for c in s):
        return int("".join(str(DIGITS[c]) for c in s))
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (DIGITS.get(tens, 1) if tens else 1) * 10 + (DIGITS.get(ones, 0) if ones else 0)
    return DIGITS.get(s, 0)
