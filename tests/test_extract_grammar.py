"""The field grammar, one row per wording: each row runs one rule alone and asserts the exact item.

Rows follow the wordings listed in issue #15 and the conventions in ../shared/gold/CONVENTIONS.md.
"""
from __future__ import annotations

import pytest

from fangan.extract.dates import parse_range
from fangan.extract.rules import find_deadlines, find_parties, find_phases, find_targets
from fangan.model import Section


def _d(d):
    return None if d is None else (d.year, d.month, d.day, d.part)


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,start,end", [
    ("2020年3月10日-24日", (2020, 3, 10, None), (2020, 3, 24, None)),  # a day range inside one month
    ("2025年11月28日- 12月5日", (2025, 11, 28, None), (2025, 12, 5, None)),
    ("3-5月份", (None, 3, None, None), (None, 5, None, None)),  # two months sharing one 月
    ("6—8月", (None, 6, None, None), (None, 8, None, None)),
    ("2026 年 9—10 月", (2026, 9, None, None), (2026, 10, None, None)),  # spaces of a Word conversion
    ("2023-04-19", (2023, 4, 19, None), (2023, 4, 19, None)),  # ISO
    ("12.5前", (None, 12, 5, None), (None, 12, 5, None)),  # month.day before a deadline word
    ("上半年", (None, 1, None, None), (None, 6, None, "end")),
    ("2019年下半年", (2019, 7, None, None), (2019, 12, None, "end")),
    ("2020年4月4日以后", (2020, 4, 4, None), None),  # an open end
    ("9月下旬", (None, 9, None, "late"), (None, 9, None, "late")),
    ("11月初", (None, 11, None, "early"), (None, 11, None, "early")),
    ("年底", (None, 12, None, "end"), (None, 12, None, "end")),
])
def test_date_expressions(raw, start, end):
    s, e, _ = parse_range(raw)
    assert (_d(s), _d(e)) == (start, end)


# --- deadlines -----------------------------------------------------------------------------------

def _deadlines(text):
    return [(_d(d.due), d.action, d.recurring) for _, _, d in find_deadlines(text)]


@pytest.mark.parametrize("text,due,action", [
    ("各处室于7月5日前上报总结。", (None, 7, 5, None), "上报总结"),
    ("请于6月10日下午下班前报送名单。", (None, 6, 10, None), "报送名单"),  # words between the date and 前
    ("各班级9月3日放学前收齐回执。", (None, 9, 3, None), "收齐回执"),
    ("11月5日之前完成自查。", (None, 11, 5, None), "完成自查"),
    ("截止11月5日，各单位完成自查。", (None, 11, 5, None), "各单位完成自查"),
    ("报送截止时间：3月15日前", (None, 3, 15, None), "报送"),  # a label, no action after it
    ("完成时限：4月15日前。", (None, 4, 15, None), "完成"),
    ("提交材料不能晚于5月21日。", (None, 5, 21, None), "提交材料"),
    ("12月8日须全部测试完毕。", (None, 12, 8, None), "须全部测试完毕"),
    ("12.5前完成报名。", (None, 12, 5, None), "完成报名"),
    ("评审规则（11月25日前完成）。", (None, 11, 25, None), "完成"),  # the action never ends in a bracket
    ("3月底前完成整改。", (None, 3, None, "end"), "完成整改"),
    ("2013年3月前完成排查。", (2013, 3, None, None), "完成排查"),
    ("征文截至时间：12月13日以前。", (None, 12, 13, None), "征文"),  # 截至 as well as 截止
    ("报名截止时间11月27日前。", (None, 11, 27, None), "报名"),  # a label with no colon
    ("请提前一周（11月21日）前交教务处。", (None, 11, 21, None), "交教务处"),  # the date in brackets, then 前
    ("新生8月19日下午两点前报到。", (None, 8, 19, None), "报到"),  # a clock time in Chinese numerals
])
def test_deadline_wordings(text, due, action):
    assert _deadlines(text) == [(due, action, None)]


