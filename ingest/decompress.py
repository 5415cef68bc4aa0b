"""HTTP Content-Encoding (gzip, deflate, brotli) decoded within the ingest budgets.

warcio decodes a record's body on the fly, but without any bound: a 2 KB gzip or brotli bomb in one WARC
record decompresses to gigabytes. Here every codec is fed its input a block at a time and asked for at
most what is left of the budget, so memory never exceeds `cap` plus one block, and a bomb is stopped by
its compression ratio long before that.
"""
from __future__ import annotations

import zlib
from typing import Optional

from . import RATIO_FLOOR, Limits, OverBudget

_IN_BLOCK = 1 << 14
_OUT_BLOCK = 1 << 16


def decode_content(raw: bytes, encoding: Optional[str], cap: int, limits: Limits, what: str = "the body") -> bytes:
    """`raw` decoded as its Content-Encoding says. Raises OverBudget past `cap` bytes or past the
    compression ratio of `limits`. A body that does not decode at all is returned as it is (servers
    often send plain bytes under a gzip header); one that breaks part-way keeps what decoded."""
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity", "none"):
        return raw
    if enc in ("gzip", "x-gzip"):
        return _zlib(raw, [16 + zlib.MAX_WBITS], cap, limits, what)
    if enc == "deflate":
        # RFC 9110 deflate is a zlib stream, but many servers send a raw deflate stream
        return _zlib(raw, [zlib.MAX_WBITS, -zlib.MAX_WBITS], cap, limits, what)
    if enc == "br":
        return _brotli(raw, cap, limits, what)
    return raw  # an encoding we do not know: the parsers' content check will judge the bytes


def _check(size: int, packed: int, cap: int, limits: Limits, what: str) -> None:
    if size > cap:
        raise OverBudget("too_large", f"{what} decompresses to more than {cap} bytes; not read")
    if size >= RATIO_FLOOR and size / max(1, packed) > limits.max_compression_ratio:
        raise OverBudget("zip_bomb", f"{what} passed a compression ratio of {limits.max_compression_ratio:.0f}:1 while "
                         f"decompressing ({size} bytes from {packed}); not read")


def _zlib(raw: bytes, wbits_options: list[int], cap: int, limits: Limits, what: str) -> bytes:
    for i, wbits in enumerate(wbits_options):
        d = zlib.decompressobj(wbits)
        out = bytearray()
        try:
            for start in range(0, len(raw), _IN_BLOCK):
                data = raw[start:start + _IN_BLOCK]
                while data:
                    out += d.decompress(data, _OUT_BLOCK)
                    _check(len(out), start + _IN_BLOCK, cap, limits, what)
                    data = d.unconsumed_tail
                if d.eof:
                    break
        except zlib.error:
            if out:
                return bytes(out)  # damaged part-way: keep what decoded
            if i + 1 < len(wbits_options):
                continue
            return raw
        return bytes(out)
    return raw


def _brotli(raw: bytes, cap: int, limits: Limits, what: str) -> bytes:
    try:
        import brotli
    except ImportError:
        raise OverBudget("unsupported_encoding", f"{what} is brotli-compressed and the brotli module is not installed")
    d = brotli.Decompressor()
    out = bytearray()
    try:
        for start in range(0, len(raw), _IN_BLOCK):
            chunk = d.process(raw[start:start + _IN_BLOCK], output_buffer_limit=_OUT_BLOCK)
            while True:
                out += chunk
                _check(len(out), start + _IN_BLOCK, cap, limits, what)
                if d.can_accept_more_data() or d.is_finished():
                    break
                chunk = d.process(b"", output_buffer_limit=_OUT_BLOCK)
    except TypeError:
        # brotli < 1.1 cannot bound its output: refuse rather than risk a bomb
        raise OverBudget("unsupported_encoding", f"{what} is brotli-compressed and this brotli cannot decompress "
                         "within a memory bound (needs brotli >= 1.1)")
    except brotli.error:
        return bytes(out) if out else raw
    return bytes(out)
