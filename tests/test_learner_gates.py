"""The learner's one-pass judgement of a text (`DocumentLearner.chrome_flags`) decides and records exactly what
asking `is_chrome` line by line does, and its gated `may_be_chrome` agrees with the plain one."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangan.normalizers import batch

FAST = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))

# pieces that reach every branch: markers, signature dates, unit names (with a bracket after the suffix), page
# footers that recur with their numbers, Unicode digits and whitespace, blank lines and over-long lines
PIECES = ["一、", "（二）", "1.", "第三章", "2024年5月6日", "二〇二四年五月六日", "县教育局", "县人民政府办公室（印）",
          "某某中学", "第3页 / 共5页", "第12页", "版权所有", "加强管理，", "。", " ", "\u3000", "\t", "٣", "x",
          "局", "）", ")", "：", "A" * 120, "第7页" * 180, "\n", "\n", "\n"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _learned() -> batch.LearnedBoilerplate:
    stats = batch.BoilerplateStats()
    for i in range(4):
        text = f"第{i}页 / 共5页\n版权所有 2024\n县教育局\n正文{i}"
        stats.add(str(i), "site", batch.document_shapes(text))
    return stats.learned()


def _per_line(text: str, site: str) -> tuple[list[bool], batch.DocumentLearner]:
    view = _learned().for_document()
    return [view.is_chrome(line, site) for line in text.split("\n")], view


@FAST
@given(TEXTS, st.sampled_from(["site", "other", ""]))
def test_chrome_flags_match_is_chrome_line_by_line(text, site):
    plain, plain_view = _per_line(text, site)
    view = _learned().for_document()
    assert view.chrome_flags(text, site) == plain
    assert (view.site, view.asked, view.lines) == (plain_view.site, plain_view.asked, plain_view.lines)
    assert view.decision() == plain_view.decision() and view.shapes() == plain_view.shapes()


@FAST
@given(TEXTS, st.sampled_from(["site", "other", ""]))
def test_chrome_lines_are_the_flagged_lines(text, site):
    """`chrome_lines` (what the step asks) names the lines `is_chrome` flags, with the same records, and the step
    cuts the same lines, reported alike, whichever of the learner's questions it can ask."""
    from fangan.normalizers import NormalizeContext, StepReport, chrome

    plain, plain_view = _per_line(text, site)
    view = _learned().for_document()
    assert view.chrome_lines(text, site) == [i for i, flag in enumerate(plain) if flag]
    assert (view.site, view.asked, view.lines) == (plain_view.site, plain_view.asked, plain_view.lines)

    class FlagsOnly:  # a learner that answers a whole text's flags, or line by line
        def __init__(self, flags: bool):
            self.view = _learned().for_document()
            if flags:
                self.chrome_flags = self.view.chrome_flags

        def is_chrome(self, line, site=None):
            return self.view.is_chrome(line, site)

    outs = []
    for learner in (_learned().for_document(), FlagsOnly(True), FlagsOnly(False)):
        report = StepReport("remove_learned_boilerplate")
        out = chrome.remove_learned_boilerplate(text, NormalizeContext(site=site, batch=learner), report)
        outs.append((out, [(r.text, r.reason) for r in report.removed]))
    assert outs[0] == outs[1] == outs[2]
    assert outs[0][0] == "\n".join(line for line, flag in zip(text.split("\n"), plain) if not flag)


def test_chrome_flags_remembered_lines_judged_as_new():
    text = "第9页 / 共5页\n版权所有 2031\n县教育局\n正文\n" + "第1页" * 200
    first, _ = _per_line(text, "site")
    for _ in range(2):  # (the second time every line comes from the remembered judgements)
        view = _learned().for_document()
        assert view.chrome_flags(text, "site") == first
        assert view.decision() == _per_line(text, "site")[1].decision()


def test_chrome_flags_find_learned_chrome():
    text = "第9页 / 共5页\n  版权所有 2031  \n县教育局\n正文"
    flags, _ = _per_line(text, "site")
    assert flags == [True, True, False, False]  # a unit's name is never chrome, however often it recurs
    assert _learned().for_document().chrome_flags(text, "site") == flags


def _plain_may_be_chrome(line: str) -> bool:
    """`may_be_chrome` without its gates: every line asked whether it is a heading, a date, a unit's name."""
    from fangan.lexicon.dates import SIGNATURE_DATE_LINE
    from fangan.lexicon.markers import LINE_MARKER
    from fangan.lexicon.orgs import is_org_line
    from fangan.lexicon.parts import is_document_part

    if not batch.line_shape(line) or LINE_MARKER.match(line.strip()):
        return False
    return not (SIGNATURE_DATE_LINE.match(line.strip()) or is_org_line(line) or is_document_part(line.strip()))


