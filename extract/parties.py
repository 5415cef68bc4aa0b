"""Responsible parties from the structure of the sentence, read with the vocabulary of
`fangan.lexicon.roles` and the name shape of `fangan.lexicon.orgs.is_org_name`:

* the items of a role label (`责任单位：X、Y`, `牵头单位联系人：X处某某` → X处);
* the items of a role parenthetical after a task (`（X、Y负责）`, `（X牵头，Y参与）`, `（X、Y指导）`), and a
  parenthetical of nothing but unit names after a finished sentence (`…把好检疫关。（区经济发展局农业处）`);
* the subject of a responsibility verb (`X负责`, `由X牵头负责`, `X、Y和Z负责`, `X：负责…`);
* groups a plan sets up (`成立X领导小组和Y督查组`) and the units that house their offices;
* in a section that shares out duties (任务分工), the unit that opens a sentence before a modal or verb;
* the relations of the seeds (与X合作, 在X的领导下, 充分发挥X作用, X将…督导检查).

A list is split on 、，and on 和/及/与 only where every piece is a whole name (so 工业和信息化部 stays
whole); a subject whose pieces are not all names is a clause, and gives nothing (precision first).
"""
from __future__ import annotations

import re
from functools import lru_cache

from typing import Iterator, Optional

from fangan.lexicon.markers import LINE_MARKER, TWINS, match_marker
from fangan.lexicon.orgs import is_org_name
from fangan.gates import gated, pivot_pattern
from fangan.lexicon.roles import (
    ASSIGNMENT_VERBS, BARE_GROUPS, CLASS_WORDS, CLAUSE_ONLY_OPENERS, CLAUSE_OPENERS, CLAUSE_WORDS, COOPERATION_ADVERBS, COOPERATION_WORDS, DUTY_SECTIONS,
    FIELD_LABELS, GROUP_WORDS, LABEL_TAILS, LEADERSHIP_WORDS, OFFICE_HOST_WORDS, PAREN_ONLY_VERBS, RESPONSIBILITY_VERBS,
    ROLE_LABELS, SET_UP_VERBS, SUBJECT_ADVERBS, SUPERVISION_WORDS, SUPERVISOR_MODALS, SURNAMES, VERB_OPENERS, alternation,
)
from fangan.lexicon.segment import get_segmenter
from fangan.line_cache import line_cache
from fangan.model import ResponsibleParty

from .lines import MEMO as LINE_MEMO, plan_lines, to_read
from .items import party as new_party

# a heading marker that opens a line (（一） 一、 1. ①); belongs in fangan.lexicon.markers once that exists here
LEADING_MARKER = re.compile(LINE_MARKER.pattern + r"\s*")
_HEADING_MARK = LEADING_MARKER
_OPENER = re.compile("^" + alternation(CLAUSE_OPENERS))
_ONLY_OPENER = re.compile("^" + alternation(CLAUSE_ONLY_OPENERS) + "(?=..)")
# a page number with 、 between two hanzi; a list of units never numbers its items inside a clause
_PAGE_MARK = re.compile(r"(?<=[\u4e00-\u9fff])\d{1,3}、(?=[\u4e00-\u9fff])")
_CONJ = re.compile("会同|[和及与]")  # 由县应急管理局会同县消防救援大队负责
# 县民政局等部门 → 县民政局; 教育部等有关部门和单位 → 教育部
_AND_OTHERS = re.compile(r"^(?P<name>.+?)等(?:有关|相关)?(?:部门|单位|机构)(?:[和及、](?:部门|单位|机构))?$")
_LED_BY = re.compile(r"^以?[^、，,。；]{1,12}?为(?:组长|主任|指挥长|负责人|召集人)的")

# a label's list runs to the end of the clause, a bracket, or the next label on the same line
_LABEL = re.compile(rf"(?P<role>{alternation(ROLE_LABELS)})(?P<tail>{alternation(LABEL_TAILS)})?\s*[：:]\s*"
                    rf"(?P<list>(?:(?!{alternation(ROLE_LABELS + FIELD_LABELS)})[^。；;\n（）()])*)")
