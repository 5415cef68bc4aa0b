"""A chunk of inputs run stage by stage (`pipeline._tasks`) gives each input what it alone would give."""
from pathlib import Path

from fangan.executors import _set_context
from fangan.ingest import SourceItem
from fangan.normalizers.batch import LearnedBoilerplate
from fangan.pipeline import BUILD, LEARN, Options, StageError, _tasks

FIX = Path(__file__).parent / "fixtures"


def _items() -> list[SourceItem]:
    files = sorted((FIX / "extract").glob("*.txt")) + sorted((FIX / "chrome").glob("*"))
    items = [SourceItem(path=str(p), data=p.read_bytes()) for p in files]
    items.insert(2, SourceItem(path="noise.txt", data=bytes(range(256)) * 8))  # fails: not text
    items.insert(3, SourceItem(path="title.txt", data="长宁县2024年健康促进工作方案\n".encode()))  # fails after extraction
    return items


def _plain(result):  # a result with its records as bytes and its times left out (CPU time differs run to run)
    ref, outcome, _times = result
    if isinstance(outcome, StageError):
        return ref, (outcome.stage, outcome.error, outcome.reason)
    built, shapes = outcome
    if built is None:
        return ref, None, shapes
    return ref, built.id, built.record_json, built.index.rows, built.index.fts, built.learned, shapes


def test_a_chunk_gives_each_input_its_own_result_in_order():
    learned = LearnedBoilerplate({"": frozenset()})
    _set_context((Options(), learned, None, True))
    try:
        jobs = [(LEARN if i % 3 == 1 else BUILD, item) for i, item in enumerate(_items())]
        chunked = _tasks(jobs)
        one_by_one = [_tasks([job])[0] for job in jobs]
    finally:
        _set_context(None)
    assert [_plain(r) for r in chunked] == [_plain(r) for r in one_by_one]
    kinds = [type(r[1]).__name__ for r in chunked]
    assert kinds.count("StageError") >= 2 and kinds.count("tuple") >= 8  # failures stay with their input
    assert [r[0].path for r in chunked] == [item.path for _, item in jobs]
    learn = [r for (mode, _), r in zip(jobs, chunked) if mode == LEARN and not isinstance(r[1], StageError)]
    assert learn and all(r[1][0] is None and r[1][1] is not None for r in learn)
    assert all(r[2].cpu for r in chunked)  # each input's stage times are its own
