"""Quantified targets: a number with its unit, the comparator its phrase states, and the indicator (the
noun phrase it measures). Vocabulary from `fangan.lexicon.quantities`.

* comparators are read from the whole phrase, negation included (不得少于2分钟 → >= 2 分钟; 不能超过40分
  → <= 40 分), and a following 以上/以内/以下/左右 settles them (达到95%以上 → >=);
* a range (1—2个, 80%—90%) gives two targets, >= low and <= high;
* a plain quantified commitment (建成17座, 新增就业岗位500个, 每人限报1门) is ==;
* not targets: facts and scope (共有17个, 依托49个, 共14人, 第9次), cost estimates (共需资金约2.391亿元),
  conditions (凡…2次以上的), times of day (8时30分), a quantity that only scopes another target's
  indicator (10个街道办事处覆盖率达到100%), and a quantity that opens a sentence as its subject;
* nor, on real plans: a rubric's points (集队2分, 扣5分), approximate, past and casualty figures (约, 共发生, 365人死亡),
  ranks that pick people out (前3名的), telephone numbers, paths, decimal outline numbers (3.1 家庭…, 17.1天然…),
  rows of a data table (住宅区 381.32 12.08%), years of the ROC calendar and decades (民国102年, 80年代),
  athletic event distances (50米跑) and numbers a page marker split (20 3、15年) — each a table in the lexicon.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Optional

from fangan.lexicon.quantities import (
    ADVERB_COMPARATORS, CASUALTY_AFTER, COMMITMENT_VERBS, COMPARATOR_WORDS, COMPOUND_TIME_BEFORE, CONDITION,
    CONDITION_AFTER, CONDITION_BEFORE, CONDITION_BEFORE_COMPARATOR, CONDITION_OPENER, COUNT_UNITS, ERA_BEFORE,
    ESTIMATE_CONTEXT, EVENT_AFTER, EVENT_BEFORE, FACT_RIGHT_BEFORE, FACT_WORDS, FIGURE_RIGHT_BEFORE, INDICATOR_LEAD,
    MIN_IDENTIFIER_DIGITS, NOT_COMPARATOR_AFTER, NOT_UNITS, NUMBER, PEOPLE_AFTER, PROHIBITED, PROHIBITIONS,
    RANGE_DASH, RANK_BEFORE, SCORE_CONSEQUENCE_AFTER, SCORE_UNITS, SCORE_WORDS, SENIORITY_AFTER, SHARE_UNITS,
    SUFFIX_COMPARATORS, TIME_FRAME_AFTER, TIME_OF_DAY, TIME_UNITS, UNIT,
)
from fangan.gates import first_class, lines_with
from fangan.lexicon.roles import alternation
from fangan.lexicon.segment import get_segmenter
from fangan.model import Target

from .lines import NO_QUANTITIES, plan_lines, to_read
from .items import target as new_target
from .parties import LEADING_MARKER as _HEADING_MARK

_CMP = alternation(COMPARATOR_WORDS)
_SUFFIX = alternation(SUFFIX_COMPARATORS)
# adverbs that may stand a few words before their number: 至少建成1个, 每个月至少快速检测抽检1次
_ADVERB_CMP = re.compile(rf"(?P<cmp>{alternation(ADVERB_COMPARATORS)})[^，。；、\d\n]{{0,8}}$")
# spaces may stand between a number and its unit (5 米), a line break may not: a number ending a line and a
# word opening the next (a telephone number, then 所在…) are two table cells
_SPACE = r"[ \t\u3000]*"
# a number right after a backslash is part of a path (文件夹\\24年艺术节); one right after `N、` is the second
# half of a number a page marker split (20 3、15年), or the second of two alternatives (2、3人): no target alone
# A number (NUMBER) not preceded by what the lookbehinds name. Both patterns open with the number's first
# digit, so that `re` skips along to the digits by itself, and look behind that digit (width + 1): the
# same as (?<![\d.\-—/\\])(?<!\d、) before the number, without running the lookbehinds at every character.
_QUANTITY_NUMBER = r"(?P<num>\d(?<![\d.\-—/\\]\d)(?<!\d、\d)\d*(?:\.\d+)?)"
_RANGE_LOW = r"(?P<lo>\d(?<![\d.\-—/]\d)\d*(?:\.\d+)?)"
assert NUMBER == r"\d+(?:\.\d+)?"  # what the two spell out
# The units are long alternations that `re` tries one by one after every number: a lookahead for the characters a
# unit can open with (read off the alternation) turns most numbers away at once; same matches (a test compares).
_ANY_UNIT = f"{alternation(NOT_UNITS)}|{UNIT}"
assert first_class(UNIT) and first_class(_ANY_UNIT)  # a unit always opens with one of a few characters
_UNIT_AHEAD, _ANY_UNIT_AHEAD = (f"(?={first_class(u)})" for u in (UNIT, _ANY_UNIT))
_QUANTITY = re.compile(rf"{_QUANTITY_NUMBER}{_SPACE}{_ANY_UNIT_AHEAD}(?P<unit>{_ANY_UNIT})(?P<suffix>{_SUFFIX})?")
_RANGE = re.compile(rf"{_RANGE_LOW}{_SPACE}(?:{_UNIT_AHEAD}{UNIT})?{RANGE_DASH}(?P<hi>{NUMBER}){_SPACE}{_ANY_UNIT_AHEAD}(?P<unit>{_ANY_UNIT})(?P<suffix>{_SUFFIX})?")
_CLAUSE_END = "，。；;\n！？"
_PIECE_END = _CLAUSE_END + "、：:（）()"
_LEAD = INDICATOR_LEAD
_TRAIL_VERB = re.compile(rf"(?:{alternation(COMMITMENT_VERBS)})+$")


_LAST_END: dict[str, re.Pattern] = {}


def _clause_start(text: str, pos: int, ends: str) -> int:
    """Where the clause holding `pos` starts: right after the last of `ends` before it. Looks back at most
    400 characters, so a long document costs time in proportion to its length."""
    lo = max(0, pos - 400)
    rx = _LAST_END.get(ends)
    if rx is None:  # greedy: the match ends after the last clause end in text[lo:pos]
        rx = _LAST_END[ends] = re.compile(f".*[{re.escape(ends)}]", re.S)
    m = rx.match(text, lo, pos)
    return m.end() if m else lo


_CMP_AT_END = re.compile(rf"(?P<cmp>{_CMP})(?:为|到|在)?\s*$")
_CMP_NUMBER = re.compile(rf"{_CMP}\s*{NUMBER}")
_SHARE_CMP = re.compile(rf"(?P<cmp>{_CMP})[^，。；;、\d\n]{{1,24}}的\s*$")


def _comparator_before(text: str, start: int, share: bool = False) -> tuple[Optional[str], int]:
    """The comparator phrase that ends right before the number (达到2万亿元, 控制在 1%), or an adverb a
    few words before it (至少建成1个). Returns (comparator, start of the phrase)."""
    cmp, phrase_start, vetoed = _comparator_near(text, start)
    if share and cmp is None and not vetoed:
        return _share_comparator(text, start)
    return cmp, phrase_start


def _comparator_near(text: str, start: int) -> tuple[Optional[str], int, bool]:
    """`_comparator_before` without the share's reading: (comparator, start of the phrase, whether a verb of motion
    vetoed the comparator — then no other reading is tried)."""
    before = text[max(0, start - 12):start]
    m = _CMP_AT_END.search(before)
    if m and before[m.start() - 1:m.start()] and before[m.start() - 1] in NOT_COMPARATOR_AFTER.get(m.group("cmp"), ""):
        return None, start, True  # 到达50米处: a verb of motion, not a comparator
    if m:
        return COMPARATOR_WORDS[m.group("cmp")], start - len(before) + m.start(), False
    m = _ADVERB_CMP.search(before)
    if m:
        return COMPARATOR_WORDS[m.group("cmp")], start - len(before) + m.start(), False
    return None, start, False


def _share_comparator(text: str, start: int) -> tuple[Optional[str], int]:
    wide = text[max(0, start - 30):start]
    m = _SHARE_CMP.search(wide)
    if m:  # 不少于本单位执法人员总数的5%: the comparator stands before the whole the share is of
        return COMPARATOR_WORDS[m.group("cmp")], start - len(wide) + m.start()
    return None, start


def _at(rx: re.Pattern) -> re.Pattern:
    """`rx` (anchored with ^) made to match at a position: `_at(rx).match(text, pos)` is `rx.match(text[pos:])`
    without copying the rest of the text for every quantity (the patterns look neither behind nor at the end)."""
    assert rx.pattern.startswith("^") and "(?<" not in rx.pattern and "$" not in rx.pattern, rx.pattern
    return re.compile(rx.pattern[1:], rx.flags)


_CASUALTY_AT, _CONDITION_AT, _EVENT_AT, _PEOPLE_AT = map(_at, (CASUALTY_AFTER, CONDITION_AFTER, EVENT_AFTER, PEOPLE_AFTER))
_SCORE_CONSEQUENCE_AT, _SENIORITY_AT, _TIME_FRAME_AT = map(_at, (SCORE_CONSEQUENCE_AFTER, SENIORITY_AFTER, TIME_FRAME_AFTER))
# what after a number makes it no target (an event 50米跑, seniority 30年教龄, a rubric's consequence 1次扣2分): one
# match of the three alternatives, which matches where any of them does (none has a group or a flag of its own)
_NOT_TARGET_AFTER = re.compile("|".join(f"(?:{rx.pattern})" for rx in (_EVENT_AT, _SENIORITY_AT, _SCORE_CONSEQUENCE_AT)))
assert not _NOT_TARGET_AFTER.groupindex and len({rx.flags for rx in (_EVENT_AT, _SENIORITY_AT, _SCORE_CONSEQUENCE_AT)}) == 1
_NOUN_RUN = re.compile(rf"(?:[^{_CLAUSE_END}、：:（()）\d]|[（(][^（()）\d]{{1,6}}[）)]){{0,24}}")
_MONTH_AT = re.compile(r"\s*\d{1,2}\s*月")
# patterns asked for every quantity, compiled once (not looked up in re's cache per call)
_NOUN_HEAD = re.compile(r"^(?:的|地|以上|以内|以下|左右)")
_NOUN_TAIL = re.compile(r"[和及与并或]$")
_HANZI = re.compile(r"[\u4e00-\u9fff]")
# "at least 2 (7) hanzi": the same as counting them with findall, stopping at the 2nd (7th)
_TWO_HANZI = re.compile(r"[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff]")
_SEVEN_HANZI = re.compile(r"(?:[\u4e00-\u9fff][^\u4e00-\u9fff]*){6}[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile("[。；;\n！？]")
_SCOPE_WORD = re.compile(r"各|为|是|每|均")


def _noun_after(text: str, end: int) -> str:
    """The noun a quantity counts (建成17座垃圾转运站 → 垃圾转运站; 1条示范街和10家示范店 → 示范街)."""
    after = _NOUN_RUN.match(text, end).group(0)
    after = _NOUN_TAIL.sub("", _NOUN_HEAD.sub("", after)).strip()
    return after if _TWO_HANZI.search(after) else ""


def _words_before(text: str, phrase_start: int, ends: str) -> str:
    before = _HEADING_MARK.sub("", text[_clause_start(text, phrase_start, ends):phrase_start].strip(" 、（(")).strip()
    earlier = _CMP_NUMBER.search(before)
    if earlier and earlier.start() >= 2:
        before = before[:earlier.start()]  # 时间不少于2分钟且不超过40分钟: both bounds measure 时间
    return _TRAIL_VERB.sub("", _LEAD.sub("", before)).strip()


def _indicator(text: str, phrase_start: int, end: int, stated: bool = True) -> str:
    """The noun phrase measured. A stated comparator measures the words before it (生猪定点屠宰率达到98%);
    a plain quantity counts the noun after it (推出100项体育精品赛事), else the words before it (对外开放33处)."""
    # the second reading is made only when the first is too short (both are pure functions of the text)
    first, second = ((_words_before, phrase_start, _PIECE_END), (_noun_after, end)) if stated else \
        ((_noun_after, end), (_words_before, phrase_start, _PIECE_END))
    for read, *args in (first, second):
        candidate = read(text, *args)
        if len(candidate) >= 2:
            return candidate[-40:]
    clause = _words_before(text, phrase_start, _CLAUSE_END)
    if len(clause) >= 2:
        return clause[-40:]
    return _row_header(text, phrase_start) if text[phrase_start - 1:phrase_start] in ("", "\n") else ""


def _row_header(text: str, line_start: int) -> str:
    """A table linearised one cell per line: the value's indicator is the cell before it (班主任办公室 / 500元/间)."""
    end = max(0, line_start - 1)
    prev = text[text.rfind("\n", 0, end) + 1:end].strip()
    return prev if _HANZI.search(prev) and 2 <= len(prev) <= 20 else ""


