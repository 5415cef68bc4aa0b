"""Heading phrases of plan documents: what a section heading says, and how a body sentence opens.

Used to find where a heading phrase that runs straight into its body (flattened text, no
punctuation: `一、指导思想增强…`) ends, and to tell a title from an opening sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache

from fangan.lexicon.orgs import ORG_SUFFIX, ORG_SUFFIXES

# whole headings that plans use again and again
KNOWN_HEADINGS = frozenset(
    "指导思想 总体思路 总体要求 总体目标 工作目标 创建目标 奋斗目标 目标任务 主要目标 基本原则 工作原则 主要任务 重点任务 工作任务 "
    "工作重点 主要内容 活动内容 工作内容 讨论内容 实施范围 适用范围 活动主题 活动时间 活动对象 参加对象 实施步骤 方法步骤 工作步骤 "
    "步骤安排 进度安排 时间安排 活动安排 实施安排 工作安排 组织领导 组织机构 组织保障 保障措施 工作措施 创建措施 主要措施 具体措施 "
    "工作要求 创建要求 有关要求 具体要求 活动要求 责任分工 职责分工 工作职责 考核评估 监督检查 督导检查 考核办法 检查验收 经费保障 "
    "督查内容 督查方式 阶段安排 整治重点 实施目的 实施对象 实施时间 实施流程 其他事项 组织分工".split()
)
# the noun a heading phrase usually ends in
HEAD_FINAL = frozenset(
    "思想 目标 任务 步骤 措施 要求 领导 保障 原则 内容 安排 范围 对象 重点 方式 方法 依据 职责 分工 机制 建设 学习 氛围 创建 "
    "活动 工作 管理 宣传 监督 考核 责任 意义 形式 成果 纪律 作用 教育 服务 体系 制度 队伍 能力 水平 环境 文化 落实 方面 环节 "
    "标准 规模 来源 实施 标志 设施 项目 程序 流程".split()
)
# how a body sentence opens right after its heading
SENTENCE_START = (
    "以", "为", "根据", "按照", "通过", "坚持", "增强", "讲清楚", "充分", "加强", "要", "各", "全面", "进一步", "深入", "围绕", "结合",
    "认真", "切实", "积极", "紧紧", "严格", "建立", "成立", "由", "对", "在", "从", "把", "将", "本", "全县", "全市", "全区", "全省",
    "今年", "到20", "力争", "确保", "着力", "主要", "采取", "组织", "做好", "贯彻", "落实", "坚决", "大力", "不断", "努力", "使", "实现",
    "局", "县", "市", "区", "各级", "创建工作", "活动", "工作", "重点", "我局", "我委", "我院", "依照", "依据", "此次", "本次",
    "目前", "今后", "凡",
)
# words a body never opens with: a cut before them splits a heading phrase (组织领导 / 及各部门工作职责)
NOT_SENTENCE_START = ("及", "和", "与", "或", "、", "等", "的", "之", "中")
# labels that open the body of a heading in flattened text (（一）畜禽生产环节 / 治理指标：…,
# （一）基层工作效能督查组 / 组长：…); compound labels peel one at a time (牵头单位 + 联系人)
BODY_LABELS = ("治理指标", "治理目标", "工作任务", "工作目标", "副组长", "组长", "成员", "联系人", "负责人", "牵头单位", "责任单位",
               "落实单位", "配合单位")

# A heading phrase of the "field" kind is written as [what] + field (活动 + 时间, 比赛 + 地点, 报名 +
# 方式, 参加 + 人员), or the field alone (时间, 地点, 议程). Written as a small grammar rather than a
# list, so that 演练目的, 会议议程 and 评选方式 are known without being listed one by one.
HEADING_FIELDS = (
    "时间", "地点", "主题", "对象", "人员", "目的", "宗旨", "背景", "流程", "议程", "程序", "安排", "内容", "要求", "方式", "形式",
    "标准", "分工", "范围", "条件", "名额", "办法", "步骤", "措施", "意义", "目标", "原则", "任务", "事项", "职责", "说明",
    "规模", "来源", "机制",
)
HEADING_SUBJECTS = (
    "活动", "会议", "比赛", "竞赛", "演练", "工作", "实施", "测试", "考试", "报名", "评选", "评比", "评分", "评审", "培训", "参加",
    "参与", "参赛", "主要", "具体", "注意", "奖励", "训练", "教育", "大会", "仪式", "招生", "推荐", "选拔", "申报", "提交",
    "作品", "进度", "时间", "检查", "考核", "督查", "整治", "宣传", "报送", "录取", "体检", "开放", "讲座",
    "建设", "资金", "经费", "项目", "投资", "安全", "质量", "监督", "管理", "服务", "资金使用",
)
# fields may be paired: 时间地点, 时间、地点, 时间与内容, 目的和意义
_PAIR = ("", "、", "与", "和", "及")


def is_known_heading(phrase: str, following: str = "") -> bool:
    """A heading phrase plans use again and again: listed (指导思想, 保障措施) or built by the field
    grammar above (活动时间, 比赛地点, 参加人员, 时间、地点, 活动主题与内容). A bare field (时间, 主题)
    counts only before text that cannot continue the word (时间11月…, 主题“…”; not 主题讲座)."""
    if phrase in KNOWN_HEADINGS:
        return True
    # only whether the next character is a hanzi matters: the answer is cached per (phrase, that)
    return _is_known_heading(phrase, bool(following) and "\u4e00" <= following[0] <= "\u9fff")


@lru_cache(maxsize=65536)
def _is_known_heading(phrase: str, hanzi_follows: bool) -> bool:
    if phrase in HEADING_FIELDS and hanzi_follows:
        return False
    # [subject] field [joint field] (活动 + 时间, 时间 + 、 + 地点), the whole phrase: one pattern, whose
    # full match tries every subject and every split
    return _FIELD_GRAMMAR.fullmatch(phrase) is not None


# a body sentence whose subject is a unit that is charged with the work: 区交通与建设局要牵头…,
# 各乡镇政府负责…, 市卫生局会同… (the heading before it ran in without punctuation)
_UNIT_SUBJECT = re.compile(rf"^[\u4e00-\u9fff、]{{1,10}}?{ORG_SUFFIX}(?:要|应|负责|牵头|会同|联合|组织|统一|按照|根据|结合|对|将|在)")


# openers that also continue a noun phrase in mid-sentence (…工作 / 各方面的情况, …活动 / 对象)
MID_PHRASE = ("各方面", "各项", "各类", "各种", "各个", "对象", "对于", "工作量", "活动中", "区域", "市场", "县域", "市级", "区级",
              "县级", "局部", "重点工作", "工作中")


# the end of a unit's name: a cut before it splits the name (校评选工作 / 领导小组根据…)
NAME_END = ("领导小组", "工作小组", "小组", "委员会", "办公室", "指挥部", "工作组", "专班")


def unit_subject(text: str) -> bool:
    """The text opens with a unit that is the subject of a sentence (领导小组办公室负责…)."""
    return _UNIT_SUBJECT.match(text) is not None


def opens_sentence(text: str) -> bool:
    """The text opens like a body sentence: a sentence opener (以…, 按照…) or a unit as subject."""
    if text.startswith(MID_PHRASE) or text.startswith(NAME_END):
        return False
    return text.startswith(SENTENCE_START) or _UNIT_SUBJECT.match(text) is not None


def _alternation(words) -> str:
    # longest first, so a listed word is never shadowed by its own prefix (only a speed matter: the
    # pattern is used for whether some prefix matches, which backtracking finds in any order)
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# every phrase `is_known_heading` accepts, as one pattern: a listed heading, or [subject] field
# [joint field] (the field grammar of `_is_known_heading`, spelled from the same tables).
# `re.match` of it succeeds when SOME prefix of a text may be a known heading (backtracking tries
# every alternative): a necessary condition for a cut that needs a known head.
_FIELDS = f"(?:{_alternation(HEADING_FIELDS)})"
_FIELD_GRAMMAR_PATTERN = (f"(?:{_alternation(HEADING_SUBJECTS)})?{_FIELDS}"
                          f"(?:(?:{_alternation(j for j in _PAIR if j)})?{_FIELDS})?")
_FIELD_GRAMMAR = re.compile(_FIELD_GRAMMAR_PATTERN)
KNOWN_HEADING_PATTERN = f"(?:{_alternation(KNOWN_HEADINGS)}|{_FIELD_GRAMMAR_PATTERN})"


# a heading noun right before a body sentence (…保障措施 / 按照…, …建设 / 区交通局要牵头…): where a
# run-in heading that ends in a heading noun may be cut (HEAD_FINAL then `opens_sentence`)
_HEAD_NOUN_BEFORE_SENTENCE = re.compile(
    f"(?:{_alternation(HEAD_FINAL)})(?=(?:{_alternation(SENTENCE_START)})|{_UNIT_SUBJECT.pattern.lstrip('^')})")


# how far a match of _HEAD_NOUN_BEFORE_SENTENCE and its lookahead reach past its start: a heading noun, then a
# sentence opener or a unit's subject (up to 10 characters, a suffix with its parenthetical, a verb); a bound
# above the longest, computed from the tables
_NOUN_THEN_SENTENCE_SPAN = max(map(len, HEAD_FINAL)) + max(max(map(len, SENTENCE_START)), 10 + max(map(len, ORG_SUFFIXES)) + 8 + 2) + 1


def head_noun_before_sentence(text: str, before: int) -> bool:
    """Some heading noun that starts before `before` is followed by text that opens like a sentence
    (a necessary condition for `text[:i].endswith(HEAD_FINAL)` and `opens_sentence(text[i:])` at some i).
    Only the text such a match can reach is searched (the pattern asserts nothing of the end of the text and
    nothing negative, so a match found there is one in the whole text, and one that starts before `before`
    lies there)."""
    m = _HEAD_NOUN_BEFORE_SENTENCE.search(text[: before + _NOUN_THEN_SENTENCE_SPAN])
    return m is not None and m.start() < before
