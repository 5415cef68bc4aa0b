"""A bounded cache for pure functions of a line of text, for every stage.

Lines repeat within a document and across documents (boilerplate, list items, the same headings, a
damaged template header), so a stage may remember what it decided about a line. A line longer than
`max_line` is computed every time: long lines seldom repeat, and a cache of them would hold megabytes
of text. The module imports no stage, so any stage may use it.
"""
from __future__ import annotations

import inspect
from functools import lru_cache, update_wrapper

# longer lines are not remembered (16384 entries of at most this many characters: a few MB at most)
MAX_CACHED_LINE = 512


def line_cache(maxsize: int = 16384, max_line: int = MAX_CACHED_LINE):
    """lru_cache(maxsize) for a function whose first argument is a line of text; lines longer than
    `max_line` bypass the cache. `cache_clear`/`cache_info` are those of the cache."""
    def decorate(func):
        cached = lru_cache(maxsize=maxsize)(func)

        if _takes_one_argument(func):  # most do: a call without packing arguments (~180k calls a 20 MB build)
            def wrapper(line):
                return cached(line) if len(line) <= max_line else func(line)
        else:
            def wrapper(line, *args, **kwargs):
                if len(line) > max_line:
                    return func(line, *args, **kwargs)
                return cached(line, *args, **kwargs)

        update_wrapper(wrapper, func)
        wrapper.cache_clear = cached.cache_clear
        wrapper.cache_info = cached.cache_info
        return wrapper
    return decorate


def _takes_one_argument(func) -> bool:
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(params) == 1 and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD)