def _is_fact(text: str, start: int, unit: str, before: Optional[str] = None, unit_end: Optional[int] = None) -> bool:
    """A bare quantity (no comparator) that states a fact, a scope, a cost estimate or a condition. `before` (the
    clause up to the number) and `unit_end` (where the number's unit ends) when the caller has them already."""
    if before is None:
        before = text[_clause_start(text, start, _CLAUSE_END):start]
    if (FACT_WORDS.search(before) or FACT_RIGHT_BEFORE.search(before) or TIME_OF_DAY.search(before)
            or FIGURE_RIGHT_BEFORE.search(before)
            or (_casualties(text, start, unit) if unit_end is None else _CASUALTY_AT.match(text, unit_end))
            or CONDITION.match(before.strip()) or _counts_a_list(before)):
        return True
    # the tests that read the whole sentence, cut only when the clause alone says nothing
    s0 = _clause_start(text, start, "。；;\n！？")
    sentence_head = _HEADING_MARK.sub("", text[s0:start].strip()).strip()
    estimate = unit.endswith("元")
    if sentence_head and not estimate:
        return False  # neither test can hold: the sentence is not cut
    hi = min(len(text), start + 400)
    end = _SENTENCE_END.search(text, start, hi)  # the first of them: the least of each one's first place
    sentence = text[s0:end.start() if end else hi]
    return bool(
        (estimate and ESTIMATE_CONTEXT.search(sentence))
        # 2名职初教师借鉴说课…: a quantity opening a sentence that goes on refers back, it commits nothing
        # (a table cell holding nothing but the quantity, 300元/间, is a value)
        or (not sentence_head and _SEVEN_HANZI.search(sentence, start - s0) is not None)
    )


