"""Text decoded with the wrong codec (mojibake), and damage that no codec can undo.

The parser already picked the most plausible decoding of the bytes. What reaches us here is text
that was *already* wrong when it was saved: UTF-8 shown through GBK (浣犲ソ), GBK shown through
Latin-1/cp1252 (ÄãºÃ), UTF-8 shown through Latin-1 (ftfy's case), Big5 shown through GBK, and
two of these in a row. A chain is reversed only where the result reads as Chinese by a clear margin
under the character model (`fangan.lexicon.chars`); everything else is left as it is. Bytes that a
lossy wrong decoding lost are chosen back by the same model where it can (see `_reverse_lossy`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from fangan.gates import lines_hit
from fangan.line_cache import line_cache
from fangan.lexicon import chars
from fangan.lexicon.markers import STYLES, int_to_cn, match_marker

from . import NormalizeContext, StepReport, joined, lines_of, step

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
MARGIN = 1.5  # mean log-probability gain per character a reversal must bring (about 4.5× likelier per character)
READS_AS_CHINESE = -9.0  # and the result must read as Chinese on its own (clean plans ≈ −5 … −7)
DOC_SHARE = 0.5  # one chain decided for the whole document when it repairs at least this share of the suspects


def chinese_score(s: str) -> float:
    """Mean per-character log probability under the character model (`fangan.lexicon.chars`)."""
    return chars.logprob(s)


_HANZI_CLASS = "\u3400-\u9fff\uf900-\ufaff"  # (what chars.suspicious counts as a hanzi)


ENOUGH_FOR = 3  # lines with up to this many rare hanzi are cleared by the count of their first hanzi


@lru_cache(maxsize=ENOUGH_FOR)
def _enough_hanzi(rare: int) -> tuple[int, re.Pattern]:
    """(k, a pattern matching a line that holds at least k hanzi) for the least k at which `rare` rare hanzi are no
    longer too many for chars.suspicious (rare / k > 0.3 fails, as it then fails for every larger count). (Each
    pattern costs milliseconds to compile, its classes being large: only the few common counts get one.)"""
    k = max(1, rare)
    while rare / k > 0.3:
        k += 1
    return k, re.compile(f"(?:[^{_HANZI_CLASS}]*[{_HANZI_CLASS}]){{{k}}}")


def suspect_lines(text: str, lines: list[str]) -> list[int]:
    """Indexes of the lines of `text` (`lines`: its split at "\\n") that `chars.suspicious` calls suspicious, in order.

    The lines holding a debris character or a rare hanzi are found in one scan of the text (`chars.suspect_gate`) and
    judged together as one block: its debris lines in one scan, each line's rare hanzi counted from one substitution
    over it (what is left of a line is its length). A line of `rare` rare hanzi is then cleared by finding its first
    few hanzi (as many as make `rare` a small enough share: 4 for one), not by counting them all; only the lines
    short of them are counted."""
    hits = lines_hit(chars.suspect_gate(), text)
    if not hits:
        return []
    picked = [lines[i] for i in hits]
    block = "\n".join(picked)
    debris = set(lines_hit(chars._SUSPECT, block))
    no_rare = chars._rare_hanzi().sub("", block).split("\n")
    found = []
    for k, (line, rest) in enumerate(zip(picked, no_rare)):
        if k in debris:
            found.append(hits[k])
            continue
        rare = len(line) - len(rest)
        if not rare:
            continue
        if rare <= ENOUGH_FOR and _enough_hanzi(rare)[1].match(line):
            continue  # at least that many hanzi: rare ones are too few of them
        if chars.suspicious(line):  # (fewer, or many rare ones: the plain check decides, wide >= 2 included)
            found.append(hits[k])
    return found


def _reverse(s: str, shown_as: str, really: str) -> str | None:
    if "\ufffd" in s:  # (gb18030 can encode U+FFFD itself: never take it for the lost bytes)
        return _reverse_lossy(s, shown_as, really)
    try:
        data = s.encode(shown_as, errors="strict")
    except UnicodeEncodeError:
        if "\ufffd" not in s:
            return None
        return _reverse_lossy(s, shown_as, really)
    try:
        return data.decode(really, errors="strict")
    except UnicodeDecodeError:
        out = data.decode(really, errors="replace")
        return out if out.count("\ufffd") <= max(2, len(out) // 8) else None


def _reverse_lossy(s: str, shown_as: str, really: str) -> str | None:
    """The wrong decoding was itself lossy (`errors="replace"`: one byte lost per U+FFFD). Re-encode what
    survived; for UTF-8, each lost byte leaves a small set of characters that make the sequence valid, and the
    character model picks the one that fits its neighbours. What stays unknown is one U+FFFD per character."""
    parts = _surviving_bytes(s, shown_as)
    if parts is None:
        return None
    if really != "utf-8":  # a lost byte there cannot be told from its neighbours: keep the U+FFFD where it was
        out = "\ufffd".join(p.decode(really, errors="replace") for p in parts)
        return out if out.count("\ufffd") <= max(2, len(out) // 8) + len(parts) - 1 else None
    return _viterbi(_lossy_slots(parts))


def _lossy_slots(parts: list[bytes]) -> list[list[str]]:
    """The slots of a UTF-8 line whose bytes survived in `parts`, one byte lost between each two."""
    buf = bytearray(parts[0])
    gaps = []
    for p in parts[1:]:
        gaps.append(len(buf))
        buf += b"\x00" + p
    return _slots(buf, gaps)


def _surviving_bytes(s: str, shown_as: str) -> Optional[list[bytes]]:
    """The bytes of `s` shown as `shown_as`, between the U+FFFD that each stand for a lost byte (None: `s` does
    not encode back)."""
    try:
        return [p.encode(shown_as, errors="strict") for p in s.split("\ufffd")]
    except UnicodeEncodeError:
        return None


def _utf8_lossy_slots(s: str, shown_as: str) -> Optional[list[list[str]]]:
    """The slots of a line of UTF-8 shown as `shown_as` with bytes lost (U+FFFD), or None when it is not one."""
    parts = _surviving_bytes(s, shown_as) if "\ufffd" in s else None
    return _lossy_slots(parts) if parts is not None else None


def _utf8_len(lead: int) -> int:
    return 2 if 0xC0 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF7 else 1


def _gap_sequence(buf: bytearray, g: int) -> tuple[int, int, range]:
    """(start, length, values the lost byte may take) of the UTF-8 sequence holding the lost byte at `g`."""
    for back in range(1, 4):  # the gap inside a sequence whose lead byte survived
        if g - back < 0:
            break
        b = buf[g - back]
        if 0x80 <= b <= 0xBF:
            continue
        if _utf8_len(b) > back:
            return g - back, _utf8_len(b), range(0x80, 0xC0)
        break
    n = 0  # the gap is a lead byte: count the continuation bytes after it
    while g + 1 + n < len(buf) and 0x80 <= buf[g + 1 + n] <= 0xBF and n < 3:
        n += 1
    return g, n + 1, (range(0xE0, 0xF0) if n == 2 else range(0xC0, 0xE0) if n == 1 else range(0))


def _slots(buf: bytearray, gaps: list[int]) -> list[list[str]]:
    """The line as a list of slots: one character where the bytes survived, the candidates where bytes were lost
    (one or two lost bytes in a character: at most 64 × 64 byte values, of which the model keeps real characters)."""
    slots: list[list[str]] = []
    pos = 0
    for g in gaps:
        if g < pos:
            continue  # a second lost byte of a character already handled
        start, length, values = _gap_sequence(buf, g)
        inside = [x for x in gaps if start <= x < start + length]
        if start < pos or len(inside) > 2 or not values:  # nothing to choose from: one U+FFFD
            slots += _known(buf, pos, g)
            slots.append(["\ufffd"])
            pos = g + 1
            continue
        slots += _known(buf, pos, start)
        cands = _gap_candidates(bytes(buf[start: start + length]), tuple(x - start for x in inside), values.start,
                                values.stop)
        slots.append(list(cands) or ["\ufffd"])
        pos = start + length
    slots += _known(buf, pos, len(buf))
    return slots


@lru_cache(maxsize=4096)
def _gap_candidates(seq: bytes, gaps: tuple[int, ...], lo: int, hi: int) -> tuple[str, ...]:
    """The real characters (a hanzi or a punctuation mark the model scores above 0) that the UTF-8 sequence `seq`
    decodes to when its lost bytes (at `gaps`, the first taking a value in range(lo, hi), the others continuation
    bytes) are filled in: a pure function of the sequence under a fixed model, and the same sequences (a lead byte
    and a continuation byte around one lost byte) recur across lines and documents."""
    import itertools

    buf = bytearray(seq)
    cands = []
    for combo in itertools.product(range(lo, hi), *[range(0x80, 0xC0)] * (len(gaps) - 1)):
        for x, v in zip(gaps, combo):
            buf[x] = v
        try:
            ch = bytes(buf).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and (chars.is_hanzi(ch) or ch in chars.PUNCT) and chars.char_score(ch) > 0:
            cands.append(ch)
    return tuple(cands)


def _known(buf: bytearray, start: int, end: int) -> list[list[str]]:
    """Slots of one character each for bytes that survived (a stray placeholder decodes as U+FFFD)."""
    return [[c] for c in bytes(buf[start:end]).replace(b"\x00", b"\xff").decode("utf-8", errors="replace")]


WORD_LOGP = 2.0  # a candidate that makes a dictionary word with the characters that survived beside it
DOC_PAIR_LOGP = 2.0  # a pair of characters the same document holds where no byte was lost (高一 there: 高一 here)
MARKER_LOGP = 4.0  # the numeral a heading's place in the document's numbering expects (二、 then 三、)
TIME_COLON_LOGP = 4.0  # a lost mark between two digits is the colon of a time or a ratio (8：30, 1：2)
LABEL_COLON_LOGP = 3.0  # a lost mark ending a line of at most MAX_LABEL_LINE characters is a label's colon
MAX_LABEL_LINE = 12
DIGITS = frozenset("0123456789０１２３４５６７８９")


def _digit_at(slots: list[list[str]], k: int) -> bool:
    return 0 <= k < len(slots) and len(slots[k]) == 1 and slots[k][0] in DIGITS


def _word_bonus(slots: list[list[str]], i: int):
    """For a slot with candidates: the bonus each one gets for every dictionary word (of two or three characters) it
    makes with the surviving characters beside it, and for a colon between two digits (a time). The bigram model
    alone reads 督查组组长 as 督查组经长 (组组 is rare) and a spaced-out 内 容 as 军 容 (no context across the space);
    jieba's dictionary knows 组长 and 内容."""
    from fangan.lexicon.segment import get_segmenter

    has_word = get_segmenter().has_word

    def known(k: int) -> str:
        # the surviving character at k, looking past one space (letter-spaced words: 内 容, 备 注)
        if 0 <= k < len(slots) and len(slots[k]) == 1:
            c = slots[k][0]
            if c == " ":
                return ""
            return c if chars.is_hanzi(c) else ""
        return ""

    def side(step: int) -> str:
        k = i + step
        if 0 <= k < len(slots) and slots[k] == [" "]:
            k += step
        first = known(k)
        return first + (known(k + step) if first else "") if step > 0 else (known(k + step) if first else "") + first

    left, right = side(-1), side(1)
    time = _digit_at(slots, i - 1) and _digit_at(slots, i + 1)  # 8：30, 1：2
    if not left and not right and not time:
        return None
    before = [x for x in dict.fromkeys((left[-1:], left[-2:])) if x]
    after = [x for x in dict.fromkeys((right[:1], right[:2])) if x]
    around = (left[-1:], right[:1]) if left and right else None
    is_hanzi = chars.is_hanzi

    def bonus(ch: str) -> float:
        if not is_hanzi(ch):
            return TIME_COLON_LOGP if time and ch == "：" else 0.0
        n = sum(has_word(b + ch) for b in before) + sum(has_word(ch + a) for a in after)
        if around is not None:
            n += has_word(around[0] + ch + around[1])
        return WORD_LOGP * n

    return bonus