_PAREN = re.compile(r"[（(](?P<body>[^（）()\n]{2,400})[）)]")
_VERB = alternation(RESPONSIBILITY_VERBS)
_ADV = alternation(SUBJECT_ADVERBS)
# subject, then adverbs, then the verb; 负责人 (a person) and 负责制 (a system) are not the verb
_SUBJECT_VERB = re.compile(rf"^(?P<subj>[^，。；]{{2,60}}?)(?:{_ADV})*(?P<verb>{_VERB})(?!人|同志|制(?![定订作]))")
_PAREN_CLAUSE = re.compile(rf"^(?P<subj>[^，。；]{{2,300}}?)(?:{_ADV})*(?P<verb>{_VERB})(?!人)(?P<rest>.{{0,6}})$")
_AS_ROLE = re.compile(rf"^(?P<subj>[^，。；]{{2,30}}?)为(?P<verb>{alternation(ROLE_LABELS)})$")
_SET_UP = re.compile(rf"(?:{alternation(SET_UP_VERBS)})(?:了|一个)?(?P<list>(?:“[^”\n]{{1,20}}”|[^，。；：:\n（(“])"
                     rf"{{2,80}}?{alternation(GROUP_WORDS)})(?=[，。；：:,（(]|$|由|\n)")
_OFFICE_HOST = re.compile(rf"(?:{alternation(OFFICE_HOST_WORDS)})(?P<org>[^，。；：:\n]{{2,30}}?)(?=兼|设立办公室|[，。；,]|$)")
_ASSISTED = re.compile(r"配合(?!单位|部门|处室|科室)(?P<list>[^，。；：:\n]{2,60}?)等?(?:单位|部门)?(?=办理|开展|做好|完成|[，。；])")
# 由X组织开展…, 由X采取…飞行检查: an assignment by 由 with an action verb
_ASSIGNED_HEAD = r"由(?P<subj>[^，。；由]{2,30}?)(?:对|采取|组织|具体|统一|在)"
_ASSIGNED = re.compile(rf"{_ASSIGNED_HEAD}[^。；]{{0,40}}?(?P<verb>{alternation(ASSIGNMENT_VERBS)})")
# a clause; a short bracket right after a name stays inside it (属地乡镇（街道）负责…)
_CLAUSE = re.compile(r"(?:[^，,；;。：:（）()！？\n]|(?<=[\u4e00-\u9fff])[（(][^（）()，,。；\n]{1,6}[）)])+(?P<sep>[，,；;。：:（）()！？\n]?)")
# patterns asked per list, bracket or sentence, compiled once (not looked up in re's cache per call)
_QUOTED = re.compile(r"“[^”]*”")
_LIST_SEP = re.compile(r"[、，,/]")
_LABEL_IN_PAREN = re.compile(r"^(?:责任|牵头|配合|协办|主办)")
_PAREN_CLAUSE_SEP = re.compile(r"[，,。；;]")
_ORG_OPENER = re.compile(r"^(?:同时|并|由|要|请|经|在|与|和|及|对|按照|以|其中|均由)")
_DUTY_SENTENCE = re.compile(r"[^。；;！？]+")
_DUTY_CLAUSE_END = re.compile(r"[，,：:（(]")


def _clean(name: str) -> str:
    name = _HEADING_MARK.sub("", name.strip(" \t，,、：:\"'"))
    name = _LED_BY.sub("", name)  # 以校长为组长的招生领导小组 → 招生领导小组
    if name.count("“") != name.count("”"):
        name = name.strip("“”")
    name = _ONLY_OPENER.sub("", name)
    while True:
        m = _OPENER.match(name)
        if not m or len(name) - m.end() < 2 or is_org_name(name):
            break
        name = name[m.end():]
    return name.rstrip("等")


def _drop_person(name: str) -> str:
    """区交建局住房发展处高兆霞 → 区交建局住房发展处: a unit followed by a 2–3 character personal name."""
    if is_org_name(name):
        return name
    seg = get_segmenter()
    for k in (2, 3):
        person = name[-k:]
        # a personal name opens with a surname and is no dictionary word (社区干部 → 区干部: not a person)
        if (len(name) > k + 2 and person[0] in SURNAMES and not seg.has_word(person) and not seg.has_word(person[:2])
                and is_org_name(name[:-k])):
            return name[:-k]
    return name


def _split_conj(part: str) -> list[str]:
    """X和Y / X及Y / X与Y: two names only when both sides are names (工业和信息化部 is one)."""
    for m in _CONJ.finditer(part):
        left, right = part[:m.start()].rstrip("等"), part[m.end():]  # 财政部等和各省级人民政府
        if is_org_name(left):
            rest = _split_conj(right)
            if all(is_org_name(r) for r in rest):
                return [left] + rest
    return [part]