@lru_cache(maxsize=None)
def _number_with(unit: str) -> re.Pattern:
    return re.compile(rf"{NUMBER}{_SPACE}{re.escape(unit)}")


def _casualties(text: str, start: int, unit: str) -> bool:
    """365人死亡: a count of casualties, what happened."""
    m = _number_with(unit).match(text, start)
    return bool(m and _CASUALTY_AT.match(text, m.end()))


def _is_condition(text: str, start: int, end: int, cmp: Optional[str], before: Optional[str] = None) -> bool:
    """凡…超过3次的 / 对有2家及以上企业的乡镇: the quantity picks out what a rule applies to."""
    if before is None:
        before = text[_clause_start(text, start, _CLAUSE_END):start]
    if cmp is not None and CONDITION.match(before.strip()):
        return True
    opener = _HEADING_MARK.sub("", before.strip())
    return bool((CONDITION_BEFORE.search(before) or CONDITION_OPENER.match(opener)) and _CONDITION_AT.match(text, end))


def _counts_a_list(before: str) -> bool:
    """思想政治、历史、地理 5 门学科: the number counts the list just given (scope), it sets no target."""
    last = before.rsplit("、", 1)[-1]
    return before.count("、") >= 2 and not _DIGIT.search(before) and len(last.strip()) <= 6 and not _SCOPE_WORD.search(last)