def test_recurring_deadline():
    assert _deadlines("每季度末前报送工作总结。") == [((None, None, None, "end"), "报送工作总结", "quarterly")]


@pytest.mark.parametrize("text", [
    "2013年春节前开展一次检查。",  # no month
    "年内开展讲座不少于30次。",  # a target's time frame
    "参赛教师须满2年（截至2026年4月7日）。",  # an eligibility cutoff in brackets
    "第一阶段为3月16日至4月15日，完成修复。",  # a period, not a deadline
    "11月27日完成并上报教科室。",  # a schedule line without 前
    "截止2021年6月15日共有在编教职工216名。",  # the date of a fact
])
def test_not_deadlines(text):
    assert _deadlines(text) == []


# --- targets -------------------------------------------------------------------------------------

def _targets(text):
    return [(t.comparator, t.value, t.unit) for _, _, t in find_targets(text)]


@pytest.mark.parametrize("text,expected", [
    ("每次演练时间不得少于2分钟。", [(">=", 2, "分钟")]),  # negation kept, unit not cut to 分
    ("理论考试扣分不能超过40分。", [("<=", 40, "分")]),
    ("群众满意度不低于30%。", [(">=", 30, "%")]),
    ("蔬菜抽检超标率控制在5%以内。", [("<=", 5, "%")]),
    ("生猪定点屠宰率达到98%以上。", [(">=", 98, "%")]),
    ("接种覆盖率达到100%。", [("==", 100, "%")]),
    ("检出率低于0.5%。", [("<", 0.5, "%")]),
    ("禁止生产和使用厚度低于0.01毫米的地膜。", [(">=", 0.01, "毫米")]),  # a prohibition turns the comparator round
    ("严禁单次连续作业超过4小时。", [("<=", 4, "小时")]),
    ("综合利用率达到80%—90%。", [(">=", 80, "%"), ("<=", 90, "%")]),  # a range gives two targets
    ("全市要创建1—2个示范单位。", [(">=", 1, "个"), ("<=", 2, "个")]),
    ("新增就业岗位500个。", [("==", 500, "个")]),  # a plain quantified commitment
    ("年内建成8个社区服务站。", [("==", 8, "个")]),
    ("培训周期为3个月。", [("==", 3, "个月")]),  # 个月 not 个
    ("总规模达到2万亿元。", [("==", 2, "万亿元")]),
    ("每人限报1门学科。", [("<=", 1, "门")]),
    ("每个月至少快速检测抽检1次。", [(">=", 1, "次")]),
    ("办公室美化标准为300元/间。", [("==", 300, "元/间")]),
    ("公示期不少于5个工作日。", [(">=", 5, "个工作日")]),  # 个工作日 not 个
    ("每位教师完成24个学时的培训。", [("==", 24, "个学时")]),
    ("根据初赛成绩，每学科前30名晋级决赛。", [("==", 30, "名")]),  # a quota of ranks that advance
    ("参赛教师从事教学工作满2年。", [(">=", 2, "年")]),  # a stated minimum of service, not followed by 的
    ("审核人员不少于本单位执法人员总数的5%。", [(">=", 5, "%")]),  # the comparator before the whole of a share
    ("担保费率原则上不超过1%。", [("<=", 1, "%")]),
    ("考核评分90分以上为优秀。", [(">=", 90, "分")]),  # points with a stated comparator are a requirement
])
def test_target_wordings(text, expected):
    assert _targets(text) == expected


