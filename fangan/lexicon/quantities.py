"""Quantities as plans state them: comparator phrases (with their negations), units, and the words that
make a number a fact or a condition rather than a commitment.

`fangan.extract.targets` reads only these tables. Phrases are matched longest first, so 不得少于 is
read whole (>=) and never as 少于 (<); units likewise (分钟 not 分, 个月 not 个, 万亿元 not 元).
"""
from __future__ import annotations

import re

from fangan.lexicon.roles import alternation

# comparator phrase → comparator. The negated forms are listed whole so negation is never dropped.
COMPARATOR_WORDS: dict[str, str] = {
    # at least
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "不得少于": ">=", "不得低于": ">=", "不能少于": ">=", "不能低于": ">=",
    "不应少于": ">=", "不应低于": ">=", "不宜少于": ">=", "不少於": ">=", "至少": ">=", "最少": ">=", "最低": ">=",
    "满": ">=", "年满": ">=",  # 工作满2年: at least two years of service
    # at most
    "不超过": "<=", "不得超过": "<=", "不能超过": "<=", "不应超过": "<=", "不宜超过": "<=", "不高于": "<=", "不得高于": "<=",
    "不大于": "<=", "不多于": "<=", "不得多于": "<=", "最多": "<=", "最高": "<=", "控制在": "<=", "低于或等于": "<=", "限报": "<=",
    "限": "<=",
    # strictly
    "超过": ">", "高于": ">", "大于": ">", "多于": ">",
    "低于": "<", "少于": "<", "小于": "<", "不足": "<",
    # reach
    "达到": "==", "达": "==", "提高到": "==", "提升到": "==", "增加到": "==", "增长到": "==", "保持在": "==", "稳定在": "==",
    "降低到": "==", "下降到": "==", "降至": "==", "提高至": "==", "提升至": "==", "达至": "==",
}
# characters that make a comparator word part of another verb: 到达50米跑道 (arrive), 送达, 下达, 抵达, 传达
NOT_COMPARATOR_AFTER: dict[str, str] = {"达": "到送下抵传表转直通发"}
# adverbs that may stand a few words before their number: 至少建成1个, 每个月至少快速检测抽检1次
ADVERB_COMPARATORS: tuple[str, ...] = ("至少", "最少", "最多")
# words that open a clause before its indicator (到2020年，…; 要使…; 确保…) and verbs that end it before the
# number (建成17座): neither belongs to the indicator
INDICATOR_LEAD = re.compile(r"^(?:(?:到|至)\d{4}年(?:底|末)?|原则上|要|使|确保|力争|并|且|和|其中|同时|每年|年内|拟建|拟|计划|建议|禁止)+")
COMMITMENT_VERBS: tuple[str, ...] = (
    "开展", "建成", "建设", "新建", "创建", "完成", "组织", "推荐", "选送", "撰写", "更新", "实现", "达到", "达", "为",
    "推出", "打造", "改造", "指定", "设立", "培育", "培训", "分别为", "分别", "各", "是", "占",
    "要", "应", "将", "须", "需", "必须",  # modals left at the end once the verb is gone (中队每周要)
    "原则上", "一般", "均",  # hedges between an indicator and its comparator (费率原则上不高于1%)
)
# words after the number that set the comparator: 95%以上 → >=, 5%以内 → <=
SUFFIX_COMPARATORS: dict[str, str] = {
    "及以上": ">=", "或以上": ">=", "以上": ">=", "及以下": "<=", "或以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=",
    "左右": "==",
}
# a prohibition before a comparator turns it round: 禁止使用厚度低于0.01毫米的地膜 → the thickness must be >= 0.01
PROHIBITIONS = re.compile(r"禁止|严禁|不准|不允许|杜绝")
PROHIBITED: dict[str, str] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
# each negation word and the comparators it allows in the same phrase (the bulk invariant checks this)
NEGATIONS: dict[str, frozenset[str]] = {
    "不少于": frozenset({">="}), "不低于": frozenset({">="}), "不得少于": frozenset({">="}), "不得低于": frozenset({">="}),
    "不能少于": frozenset({">="}), "不能低于": frozenset({">="}), "不小于": frozenset({">="}),
    "不超过": frozenset({"<="}), "不得超过": frozenset({"<="}), "不能超过": frozenset({"<="}), "不高于": frozenset({"<="}),
    "不大于": frozenset({"<="}), "不多于": frozenset({"<="}),
}

