"""The lossy-UTF-8 Viterbi: its search finds a best path (pair scores from the model's pair cache, brackets paired,
spaces passed over, dictionary words rewarded), and lines that lost bytes come back whole where the context says."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.lexicon import chars
from fangan.normalizers import encoding

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
_CHARS = list("的一是在有人工作方案，。、（）“”浣犲ソ锟斤拷x1 A\ufffd\u00d7组长内容") + ["\n", "😀", "龘"]


@FAST
@given(st.sampled_from(_CHARS + [None]), st.sampled_from(_CHARS))
def test_pair_logp_is_char_logp(prev, ch):
    for _ in range(2):  # (computed, then remembered)
        assert chars.pair_logp(prev, ch) == chars.char_logp(prev, ch)


def _path_score(slots, path, words=None):
    """A path's score, written plainly: the bigram log probabilities of its characters (passing over spaces), the
    word bonuses, a penalty per bracket closed unopened and per bracket left open at the end of the line."""
    m = chars.model()
    words = words or [encoding._word_bonus(slots, i) if len(c) > 1 else None for i, c in enumerate(slots)]
    score, prev, stack = 0.0, None, []
    for i, ch in enumerate(path):
        if ch == " " and slots[i] == [" "] and 0 < i < len(slots) - 1:
            continue
        score += chars.char_logp(prev, ch, m) + (words[i](ch) if words[i] else 0.0)
        if ch in chars.BRACKETS:
            stack = (stack + [ch])[-encoding.MAX_OPEN:]
        elif ch in chars.CLOSING_BRACKETS:
            if stack and chars.BRACKETS[stack[-1]] == ch:
                stack.pop()
            else:
                score += encoding.UNMATCHED_CLOSE_LOGP
        prev = ch
    if path:
        score += chars.char_logp(prev, chars.EOL, m) + encoding.UNCLOSED_OPEN_LOGP * len(stack)
    return score


def _plain_viterbi(slots):
    """The best path by trying every one."""
    import itertools

    words = [encoding._word_bonus(slots, i) if len(c) > 1 else None for i, c in enumerate(slots)]
    return max(("".join(p) for p in itertools.product(*slots)), key=lambda p: _path_score(slots, p, words), default="")


@FAST
@given(st.lists(st.lists(st.sampled_from(_CHARS[:-2]), min_size=1, max_size=3, unique=True), max_size=7))
def test_viterbi_finds_a_best_path(slots):
    """The Viterbi search (pair scores from the cache, states of context and open brackets) finds a path as good
    as the best of all paths (ties may go either way)."""
    found, best = encoding._viterbi(slots), _plain_viterbi(slots)
    assert abs(_path_score(slots, found) - _path_score(slots, best)) < 1e-9


def test_lossy_lines_reverse_as_before():
    for line in ["浣犲ソ\ufffd锛屼笘鐣\ufffd", "鍗遍櫓\ufffd鐨勪换鍔", "璁＄畻鏂规硶锛歕ufffd"]:
        assert encoding._reverse_lossy(line, "gb18030", "utf-8") == _plain_lossy(line)


def _plain_lossy(s):
    parts = [p.encode("gb18030") for p in s.split("\ufffd")]
    buf = bytearray(parts[0])
    gaps = []
    for p in parts[1:]:
        gaps.append(len(buf))
        buf += b"\x00" + p
    return _plain_viterbi(encoding._slots(buf, gaps))


@pytest.mark.parametrize("line", [
    "关于印发《2020年督查工作实施方案》的通知",  # 《 … 》 pair up: a lost 《 is not read as 〔
    "驻片区纪检监察组，片区管理局各处室、各基层组织：",  # a lost ： is not read as ） with no （ before it
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "组 长：江裕森 局党组书记、局长",  # letter-spaced: 组 长 read as 组长
    "各单位要高度重视（详见附件）。",
    "上午10：15—11：30 语、数、外",  # a lost mark between two digits: a time's colon, not ，
    "提交方式：",  # a lost mark ending a short line: a label's colon, not ；
    "抽签结果：",
])
def test_a_line_that_lost_bytes_to_a_lossy_gbk_decoding_comes_back_whole(line):
    damaged = line.encode("utf-8").decode("gb18030", errors="replace")
    assert "\ufffd" in damaged
    assert encoding._reverse_lossy(damaged, "gb18030", "utf-8") == line


def test_a_lost_byte_is_chosen_by_what_the_rest_of_the_document_holds_intact():
    """高一, 高三 and 高中 are all words: one line alone cannot tell which lost its byte. The same document holds 高一
    where no byte was lost, and that decides (the lines are chosen again with the document's intact pairs)."""
    from fangan.ingest import SourceItem
    from fangan.pipeline import process_item

    text = ("绍兴一中2024年高一新生军训实施方案\n为帮助高一新生尽快适应高中生活，学校决定组织高一新生军训。\n一、参加对象\n"
            "高一全体新生，高一各班班主任。\n二、时间安排\n高一军训时间为8月21日至8月27日。\n三、工作要求\n"
            "高一各班要严格遵守军训纪律，高一年级组负责安排。\n参加对象：高一、高二学生\n高一年级长、班主任要全程参与。\n")
    damaged = text.encode("utf-8").decode("gb18030", errors="replace")
    assert damaged.count("\ufffd") > 10
    doc = process_item(SourceItem(path="plan.txt", data=damaged.encode("utf-8")))
    recovered = doc.title + "\n" + doc.text
    assert recovered.count("高一") == text.count("高一") == 10 and "高三" not in recovered


def test_a_heading_number_that_lost_a_byte_is_the_one_the_numbering_expects():
    """（十一） and （十三） differ by one lost byte, and neither reads better than the other alone; after （十） the
    numbering expects （十一）."""
    from fangan.ingest import SourceItem
    from fangan.lexicon.markers import int_to_cn
    from fangan.pipeline import process_item

    heads = ["开幕式", "音乐剧比赛", "器乐比赛", "舞蹈比赛", "海报设计", "服饰展示", "摄影作品展", "黑板报比赛", "绘画比赛",
             "艺术学习研究活动周", "闭幕式暨元旦文艺会演"]
    text = "某中学2024年校园文化艺术节活动方案\n一、活动安排\n" + "".join(
        f"（{int_to_cn(i + 1)}）{h}\n各班积极参加，按时完成。\n" for i, h in enumerate(heads))
    damaged = text.encode("utf-8").decode("gb18030", errors="replace")
    doc = process_item(SourceItem(path="plan.txt", data=damaged.encode("utf-8")))
    assert [s.marker for s in doc.sections[0].children] == [f"（{int_to_cn(i)}）" for i in range(1, 12)]


@pytest.mark.parametrize("n, numeral", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"),
                                        (99, "九十九"), (0, ""), (100, "")])
def test_int_to_cn_writes_heading_numbers(n, numeral):
    from fangan.lexicon.markers import cn_to_int, int_to_cn

    assert int_to_cn(n) == numeral
    assert not numeral or cn_to_int(numeral) == n