@pytest.mark.parametrize("text", [
    "全区共有17个社区。",  # a fact
    "依托49个服务站开展宣传。",
    "凡有2家及以上企业的乡镇，要设立服务点。",  # a condition
    "对有2家及以上企业的乡镇进行重点检查。",
    "连续3次未参加学习的，予以通报。",
    "详见表 9-1。",  # a caption
    "会议于8时30分开始。",  # a time of day
    "建设共需资金约2.391亿元。",  # a cost estimate
    "思想政治、历史、地理等 10 门学科。",  # a count of the list just given
    "本局第9次会议研究通过。",  # an ordinal
    "围绕建党85周年开展活动。",  # an anniversary
    "参赛教师年龄35周岁以下。",  # an age
    "宣传普及文明20条。",  # the name of a code
    "用3年时间完成改造。",  # a time frame
    "3个月内完成整改。",
    "体温恢复正常24-48小时后才能返校。",
    "上午第2、3节有课的老师讲话。",  # ordinals
    "集队2分，口号1分，队形3分。",  # the points of a scoring rubric
    "迟到一次扣5分，表现突出的可加1分。",
    "本项满分150分。",
    "每项评分8-10分为优秀。",
    "联系电话：13912345678\n所在学校：实验中学",  # a telephone number, and the next line is no unit
    "3.1 家庭环境分析",  # a decimal heading number
    "项目占地面积约38000平方米。",  # an approximate description
    "当年全省共发生4级以上地震12次，死亡36人。",  # events and casualties that happened
    "20世纪80年代以来，灾害频发。",  # a decade
    "收到申请后20个工作日内办结。",  # a time frame in working days
    "住宅区 381.32 12.08%\n商业区 37.35 1.18%",  # a data table's rows, figures linearised with spaces
    "开发进度预计自民国 102 年起，至民国 106 年完成。",  # years of the Republic of China calendar
    "见表 9-1 台北市公共设施经费表。",  # a caption's number, then a place name opening with 台
    "测试项目：50米跑、800米（女）、1000米（男）。",  # distances that name athletic events
    "16.2.5茶叶烘干机17.天然橡胶初加工机械17.1天然橡胶初加工机械",  # outline numbers of lines a crawler ran together
    "预计于2014、15年完成。",  # a number a page marker split (or the second of two alternatives)
    "请从教龄满30年的老师中推荐。",  # eligibility
    "邀请30年教龄老师上台领奖。",  # seniority picks people out
    "作品上传到公共文件夹\\24年艺术节\\绘画比赛。",  # a path
    "班级学生无故不参加跑操1人次扣1分。",  # the condition of a penalty
    "从西门出，到达50米跑道起点。",  # 到达 is arriving, not reaching a level
    "地震灾害共造成36人死亡，402人重伤。",  # casualties
    "对单户担保金额500万元及以下的小微企业给予支持。",  # 对…的 picks out what a measure applies to
    "宣读工作满30年老师名单。",  # years that describe people
    "男子1000米成绩4分30秒以内为满分。",  # the seconds of a compound time
    "单项得分前3名的学生优先录取。",  # ranks pick out who qualifies
    "获全省前6-10名者获二等奖。",
    "考场人数如多于1人，须分开就座。",  # a conditional before the comparator
])
def test_not_targets(text):
    assert _targets(text) == []


def test_scope_inside_an_indicator_is_not_a_target():
    assert _targets("10个街道办事处覆盖率达到100%。") == [("==", 100, "%")]


def test_indicator_is_the_noun_phrase_and_never_one_character():
    (_, _, t), = find_targets("全区生猪定点屠宰率达到98%以上。")
    assert t.indicator == "全区生猪定点屠宰率"
    for _, _, t in find_targets("由3个部门组成，让5名教师参加，建成8个站点。"):
        assert len(t.indicator) >= 2


# --- parties -------------------------------------------------------------------------------------

def _parties(text):
    return [(p.name, p.role) for _, _, p in find_parties(text)]