def _is_date_part(text: str, m: re.Match) -> bool:
    """2015年, 96 年 8 月, 2020-2022年, 80年代: a year or a decade, not a quantity of years."""
    if not m.group("unit").startswith(("年", "周")):
        return False
    if m.group("unit") == "年" and (text[m.end():m.end() + 1] == "代" or ERA_BEFORE.search(text[max(0, m.start() - 6):m.start()])):
        return True
    value = float(m.group("num") if "num" in m.groupdict() else m.group("hi"))
    return value >= 1900 or bool(_MONTH_AT.match(text, m.end()))


def _is_identifier(num: str) -> bool:
    """15381666576: a telephone, postcode or document number."""
    return len(num.split(".")[0]) >= MIN_IDENTIFIER_DIGITS


def _is_outline_number(text: str, m: re.Match) -> bool:
    """3.1 家庭环境分析, 17.1天然橡胶初加工机械: a decimal heading number; the character after it only looks
    like a unit. It opens a line with a space after it, or counts whole things (3.1 家), or its "unit" is
    the first character of a word (天然, 台北) — also when a crawler ran the lines together."""
    num = m.group("num")
    if "." not in num:
        return False
    line_head = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
    unit = m.group("unit")
    return ((not line_head.strip() and m.group(0)[len(num):len(num) + 1].isspace()) or unit in COUNT_UNITS
            or get_segmenter().has_word(unit + text[m.end():m.end() + 1]))