# units, longest first when matched (alternation() sorts them)
UNITS: tuple[str, ...] = (
    "%", "％", "个百分点", "‰",
    "万亿元", "亿元", "万元", "千元", "元",
    "万人次", "人次", "万人", "人", "名", "位",
    # 日 is left out: after a number it is nearly always a date (5月20日); spans of days are written 天
    "个月", "个小时", "个学时", "个课时", "个星期", "分钟", "小时", "学时", "课时", "个工作日", "工作日", "天", "周", "年", "秒",
    "个", "家", "座", "处", "项", "节", "门", "条", "场", "期", "篇", "份", "户", "张", "台", "辆", "所", "批", "次", "遍",
    "套", "块", "册", "本", "件", "株", "棵", "间", "床", "张床", "支", "分", "字",
    "平方米", "平方公里", "立方米", "公里", "千米", "毫米", "厘米", "米", "吨", "万吨", "公斤", "千克", "亩", "万亩", "公顷",
)
# words that start like a unit but measure nothing the plan commits to (85周年 an anniversary, 35周岁 an age)
# (周三 a weekday, 周末 a weekend)
NOT_UNITS: tuple[str, ...] = ("周年", "周岁", "岁", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周天", "周末",
                             # place names that open with a unit character (6080 台北市政府工务局: a table cell, then a name)
                             "台北", "台湾", "台中", "台南", "台东", "台州")
# units that count whole things: a decimal before one (3.1 家庭环境分析, 17.1 个案) is an outline number
COUNT_UNITS: frozenset[str] = frozenset("个家座处项节门条场期篇份户张台辆所批次遍套块册本件株棵间支名位人")
# the Republic of China calendar of Taiwan plans: 民国102年 is a year (2013), not 102 years
ERA_BEFORE = re.compile(r"民国[-－—\s]*$")
# a distance that names an athletic event, not a target (50米跑, 800米（女）, 1000米(男))
EVENT_BEFORE = re.compile(r"(?:男子|女子|男生|女生)\s*$")  # 男子1000米
EVENT_AFTER = re.compile(r"^\s*(?:跑|短跑|长跑|接力|游泳|自由泳|蛙泳|仰泳|[（(][男女][）)]|[男女]子)")
# years that describe people (工作满30年老师名单, 30年党龄的党员): they pick people out, they require nothing
PEOPLE_AFTER = re.compile(r"^\s*(?:以上|及以上)?(?:的)?(?:老师|教师|教工|职工|员工|人员|干部|党员|同志|学生|校友)")
# the seconds of a compound duration (4分30秒以内): half of one time, never a target alone
COMPOUND_TIME_BEFORE = re.compile(r"\d\s*(?:分|分钟|小时|时)\s*$")
# a rank that picks out who qualifies (得分前3名的学生, a band 获全省前6-10名) sets no target; a quota of ranks
# that advance (每学科前30名晋级决赛) does; 提前3天 is no rank
RANK_BEFORE = re.compile(r"(?<!提)(?<!之)前\s*$")
# casualties counted after their number (365人死亡，4026人重伤): what happened, not a target
CASUALTY_AFTER = re.compile(r"^\s*(?:死亡|重伤|轻伤|受伤|遇难|失踪|伤亡)")
# a table row of figures linearised with spaces (住宅区 381.32 12.08%): the quantity is a cell of a data
# table, not a commitment, when another bare figure stands right before it
FIGURE_RIGHT_BEFORE = re.compile(r"\d[\d,]*(?:\.\d+)?[ \t\u3000]+$")
UNIT = alternation(UNITS) + r"(?:/(?:间|人|次|年|月|天|个|户|平方米|吨))?"  # 元/间, 元/人: a rate is one unit
NUMBER = r"\d+(?:\.\d+)?"
RANGE_DASH = r"\s*(?:—+|–|-|－|~|～|〜|至|到)\s*"

# a bare number after these words in its clause states a fact or scope, not a commitment
# (共有17个, 共需资金约2.391亿元, 依托49个, 已建成5个, 选择10个左右, 包括语文4人)
FACT_WORDS = re.compile(r"共有|现有|共需|共计|合计|总计|累计|已经|已建|已有|已完成|依托|目前|去年|上年|包括|选择|涉及"
                        # spreading or honouring what exists (普及20字公民基本道德规范, 宣传文明20条, 围绕建党85周年)
                        r"|宣传|普及|学习|贯彻|践行|围绕|纪念|庆祝"
                        # what has happened: events, casualties and losses (共发生5级以上地震48次, 死亡365人), not their rates
                        r"|(?:发生|死亡|伤亡|受伤|重伤|遇难|损失|造成)(?!率)|以来")