def split_names(text: str, person_after: bool = False) -> tuple[list[str], bool]:
    """The names in a list `X、Y和Z等`; the flag says whether every piece was a name."""
    names, whole = _split_names(text, person_after)
    return list(names), whole


# the same lists and subjects come back across lines and plans (a county's units): what a list or subject names is
# remembered (a pure function of the string: the patterns, the name shape and the segmenter's dictionary), lists of
# at most 512 characters, 4,096 of each; the answers are kept as tuples, each caller gets its own list
@line_cache(maxsize=4096)
def _split_names(text: str, person_after: bool) -> tuple[tuple[str, ...], bool]:
    pieces = []
    text = _PAGE_MARK.sub("", text)  # 国家发展3、改革委: a document-sharing site's page marker inside a name
    text = _QUOTED.sub(lambda q: q.group(0).replace("、", "\0"), text) if "“" in text else text  # “除火患、保平安”…领导小组 is one name
    for part in (p.replace("\0", "、") for p in _LIST_SEP.split(text)):
        part = _clean(part)
        if not part:
            continue
        if person_after:
            part = _drop_person(part)
        pieces += _split_conj(part)
    pieces = [_clean(p) for p in pieces]
    pieces = [m.group("name") if (m := _AND_OTHERS.match(p)) and is_org_name(m.group("name")) else p for p in pieces]
    names = tuple(p for p in pieces if is_org_name(p))
    return names, bool(pieces) and len(names) == len(pieces)


def _is_clause(subj: str) -> bool:
    return bool(CLAUSE_WORDS.search(subj) or VERB_OPENERS.match(subj))


def _subject_names(subj: str, lenient: bool = False) -> list[str]:
    """The units a subject names, or nothing when it is a clause: 由X负责 → X; 公安、文化等部门 stays whole."""
    return list(_subject_names_of(subj, lenient))


@line_cache(maxsize=4096)
def _subject_names_of(subj: str, lenient: bool) -> tuple[str, ...]:
    if "由" in subj:
        subj = subj[subj.rindex("由") + 1:]
    subj = _clean(subj)
    if _is_clause(subj):
        return ()
    names, whole = _split_names(subj, False)
    if whole or (lenient and names):
        return names
    return (subj,) if is_org_name(subj.replace("、", "")) and "等" in subj else ()


def _labels(sent: str):
    if "：" not in sent and ":" not in sent:
        return  # every label ends in a colon
    for m in _LABEL.finditer(sent):
        lst = m.group("list")
        names, _ = split_names(lst, person_after=bool(m.group("tail")))
        for n in names:
            yield m.start(), m.end(), n, m.group("role")


def _after_a_sentence(sent: str, at: int) -> bool:
    """Nothing but spaces stands between `at` and the start of `sent` or a sentence end (。；;！!): read back
    over the spaces only, not over the whole line for every bracket."""
    i = at
    while i > 0 and sent[i - 1].isspace():
        i -= 1
    return i == 0 or sent[i - 1] in "。；;！!"


def _parentheticals(sent: str):
    if "（" not in sent and "(" not in sent:
        return
    for m in _PAREN.finditer(sent):
        body = m.group("body")
        if _LABEL_IN_PAREN.match(body):
            continue  # a role label inside the parenthesis: read by _labels
        hits = []
        for clause in _PAREN_CLAUSE_SEP.split(body):
            clause = clause.strip()
            vm = ((_PAREN_CLAUSE.match(clause) if _ANY_VERB.search(clause) else None)
                  or (_AS_ROLE.match(clause) if "为" in clause else None))
            if vm:
                hits += [(n, vm.group("verb")) for n in _subject_names(vm.group("subj"), lenient=True)]
        if not hits:
            if _after_a_sentence(sent, m.start()):  # only after a finished sentence: split nothing else
                names, whole = split_names(body)
                if whole and not any(CLASS_WORDS.search(n) for n in names):
                    hits = [(n, "责任单位") for n in names]
        for n, role in hits:
            yield m.start(), m.end(), n, role


_ANY_VERB = gated(re.compile(_VERB + "|会同"))
# `X：` then a duty: the unit before the colon is its subject
_DUTY_AFTER_COLON = re.compile(rf"^(?:{_ADV})*(?:具体)?(?P<verb>负责|牵头|会同|协助|配合|承担)")


