"""Text decoded with the wrong codec (mojibake), and damage that no codec can undo.

The parser already picked the most plausible decoding of the bytes. What reaches us here is text
that was *already* wrong when it was saved: UTF-8 shown through GBK (浣犲ソ), GBK shown through
Latin-1/cp1252 (ÄãºÃ), UTF-8 shown through Latin-1 (ftfy's case), Big5 shown through GBK, and
two of these in a row. A chain is reversed only where the result reads clearly more like Chinese
than the input; everything else is left as it is.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import NormalizeContext, StepReport, step

# (codec the text was wrongly shown through, codec the bytes really were)
CHAINS: tuple[tuple[str, str], ...] = (
    ("gb18030", "utf-8"),
    ("latin-1", "gb18030"),
    ("cp1252", "gb18030"),
    ("latin-1", "utf-8"),
    ("cp1252", "utf-8"),
    ("gb18030", "cp950"),
    ("cp950", "gb18030"),
    ("latin-1", "cp950"),
    ("cp1252", "cp950"),
)
MAX_DEPTH = 2  # double encodings: UTF-8 → GBK → Latin-1 and the like

_LATIN1_DEBRIS = re.compile(r"[\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020\u2021\u2030\u2039\u203a]")


@lru_cache(maxsize=65536)
def _char_weight(ch: str) -> float:
    """Stricter than the parser's score: only the most frequent hanzi count as Chinese, because
    UTF-8-through-GBK debris lands on GB2312's second (rare) level: 鍗 鐢 绱 鎻."""
    cp = ord(ch)
    if cp < 0x80:
        return 0.1 if ch.isprintable() else -2.0
    if 0x4E00 <= cp <= 0x9FFF:
        try:
            b = ch.encode("gb2312")
            return 1.0 if 0xB0 <= b[0] <= 0xD7 else -0.5
        except UnicodeEncodeError:
            pass
        try:
            b = ch.encode("big5")
            return 1.0 if 0xA440 <= ((b[0] << 8) | b[1]) <= 0xC67E else -0.8
        except UnicodeEncodeError:
            return -1.0
    if 0x3000 <= cp <= 0x303F or 0xFF01 <= cp <= 0xFF5E or ch in "“”‘’—…·①②③④⑤⑥⑦⑧⑨⑩":
        return 0.3
    if cp == 0xFFFD or 0xE000 <= cp <= 0xF8FF or 0x3040 <= cp <= 0x30FF or 0xFF61 <= cp <= 0xFF9F:
        return -2.0
    if 0x80 <= cp <= 0x24F or 0x2500 <= cp <= 0x257F or 0xAC00 <= cp <= 0xD7AF or 0x370 <= cp <= 0x4FF:
        return -1.0
    return -0.5


def chinese_score(s: str) -> float:
    chars = [c for c in s if not c.isspace()]
    if not chars:
        return 0.0
    return sum(_char_weight(c) for c in chars) / len(chars)


def _looks_damaged(line: str) -> bool:
    if _LATIN1_DEBRIS.search(line):
        return True
    # ASCII-heavy lines (时间:2022-07-05) are not suspects: judge the wide characters only
    wide = [c for c in line if ord(c) > 0x2E80]
    if len(wide) < 2:
        return False
    return sum(1 for c in wide if _char_weight(c) <= 0) / len(wide) > 0.2