def find_targets(text: str) -> Iterator[tuple[int, int, Target]]:
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, Target, bool, int]] = []  # (start, end, target, has a comparator, its clause's start)
    quantities, windows = _read_lines(text)
    for m in (m for start, end in windows for m in _RANGE.finditer(text, start, end)):
        if m.group("unit") in NOT_UNITS:
            taken.append((m.start(), m.end()))  # 12—17 周岁: an age range, nothing inside it is a target
            continue
        if _is_date_part(text, m):
            continue
        if float(m.group("hi")) <= float(m.group("lo")):
            continue  # 表 9-1: a caption's number, no range runs downwards
        if m.group("unit") in SCORE_UNITS and not _comparator_before(text, m.start())[0]:
            taken.append((m.start(), m.end()))  # 优秀8-10分: a rubric's band
            continue
        if RANK_BEFORE.search(text[max(0, m.start() - 3):m.start()]):
            taken.append((m.start(), m.end()))  # 获全省前6-10名: a band of ranks
            continue
        if m.group("unit") in TIME_UNITS and _TIME_FRAME_AT.match(text, m.end()) and not _comparator_before(text, m.start())[0]:
            taken.append((m.start(), m.end()))  # 24-48小时后: a time frame
            continue
        unit = m.group("unit").replace("％", "%")
        ind = _indicator(text, m.start(), m.end(), stated=bool(_comparator_before(text, m.start())[0]))
        if not ind:
            continue
        taken.append((m.start(), m.end()))
        for cmp, val in ((">=", m.group("lo")), ("<=", m.group("hi"))):
            found.append((m.start(), m.end(), new_target(ind, cmp, float(val), unit, m.group(0)), True,
                          _clause_start(text, m.start(), _CLAUSE_END)))
    # a quantity inside a range taken gives nothing: the ranges taken are in text order and never overlap, and so are
    # the quantities, so one walk along both finds the range that may hold each (not a look at every range)
    k, n_taken = 0, len(taken)
    for at, outcome in quantities:
        if outcome is None:
            continue
        while k < n_taken and taken[k][1] <= at:
            k += 1
        if k < n_taken and taken[k][0] <= at:
            continue
        phrase_start, end, fields, has, clause = outcome
        indicator, comparator, value, unit, raw = fields
        found.append((phrase_start, end, new_target(indicator, comparator, value, unit, raw),
                      has, clause))
    # a bare quantity inside a clause that holds a stated target only scopes its indicator (10个街道…达到100%)
    clauses_with_cmp = {clause for _, _, _, has, clause in found if has}
    for a, b, target, has, clause in sorted(found, key=lambda f: f[0]):
        if not has and clause in clauses_with_cmp:
            continue
        yield a, b, target
    yield from _full_coverage(text)


