"""Who does what: role labels, responsibility verbs, group words and the sections that share out duties.

The party rules (`fangan.extract.parties`) read only these tables, so a wording a plan uses that the
rules miss is one entry here. Patterns are built with `alternation`, which puts longer entries first
(`牵头负责` before `牵头`), so the order of a table does not matter.
"""
from __future__ import annotations

import re

from fangan.gates import gated


def alternation(words) -> str:
    """A regex alternation of `words`, longest first so that no entry hides a longer one (牵头负责 before
    牵头, 不得少于 before 少于, 分钟 before 分). Every lexicon table is turned into a pattern through it."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"

# `LABEL：X、Y` — labels that introduce a list of units (责任单位：县卫生监督所、各乡镇卫生院).
ROLE_LABELS: tuple[str, ...] = (
    "责任单位", "责任部门", "责任科室", "责任处室", "责任主体",
    "牵头单位", "牵头部门", "牵头处室", "牵头科室",
    "配合单位", "配合部门", "配合处室", "配合科室",
    "协办单位", "协办部门", "主办单位", "主办机关", "承办单位", "协作单位",
    "参与单位", "参与部门", "成员单位", "实施单位", "落实单位", "业主单位", "组织单位",
    # the labels of activity plans and of Taiwan plans (指导单位：教育部, 执行单位, 权责单位, 主管机关)
    "指导单位", "执行单位", "权责单位", "负责单位", "办理单位", "主管单位", "主管机关", "执行机关", "承办机关", "协办机关",
)
# words that may follow a label before its colon: 牵头单位联系人：区交建局住房发展处高兆霞 (the unit is the party)
LABEL_TAILS: tuple[str, ...] = ("联系人", "责任人", "负责人")

# `X负责`, `（X牵头，Y参与）` — verbs whose subject is responsible. Longest first.
RESPONSIBILITY_VERBS: tuple[str, ...] = (
    "牵头负责", "具体负责", "统一组织具体实施", "具体组织实施", "统一组织", "统一领导", "负总责", "总负责",
    "专人负责", "负责", "牵头", "配合", "协助", "协办", "承担", "承办", "参与", "指导", "联合举办", "主办",
)
# verbs that make a party only inside a role parenthetical after a task (（X、Y指导）, （Z参与）), where
# the parenthetical's shape says the list names units; in running text they are ordinary verbs.
PAREN_ONLY_VERBS: frozenset[str] = frozenset({"参与", "指导"})

# a group is a party when a plan sets it up (成立…领导小组) or it acts as a subject
GROUP_WORDS: tuple[str, ...] = (
    "领导小组", "工作小组", "协调小组", "工作组", "专家组", "督查组", "督导组", "检查组", "考核组", "监督组",
    "巡查组", "指导组", "筹建组", "教研组", "纪检监察组", "工作专班", "专班", "指挥部", "组委会", "委员会", "小组",
)
# 成立领导小组 with no qualifier is an instruction to every reader to set one up, not a particular group
BARE_GROUPS: frozenset[str] = frozenset({"领导小组", "协调小组", "小组"})
# verbs that set a group up: 成立/设立/设 (组建 objects are not parties by the conventions)
SET_UP_VERBS: tuple[str, ...] = ("成立", "设立", "设")

# subjects that are people or posts, never units
PERSON_ENDINGS: tuple[str, ...] = (
    "领导", "人员", "同志", "负责人", "个人", "干部", "职工", "群众", "组长", "副组长", "主任", "局长", "书记",
    "处长", "科长", "校长", "老师", "教师", "班主任", "学生", "家长", "助理", "委员", "代表", "联系人", "责任人",
)
# words that end like a unit but are not one (落到实处, 人员密集场所, 全部, 学科, 举办)
FALSE_ENDINGS: tuple[str, ...] = (
    "实处", "之处", "好处", "到处", "此处", "场所", "住所", "厕所", "处所", "全部", "内部", "外部", "局部", "学科",
    "网站", "举办", "承办", "主办", "创办", "督办", "交办", "协办", "格局", "布局", "结局", "大局", "全局", "排队", "团队",
    "平台", "舞台", "讲台", "阳台", "出台", "后台", "前台", "结社", "场馆",
    "上台", "下台", "登台",
)
# a subject that refers to a rule or a means is a clause, not a unit (按照所承担的…)
CLAUSE_WORDS = re.compile(r"按照|根据|对照|依据|依照|结合|围绕|通过|为了|作为|对于|关于|负责|牵头|配合|所带|在|还要|是指|确保|要求|的")
# a subject that opens with a verb is a clause (建立市场监管部门); the verb may still open a name whose rest
# is a bare suffix (建设局, 组织部), so the rule applies only when two or more characters follow
VERB_OPENERS = re.compile(r"^(?:建立|确保|是|还要|要|需|加强|做好|开展|进行|推动|推进|完善|健全|落实|督促|支持|鼓励|引导|"
                          r"组织|协调|检查|离开|建设|提高|实施|认真|切实|充分|积极|全面|进一步|以|把|将|让|使|向|"
                          r"强化|深化|优化|规范|严格|推广|加大|加快|提升|创新|统筹|聚焦|坚持|注重|鼓励|发挥)(?=..)")
# subjects that are not a particular unit
NOT_UNITS: tuple[str, ...] = ("单位", "部门", "机构", "组织", "本单位", "各方面", "本局", "我局", "全局", "全区", "全市", "全县", "全省", "各地", "有关方面",
                             # a bare kind of body is no particular one (各级政府部门要…, 学校将…, 发挥主管部门的作用)
                             "政府", "学校", "本校", "我校", "主管部门", "有关部门", "相关部门", "上级部门", "上级主管部门",
                             "上级有关部门", "职能部门", "有关单位", "相关单位", "社区")
# clause openers of two or more characters that never open a unit's name (原则上国家融资担保基金…负责): they
# are cut even when what follows them ends like a name
CLAUSE_ONLY_OPENERS: tuple[str, ...] = ("原则上", "同时", "其中", "另外", "并且", "均由", "此外", "今后")

# words that make a name a class of bodies (县级以上医院): a bare parenthetical of one names no responsible
# unit, it says where something must come from
CLASS_WORDS = re.compile(r"以上|以下|及以上|或以上|等级")

# headings of sections that share out duties (三、任务分工): every unit given a task there is a party
DUTY_SECTIONS = gated(re.compile(r"(?:任务|职责|工作|处室|部门)分工|工作职责|部门职责|职责分工|责任分工"))


# labels of other fields on the same line as a role label (牵头单位：X配合单位：Y完成时限：6月16日前)
FIELD_LABELS: tuple[str, ...] = ("完成时限", "完成时间", "时间节点", "时限", "联系电话", "电话", "备注")

# adverbs and modals between a subject and its responsibility verb (X要切实负责, X具体负责)
SUBJECT_ADVERBS: tuple[str, ...] = (
    "必须", "实行", "要", "应", "将", "须", "需", "也", "还", "并", "分别", "共同", "切实", "主要", "各自", "积极", "认真", "密切",
    "主动", "及时", "定期", "按照职责分工", "按职责分工", "按照职责", "按职责", "根据职责", "各司其职",
)
# words that open a clause before its subject (同时由X负责, 其中X负责)
CLAUSE_OPENERS: tuple[str, ...] = ("原则上", "同时", "其中", "另外", "并且", "并", "均由", "由", "请", "经", "与", "和", "及", "以", "对")

# 与X合作/配合/协作: X is a party (与区总工会密切合作, 与工会等群团组织的配合、协作)
COOPERATION_WORDS: tuple[str, ...] = ("配合、协作", "合作", "配合", "协作", "联合")
# a specific body charged with supervising or assessing the work (市卫生局将…检查指导)
SUPERVISION_WORDS: tuple[str, ...] = (
    "督导检查", "检查指导", "检查和指导", "调研指导", "模拟检查", "检查考核", "目标考核", "考核", "督查", "督导", "通报批评", "指导",
)

# 由X对…进行督查, 由X组织开展…: verbs that make an assignment by 由 a party
ASSIGNMENT_VERBS: tuple[str, ...] = ("督查", "检查", "督导", "考核", "组织开展", "组织实施", "实施")
# the unit that houses a group's office: 办公室设在X, 办公室职能由X兼, 依托X设立办公室
OFFICE_HOST_WORDS: tuple[str, ...] = ("办公室设在", "办公室职能由", "依托")
# 在X的统一领导下: X leads
LEADERSHIP_WORDS: tuple[str, ...] = ("统一领导", "领导", "统一指挥", "指导", "统一部署")
# X将…/X要定期…: the subject of supervision wording (with SUPERVISION_WORDS later in the sentence)
SUPERVISOR_MODALS: tuple[str, ...] = ("将", "要定期", "定期")
# adverbs between 与X and the cooperation word (与区总工会密切合作)
COOPERATION_ADVERBS: tuple[str, ...] = ("密切", "积极", "紧密", "加强", "共同", "相互")

# common surnames, to cut a person's name off a unit in contact lists (区交建局住房发展处高兆霞); one-character
# surnames that are also common words inside unit names (区, 和, 于, 国, 平, 海, 文, 安, 全, 明, 时, 成, 都, 南) are left out
SURNAMES: frozenset[str] = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔向汤庄常温康施"
    "牛樊葛邢齐易乔伍庞颜倪聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁"
    "冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景宫费卜冷晏席卫米"
    "柏宗瞿桂佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆乐冀郁胥班储原"
)
