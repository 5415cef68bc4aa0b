"""The word segmenter: jieba's dictionary and HMM, through rjieba (jieba-rs) when installed.

rjieba gives the same cuts as jieba's precise mode at ~20 MB/s against jieba's ~0.8 MB/s
(benchmarks/bench_search.py), and has no one-second dictionary load. One process loads one copy.
"""
from __future__ import annotations

import logging
from functools import lru_cache


class Segmenter:
    """Cuts text into words (jieba precise mode) and finds the dictionary words inside a long word."""

    name = "jieba"

    def __init__(self):
        import jieba

        self.version = _package_version("jieba")  # its dictionary comes with it

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.dt
        self._jieba.check_initialized()
        self._sub: dict[str, list[str]] = {}
        self._joined: dict[str, str] = {}

    def cut(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, HMM=True))

    def has_word(self, w: str) -> bool:
        return bool(self._jieba.FREQ.get(w))

    def subwords(self, w: str) -> list[str]:
        """The 2- and 3-character dictionary words inside `w`, as jieba's search mode yields them."""
        if len(w) <= 2:
            return []
        cached = self._sub.get(w)
        if cached is not None:
            return cached
        out = [w[i:i + 2] for i in range(len(w) - 1) if self.has_word(w[i:i + 2])]
        if len(w) > 3:
            out += [w[i:i + 3] for i in range(len(w) - 2) if self.has_word(w[i:i + 3])]
        if len(self._sub) < 500_000:
            self._sub[w] = out
        return out

    def subwords_text(self, words: list[str]) -> str:
        """" ".join of the subwords of every word, in order (the search index's extra column)."""
        return self.subwords_texts([words])[0]

    def subwords_texts(self, cuts: list[list[str]]) -> list[str]:
        """`subwords_text` of each list of words. Only words of three characters or more have subwords; each
        one's are joined once and remembered, so a list costs its share of one set difference and one dictionary
        lookup per long word, in C."""
        joined = self._joined
        longs = [[w for w in words if len(w) > 2] for words in cuts]
        new = set().union(*longs).difference(joined)
        if len(joined) + len(new) > 500_000:  # bounded: start again rather than grow
            joined.clear()
            new = set().union(*longs)
        for w in new:
            joined[w] = " ".join(self.subwords(w))
        get = joined.__getitem__
        return [" ".join(filter(None, map(get, long))) if long else "" for long in longs]

    def cut_for_search(self, text: str) -> list[str]:
        out = []
        for w in self.cut(text):
            out += self.subwords(w)
            out.append(w)
        return out


class RJiebaSegmenter(Segmenter):
    """The same dictionary and HMM through jieba-rs (rjieba)."""

    name = "rjieba"

    def __init__(self):
        import rjieba

        self._r = rjieba
        self.version = _package_version("rjieba")
        self._sub: dict[str, list[str]] = {}
        self._joined: dict[str, str] = {}

    def cut(self, text: str) -> list[str]:
        return self._r.cut(text, True)

    def has_word(self, w: str) -> bool:
        return self._r.has_word(w)


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=None)
def get_segmenter(name: str = "auto") -> Segmenter:
    """`auto`: rjieba when installed, else jieba; `jieba` or `rjieba` to insist on one."""
    if name in ("auto", "rjieba"):
        try:
            return RJiebaSegmenter()
        except ImportError:
            if name == "rjieba":
                raise
    return Segmenter()


def cut(text: str) -> list[str]:
    """jieba precise-mode words of `text` (with the best installed backend)."""
    return get_segmenter().cut(text)