# brackets pair up within a line: a path that closes one it never opened, or leaves one open at the end of the line,
# pays for it (so a lost （ is not guessed as the commoner ， before its ）, nor a lost ： as ）)
UNMATCHED_CLOSE_LOGP = -8.0
UNCLOSED_OPEN_LOGP = -4.0
MAX_OPEN = 4  # brackets a path remembers open (deeper nesting: the innermost ones)
BEAM = 32  # states kept from one slot to the next


def _viterbi(slots: list[list[str]], doc_pairs: Optional[frozenset] = None,
             hints: Optional[dict[int, str]] = None) -> str:
    """The most probable path through the slots under the character bigram model, with brackets paired
    (`chars.BRACKETS`) and the spaces between two characters passed over (a letter-spaced 序 号 is read as
    序号). A state is the character that is the next one's context and the brackets left open; each slot keeps,
    per state, the state before it and the character it wrote. `doc_pairs`: pairs of characters the rest of the
    document holds intact (`_with_document_pairs`); a path that makes one of them gains DOC_PAIR_LOGP. `hints`: slot →
    the character the document's heading numbers expect there (`_marker_hints`), which gains MARKER_LOGP."""
    logp = chars.pair_logp  # (char_logp, remembered by pair: the same pairs recur across lines and documents)
    opening, closing = chars.BRACKETS, chars.CLOSING_BRACKETS
    scores: dict[tuple[str, str], float] = {("", ""): 0.0}
    back: list[dict[tuple[str, str], tuple[tuple[str, str], str]]] = []
    for i, cands in enumerate(slots):
        nxt: dict[tuple[str, str], float] = {}
        ptr: dict[tuple[str, str], tuple[tuple[str, str], str]] = {}
        if cands == [" "] and 0 < i < len(slots) - 1:
            for state, score in scores.items():  # the context carries over the spaces
                nxt[state], ptr[state] = score, (state, " ")
            scores = nxt
            back.append(ptr)
            continue
        words = _word_bonus(slots, i) if len(cands) > 1 else None
        hint = hints.get(i) if hints else None
        for ch in cands:
            bonus = words(ch) if words is not None else 0.0
            if ch == hint:
                bonus += MARKER_LOGP
            for state, score in scores.items():
                prev, stack = state
                s = score + logp(prev or None, ch) + bonus
                if doc_pairs is not None and prev and prev + ch in doc_pairs:
                    s += DOC_PAIR_LOGP
                if ch in opening:
                    stack = (stack + ch)[-MAX_OPEN:]
                elif ch in closing:
                    if stack and opening[stack[-1]] == ch:
                        stack = stack[:-1]
                    else:
                        s += UNMATCHED_CLOSE_LOGP
                key = (ch, stack)
                if key not in nxt or s > nxt[key]:
                    nxt[key], ptr[key] = s, (state, ch)
        if len(nxt) > BEAM:  # the best states only: the rest are candidates no context wants (64 for a lost byte)
            nxt = dict(sorted(nxt.items(), key=lambda kv: -kv[1])[:BEAM])
        scores = nxt
        back.append(ptr)
    if not back:
        return ""
    # the end of the line is evidence too: lines end in 。 or ： far more often than in 、, and with their brackets closed;
    # a short line ending in a mark is a label's (提交方式：, 抽签结果：): a colon
    label = LABEL_COLON_LOGP if sum(1 for c in slots if c != [" "]) <= MAX_LABEL_LINE else 0.0
    last = max(scores, key=lambda st: scores[st] + logp(st[0] or None, chars.EOL) + UNCLOSED_OPEN_LOGP * len(st[1])
               + (label if st[0] == "：" else 0.0))
    out = []
    for ptr in reversed(back):
        last, ch = ptr[last]
        out.append(ch)
    return "".join(reversed(out))