# every clause rule needs a responsibility verb other than the parenthetical-only ones (the duty after a colon
# opens with one too: 负责, 牵头, 会同, 协助, 配合, 承担), or `为` and a role label
_ROLE_LABEL = re.compile(alternation(ROLE_LABELS))
_ACTIVE_VERB = gated(re.compile(alternation([v for v in RESPONSIBILITY_VERBS if v not in PAREN_ONLY_VERBS] + ["会同"])))


def _subjects(sent: str):
    prev_sep, prev_clause = "", ""
    for m in _CLAUSE.finditer(sent) if _ACTIVE_VERB.search(sent) or ("为" in sent and _ROLE_LABEL.search(sent)) else ():
        clause, sep = m.group(0)[:len(m.group(0)) - len(m.group("sep"))], m.group("sep")
        vm = _SUBJECT_VERB.match(clause) if _ANY_VERB.search(clause) else None
        if prev_sep in "：:" and prev_sep and (dm := _DUTY_AFTER_COLON.match(clause)):
            for n in _subject_names(prev_clause):  # 区综合执法局：负责…, 区经济发展局：会同区财政金融局研究制定…
                yield m.start(), m.end(), n, dm.group("verb")
        elif "为" in clause and (rm := _AS_ROLE.match(clause)):
            for n in _subject_names(rm.group("subj")):  # 区教育局为牵头单位
                yield m.start(), m.end(), n, rm.group("verb")
        elif vm and vm.group("verb") not in PAREN_ONLY_VERBS:
            for n in _subject_names(vm.group("subj")):
                yield m.start(), m.end(), n, vm.group("verb")
        prev_sep, prev_clause = sep, clause
    for am in _ASSIGNED.finditer(sent) if "由" in sent else ():  # 由局效能办对各单位…进行督查, 由局安全生产专班采取…方式，对…飞行检查
        for n in _subject_names(am.group("subj")):
            yield am.start(), am.end(), n, am.group("verb")


_GROUP_WORD = re.compile(alternation(GROUP_WORDS))


def _groups(sent: str):
    for m in _SET_UP.finditer(sent) if ("设" in sent or "成立" in sent) and _GROUP_WORD.search(sent) else ():
        names, whole = split_names(_clean(m.group("list")))
        if whole and not any(_is_clause(n) or n in BARE_GROUPS for n in names):
            for n in names:
                yield m.start(), m.end(), n, "成立"
    for m in _OFFICE_HOST.finditer(sent) if "办公室" in sent or "依托" in sent else ():
        org = _clean(m.group("org"))
        if is_org_name(org):
            yield m.start(), m.end(), org, "领导小组办公室"
    for m in _ASSISTED.finditer(sent) if "配合" in sent else ():
        names, whole = split_names(_clean(m.group("list")))
        if whole:
            for n in names:
                yield m.start(), m.end(), n, "被配合单位"


def structural_parties(sent: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, name, role) for every party the sentence's structure names."""
    seen = set()
    for finder in (_labels, _parentheticals, _subjects, _groups):
        for a, b, name, role in finder(sent):
            if (name, role) not in seen:  # a role parenthetical is also a clause with a subject: one item
                seen.add((name, role))
                yield a, b, name, role


# --- relations named around a unit (the seeds' wordings) ----------------------------------------

_COOP = alternation(COOPERATION_WORDS)
WITH_ORG = re.compile(rf"与(?P<org>[^，。；、与和的]{{2,20}}?)(?:等[^，。；的]{{0,10}}?的|的)?(?:{alternation(COOPERATION_ADVERBS)})?(?P<role>{_COOP})")
UNDER_LEAD = re.compile(rf"在(?P<org>[^，。；]{{2,20}}?)的(?P<role>{alternation(LEADERSHIP_WORDS)})下")
LEVERAGE = re.compile(r"充分发挥(?P<org>[^，。；]{2,12}?)(?:的)?作用")
SUPERVISES = re.compile(alternation(SUPERVISION_WORDS))
SUBJECT_WILL = re.compile(rf"(?:^|(?<=[，。；：\n]))(?P<org>[^，。；：\n]{{2,20}}?)(?:{alternation(SUPERVISOR_MODALS)})")
SENTENCE = re.compile(r"[^。；;！？\n]+[。；;！？]?")  # one sentence (or a clause closed by ；), never across lines


