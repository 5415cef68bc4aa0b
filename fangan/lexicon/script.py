"""OpenCC converters, loaded once per process.

t2s by default; tw2s / hk2s for Taiwan / Hong Kong sources. Never tw2sp: its mainland-phrase table
rewrites plan vocabulary (阶段→级段, 核心→内核, 建立→创建). The official `opencc` binding only:
`opencc-python-reimplemented` has the same module name and is 40× slower.
"""
from __future__ import annotations

from functools import lru_cache

VARIANTS = ("t2s", "tw2s", "hk2s")


@lru_cache(maxsize=None)
def converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str, variant: str = "t2s") -> str:
    return converter(variant if variant in VARIANTS else "t2s").convert(text)