@lru_cache(maxsize=1)
def _ftfy_config():
    from ftfy import TextFixerConfig

    # only ftfy's encoding repair: it would otherwise fold （）“” to ASCII and touch widths
    return TextFixerConfig(unescape_html=False, fix_character_width=False, uncurl_quotes=False, fix_latin_ligatures=False,
                           fix_line_breaks=False, normalization=None, remove_terminal_escapes=False, remove_control_chars=False)


def _ftfy(line: str) -> str:
    if _ftfy_keeps(line):
        return line  # (what fix_text gives back: without importing ftfy, whose tables and patterns cost ~33 ms)
    import ftfy

    return ftfy.fix_text(line, _ftfy_config())


# With `_ftfy_config()`, ftfy 6.3's fix_text changes a line (of at most max_decode_length characters, one segment) only
# through fix_encoding, which leaves a text alone unless ftfy.badness.is_bad finds mojibake in it (its BADNESS_RE), and
# through fix_c1_controls and fix_surrogates, which change only C1 controls and surrogates. Checked for these versions
# only (the reasoning reads their code); any other ftfy decides every line itself.
_FTFY_READ = ("6.3.0", "6.3.1")
_FTFY_SEGMENT = 1_000_000
_C1_OR_SURROGATE = re.compile("[\x80-\x9f\ud800-\udfff]")