def clean_org(s: str) -> Optional[str]:
    """A unit name from the words before a relation (与区总工会合作 → 区总工会); `市、区创建指挥部` stays whole."""
    s = _HEADING_MARK.sub("", s.strip(" ，,、：:"))
    s = _ORG_OPENER.sub("", s)
    if s.startswith(("各", "要", "将", "并", "也")) or not is_org_name(s.replace("、", "")):
        return None  # generic addressees (各单位要…) are parties only with 负责 or a role list
    return s


# the word each relation cannot do without
_RELATION_WORDS = ((WITH_ORG, "与"), (UNDER_LEAD, "在"), (LEVERAGE, "充分发挥"))
# …and a line without any of them (or a supervisor's modal) names no relation
_ANY_RELATION_WORD = re.compile("与|在|充分发挥|将|定期")


def _relations(sent: str):
    for rx, word in _RELATION_WORDS:
        for m in rx.finditer(sent) if word in sent else ():
            if rx is WITH_ORG and "的" not in m.group(0) and _inside_a_name(sent[:m.start()], m.group("org")):
                continue
            for org in _relation_names(m.group("org")):
                yield m.start(), m.end(), org, (m.groupdict().get("role") or "").strip() or "发挥作用"
    if not ("将" in sent or "定期" in sent) or not SUPERVISES.search(sent):
        return  # a supervisor needs its modal and, after it, a supervision word
    for m in SUBJECT_WILL.finditer(sent):  # specific bodies charged with supervising: 市卫生局将…检查指导
        orgs = _relation_names(m.group("org"))
        kw = SUPERVISES.search(sent, m.end()) if orgs else None
        if kw:
            for org in orgs:
                yield m.start(), m.end(), org, kw.group(0)


_NAME_HEAD = re.compile(r"[^，。；：:、\s由在与和及]*$")
_NOT_NAME_HEAD = re.compile(_ADV + "|要|应|将|并|也|还|须|需|加强|注重|充分|进一步")


def _inside_a_name(before: str, org: str) -> bool:
    """区交通与建设局等区直部门配合: the 与 joins two words of one name, it does not name a partner; the
    words before it are no name themselves, no adverb or dictionary word, and with it make one name."""
    head = _NAME_HEAD.search(before).group(0)
    return (2 <= len(head) <= 6 and not is_org_name(head) and not _NOT_NAME_HEAD.search(head)
            and not get_segmenter().has_word(head)  # 增强与工会…: a verb, not the head of a name
            and is_org_name(re.sub(r"等.*$", "", head + "与" + org)))


def _relation_names(s: str) -> list[str]:
    """The units before a relation: one name (市、区创建指挥部 stays whole, its pieces are no names), or a
    list whose every piece is a name (校党委和上级团组织, 市心指办、研究院学生发展研究室)."""
    org = clean_org(s)
    if not org:
        return []
    names, whole = split_names(org)
    return names if whole and len(names) > 1 else [org]


# --- sections that share out duties (三、任务分工) -------------------------------------------------

def _heading(line: str) -> Optional[tuple[str, str]]:
    """(marker style, title phrase) of a numbered heading line, or None."""
    m = match_marker(line.lstrip())
    if m is None or m.style.name in ("①", "第N阶段"):
        return None
    tm = _HEADING_TITLE.match(line.lstrip()[m.end:])
    # 1、 and 1. are one list (twins): a duty section opened by 1、 ends at the next 2. as well
    return (min(m.style.name, TWINS.get(m.style.name, m.style.name)), tm.group(0)) if tm else None


_HEADING_TITLE = re.compile(r"[^。；：:]{2,20}")


def _duty_lines(lines: list[str], first: int = 0, records: Optional[list] = None) -> list[bool]:
    """Which lines lie inside a section that shares out duties, up to the next heading of its level.
    Lines before `first` (the first line that names a duty section anywhere) lie in none. `records`: the lines'
    records (`.lines`), where what a line says as a heading is remembered."""
    inside, style, out = False, None, [False] * first
    for i in range(first, len(lines)):
        line = lines[i]
        if not inside and "分工" not in line and "职责" not in line:
            out.append(False)  # every DUTY_SECTIONS word holds 分工 or 职责: outside a section only they open one
            continue
        if records is None:
            line_style, opens = _duty_heading(line)
        else:
            heading = records[i].heading
            if heading is None:
                heading = records[i].heading = _duty_heading(line)
            line_style, opens = heading
        if line_style is not None and inside and line_style == style:
            inside = False
        if opens:
            inside, style = True, line_style
            out.append(False)
            continue
        out.append(inside)
    return out