Outcome = Optional[tuple[int, int, tuple, bool, int]]  # (phrase start, end, Target fields, has a comparator, clause start)


def _quantity(text: str, m: re.Match) -> tuple[Outcome, int]:
    """What one match of _QUANTITY gives (None: no target), and how far back before the number it read: the start
    of its comparator's phrase, or the number when it was turned away before the comparator was read."""
    start, end = m.span()
    num, unit, suffix = m.group("num", "unit", "suffix")
    # the tests that turn a quantity away, cheapest first (each is pure: their order changes nothing)
    if (unit in NOT_UNITS
            or (len(num) >= MIN_IDENTIFIER_DIGITS and _is_identifier(num))
            or (unit[0] in "年周" and _is_date_part(text, m)) or ("." in num and _is_outline_number(text, m))
            or _NOT_TARGET_AFTER.match(text, end)
            or (unit in ("米", "公里", "千米") and EVENT_BEFORE.search(text[max(0, start - 3):start]))
            or ("前" in (three := text[max(0, start - 3):start]) and RANK_BEFORE.search(three) and _CONDITION_AT.match(text, end))
            or (unit in ("年", "周岁") and _PEOPLE_AT.match(text, end))
            or (unit == "秒" and COMPOUND_TIME_BEFORE.search(text[max(0, start - 6):start]))):
        return None, start
    # the comparator right before the number (near_cmp), or one before a whole the share is of
    near_cmp, phrase_start, vetoed = _comparator_near(text, start)
    cmp = near_cmp
    if cmp is None and not vetoed and unit in SHARE_UNITS:
        cmp, phrase_start = _share_comparator(text, start)
    if cmp is None and unit in TIME_UNITS and _TIME_FRAME_AT.match(text, end - len(suffix or "")):
        return None, start  # 3个月内, 用3年时间: a time frame
    if suffix:
        cmp = SUFFIX_COMPARATORS[suffix] if cmp in (None, "==", ">=", "<=") else cmp
    clause = _clause_start(text, start, _CLAUSE_END)
    before = text[clause:start]  # the clause up to the number, read by the fact and condition tests
    if cmp in (None, "==") and not near_cmp and _is_fact(text, start, unit, before, m.end("unit")):
        return None, phrase_start
    if _is_condition(text, start, end, cmp, before) or (
            cmp is not None and CONDITION_BEFORE_COMPARATOR.search(text[max(0, phrase_start - 3):phrase_start])):
        return None, phrase_start
    if unit in SCORE_UNITS and (cmp is None or SCORE_WORDS.search(text[max(0, phrase_start - 4):phrase_start])):
        return None, phrase_start  # a rubric's points (集队2分, 扣2分) weigh an assessment
    if phrase_start != start:
        clause = _clause_start(text, phrase_start, _CLAUSE_END)
    if cmp in PROHIBITED and PROHIBITIONS.search(text[clause:phrase_start]):
        cmp = PROHIBITED[cmp]  # what is forbidden below the line is required above it
    ind = _indicator(text, phrase_start, end, stated=cmp is not None)
    if not ind:
        return None, phrase_start
    fields = (ind, cmp or "==", float(num), unit.replace("％", "%"), text[phrase_start:end])
    return (phrase_start, end, fields, cmp is not None, clause), phrase_start