def _ftfy_keeps(line: str) -> bool:
    """Whether `ftfy.fix_text(line, _ftfy_config())` surely gives `line` back."""
    bad = _ftfy_badness()
    return (bad is not None and len(line) <= _FTFY_SEGMENT and _C1_OR_SURROGATE.search(line) is None
            and bad.search(line) is None)


@lru_cache(maxsize=1)
def _ftfy_badness() -> Optional[re.Pattern]:
    """ftfy's own BADNESS_RE (what `is_bad` searches for), from its badness module's file run alone (it imports only
    re and warnings), without importing the ftfy package; None when that cannot be done or ftfy is another version."""
    try:
        import importlib.metadata
        import importlib.util
        from pathlib import Path

        if importlib.metadata.version("ftfy") not in _FTFY_READ:
            return None
        spec = importlib.util.find_spec("ftfy")
        path = Path(list(spec.submodule_search_locations)[0]) / "badness.py"
        source = importlib.util.spec_from_file_location("_fangan_ftfy_badness", path)
        module = importlib.util.module_from_spec(source)
        source.loader.exec_module(module)
        return module.BADNESS_RE if isinstance(module.BADNESS_RE, re.Pattern) else None
    except Exception:
        return None


FTFY = ("latin-1/cp1252 (ftfy)", "utf-8")