def _duty_heading(line: str) -> tuple[Optional[str], bool]:
    """(the style of the heading `line` is, or None; whether it opens a section that shares out duties)."""
    hm = _heading(line)
    if not hm:
        return None, False
    return hm[0], bool(DUTY_SECTIONS.search(hm[1]) and len(hm[1]) <= 12)


_DUTY_NEXT = re.compile(rf"^(?:{_ADV}|应当|会同|{_VERB})")
# …found anywhere in a clause: a clause without one has no unit followed by one, and is not cut into words
_DUTY_NEXT_ANYWHERE = re.compile(_DUTY_NEXT.pattern[1:])


def _duty_subjects(line: str):
    """In a duty section each sentence may open with the unit it gives a task: 供电公司要排查…,
    公安机关消防机构应会同…, 公安、文化等部门，联合检查…. The unit must be followed by a modal or a
    responsibility verb (a plain action verb after a generic type, 中队每周要…, is not enough)."""
    for m in _DUTY_SENTENCE.finditer(line):
        sent = _HEADING_MARK.sub("", m.group(0).strip())
        sm = _DUTY_CLAUSE_END.search(sent)
        clause, rest = (sent[:sm.start()], sent[sm.end():]) if sm else (sent, "")
        names: list[str] = []
        if "等" in clause and rest and is_org_name(clause.replace("、", "")):
            names = _subject_names(clause)  # 公安、文化、安监等部门，联合检查…
        else:
            pos = 0
            for word in get_segmenter().cut(clause) if _DUTY_NEXT_ANYWHERE.search(clause) else ():
                # the shortest run of whole words that names units
                pos += len(word)
                if pos > 40:
                    break
                head = clause[:pos]
                if _DUTY_NEXT.match(clause[pos:]) and not _is_clause(head):
                    found, whole = split_names(head)
                    if whole:
                        names = found
                        break
        for n in names:
            yield m.start(), m.end(), n, "任务分工"


_CACHED_LINE_CHARS = LINE_MEMO.max_line  # a longer line (a page flattened to one line) is read, not kept: memory stays bounded

Named = tuple[tuple[int, int, str, str, str], ...]  # (start, end, name, role, raw) within a line


def _line_parties(line: str, duty: bool) -> Named:
    """(start, end, name, role, raw) of every party one line names, offsets within the line: every rule read in turn
    (find_parties reads a line through `_plain_parts` and `_with_duty_subjects`, which give the same)."""
    structural, relations = _structural(line), _relation_items(line)
    return structural + (_duty_items(line) if duty else ()) + relations


def _structural(line: str) -> Named:
    return tuple((a, b, name, role, line) for a, b, name, role in structural_parties(line))


def _duty_items(line: str) -> Named:
    return tuple((a, b, name, role, line) for a, b, name, role in _duty_subjects(line))


def _relation_items(line: str) -> Named:
    if not _ANY_RELATION_WORD.search(line):
        return ()
    return tuple((m.start() + a, m.start() + b, name, role, m.group(0))
                 for m in SENTENCE.finditer(line) for a, b, name, role in _relations(m.group(0)))


def _plain_parts(line: str) -> tuple[Named, int]:
    """What `line` names outside a duty section, and how many of those its structure names (the rest are
    relations): a line no rule can read (_may_name_a_party) names nothing, and is not read."""
    if not _may_name_a_party(line):
        return (), 0
    structural = _structural(line)
    return structural + _relation_items(line), len(structural)


def _with_duty_subjects(line: str, plain: Named, structural: int) -> Named:
    """What `line` names in a duty section, from what it names outside one (`_plain_parts`): the duty section's
    subjects stand between the structure's parties and the relations (the order _line_parties reads them in)."""
    return plain[:structural] + _duty_items(line) + plain[structural:]