@FAST
@given(TEXTS)
def test_gated_may_be_chrome_is_may_be_chrome(text):
    for line in text.split("\n"):
        assert batch.may_be_chrome(line) == _plain_may_be_chrome(line), line


def test_gated_may_be_chrome_on_real_lines(shared_dir):
    n = 0
    paths = sorted((shared_dir / "corpus" / "dev").glob("*.*")) + sorted((shared_dir / "corpus" / "bulk").glob("*.*"))[:60]
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            if line.strip():
                n += 1
                assert batch.may_be_chrome(line) == _plain_may_be_chrome(line), line
    assert n > 0


# ---- the trie a gate's strings are written as ----

@FAST
@given(st.lists(st.text(alphabet="ab页\n ", min_size=1, max_size=4), max_size=6), st.text(alphabet="ab页\n x", max_size=20))
def test_trie_pattern_finds_what_the_plain_alternation_finds(words, text):
    import re

    from fangan.gates import trie_pattern

    trie = re.compile(trie_pattern({w: "" for w in words}))
    plain = re.compile("|".join(map(re.escape, words))) if words else re.compile("(?!)")
    for pos in range(len(text) + 1):
        a, b = trie.search(text, pos), plain.search(text, pos)
        assert (a and a.start()) == (b and b.start()), (words, text, pos)


@FAST
@given(st.lists(st.text(alphabet="ab页分享作\n ", min_size=1, max_size=4), max_size=6), st.text(alphabet="ab页分享作\n x", max_size=20))
def test_pivot_pattern_finds_what_the_plain_alternation_finds(words, text):
    import re

    from fangan.gates import pivot_pattern

    pivot = re.compile(pivot_pattern({w: "" for w in words}))
    plain = re.compile("|".join(map(re.escape, words))) if words else re.compile("(?!)")
    assert bool(pivot.search(text)) == bool(plain.search(text)), (words, text)
    for line in text.split("\n"):
        assert bool(pivot.search(line)) == bool(plain.search(line)), (words, line)


def test_pivot_pattern_with_an_ending():
    import re

    from fangan.gates import pivot_pattern

    rx = re.compile(pivot_pattern({"关闭窗口": "[^\\S\\n]*$", "版权所有": ""}), re.M)
    assert rx.search("正文\n关闭窗口  \n正文") and rx.search("x版权所有x") and not rx.search("关闭窗口 正文")


def test_suspect_gate_holds_every_suspicious_line(shared_dir):
    from fangan.gates import lines_hit
    from fangan.lexicon import chars

    for path in sorted((shared_dir / "corpus" / "dev").glob("*.*")) + sorted((shared_dir / "corpus" / "bulk").glob("*.*"))[:40]:
        for encoding in ("utf-8", "latin-1"):  # (latin-1: a text full of debris)
            text = path.read_bytes().decode(encoding, errors="replace")
            lines = text.split("\n")
            hit = lines_hit(chars.suspect_gate(), text)
            assert hit == sorted(set(hit))
            assert [i for i in hit if chars.suspicious(lines[i])] == [i for i, ln in enumerate(lines) if chars.suspicious(ln)]


def _fresh(adds: list[tuple[str, str, list[str]]]) -> batch.LearnedBoilerplate:
    stats = batch.BoilerplateStats()
    for doc_id, site, shapes in adds:
        stats.add(doc_id, site, shapes)
    return stats.learned()


@FAST
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["a", "b", ""]),
                          st.lists(st.sampled_from(["s1", "s2", "s3", "s4", "s5", "s6"]), unique=True), st.booleans()),
                max_size=60))
def test_learned_remade_from_the_shapes_counted_since_equals_learned_from_scratch(adds):
    # `learned` remakes a site's chrome from the chrome it had and the shapes counted since it was last asked: asked
    # after any of the documents, it gives what statistics counted from scratch give (a document counted twice is
    # counted once, in both)
    stats = batch.BoilerplateStats()
    done = []
    for n, site, shapes, ask in adds:
        stats.add(str(n), site, shapes)
        done.append((str(n), site, shapes))
        if ask:
            assert stats.learned() == _fresh(done)
    assert stats.learned().sites == _fresh(done).sites


def test_learned_of_counts_restored_from_a_snapshot(tmp_path):
    # a snapshot sets the counts from outside: every site is made from them, then only those counted since
    log = batch.LearnerLog(tmp_path)
    log.append([log.learn_entry(str(i), "site", ["页脚", f"正文{i}"]) for i in range(4)])
    log.save_snapshot(force=True)
    again = batch.LearnerLog(tmp_path)
    assert again.stats.learned().sites == {"site": frozenset({"页脚"})}
    again.append([log.learn_entry(str(i), "site", [f"正文{i}"]) for i in range(4, 9)])
    assert again.stats.learned().sites == {}