def apply_chain(line: str, chain: list[tuple[str, str]]) -> str | None:
    """`line` with the reversals of `chain` applied in order, or None when one does not apply."""
    for shown_as, really in chain:
        line = _ftfy(line) if (shown_as, really) == FTFY else _reverse(line, shown_as, really)
        if line is None:
            return None
    return line


def best_reversal(line: str) -> tuple[str, list[tuple[str, str]], float]:
    """The most Chinese-reading reversal of up to MAX_DEPTH chains, with the chain used.
    UTF-8 shown through Latin-1/cp1252 is ftfy's case (it knows the sloppy cp1252 variants);
    the GBK/Big5 chains are ours."""
    best, chain, score, _ = _best_reversal(line)
    return best, list(chain), score


@line_cache(maxsize=4096)  # (a suspect line longer than the cache's bound is searched every time)
def _best_reversal(line: str) -> tuple[str, tuple[tuple[str, str], ...], float, float]:
    """`best_reversal` and the line's own score, remembered by line: a pure function of the line under a fixed
    model, and suspect lines recur (a formula line with ×, a template's damaged header) within a document and
    across a batch."""
    before = chinese_score(line)
    best, chain, score = _search_reversal(line, before)
    return best, tuple(chain), score, before


def _search_reversal(line: str, score: Optional[float] = None) -> tuple[str, list[tuple[str, str]], float]:
    """(`score`: the line's own score when known)"""
    best, best_chain, best_score = line, [], chinese_score(line) if score is None else score
    fixed = _ftfy(line)
    if fixed != line and chinese_score(fixed) > best_score:
        best, best_chain, best_score = fixed, [FTFY], chinese_score(fixed)
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


def _accept(before: float, after: float) -> bool:
    return after >= READS_AS_CHINESE and after - before >= MARGIN