@pytest.mark.parametrize("text,expected", [
    ("牵头处室：安全处、德育处。", [("安全处", "牵头处室"), ("德育处", "牵头处室")]),  # a list split into names
    ("配合处室：总务处", [("总务处", "配合处室")]),
    ("责任科室：医政科", [("医政科", "责任科室")]),
    ("主办机关：县教育局", [("县教育局", "主办机关")]),
    ("指导单位：市教育局；执行单位：学务处", [("市教育局", "指导单位"), ("学务处", "执行单位")]),  # activity and Taiwan labels
    ("权责单位：总务处、学生会", [("总务处", "权责单位"), ("学生会", "权责单位")]),
    ("协办单位：县团委、县妇联、县融媒体中心", [("县团委", "协办单位"), ("县妇联", "协办单位"), ("县融媒体中心", "协办单位")]),
    ("协办单位：县红十字会、县广播电视台", [("县红十字会", "协办单位"), ("县广播电视台", "协办单位")]),
    ("责任部门：局综合办公室（牵头）", [("局综合办公室", "责任部门")]),
    ("牵头单位联系人：区交建局住房发展处高兆霞", [("区交建局住房发展处", "牵头单位")]),  # the unit, not the person
    ("监督组负责全程监督。", [("监督组", "负责")]),  # group words as subjects
    ("专家组负责评审。", [("专家组", "负责")]),
    ("工作小组负总责。", [("工作小组", "负总责")]),
    ("督查组负责调查。", [("督查组", "负责")]),
    ("各乡镇负责本辖区的排查。", [("各乡镇", "负责")]),  # a generic subject that 负责 names
    ("各县区负责组织实施。", [("各县区", "负责")]),
    ("具体方案由市场监管局负责制定。", [("市场监管局", "负责")]),  # never a fragment of the clause
    ("由属地乡镇（街道）负责隔离酒店选址工作。", [("属地乡镇（街道）", "负责")]),  # a short bracket inside a name
    ("安全处、德育处负责学生安全教育。", [("安全处", "负责"), ("德育处", "负责")]),
    ("工商行政管理部门和城市市容环境卫生行政主管部门负责清理。",
     [("工商行政管理部门", "负责"), ("城市市容环境卫生行政主管部门", "负责")]),
    ("工业和信息化部负责。", [("工业和信息化部", "负责")]),  # 和 inside a name
    ("公安、文化、安监等部门负责联合检查。", [("公安、文化、安监等部门", "负责")]),  # a multi-unit subject stays whole
    ("完善统计方法。（生态环境部牵头，国家发展改革委、国家统计局参与）",
     [("生态环境部", "牵头"), ("国家发展改革委", "参与"), ("国家统计局", "参与")]),
    ("加快培育市场。（体育总局、人民银行负责）", [("体育总局", "负责"), ("人民银行", "负责")]),
    ("把好检疫关。（区经济发展局农业处）", [("区经济发展局农业处", "责任单位")]),  # a bare unit parenthetical
    ("成立督查组和考核组，对各村居进行督查。", [("督查组", "成立"), ("考核组", "成立")]),
    ("学校成立以校长为组长的招生领导小组、分管副校长为组长的工作小组、纪委书记为组长的监督小组，按规定开展工作。",
     [("招生领导小组", "成立"), ("工作小组", "成立"), ("监督小组", "成立")]),  # who leads a group is no part of its name
    ("领导小组办公室设在县疾控中心。", [("县疾控中心", "领导小组办公室")]),
    ("区综合执法局：负责查处违法行为。", [("区综合执法局", "负责")]),
    ("区经济发展局：会同区财政金融局研究制定投融资模式。", [("区经济发展局", "会同")]),
    ("由局效能办对各单位工作进行督查。", [("局效能办", "督查")]),
    ("省教育工会和省教育考试院承办。", [("省教育工会", "承办"), ("省教育考试院", "承办")]),
    ("由区教育局牵头，区财政局、区人社局配合。", [("区教育局", "牵头"), ("区财政局", "配合"), ("区人社局", "配合")]),
    ("区教育局为牵头单位，区财政局为配合单位。", [("区教育局", "牵头单位"), ("区财政局", "配合单位")]),
    ("在市卫生局的指导下开展工作。", [("市卫生局", "指导")]),
    ("县卫健局负责牵头，县教育局、县民政局等部门配合。", [("县卫健局", "负责"), ("县教育局", "配合"), ("县民政局", "配合")]),
    ("由县应急管理局会同县消防救援大队负责。", [("县应急管理局", "负责"), ("县消防救援大队", "负责")]),
    ("县委宣传部、县文明办按职责分工负责。", [("县委宣传部", "负责"), ("县文明办", "负责")]),
    ("在县委和县政府的统一领导下开展工作。", [("县委", "统一领导"), ("县政府", "统一领导")]),  # a list of names split on 和
    ("市教研室、县教研室将开展督导检查。", [("市教研室", "督导检查"), ("县教研室", "督导检查")]),  # …and on 、
    ("加快培育市场。（体育总局、国家发展12、改革委负责）", [("体育总局", "负责"), ("国家发展改革委", "负责")]),  # a page marker inside a name
    ("由区交通与建设局等区直部门配合。", [("区交通与建设局等区直部门", "配合")]),  # 与 inside a name names no partner
    ("加强培训。（教育部等有关部门和单位负责）", [("教育部", "负责")]),
    ("增强与工会合作。", [("工会", "合作")]),  # …but a verb before 与 leaves the partner a party
    ("原则上县融资担保公司和合作银行负责核实。", [("县融资担保公司", "负责"), ("合作银行", "负责")]),  # a hedge is no part of a name
])
def test_party_wordings(text, expected):
    assert _parties(text) == expected


