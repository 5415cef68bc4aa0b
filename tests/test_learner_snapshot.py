"""The learner's snapshot (DIR/learner.snapshot.json): a build loads it and replays only the log lines after
it; whatever it restores is the state the whole log gives, and a snapshot that does not match the log is
ignored."""
from __future__ import annotations

import json
import random

import pytest

from fangan.normalizers import batch
from fangan.normalizers.batch import LOG_NAME, SNAPSHOT_NAME, LearnerLog


def _entries(rng: random.Random, n_docs: int, start: int = 0) -> list[dict]:
    """Synthetic log lines: each document learned once, built, some rebuilt, some marked unbuilt."""
    out = []
    shapes = [f"s{k:03d}" for k in range(40)]
    for i in range(start, start + n_docs):
        doc, site = f"d{i:05d}", rng.choice(["a.gov.cn", "b.gov.cn", ""])
        mine = sorted(rng.sample(shapes, rng.randint(3, 12)))
        out.append(LearnerLog.learn_entry(doc, site, mine))
        asked = mine[: rng.randint(0, len(mine))]
        out.append(LearnerLog.built_entry(doc, site, asked, asked[:1]))
        if rng.random() < 0.2:
            out.append(LearnerLog.built_entry(doc, site, asked, []))
        if rng.random() < 0.05:
            out.append({"unbuilt": doc})
    return out


def _state(log: LearnerLog) -> tuple:
    s = log.stats
    return (dict(s.site_of), dict(s.docs_per_site), {k: dict(v) for k, v in s.shape_docs.items() if v},
            {k: set(v) for k, v in s.frequent.items() if v}, dict(log.built), s.learned().sites)


def _replayed(root) -> tuple:
    """The state the whole log gives, read without the snapshot (on a copy: loading may compact)."""
    import shutil
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(root / LOG_NAME, Path(tmp) / LOG_NAME)
        return _state(LearnerLog(tmp))


@pytest.fixture
def logged(tmp_path):
    log = LearnerLog(tmp_path)
    log.append(_entries(random.Random(3), 300))
    assert log.save_snapshot()
    log.append(_entries(random.Random(4), 40, start=300))
    return tmp_path


def _reads_from(monkeypatch) -> list[int]:
    starts: list[int] = []
    original = LearnerLog._entries

    def spy(self, start=0):
        starts.append(start)
        return original(self, start)

    monkeypatch.setattr(LearnerLog, "_entries", spy)
    return starts


def test_loading_replays_only_the_lines_after_the_snapshot_and_gives_the_whole_logs_state(logged, monkeypatch):
    expected = _replayed(logged)
    starts = _reads_from(monkeypatch)
    log = LearnerLog(logged)
    snap = json.loads((logged / SNAPSHOT_NAME).read_bytes())
    assert starts == [snap["log_size"]] and snap["log_size"] > 0
    assert _state(log) == expected
    assert log.lines == len((logged / LOG_NAME).read_bytes().splitlines())


def test_appends_after_loading_from_the_snapshot_keep_the_state_whole(logged):
    log = LearnerLog(logged)
    log.append(_entries(random.Random(5), 30, start=340))
    assert _state(log) == _replayed(logged)
    assert _state(LearnerLog(logged)) == _replayed(logged)


def _log_bytes(root) -> bytes:
    return (root / LOG_NAME).read_bytes()


@pytest.mark.parametrize("damage", ["log cut short", "log rewritten, same size", "first line changed",
                                    "snapshot torn", "snapshot of another version", "snapshot not json"])
def test_a_snapshot_that_does_not_match_the_log_is_ignored(logged, monkeypatch, damage):
    log_path, snap_path = logged / LOG_NAME, logged / SNAPSHOT_NAME
    snap = json.loads(snap_path.read_bytes())
    data = _log_bytes(logged)
    if damage == "log cut short":  # a power loss took the end of the log, and the snapshot says more
        log_path.write_bytes(data[: data.rindex(b"\n", 0, snap["log_size"] - 1) + 1])
    elif damage == "log rewritten, same size":  # the lines before the snapshot's end are other lines now
        cut = snap["log_size"]
        swapped = data[:cut].replace(b'"d00299"', b'"x00299"')
        assert swapped != data[:cut]
        log_path.write_bytes(swapped + data[cut:])
    elif damage == "first line changed":
        log_path.write_bytes(data.replace(b'"d00000"', b'"y00000"', 1))
    elif damage == "snapshot torn":
        snap_path.write_bytes(snap_path.read_bytes()[:1000])
    elif damage == "snapshot of another version":
        snap_path.write_bytes(json.dumps({**snap, "version": batch.SNAPSHOT_VERSION + 1}).encode())
    else:
        snap_path.write_bytes(b"\x00garbage")
    expected = _replayed(logged)
    starts = _reads_from(monkeypatch)
    assert _state(LearnerLog(logged)) == expected
    assert starts == [0]


def test_compaction_drops_the_snapshot_and_keeps_the_state(tmp_path):
    log = LearnerLog(tmp_path)
    rng = random.Random(6)
    entries = _entries(rng, 100)
    log.append(entries)
    assert log.save_snapshot(force=True)
    # every document rebuilt three more times: the superseded lines outnumber the live ones
    log.append([LearnerLog.built_entry(e["built"], e["site"], e["asked"], []) for e in entries if "built" in e] * 3)
    expected = _replayed(tmp_path)
    lines_before = len(_log_bytes(tmp_path).splitlines())
    again = LearnerLog(tmp_path)
    assert len(_log_bytes(tmp_path).splitlines()) < lines_before  # compacted
    assert not (tmp_path / SNAPSHOT_NAME).exists()
    assert _state(again) == expected
    assert again.lines == len(_log_bytes(tmp_path).splitlines())
    assert again.save_snapshot(force=True) and _state(LearnerLog(tmp_path)) == expected