def _chain_name(chain) -> str:
    return " then ".join(f"{really} shown as {shown}" for shown, really in reversed(chain))


def _with_document_pairs(lines: list[str], out: list[str], reversed_by: dict[int, tuple[list, str]]) -> None:
    """The lines that lost bytes, chosen again knowing the pairs of characters the document holds intact: in its other
    lines and where bytes survived in these (a 高一 that survived elsewhere makes a lost one 高一, not 高三), and, in
    document order, the heading numbers before them (`_marker_hints`). A line reversed by one UTF-8 step with U+FFFD
    in it is such a line; their first choices are in `out`."""
    lossy: dict[int, list[list[str]]] = {}
    for i, (chain, _) in reversed_by.items():
        if len(chain) == 1 and chain[0] != FTFY and chain[0][1] == "utf-8":
            slots = _utf8_lossy_slots(lines[i], chain[0][0])
            if slots is not None and any(len(c) > 1 for c in slots):
                lossy[i] = slots
    if not lossy:
        return
    pairs: set[str] = set()
    for i, line in enumerate(out):
        slots = lossy.get(i)
        prev = None
        for k, ch in enumerate(line):
            if ch.isspace():
                continue
            sure = (slots is None or len(slots[k]) == 1) and chars.is_hanzi(ch)
            if prev is not None and sure:
                pairs.add(prev + ch)
            prev = ch if sure else None
    doc_pairs = frozenset(pairs)
    numbering: dict[str, int] = {}  # heading style → the last number it had, in document order
    for i, line in enumerate(out):
        slots = lossy.get(i)
        if slots is not None:
            out[i] = line = _viterbi(slots, doc_pairs, _marker_hints(line, slots, numbering))
        _count_heading(line, numbering)


def _count_heading(line: str, numbering: dict[str, int]) -> None:
    """Note the heading number `line` opens with; a heading resets the numbers of the styles below it."""
    marker = match_marker(line.lstrip())
    if marker is None:
        return
    numbering[marker.style.name] = marker.value
    for style in STYLES:
        if style.rank > marker.style.rank:
            numbering.pop(style.name, None)


def _marker_hints(first: str, slots: list[list[str]], numbering: dict[str, int]) -> Optional[dict[int, str]]:
    """Where the line's first choice opens with a heading in Chinese numerals whose number lost a byte: the numeral
    the document's numbering expects there (the next one of its style, or 一 for a style new under its parent),
    when the surviving bytes allow it (slot → character)."""
    stripped = first.lstrip()
    marker = match_marker(stripped)
    if marker is None or marker.style.arabic or marker.style.name in ("壹、", "①"):
        return None
    start = len(first) - len(stripped) + marker.start
    written = stripped[marker.start:marker.end]  # 三、 （三） 第三阶段, as written
    expected = int_to_cn(numbering.get(marker.style.name, 0) + 1)
    old = int_to_cn(marker.value)
    if not expected or not old or written.count(old) != 1 or len(expected) != len(old):
        return None
    at = start + written.index(old)
    hints = {}
    for k, ch in enumerate(expected):
        cands = slots[at + k] if at + k < len(slots) else []
        if ch not in cands:
            return None
        if len(cands) > 1:
            hints[at + k] = ch
    return hints or None