# --- the lines that can name a party ------------------------------------------------------------
# Outside a duty section a line names a party only through one of the rules above, and each rule cannot match
# without one of these on the line (read off its pattern or the guard in front of it):
#   _labels: a role label (_LABEL opens with one);  _subjects: a responsibility verb other than 参与/指导, 会同
#   (_ACTIVE_VERB), a role label (_AS_ROLE, after 为), or 由…对/采取/组织/具体/统一/在 (_ASSIGNED's head);
#   _parentheticals: a responsibility verb (_PAREN_CLAUSE), a role label (_AS_ROLE), or a bracket that opens the
#   line or follows a finished sentence (the bare list of names);  _groups: a group word (the guard of _SET_UP), an
#   office-host word (_OFFICE_HOST), 配合 (_ASSISTED);  _relations: a cooperation word (WITH_ORG), a leadership
#   word before 下 (UNDER_LEAD), 充分发挥 (LEVERAGE), a supervision word (the supervisors' guard).
# So a line without any of them is not read (~2 lines in 3); what a line names is remembered (find_parties).
PARTY_WORDS = (RESPONSIBILITY_VERBS + ("会同", "充分发挥") + ROLE_LABELS + GROUP_WORDS + OFFICE_HOST_WORDS
               + COOPERATION_WORDS + SUPERVISION_WORDS + tuple(w + "下" for w in LEADERSHIP_WORDS))
_ASSIGNED_AT = re.compile(_ASSIGNED_HEAD)


@lru_cache(maxsize=1)
def _party_words() -> re.Pattern:
    # each word entered at its rarest character (负责 at 责…): built on first use, it reads the character model
    return re.compile(pivot_pattern(dict.fromkeys(PARTY_WORDS, "")))


def _may_name_a_party(line: str) -> bool:
    """Whether some rule outside a duty section can name a party on `line` (the words and brackets above, read on
    the line alone: a bracket never crosses a line, nor does a party word; a 由… head that _ASSIGNED_AT finds only
    across the line's end names nothing here, as _ASSIGNED reads the line alone)."""
    if _party_words().search(line) or _ASSIGNED_AT.search(line):
        return True
    if "（" not in line and "(" not in line:
        return False
    return any(_after_a_sentence(line, m.start()) for m in _PAREN.finditer(line))


# every name of a duty section (DUTY_SECTIONS) is four characters holding 分工 or 职责 at most two characters from its start
_DUTY_KEYS = ("分工", "职责")


def _first_duty_section(text: str) -> Optional[re.Match]:
    """DUTY_SECTIONS.search(text), tried only around the places that say 分工 or 职责 (str.find skips to them; the
    pattern's gate stops at every 工, 部 and 处): a match holding the key at `p` lies in text[p - 2:p + 4], and the keys
    are visited in text order, so the first window that holds a match holds the text's first."""
    a, b = (text.find(key) for key in _DUTY_KEYS)
    while a >= 0 or b >= 0:
        p = a if b < 0 or 0 <= a < b else b
        m = DUTY_SECTIONS.search(text, max(0, p - 2), p + 4)
        if m:
            return m
        if p == a:
            a = text.find(_DUTY_KEYS[0], a + 1)
        else:
            b = text.find(_DUTY_KEYS[1], b + 1)
    return None


def find_parties(text: str) -> Iterator[tuple[int, int, ResponsibleParty]]:
    """Every party of the text, as (start, end, item) in text order. The text is read line by line (`.lines`): what a
    line outside a duty section names is remembered with the line, so a line met before, in this plan or another, is
    not read again, and only a line never met is asked whether a rule can read it; a duty section's line is read
    whatever it holds (_duty_subjects), once too, its other parties taken from its plain reading."""
    found: list[tuple[int, int, str, str, str]] = []
    lines, starts, records = plan_lines(text)
    duty: list[bool] = []
    # no heading can open a duty section on a line that does not name one
    dm = _first_duty_section(text)
    if dm:
        # no line before the first that names a duty section lies in one: the lines are read from there
        duty = _duty_lines(lines, text.count("\n", 0, dm.start()), records)
    # outside a duty section a line known to name nothing is not visited
    for i in range(len(records)) if duty else to_read(records, "parties", ()):
        record = records[i]
        named = record.parties
        if named is None:
            named, record.party_structural = _plain_parts(lines[i])
            record.parties = named
        if duty and duty[i]:
            plain, named = named, record.duty_parties
            if named is None:
                named = record.duty_parties = _with_duty_subjects(lines[i], plain, record.party_structural)
        if named:
            pos = starts[i]
            for a, b, name, role, raw in named:
                found.append((pos + a, pos + b, name, role, raw))
    found.sort(key=lambda f: f[0])
    for a, b, name, role, raw in found:
        yield a, b, new_party(name, role or "", raw.strip()[:200])
