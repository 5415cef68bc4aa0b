"""Date expressions of plans and the words around them that make a date a deadline or a phase.

`fangan.extract.dates` builds its patterns from these tables; `fangan.extract.rules` classifies each
date it finds by the words here (a deadline word after or before it, a range, a schedule heading).
"""
from __future__ import annotations

import re

# parts of a month (初/上旬 early, 中旬 mid, 下旬 late, 底/末 end) and of a year
MONTH_PARTS: dict[str, str] = {"上旬": "early", "初": "early", "中旬": "mid", "下旬": "late", "底": "end", "末": "end"}
YEAR_PARTS: dict[str, tuple[int | None, str]] = {  # word → (month, part) of the point it names
    "年底": (12, "end"), "年末": (12, "end"), "年初": (1, "early"), "年中": (None, "mid"),
    "上半年": (6, "end"), "下半年": (12, "end"),
}
# half years as ranges (上半年 → 1月 … 6月底)
HALF_YEARS: dict[str, tuple[tuple[int, str | None], tuple[int, str]]] = {
    "上半年": ((1, None), (6, "end")), "下半年": ((7, None), (12, "end")),
}
RANGE_SEPARATORS: tuple[str, ...] = ("至", "到", "—", "－", "–", "-", "~", "～", "〜")

# after a date: 7月5日前, 6月10日下午下班前, 11月5日之前
DEADLINE_AFTER: tuple[str, ...] = ("之前", "以前", "前")
# words that may stand between a date and its 前: times of the day and of the school or office day
BEFORE_DEADLINE_WORD: tuple[str, ...] = ("上午", "下午", "中午", "晚上", "下班", "上班", "放学", "午后", "12时", "12点")
# a weekday or a clock time may also stand between a date and its 前: 11月16日（周三）中午12：00前
WEEKDAY = r"(?:周|星期)[一二三四五六日天]"
CLOCK_TIME = (r"(?:\d{1,2}\s*(?:[：:]\s*\d{2}|[时点](?:\s*\d{1,2}\s*分)?)"
              r"|[一二三四五六七八九十两]{1,3}\s*[时点](?:半|\s*[一二三四五六七八九十]{1,3}\s*分)?)")  # 下午两点前
# words before a deadline that name no action (时间：截止5月28日, 但不能晚于3月19日)
NOT_ACTIONS = re.compile(r"^(?:但|并|且|而|或|时间|日期|截止时间|上交时间|报名时间|提交时间)$")
# before a date: 截止11月5日, 不晚于5月21日
DEADLINE_BEFORE: tuple[str, ...] = ("截止到", "截止", "截至", "不晚于", "不能晚于", "不得晚于", "不迟于", "最迟于", "最迟", "务必于")
# a date then a modal and a completion: 12月8日须全部测试完毕
DEADLINE_MODALS: tuple[str, ...] = ("必须", "务必", "须", "需", "要", "应")
COMPLETION_WORDS: tuple[str, ...] = ("完毕", "完成", "结束", "办结", "到位")
# labels whose value is a deadline even with no action after it (完成时限：4月15日前)
DEADLINE_LABELS: tuple[str, ...] = ("完成时限", "完成时间", "截止时间", "截止日期", "截至时间", "截至日期", "截止时限", "报送时间",
                                    "上报时间", "时间节点", "时限")
# 每季度末前, 每月5日前: recurring deadlines, by their period
RECURRING_PERIODS: dict[str, str] = {"月": "monthly", "季度": "quarterly", "季": "quarterly", "半年": "half-yearly", "年": "yearly", "周": "weekly"}
# a date that opens a period with no end: （2020年4月4日以后）
OPEN_END: tuple[str, ...] = ("以后", "之后", "起", "开始")
# a date before these is not a deadline: 年内 (a time frame for a target), 年终 (an assessment)
NOT_DEADLINE_BEFORE: tuple[str, ...] = ("年内", "年终")

# sections that lay out a plan's schedule: their dated steps are phases even without the word 阶段
SCHEDULE_SECTIONS = re.compile(
    r"工作步骤|实施步骤|方法步骤|步骤安排|推进步骤|时间安排|进度安排|阶段安排|工作安排|日程安排|活动日程|活动安排|时间节点|工作进度|实施进度|实施阶段|工作阶段"
)
# steps that are phases without the word 阶段
STEP_WORDS: tuple[str, ...] = (
    "动员部署", "宣传发动", "宣传动员", "调查摸底", "摸底调查", "集中整治", "全面排查", "排查整治", "自查自纠", "整改落实",
    "督导检查", "检查验收", "总结验收", "总结评估", "总结提升", "巩固提高", "巩固提升", "组织实施", "全面实施", "深化提升",
)
# 活动时间：…, 时间：… — the dated period of an activity
PERIOD_LABELS = re.compile(r"^(?:活动|比赛|竞赛|评选|培训|实施|整治|工作)?时间[：:]")

# --- lines that are nothing but a date ------------------------------------------------------------

# the 落款 date under a signature: a whole date, year first (2024年5月20日, 二〇二四年五月二十日); the learner never
# takes it for chrome and the metadata reads the plan's date from it
SIGNATURE_DATE_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}[日号]$")
# any line that only dates something: a 落款 date with or without its year and with spaces (2026 年 4 月 6 日, 5月20日),
# or a timestamp (2019-03-02 09:12:45): never a heading, never a title
DATE_ONLY_LINE = re.compile(
    r"^\s*(?:(?:[0-9〇○零一二三四五六七八九十]{2,4}\s*年)?\s*[0-9〇○一二三四五六七八九十]{1,2}\s*月\s*[0-9〇○一二三四五六七八九十]{1,3}\s*[日号]"
    r"|(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*[-/年.]\s*\d{1,2}\s*[-/月.]?\s*(?:\d{1,2}\s*[日号]?)?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?)\s*$")