@pytest.mark.parametrize("text", [
    "所带班级学生在学校负责打扫。",  # a clause, not a unit
    "局长助理、处室负责人参加。",  # persons
    "分管领导负责督促。",
    "各单位主要负责同志要亲自抓。",
    "7月5日前上报市卫生局。",  # a report recipient
    "按照县委文明办工作要求开展。",  # a cited authority
    "各单位要按照所承担的责任开展工作。",  # 所 + verb is not a subject
    "确保协同配合工作机制落到实处。",  # 实处 ends like 处 but is no unit
    "依托信息平台负责数据汇总。",  # 平台 ends like 台 but is no unit
    "牵头单位联系人：包片干部和社区干部",  # posts, not units with a person's name after them
    "试点城市要成立领导小组，健全工作机制。",  # a group every reader should set up, not a particular one
    "区直各部门参与。",  # 参与 names parties only inside a role parenthetical
    "强化农业农村和财政部门牵头，其他部门支持的联合查处。",  # a verb-led clause
    "兜底保障由政府负责。",  # a bare kind of body, no particular one
    "学校将对每位教师进行考核。",  # the plan's own body
    "要充分发挥主管部门的作用。",
    "在上级主管部门的指导下开展工作。",
    "做好与社区合作的共建工作。",
    "病历证明须由医院出具。（县级以上医院）",  # a class of bodies in a bare parenthetical
])
def test_not_parties(text):
    assert _parties(text) == []


# --- phases --------------------------------------------------------------------------------------

def _sec(sid, marker, title, text, children=()):
    return Section(id=sid, marker=marker, level=sid.count(".") + 1, title=title, text=text, children=list(children))


def _phases(sections):
    return [(p.name, _d(p.start), _d(p.end)) for p in find_phases(sections)]


def test_steps_under_a_schedule_section_are_phases_without_the_word_stage():
    tree = [_sec("s1", "三、", "实施步骤", "三、实施步骤", [
        _sec("s1.1", "（一）", "动员部署", "（一）动员部署。3月10日至3月25日，制定方案。"),
        _sec("s1.2", "（二）", "集中整治（2024年4月-6月）", "（二）集中整治（2024年4月-6月）"),
        _sec("s1.3", "（三）", "总结验收", "（三）总结验收\n活动时间：7月上旬。"),
    ])]
    assert _phases(tree) == [
        ("动员部署", (None, 3, 10, None), (None, 3, 25, None)),
        ("集中整治", (2024, 4, None, None), (2024, 6, None, None)),
        ("总结验收", (None, 7, None, "early"), (None, 7, None, "early")),
    ]