def _reverse(s: str, shown_as: str, really: str) -> str | None:
    try:
        data = s.encode(shown_as, errors="strict")
    except UnicodeEncodeError:
        if "\ufffd" not in s:
            return None
        # the wrong decoding was itself lossy (errors="replace"): reverse what survived; the
        # replacement characters that remain are then reported by flag_irrecoverable
        try:
            data = s.replace("\ufffd", "?").encode(shown_as, errors="strict")
        except UnicodeEncodeError:
            return None
    try:
        return data.decode(really, errors="strict")
    except UnicodeDecodeError:
        out = data.decode(really, errors="replace")
        return out if out.count("\ufffd") <= max(2, len(out) // 8) else None


@lru_cache(maxsize=1)
def _ftfy_config():
    from ftfy import TextFixerConfig

    # only ftfy's encoding repair: it would otherwise fold （）“” to ASCII and touch widths
    return TextFixerConfig(unescape_html=False, fix_character_width=False, uncurl_quotes=False, fix_latin_ligatures=False,
                           fix_line_breaks=False, normalization=None, remove_terminal_escapes=False, remove_control_chars=False)


def _ftfy(line: str) -> str:
    import ftfy

    return ftfy.fix_text(line, _ftfy_config())


def best_reversal(line: str) -> tuple[str, list[tuple[str, str]], float]:
    """The most Chinese-looking reversal of up to MAX_DEPTH chains, with the chain used.
    UTF-8 shown through Latin-1/cp1252 is ftfy's case (it knows the sloppy cp1252 variants);
    the GBK/Big5 chains are ours."""
    best, best_chain, best_score = line, [], chinese_score(line)
    fixed = _ftfy(line)
    if fixed != line and chinese_score(fixed) > best_score:
        best, best_chain, best_score = fixed, [("latin-1/cp1252 (ftfy)", "utf-8")], chinese_score(fixed)
    frontier = [(line, [])] + ([(fixed, best_chain)] if best_chain else [])
    for _ in range(MAX_DEPTH):
        nxt = []
        for text, chain in frontier:
            for shown_as, really in CHAINS:
                out = _reverse(text, shown_as, really)
                if out is None or out == text:
                    continue
                score = chinese_score(out)
                nxt.append((out, chain + [(shown_as, really)]))
                if score > best_score + 1e-9:
                    best, best_chain, best_score = out, chain + [(shown_as, really)], score
        frontier = nxt
    return best, best_chain, best_score


@step("repair_mojibake")
def repair_mojibake(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Reverse wrong-codec chains line by line, only where the result is clearly more Chinese."""
    out_lines = []
    chains_used: dict[str, int] = {}
    for line in text.split("\n"):
        if not _looks_damaged(line):
            out_lines.append(line)
            continue
        before = chinese_score(line)
        fixed, chain, after = best_reversal(line)
        if chain and after >= 0.55 and after - before >= 0.4:
            name = " then ".join(f"{really} shown as {shown}" for shown, really in reversed(chain))
            chains_used[name] = chains_used.get(name, 0) + 1
            report.change(line[:40], fixed[:40], context=name)
            out_lines.append(fixed)
        else:
            out_lines.append(line)
    if chains_used:
        report.detail = "; ".join(f"{k}: {v} line(s)" for k, v in chains_used.items())
    return "\n".join(out_lines)


# Damage no reversal can undo: the bytes are gone.
IRRECOVERABLE = (
    ("replacement_chars", re.compile("\ufffd+"), "U+FFFD replacement characters (bytes lost in decoding)"),
    ("kunjinkao", re.compile("(?:锟斤拷)+|(?:鈹[\u4e00-\u9fff])+"), "锟斤拷: U+FFFD written as UTF-8 and read as GBK"),
    ("uninitialized_memory", re.compile("(?:烫){2,}|(?:屯){3,}"), "烫烫烫/屯屯屯: uninitialized memory bytes shown as GBK"),
    ("question_marks", re.compile(r"(?<=[\u4e00-\u9fff])\?{1,}(?=[\u4e00-\u9fff])|\?{3,}"),
     "'?' in place of characters: the text went through a codec that could not hold them"),
)


@step("flag_irrecoverable")
def flag_irrecoverable(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Count and report damage that cannot be reversed; the text is left as it is."""
    for code, pattern, message in IRRECOVERABLE:
        hits = pattern.findall(text)
        if hits:
            examples = []
            for m in pattern.finditer(text):
                examples.append(text[max(0, m.start() - 6): m.end() + 6])
                if len(examples) >= 5:
                    break
            report.warn(code, f"{message}: {len(hits)} place(s)", count=len(hits), examples=examples)
    return text