@step("repair_mojibake")
def repair_mojibake(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Reverse wrong-codec chains where the result reads as Chinese by a clear margin (character model).

    A cheap check finds the suspect lines first. When most of them share one chain, the chain is decided for the
    whole document and applied to every line it reads better on, the title line and short lines included (their
    own evidence is thin); otherwise each line is decided alone."""
    lines = lines_of(text)
    # only the lines holding a debris character or a rare hanzi can look damaged: found in one scan of the text
    suspects = suspect_lines(text, lines)
    if not suspects:
        return text
    found = {}
    for i in suspects:
        fixed, chain, after, before = _best_reversal(lines[i])  # (the line's own score remembered with it)
        found[i] = (fixed, list(chain), before, after)
    votes: dict[tuple, int] = {}
    for fixed, chain, before, after in found.values():
        if chain and _accept(before, after):
            votes[tuple(chain)] = votes.get(tuple(chain), 0) + 1
    doc_chain = None
    if votes:
        top, n = max(votes.items(), key=lambda kv: (kv[1], -len(kv[0])))
        if n >= DOC_SHARE * len(suspects) and n >= 2:
            doc_chain = list(top)
    chains_used: dict[str, int] = {}
    reversed_by: dict[int, tuple[list, str]] = {}  # line → the chain that reversed it, and its name
    out = list(lines)
    # without a chain for the document only the suspect lines can change (in order, as the full walk meets them)
    for i in (range(len(lines)) if doc_chain is not None else sorted(found)):
        line = lines[i]
        if doc_chain is not None and not line.isascii():
            fixed = apply_chain(line, doc_chain)
            if fixed is not None and fixed != line and chinese_score(fixed) >= chinese_score(line) + 0.3:
                chain = doc_chain
            elif i in found and found[i][1] and _accept(found[i][2], found[i][3]):
                fixed, chain = found[i][0], found[i][1]
            else:
                continue
        elif i in found and found[i][1] and _accept(found[i][2], found[i][3]):
            fixed, chain = found[i][0], found[i][1]
        else:
            continue
        name = _chain_name(chain)
        chains_used[name] = chains_used.get(name, 0) + 1
        reversed_by[i] = (chain, name)
        out[i] = fixed
    if not chains_used:
        return text  # (no line was reversed: the lines joined are the text, and the next step reads its lines as split)
    _with_document_pairs(lines, out, reversed_by)
    for i, (chain, name) in reversed_by.items():
        report.change(lines[i][:40], out[i][:40], context=name)
    scope = "decided for the document" if doc_chain else "decided per line"
    report.detail = f"{scope}: " + "; ".join(f"{k}: {v} line(s)" for k, v in chains_used.items())
    remaining = sum(o.count("\ufffd") for o, ln in zip(out, lines) if o != ln)
    if remaining:
        report.warn("lost_bytes", f"{remaining} character(s) lost in a lossy wrong decoding could not be recovered "
                    "(one U+FFFD each)", count=remaining)
    return joined(out)


# Damage no reversal can undo: the bytes are gone.
IRRECOVERABLE = (
    ("replacement_chars", re.compile("\ufffd+"), "U+FFFD replacement characters (bytes lost in decoding)"),
    ("kunjinkao", re.compile("(?:锟斤拷)+|(?:鈹[\u4e00-\u9fff])+"), "锟斤拷: U+FFFD written as UTF-8 and read as GBK"),
    ("uninitialized_memory", re.compile("(?:烫){2,}|(?:屯){3,}"), "烫烫烫/屯屯屯: uninitialized memory bytes shown as GBK"),
    ("question_marks", re.compile(r"(?<=[\u4e00-\u9fff])\?{1,}(?=[\u4e00-\u9fff])|\?{3,}"),
     "'?' in place of characters: the text went through a codec that could not hold them"),
)


# matches wherever one of the patterns does (none captures a group, so their union is exact)
_ANY_IRRECOVERABLE = re.compile("|".join(f"(?:{p.pattern})" for _, p, _ in IRRECOVERABLE))
# every match of a pattern above holds one of these strings (U+FFFD; 锟斤拷 or 鈹; two 烫 or three 屯 in a row; ?): a text
# without any of them is undamaged, decided by a few C-level `in` scans instead of the union's lookbehinds at every
# position (烫 alone is a word: 烫伤)
_IRRECOVERABLE_NEEDS = ("\ufffd", "锟斤拷", "鈹", "烫烫", "屯屯屯", "?")
# (each looked for by its first character first: a one-character search is the quickest, and most texts hold none)
_NEEDS_BY_FIRST = tuple((need[0], need) for need in _IRRECOVERABLE_NEEDS)


@step("flag_irrecoverable")
def flag_irrecoverable(text: str, ctx: NormalizeContext, report: StepReport) -> str:
    """Count and report damage that cannot be reversed; the text is left as it is."""
    if not any(first in text and need in text for first, need in _NEEDS_BY_FIRST):
        return text
    if not _ANY_IRRECOVERABLE.search(text):
        return text
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