def test_stage_headings_day_ranges_open_ends_and_named_ordinal_stages():
    tree = [_sec("s1", "四、", "阶段安排", "四、阶段安排", [
        _sec("s1.1", "（一）", "全面排查阶段（2020年3月10日-24日）", "（一）全面排查阶段（2020年3月10日-24日）：启用…"),
        _sec("s1.2", "（二）", "回头看阶段（2020年4月4日以后）", "（二）回头看阶段（2020年4月4日以后）：核查。"),
        _sec("s1.3", "（三）", "第三阶段", "（三）第三阶段\n青年教师成果展示\n时间：12月5日下午。"),
        _sec("s1.4", "（四）", "", "（四）工作总结阶段（4月8日至4月20日）各村进行总结。"),
    ])]
    assert _phases(tree) == [
        ("全面排查阶段", (2020, 3, 10, None), (2020, 3, 24, None)),
        ("回头看阶段", (2020, 4, 4, None), None),
        ("青年教师成果展示", (None, 12, 5, None), (None, 12, 5, None)),
        ("工作总结阶段", (None, 4, 8, None), (None, 4, 20, None)),
    ]


def test_undated_steps_outside_a_schedule_are_not_phases():
    tree = [_sec("s1", "三、", "主要任务", "三、主要任务", [_sec("s1.1", "（一）", "集中整治", "（一）集中整治（重点领域）")])]
    assert _phases(tree) == []


def test_stages_stated_in_running_text():
    from fangan.extract.rules import find_sentence_phases

    got = [(p.name, _d(p.start), _d(p.end)) for _, p in find_sentence_phases("第一阶段为3月16日至4月15日，重点完成修复。")]
    assert got == [("第一阶段", (None, 3, 16, None), (None, 4, 15, None))]


def test_units_given_tasks_in_a_duty_section_are_parties():
    text = ("三、任务分工\n（一）集中排查。县政府要组织相关部门开展排查。供电公司要排查供配电设施。"
            "人力资源和社会保障部门、安全生产监督管理部门要将消防知识纳入培训。中队每周要组织演练。\n"
            "四、工作要求\n各单位要高度重视。")
    assert _parties(text) == [("县政府", "任务分工"), ("供电公司", "任务分工"), ("人力资源和社会保障部门", "任务分工"),
                              ("安全生产监督管理部门", "任务分工")]


def test_outside_a_duty_section_a_unit_with_a_plain_task_is_not_a_party():
    assert _parties("二、工作措施\n供电公司要排查供配电设施。") == []


def test_table_cells_one_per_line_keep_their_values_with_the_row_header():
    got = [(t.value, t.unit, t.indicator) for _, _, t in find_targets("预算标准\n1\n≤3人\n300元/间\n3\n班主任办公室\n500元/间\n")]
    assert got == [(300, "元/间", "≤3人"), (500, "元/间", "班主任办公室")]


def test_a_quantity_opening_a_sentence_refers_back():
    assert _targets("各推荐2名教师作成果展示。2名教师借鉴说课的形式分享经验。") == [("==", 2, "名")]


def test_units_of_schools_and_students_are_named_parties():
    assert _parties("六、其他\n配合学生会、总务处等单位办理活动。") == [("学生会", "被配合单位"), ("总务处", "被配合单位")]


def test_quoted_group_names_keep_their_commas():
    assert _parties("全区成立“除火患、保平安”冬春专项行动领导小组，负责统筹协调指导。") == [
        ("“除火患、保平安”冬春专项行动领导小组", "成立")]


def test_an_assignment_by_you_reaches_across_clauses():
    assert _parties("由局安全生产专班采取“四不两直”方式，对各相关单位工作开展情况飞行检查。") == [("局安全生产专班", "检查")]


def test_cooperation_partners_of_someone_else_are_not_parties():
    assert _parties("推动体育竞赛表演组织机构与国际体育组织等建立合作机制。") == []
    assert _parties("加强与工会等群团组织的配合、协作。") == [("工会", "配合、协作")]