# --- a line's quantities, read once ------------------------------------------------------------------
# What a quantity gives is read from its line, except where a test reads across the line's ends: the tests that
# look back from the number or its phrase (a comparator ending right before it: 达到\n95%; 民国\n102年; 4\n分30秒; a
# table's row header on the line before) and the ones that look on from it over spaces (50米\n跑, 5年\n教龄) or
# into a bracket (_NOUN_RUN). A look back crosses the line's start only over spaces, dashes and the units of a
# compound time (BACK_CROSSES); a look on crosses its end only over spaces and the characters of the words it
# looks for (_FORWARD); a noun run only through a bracket that opens in the line's last 7 characters. So when,
# for every quantity of a line, a character of none of these stands between the line's start and what it reads
# back to, and between the match and the line's end, the line is read the same way in any plan: what it gives is
# remembered (the targets are made anew per use), and a plan's line remembered elsewhere is not read again.
BACK_CROSSES = "-－—分钟小时"  # (tests/test_extract_line_gates.py checks it against the patterns)
_FORWARD = (_NOT_TARGET_AFTER, _PEOPLE_AT, _TIME_FRAME_AT, _CASUALTY_AT, _MONTH_AT)


def _literal_chars(pattern: str) -> set[str]:
    """Every character a literal or a class of `pattern` names (the characters its matches may hold, besides the
    ones of \\s and \\d)."""
    from fangan.gates import _c, _p  # the standard library's parser, as fangan.gates reads it

    chars: set[str] = set()

    def walk(items) -> None:
        for op, av in items:
            if op is _c.LITERAL:
                chars.add(chr(av))
            elif op is _c.IN:
                walk(av)
            elif op is _c.RANGE:
                chars.update(map(chr, range(av[0], av[1] + 1)))
            elif op is _c.SUBPATTERN:
                walk(av[3])
            elif op is _c.BRANCH:
                for alt in av[1]:
                    walk(alt)
            elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
                walk(av[2])
            elif op not in (_c.CATEGORY, _c.AT):
                raise ValueError(f"{op} in a pattern read after a number: extend _literal_chars")

    walk(_p.parse(pattern))
    return chars


_BLOCKS_BACK = re.compile(f"[^\\s{re.escape(BACK_CROSSES)}]")
_BLOCKS_FORWARD = re.compile("[^\\s\\d" + re.escape("".join(sorted(set().union(*(_literal_chars(rx.pattern) for rx in _FORWARD))))) + "]")
_OPEN_BRACKET = re.compile("[（(]")


def _clear_of_the_line_ends(text: str, line_start: int, line_end: int, m: re.Match, back: int) -> bool:
    return bool(_BLOCKS_BACK.search(text, line_start, back) and _BLOCKS_FORWARD.search(text, m.end(), line_end)
                and not _OPEN_BRACKET.search(text, max(m.end(), line_end - 7), line_end))


def _read_lines(text: str) -> tuple[list[tuple[int, Outcome]], list[tuple[int, int]]]:
    """(start of the match, what it gives) for every match of _QUANTITY in `text`, in order, and the stretches of
    the text that hold every match of _RANGE (`_range_windows`).

    A quantity never crosses a line break, so the text is read line by line: a line remembered (above) is not
    searched at all, its answers are taken as they are; any other line is searched on its own (`finditer` between
    the line's ends sees the same text around the match: its lookbehinds read before the line's start, and nothing
    reads past its end). Lines without a quantity are remembered too (most lines): a plan's repeated lines cost one
    look-up each. With a line's quantities goes whether a range may hold its dash (_RANGE_HINT, a fact of the line
    alone). The lines and their records are the plan's (`.lines`), shared with the other finders."""
    out: list[tuple[int, Outcome]] = []
    hinted: list[tuple[int, int]] = []
    lines, starts, records = plan_lines(text)
    for i in to_read(records, "quantities", NO_QUANTITIES):  # (a line known to hold nothing is not visited)
        line, line_start, record = lines[i], starts[i], records[i]
        line_end = line_start + len(line)
        known = record.quantities
        if known is not None:
            hint, quantities = known
            for rel, outcome in quantities:
                out.append((line_start + rel, _shifted(outcome, line_start)))
        else:
            hint = _RANGE_HINT.search(line) is not None
            read, clear = [], True
            for q in _QUANTITY.finditer(text, line_start, line_end):
                outcome, back = _quantity(text, q)
                clear = clear and _clear_of_the_line_ends(text, line_start, line_end, q, back)
                read.append((q.start() - line_start, _shifted(outcome, -line_start)))
                out.append((q.start(), outcome))
            if clear:
                record.quantities = (hint, tuple(read)) if hint or read else NO_QUANTITIES
        if hint:
            hinted.append((line_start, line_end))
    return out, _range_windows(text, hinted)