# …and right before the number: 共14人, 第9次 (an ordinal), 等10门学科 (the count of a list just given)
# and a formula's factor (…/同期出院患者总人次数×100%)
# an approximate figure (面积约9.39公顷, 直接经济损失约46亿元) describes, it does not commit
FACT_RIGHT_BEFORE = re.compile(r"(?:共|等|计|近|逾|约|大约|约为|×|\*|/|第[\d、，,\s]*)\s*$")  # 第2、3节: ordinals
# a span of time followed by these is a time frame (用3年时间, 3个月内, 24-48小时后), not a target, unless a
# comparator states it (建设周期不超过3年)
TIME_UNITS: tuple[str, ...] = ("年", "个月", "天", "周", "小时", "个小时", "个星期", "分钟", "个工作日", "工作日")
TIME_FRAME_AFTER = re.compile(r"^\s*(?:以内|之内|内|时间|左右|以来|来|后|之后|以后|期间)")
# bare quantities of money are cost estimates unless a comparator caps them
ESTIMATE_CONTEXT = re.compile(r"资金|投资|经费|测算|估算|费用|总投入")
# points of a scoring rubric (集队2分, 无故缺席每人扣2分, 满分150分) weigh an assessment, they require nothing:
# a quantity in these units is a target only when a comparator states it (考核评分90分以上, 不能超过40分),
# and never when it is a penalty or a bonus (扣, 加) or the maximum (满分)
SCORE_UNITS: tuple[str, ...] = ("分",)
SCORE_WORDS = re.compile(r"(?:扣|加|扣除|奖励|满分|总分|得|计)\s*$")
# …and a quantity that a penalty or bonus follows is its condition (无故缺席1人次扣1分, 迟到3次加扣2分)
SCORE_CONSEQUENCE_AFTER = re.compile(r"^\s*(?:的|者)?[，,]?\s*(?:扣|加|扣除|记|得|计)\s*\d")
# a run of this many digits is a telephone, postcode or document number, never a quantity (15381666576)
MIN_IDENTIFIER_DIGITS = 7
# a comparator may stand before the whole a share is taken of: 不少于本单位执法人员总数的5%
SHARE_UNITS: tuple[str, ...] = ("%", "％", "‰", "个百分点")
# a number right after these is a time of day or a date part, not a quantity (8时30分, 96 年 8 月)
TIME_OF_DAY = re.compile(r"\d\s*[时点:：]\s*$")
# the clause is a condition (凡连续2次…的, 有2家及以上…的): the quantity is not a commitment
CONDITION = re.compile(r"^(?:凡|如果|如|若|一旦|对于|凡是)")
# …or the quantity sits in a relative clause that picks out what a rule applies to: 对有2家及以上企业的乡镇,
# 连续3次未参加的
CONDITION_BEFORE = re.compile(r"(?:有|拥有|连续|累计|满|年满|工作满|任职满)\s*$")  # 工作满30年的教师: eligibility
# a span of years that is a person's seniority (30年教龄老师): an attribute that picks people out, not a target
SENIORITY_AFTER = re.compile(r"^\s*(?:以上|及以上)?(?:教龄|工龄|党龄|驾龄|校龄|团龄)")
CONDITION_AFTER = re.compile(r"^[^，。；;\n]{0,12}?的")
# …or a conditional right before the comparator (人数如多于1人, 若超过3次): what happens then, not a target
CONDITION_BEFORE_COMPARATOR = re.compile(r"(?:如果|假如|如|若|一旦)\s*$")
# …or in a clause that opens with 对 and picks out what a measure applies to (对单户担保金额500万元及以下的小微企业)
CONDITION_OPENER = re.compile(r"^(?:对|针对|对于|凡)")
# 全覆盖 states a 100% target when it closes the clause after a noun phrase
FULL_COVERAGE_WORDS: tuple[str, ...] = ("全覆盖",)


def comparator_pattern() -> str:
    return alternation(COMPARATOR_WORDS)

# --- goals ---------------------------------------------------------------------------------------
# labels that open a paragraph of goals (总体目标是：…); the label itself is never a goal
GOAL_LABEL_WORDS: tuple[str, ...] = ("总体目标", "工作目标", "创建目标", "奋斗目标", "主要目标", "具体目标", "目标任务", "发展目标")
GOAL_LABEL = re.compile(rf"{alternation(GOAL_LABEL_WORDS)}(?:是|为)?[：:]")
# heading labels and bare time frames that a goal section's clauses may repeat: not goals
NOT_GOALS = re.compile(
    rf"^(?:{alternation(GOAL_LABEL_WORDS)}|指导思想|基本原则|工作原则|工作任务|主要任务|重点任务|工作要求|保障措施|目标)$"
    r"|^(?:活动|培养|建设|发展|实施)(?:目标|主题|宗旨)$"
    # connectives and the levels of a list (具体来说, ●宏观层面; Word's bullet survives as a Latin l)
    r"|^(?:具体来说|具体而言|总的来说|总体来说|总体而言|一方面|另一方面)$|^\W?[a-zA-Z]?(?:宏观|中观|微观)层面$"
    r"|^(?:到|至|在|截至)?\s*(?:19|20)\d{2}\s*年(?:底|末|前)?$"
    # bare time frames: 争取用5年时间, 三到五年时间内
    r"|^(?:争取|力争)?(?:用|在)?[\d一二三四五六七八九十两]+(?:[到至—-][\d一二三四五六七八九十两]+)?(?:年|个月)(?:时间)?(?:内|左右)?$"
)
# how or why, not what: 通过专项整治
MEANS_CLAUSE = re.compile(r"^(?:通过|按照|根据|结合|围绕|为了|为|在)[^为]*$")