def test_a_snapshot_is_written_only_when_enough_was_appended(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "SNAPSHOT_EVERY", 50)
    monkeypatch.setattr(batch, "SNAPSHOT_SHARE", 4)
    log = LearnerLog(tmp_path)
    log.append(_entries(random.Random(7), 10))  # about 20 lines
    assert not log.save_snapshot() and not (tmp_path / SNAPSHOT_NAME).exists()
    log.append(_entries(random.Random(8), 200, start=10))
    assert log.save_snapshot()
    covered = log.lines
    log.append(_entries(random.Random(9), 30, start=210))  # ≥ 50 lines, but under a quarter of those covered
    assert log.lines - covered >= 50 and not log.save_snapshot()
    assert json.loads((tmp_path / SNAPSHOT_NAME).read_bytes())["lines"] == covered
    assert log.save_snapshot(force=True)
    assert json.loads((tmp_path / SNAPSHOT_NAME).read_bytes())["lines"] == log.lines


def test_no_snapshot_of_a_log_whose_last_line_is_torn(tmp_path):
    log = LearnerLog(tmp_path)
    log.append(_entries(random.Random(10), 20))
    with open(tmp_path / LOG_NAME, "ab") as f:
        f.write(b'{"learn": "d9')  # a write that failed half way
    assert not log.save_snapshot(force=True)
    assert not (tmp_path / SNAPSHOT_NAME).exists()


def test_log_lines_are_the_compact_json_of_their_entries(tmp_path):
    entries = [LearnerLog.learn_entry("d1", "卫健委.gov.cn", ["a1", "\u2028x", 'q"\\\t\x01']),
               LearnerLog.built_entry("d1", "", [], []), {"unbuilt": "d1"}]
    LearnerLog(tmp_path).append(entries)
    expected = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries)
    assert (tmp_path / LOG_NAME).read_bytes() == expected.encode("utf-8")


def test_a_log_loaded_and_not_appended_to_gets_no_snapshot(tmp_path):
    # a build that changes nothing writes nothing, even to a corpus whose log has no snapshot yet (an older build's)
    log = LearnerLog(tmp_path)
    log.append(_entries(random.Random(11), 300))
    again = LearnerLog(tmp_path)
    assert again.lines >= batch.SNAPSHOT_EVERY
    assert not again.save_snapshot() and not (tmp_path / SNAPSHOT_NAME).exists()
    again.append(_entries(random.Random(12), 1, start=300))
    assert again.save_snapshot() and (tmp_path / SNAPSHOT_NAME).exists()


def _stale_by_asking_each(log: LearnerLog, learned: batch.LearnedBoilerplate, doc_ids) -> set[str]:
    """`stale` by its definition: every document asked again."""
    out = set()
    for d in doc_ids:
        b = log.built.get(d)
        if b is None or tuple(learned.decision(b[0], b[1])) != b[2]:
            out.add(d)
    return out


@pytest.mark.parametrize("seed", range(12))
def test_stale_asks_only_what_changed_and_answers_as_asking_every_document(tmp_path, seed):
    # `stale` keeps what it found and asks again only the documents whose decision was logged since and those of
    # the sites whose chrome changed, across snapshots too: asked after every step, it answers as its definition
    rng = random.Random(seed)
    log = LearnerLog(tmp_path)
    n = 0
    ids = set()
    for step in range(14):
        entries = _entries(rng, rng.randint(0, 30), start=n)
        n += 40
        if rng.random() < 0.4 and log.built:  # rebuilt with another decision, or marked unbuilt
            doc = rng.choice(sorted(log.built))
            entries.append(rng.choice([{"unbuilt": doc}, LearnerLog.built_entry(doc, log.built[doc][0], ["s001"], [])]))
        log.append(entries)
        ids |= {e["learn"] for e in entries if "learn" in e}
        asked = ids | {"never-built"}
        # the chrome the statistics give now, or other chrome a site may be asked about (a build's first pass)
        learned = log.stats.learned() if rng.random() < 0.6 else batch.LearnedBoilerplate(
            {site: frozenset(rng.sample([f"s{k:03d}" for k in range(40)], 6)) for site in ("a.gov.cn", "")})
        assert log.stale(learned, asked) == _stale_by_asking_each(log, learned, asked)
        if rng.random() < 0.3:
            log.save_snapshot(force=True)
            log = LearnerLog(tmp_path)  # restored with what stale found
            learned = log.stats.learned()
            assert log.stale(learned, asked) == _stale_by_asking_each(log, learned, asked)


def test_the_snapshot_keeps_the_learned_chrome_and_what_stale_found(tmp_path, monkeypatch):
    log = LearnerLog(tmp_path)
    log.append([LearnerLog.learn_entry(f"d{i}", "a", ["页脚", f"正文{i}"]) for i in range(10)] +
               [LearnerLog.built_entry(f"d{i}", "a", ["页脚"], ["页脚"] if i % 3 else []) for i in range(10)])
    learned = log.stats.learned()
    found = log.stale(learned, set(log.built))
    assert found == {"d0", "d3", "d6", "d9"}
    log.save_snapshot(force=True)
    remade = []
    monkeypatch.setattr(batch.LearnedBoilerplate, "decision", lambda self, *a: remade.append(a) or [])
    again = LearnerLog(tmp_path)
    again.stats.frequent.clear()  # (learned made again from the counts would find no chrome now)
    assert learned.sites and again.stats.learned() == learned  # the chrome restored, not made again …
    assert again.stale(learned, set(log.built)) == found and remade == []  # … nor a document asked again