def test_a_stage_dated_on_the_line_below_its_heading():
    tree = [_sec("s1", "三、", "工作步骤", "三、工作步骤", [
        _sec("s1.1", "（一）", "准备阶段", "（一）准备阶段\n时间：2024年3月1日至3月10日。\n制定方案。"),
        _sec("s1.2", "（二）", "实施阶段", "（二）实施阶段\n3月11日—5月31日，全面开展整治。"),
    ])]
    assert _phases(tree) == [("准备阶段", (2024, 3, 1, None), (2024, 3, 10, None)),
                             ("实施阶段", (None, 3, 11, None), (None, 5, 31, None))]


@pytest.mark.parametrize("text,due,action", [
    ("上交时间：截止2022年12月8日\n", (2022, 12, 8, None), "上交"),
    ("时间：截止5月28日\n", (None, 5, 28, None), "完成"),
    ("经学校批准后方可延期体检，但不能晚于3月19日；", (None, 3, 19, None), "经学校批准后方可延期体检"),
    ("11月16日（周三）中午12：00前报给年级长。", (None, 11, 16, None), "报给年级长"),  # a weekday and a clock time
    ("报名截止时间：12月3日中午。", (None, 12, 3, None), "报名"),  # a deadline label alone makes the deadline
    ("5.截止日期：12.4\n", (None, 12, 4, None), "完成"),
    ("作品截止日期为8月20日24:00。", (None, 8, 20, None), "作品"),
    ("资料务必提前一天即10月28日（中午之前）准备好。", (None, 10, 28, None), "准备好"),
])
def test_deadline_actions_from_before_the_date(text, due, action):
    assert _deadlines(text) == [(due, action, None)]


@pytest.mark.parametrize("text", ["分两个阶段：2011年7月3日---2011年7月8日（衔接教育）", "进入下一阶段（3月1日）。"])
def test_clauses_about_stages_are_not_stages(text):
    from fangan.extract.rules import find_sentence_phases

    assert find_sentence_phases(text) == []


@pytest.mark.parametrize("text,indicators", [
    ("推出100项具有较大知名度的体育精品赛事。", ["具有较大知名度的体育精品赛事"]),  # the noun a plain quantity counts
    ("创建1条餐饮食品安全示范街和10家示范店。", ["餐饮食品安全示范街", "示范店"]),
    ("全市要创建3—5个县（区）级文明单位。", ["县（区）级文明单位", "县（区）级文明单位"]),
    ("旧城区附设式社会公厕对外开放33处。", ["旧城区附设式社会公厕对外开放"]),
    ("3.每人限报 1 门学科。", ["每人"]),  # a stated comparator measures the words before it, without the marker
    ("拟建公园附属公厕150座左右。", ["公园附属公厕"]),
    ("投诉处理时间不少于2分钟且不超过40分钟。", ["投诉处理时间", "投诉处理时间"]),  # two bounds of one indicator
])
def test_indicator_is_the_noun_phrase_without_the_verb(text, indicators):
    assert [t.indicator for _, _, t in find_targets(text)] == indicators


def test_ordinal_stages_named_after_the_colon_or_not_by_a_sentence_below():
    tree = [_sec("s1", "三、", "实施步骤", "三、实施步骤", [
        _sec("s1.1", "（一）", "第一阶段", "（一）第一阶段：动员部署（3月1日-3月15日）"),
        _sec("s1.2", "（二）", "第二阶段（3月16日-5月31日）", "（二）第二阶段（3月16日-5月31日）\n成立专班，全面开展整治"),
    ])]
    assert _phases(tree) == [("动员部署", (None, 3, 1, None), (None, 3, 15, None)),
                             ("第二阶段", (None, 3, 16, None), (None, 5, 31, None))]


def test_fullwidth_percent_is_read_as_percent():
    assert _targets("合格率达到95％以上。") == [(">=", 95, "%")]