def _quantities(text: str) -> list[tuple[int, Outcome]]:
    return _read_lines(text)[0]


# --- the stretches of a plan a range can lie in -----------------------------------------------------------------
# A match of _RANGE holds a dash (RANGE_DASH) and, after it and spaces, the first digit of its upper bound. It
# crosses a line break only inside the spaces around its dash: before the dash (the dash then opens its line after
# spaces, its lower bound and unit end an earlier line, blank lines between) or after it (the dash then ends its
# line, its upper bound opens a later line). So every match lies in a stretch made of a line where a dash is
# followed by spaces and a digit or by nothing but spaces (_RANGE_HINT), stretched back to the last line with text
# when the dash opens its line, and on to the next line with text when it ends it; _RANGE is run on those
# stretches only (most lines hold no such dash). A stretch ends at a line's end, where nothing a match may take
# stands (the pattern looks ahead only inside its match), and its search reads behind its start in the whole text.
_DASH_CHARS = "—–-－~～〜至到"
assert _literal_chars(RANGE_DASH) == set(_DASH_CHARS)  # (the dashes of RANGE_DASH, read off the pattern)
_RANGE_HINT = re.compile(f"[{re.escape(_DASH_CHARS)}]\\s*(?:\\d|$)")


def _range_windows(text: str, hinted: list[tuple[int, int]]) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for start, end in hinted:
        line = text[start:end]
        if line.lstrip()[:1] in _DASH_CHARS:  # the lower bound may end an earlier line
            start = _line_with_text_before(text, start)
        if line.rstrip()[-1:] in _DASH_CHARS:  # the upper bound may open a later line
            end = _line_with_text_after(text, end)
        if windows and start <= windows[-1][1] + 1:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _line_with_text_before(text: str, start: int) -> int:
    """The start of the last line before the one at `start` that holds more than spaces (or of the text)."""
    while start > 0:
        end = start - 1
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line and not line.isspace():
            break
    return start


def _line_with_text_after(text: str, end: int) -> int:
    """The end of the first line after the one ending at `end` that holds more than spaces (or of the text)."""
    while end < len(text):
        nxt = text.find("\n", end + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[end + 1:nxt]
        end = nxt
        if line and not line.isspace():
            break
    return end


def _shifted(outcome: Outcome, by: int) -> Outcome:
    if outcome is None:
        return None
    phrase_start, end, fields, has, clause = outcome
    return phrase_start + by, end + by, fields, has, clause + by


_FULL_COVERAGE = re.compile(rf"(?P<ind>[^{_PIECE_END}]{{2,16}}?)全覆盖(?=[{_CLAUSE_END}]|$)")


def _full_coverage(text: str) -> Iterator[tuple[int, int, Target]]:
    """…实现全覆盖: a 100% target. A match never crosses a line, so only the lines that say 全覆盖 are read."""
    for start, end in lines_with(text, "全覆盖"):
        for m in _FULL_COVERAGE.finditer(text[start:end]):  # at the line's end `$` stands for its line break
            ind = _LEAD.sub("", m.group("ind")).strip()
            if len(ind) >= 2:
                yield start + m.start(), start + m.end(), new_target(ind + "覆盖率", "==", 100.0, "%", m.group(0))
