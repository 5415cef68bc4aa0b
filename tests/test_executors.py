"""The executors map in order, in chunks, with the context every worker was given."""
from itertools import islice

import pytest

from fangan.executors import ProcessExecutor, SerialExecutor, context


def tagged(item):  # module level: pickled for the workers
    return (item, context())


def where_built(item):
    import os
    import time

    time.sleep(0.5 if item == 0 else 0.003)  # the first item is slow
    return item, os.getpid(), time.monotonic(), context()


def test_process_executor_keeps_order_across_chunks_and_window():
    # chunks of 3 and a window of 2 items (smaller than a chunk): every item once, in order
    ex = ProcessExecutor(2, context="ctx", window=2, chunk=3)
    try:
        assert list(ex.map(tagged, range(10))) == [(i, "ctx") for i in range(10)]
        assert list(ex.map(tagged, range(300))) == [(i, "ctx") for i in range(300)]  # past the ramp to full chunks
        assert list(ex.map(tagged, [])) == []
    finally:
        ex.close()


def test_process_executor_chunk_of_one_and_serial_agree():
    items = list("方案实施工作")
    ex = ProcessExecutor(2, context=7, chunk=1)
    try:
        parallel = list(ex.map(tagged, items))
    finally:
        ex.close()
    serial = SerialExecutor(7)
    try:
        assert list(serial.map(tagged, items)) == parallel == [(c, 7) for c in items]
    finally:
        serial.close()


def young_threshold(item):
    import gc
    import os
    import time

    time.sleep(0.02)
    return os.getpid(), gc.get_threshold()[0]


def test_batch_gc_tunes_the_collector_for_the_batch_and_gives_it_back():
    import gc

    from fangan.executors import GC_YOUNG, batch_gc

    before = gc.get_threshold()
    with batch_gc():
        assert gc.get_threshold() == (GC_YOUNG, *before[1:])
    assert gc.get_threshold() == before
    with __import__("pytest").raises(KeyError):  # given back when the batch fails too
        with batch_gc():
            raise KeyError("x")
    assert gc.get_threshold() == before


def test_workers_run_with_the_batch_threshold(tmp_path):
    import os

    from fangan.executors import GC_YOUNG
    from fangan.pipeline import build

    ex = ProcessExecutor(2, chunk=1, window=2)  # the worker's first chunks are waited for: it builds some
    try:
        seen = ex.map(young_threshold, range(6))
        assert {t for pid, t in seen if pid != os.getpid()} == {GC_YOUNG}
    finally:
        ex.close()
    # and a build in this process runs with it, leaving the caller's setting as it was
    import gc

    seen = []
    before = gc.get_threshold()
    (tmp_path / "a.txt").write_text("某县2024年工作方案\n一、目标\n完成。\n", encoding="utf-8")
    build([tmp_path / "a.txt"], tmp_path / "out", jobs=1, progress=lambda *a: seen.append(gc.get_threshold()[0]))
    assert seen and set(seen) == {GC_YOUNG}
    assert gc.get_threshold() == before


def doubled_chunk(items):  # module level: pickled for the workers
    return [(i, 2 * i, len(items), context()) for i in items]


def test_map_batches_hands_fn_ramped_chunks_and_keeps_order():
    from fangan.executors import CHUNK, RAMP, _chunk_sizes

    sizes = list(islice(_chunk_sizes(CHUNK), 200))
    assert sizes[:RAMP] == [1] * RAMP and max(sizes) == CHUNK and sizes == sorted(sizes)
    serial = SerialExecutor("s")
    try:
        out = list(serial.map_batches(doubled_chunk, range(300)))
    finally:
        serial.close()
    assert [(i, d, c) for i, d, _, c in out] == [(i, 2 * i, "s") for i in range(300)]
    n = 0  # each item saw the chunk it came in: the ramp's sizes, in order
    for size in _chunk_sizes(CHUNK):
        if n >= 300:
            break
        assert {o[2] for o in out[n:n + size]} == {min(size, 300 - n)}
        n += size
    ex = ProcessExecutor(2, context="p", window=4, chunk=3)
    try:
        assert [(i, d, c) for i, d, _, c in ex.map_batches(doubled_chunk, range(100))] == [(i, 2 * i, "p") for i in range(100)]
        assert list(ex.map_batches(doubled_chunk, [])) == []
    finally:
        ex.close()


def test_serial_map_batches_runs_the_sizes_it_is_given():
    from itertools import accumulate

    from fangan.pipeline import BATCH, IN_PROCESS_CHUNK, _sizes

    serial = SerialExecutor()
    try:
        out = list(serial.map_batches(doubled_chunk, range(50), sizes=iter([4, 8, 16, 32])))
    finally:
        serial.close()
    assert [o[0] for o in out] == list(range(50)) and [o[2] for o in out] == [4] * 4 + [8] * 8 + [16] * 16 + [22] * 22
    # a --jobs 1 build's chunks end where its write batches do: no document is built before the batch
    # ahead of it is written (and what that batch taught the learner published), as one by one
    chunk_ends = set(accumulate(islice(_sizes(IN_PROCESS_CHUNK, first=4), 200)))
    batch_ends = set(accumulate(islice(_sizes(BATCH, first=4), 100)))
    assert {e for e in batch_ends if e <= max(chunk_ends)} <= chunk_ends


def test_this_process_builds_beside_its_workers_in_order_and_bounded():
    """`jobs` processes build: one worker and this process, which builds the next chunk itself when the
    worker has its fill and no result is ready, never holding more than twice the window."""
    import os

    ex = ProcessExecutor(2, context="w", window=2, chunk=1)  # one worker; 2 chunks in flight
    try:
        out = list(ex.map(where_built, range(60)))
    finally:
        ex.close()
    assert [o[0] for o in out] == list(range(60)) and {o[3] for o in out} == {"w"}
    here = {o[0] for o in out if o[1] == os.getpid()}
    assert here and len(here) < 60  # both built
    assert 0 not in here and 1 not in here  # the first chunks go to the worker
    # while the worker was on the slow first item, this process built chunks until it held 2 × 2,
    # then waited for it: only 2 of its own (the 2 futures + 2 results) finished before item 0 did
    first_done = out[0][2]
    assert len([o for o in out if o[0] in here and o[2] < first_done]) == 2


def test_the_results_pipe_is_widened_where_linux_allows():
    """Where the local pool cannot be had (not Linux), ProcessPoolExecutor's results pipe is widened."""
    import fcntl
    import sys
    from concurrent.futures import ProcessPoolExecutor

    from fangan.executors import RESULT_PIPE_BYTES, _widen_result_pipe

    pool = ProcessPoolExecutor(max_workers=1)
    try:
        _widen_result_pipe(pool)
        size = fcntl.fcntl(pool._result_queue._writer.fileno(), fcntl.F_GETPIPE_SZ)
    finally:
        pool.shutdown()
    if not sys.platform.startswith("linux"):
        return
    limit = int(open("/proc/sys/fs/pipe-max-size").read())
    if limit < RESULT_PIPE_BYTES:
        pytest.skip(f"this machine caps pipes at {limit} bytes")
    assert size >= RESULT_PIPE_BYTES


def two_megabytes(chunk):
    return [bytes([i % 256]) * (2 << 20) for i in chunk]


def test_a_worker_never_waits_for_this_process_to_read_its_results():
    """A worker's results (here 2 MB a chunk, twice the largest pipe) wait for this process without holding the
    worker back: it begins every chunk while this process, busy in Python, reads nothing."""
    import time

    from fangan.executors import LocalPool, _memfd_pool_works

    if not _memfd_pool_works():
        pytest.skip("the local pool needs Linux")
    ex = ProcessExecutor(2, chunk=1)
    try:
        assert isinstance(ex.pool, LocalPool)
        tasks = [ex._submit(two_megabytes, [i], None) for i in range(12)]
        deadline = time.monotonic() + 30
        while not all(ex.claims[t.claim_slot] == 1 for t in tasks):  # each chunk claimed: the worker began it
            assert time.monotonic() < deadline, "the worker stopped: it waits for this process to read"
            sum(range(10_000))  # busy, holding the GIL: a pool thread of this process would not read meanwhile
        assert [t.result()[0][:1] for t in tasks] == [bytes([i]) for i in range(12)]
        assert all(len(t.result()[0]) == 2 << 20 for t in tasks)
    finally:
        ex.close()


def test_the_local_pool_works_with_descriptors_numbered_past_1023():
    """select() cannot watch a descriptor numbered 1024 or more; a build inside a process with many files open
    still gets its workers' results (the pool polls)."""
    import os
    import resource

    from fangan.executors import _memfd_pool_works

    if not _memfd_pool_works():
        pytest.skip("the local pool needs Linux")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1200
    if hard != resource.RLIM_INFINITY and hard < want:
        pytest.skip(f"this process may open only {hard} files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    held = []
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        held.append(null)
        while held[-1] < 1100:
            held.append(os.dup(null))
        ex = ProcessExecutor(2, context="x", window=4, chunk=1)
        try:
            assert ex.pool.workers[0].results.fileno() > 1023
            assert list(ex.map(tagged, range(20))) == [(i, "x") for i in range(20)]
        finally:
            ex.close()
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_without_the_local_pool_concurrent_futures_does_the_same(monkeypatch):
    """Where memfd or descriptor passing is missing, ProcessPoolExecutor builds: the same results in order, and a
    worker that dies costs only the item that kills it."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    from fangan import executors

    monkeypatch.setattr(executors, "_MEMFD_WORKS", False)
    ex = ProcessExecutor(2, context=os.getpid(), window=4, chunk=2)
    try:
        assert isinstance(ex.pool, ProcessPoolExecutor)
        out = list(ex.map_batches(lambda_free_chunk, range(12), lost=lambda item, step: ("lost", item, step)))
    finally:
        ex.close()
    assert out == [("lost", 0, 3)] + list(range(1, 12))


def slow_pid(item):
    import os
    import time

    time.sleep(0.02 if os.getpid() != context() else 0.05)  # this process slower: the worker begins item 0
    return item, os.getpid()


def test_this_process_takes_back_the_chunks_no_worker_began_when_the_items_run_out():
    import os

    ex = ProcessExecutor(2, context=os.getpid(), window=10, chunk=1)  # all 10 items go to the worker's queue at once
    try:
        out = list(ex.map(slow_pid, range(10)))
    finally:
        ex.close()
    assert [i for i, _ in out] == list(range(10))
    here = [i for i, pid in out if pid == os.getpid()]
    assert 9 in here and 0 not in here  # taken back from the end; the first one was begun
    assert here == list(range(10 - len(here), 10))  # a run at the end, not a scatter



class InstantPool:
    """A pool whose workers finish each chunk the moment it is handed to them."""

    def __init__(self):
        self.submitted = []

    def submit(self, fn, *args):
        from concurrent.futures import Future

        self.submitted.append(args[1])  # (the executor's task: fn, chunk, claims slot)
        f = Future()
        f.set_result(fn(*args))
        return f

    def shutdown(self, cancel_futures=False):
        pass


def test_results_waiting_for_the_consumer_do_not_count_against_the_workers_queue():
    """The workers' queue is kept at `window` chunks not yet done; finished results the consumer (the
    build's writer, busy writing) has not taken yet do not shorten it, up to twice the window held."""
    ex = ProcessExecutor(2, context="i", window=4, chunk=1)
    ex.pool.shutdown()
    ex.pool = pool = InstantPool()
    try:
        it = ex.map(tagged, range(100))
        assert next(it) == (0, "i") and len(pool.submitted) == 4  # the window
        # 1 to 3 are finished, not taken: beside them, 4 more chunks not done (4 to 7), within the 2 × 4 held
        assert next(it) == (1, "i") and len(pool.submitted) == 8
        assert list(it) == [(i, "i") for i in range(2, 100)]
        assert len(pool.submitted) == 100  # every chunk went to a worker: none was ever waited for
    finally:
        ex.close()


def dies_in_a_worker(item):
    import os
    import time

    from fangan.executors import mark

    time.sleep(0.05 if os.getpid() == context() else 0.02)  # this process slower: the worker begins item 0
    mark(3)
    if item == 0 and os.getpid() != context():
        os._exit(1)  # as the out-of-memory killer would end it
    return item


def test_a_worker_that_dies_costs_only_the_item_that_kills_it():
    """A dead worker breaks the pool and every chunk it held; the pool is made again, those chunks are
    built again one item at a time, and only the item that kills a worker alone gets the `lost` result,
    with the last step it marked."""
    import os

    ex = ProcessExecutor(2, context=os.getpid(), window=4, chunk=2)
    try:
        out = list(ex.map_batches(lambda_free_chunk, range(12), lost=lambda item, step: ("lost", item, step)))
    finally:
        ex.close()
    assert out == [("lost", 0, 3)] + list(range(1, 12))


def test_without_lost_a_dead_worker_ends_the_map():
    import os
    from concurrent.futures.process import BrokenProcessPool

    ex = ProcessExecutor(2, context=os.getpid(), window=4, chunk=2)
    try:
        with pytest.raises(BrokenProcessPool):
            list(ex.map_batches(lambda_free_chunk, range(12)))
    finally:
        ex.close()


def lambda_free_chunk(items):  # module level: pickled for the workers
    return [dies_in_a_worker(i) for i in items]


def pid_after_a_while(item):
    import os
    import time

    time.sleep(0.01)
    return item, os.getpid()


def test_chunks_this_process_may_not_build_go_to_the_workers():
    """`here(chunk)` False: the chunk is handed to a worker, neither built here in a gap nor taken back
    at the end (the build keeps large inputs away from the process that writes)."""
    import os

    ex = ProcessExecutor(2, window=2, chunk=1)
    try:
        out = list(ex.map_batches(lambda_free_pids, range(40), here=lambda chunk: chunk[0] % 5 != 3))
    finally:
        ex.close()
    assert [i for i, _ in out] == list(range(40))
    here = {i for i, pid in out if pid == os.getpid()}
    assert here and not {i for i in here if i % 5 == 3}


def test_note_names_each_chunk_this_process_builds_before_it_builds_it():
    """`note(chunk)` comes before this process builds a chunk (the pipeline writes down what it is building)
    and never for a chunk a worker builds."""
    import os

    for ex in (SerialExecutor(chunk=4), ProcessExecutor(2, window=2, chunk=1)):
        noted = []
        try:
            out = list(ex.map_batches(lambda_free_pids, range(40), note=noted.append))
        finally:
            ex.close()
        here = [i for i, pid in out if pid == os.getpid()]
        assert here and sorted(i for chunk in noted for i in chunk) == here


def pids_with_context(items):  # module level: pickled for the workers
    import os

    return [(i, os.getpid(), context()) for i in items]


def test_a_serial_map_builds_a_chunk_it_may_not_build_in_a_worker_process():
    """`here(chunk)` False in a one-process map: that chunk is built in a worker process made for it (with
    the same context), so that an item that kills a process does not end the map; the others, and the order,
    stay as they were, and the notes name only the chunks built here."""
    import os

    noted = []
    ex = SerialExecutor(context="ctx")
    try:
        out = list(ex.map_batches(pids_with_context, range(20), sizes=[5, 5, 5, 5],
                                  here=lambda chunk: 7 not in chunk and 17 not in chunk, note=noted.append))
    finally:
        ex.close()
    assert [i for i, _, _ in out] == list(range(20)) and {c for _, _, c in out} == {"ctx"}
    aside = {i for i, pid, _ in out if pid != os.getpid()}
    assert aside == {5, 6, 7, 8, 9, 15, 16, 17, 18, 19}
    assert len({pid for i, pid, _ in out if i in aside}) == 1  # one worker, kept for the second chunk
    assert noted == [[0, 1, 2, 3, 4], [10, 11, 12, 13, 14]]


def killing_on_seven(items):  # module level: pickled for the workers
    import os

    if 7 in items:
        os._exit(1)  # as the out-of-memory killer would end it
    return [(i, os.getpid()) for i in items]


def test_a_serial_maps_chunk_that_kills_its_worker_gives_the_lost_result_for_that_item_only():
    ex = SerialExecutor()
    try:
        out = list(ex.map_batches(killing_on_seven, range(10), sizes=[5, 5], here=lambda chunk: 7 not in chunk,
                                  lost=lambda item, step: (item, "lost")))
    finally:
        ex.close()
    assert [i for i, _ in out] == list(range(10))
    assert [i for i, pid in out if pid == "lost"] == [7]


def lambda_free_pids(items):  # module level: pickled for the workers
    return [pid_after_a_while(i) for i in items]


def quick_pid(item):
    import os
    import time

    if os.getpid() != context():  # a worker a little slower than this process: when a map's items run out, some of its
        time.sleep(0.002)  # chunks are not begun yet, so this process takes them back, whatever the machine's speed
    return item, os.getpid()


def test_claims_slots_are_used_again_safely_across_many_maps_with_chunks_taken_back():
    """The claims ring is reused (here every 144 chunks) while chunks taken back at the end of each map are
    still queued for the worker: every map still gets every result, once, in order."""
    import os

    ex = ProcessExecutor(2, context=os.getpid(), window=10, chunk=1)
    try:
        taken_back = 0
        for _ in range(40):  # 400 chunks: the ring goes round almost three times
            out = list(ex.map(quick_pid, range(10)))
            assert [i for i, _ in out] == list(range(10))
            taken_back += sum(1 for _, pid in out if pid == os.getpid())
        assert len(ex.claims) == 144
    finally:
        ex.close()
    assert taken_back  # the case this test is about happened


def test_chunked_ends_a_chunk_before_its_weight_passes_the_cap():
    from itertools import repeat

    from fangan.executors import chunked

    weights = [1, 1, 5, 1, 1, 1, 9, 1]
    # a chunk ends before the item that would pass 4; an item heavier than the cap is a chunk of its own
    assert list(chunked(weights, repeat(4), weight=lambda w: w, max_weight=4)) == [[1, 1], [5], [1, 1, 1], [9], [1]]
    # the counts still apply, in turn, and the item read ahead opens the next chunk: none is lost
    assert list(chunked(weights, iter([1, 2, 4, 8, 8, 8]), lambda w: w, 4)) == [[1], [1], [5], [1, 1, 1], [9], [1]]
    assert list(chunked([3, 3], iter([2]), lambda w: w, 4)) == [[3], [3]]  # (the sizes ran out: the last one kept)
    assert list(chunked(range(5), repeat(2), None, 4)) == [[0, 1], [2, 3], [4]]  # no weight: counts only


def test_process_executor_holds_chunks_of_bounded_weight_and_keeps_order():
    items = [1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2] * 4
    ex = ProcessExecutor(2, context="ctx", window=64, chunk=4)
    try:
        out = list(ex.map_batches(doubled_chunk, items, weight=lambda w: w, max_weight=3))
    finally:
        ex.close()
    assert [o[0] for o in out] == items and [o[1] for o in out] == [2 * i for i in items]
    # every chunk handed out weighed 3 at most (or was one item): its length says how it was cut
    start = 0
    while start < len(out):
        n = out[start][2]
        chunk = items[start:start + n]
        assert n == 1 or sum(chunk) <= 3
        start += n


def _most_held(weighed: bool) -> int:
    """The most chunks handed to the workers and not yet taken back as results, mapping 40 inputs of weight 5."""
    ex = ProcessExecutor(2, context="ctx", window=64, chunk=4)
    submitted, most, taken = [0], 0, 0
    real_submit = ex._submit

    def submit(fn, chunk, lost):
        submitted[0] += 1
        return real_submit(fn, chunk, lost)

    ex._submit = submit
    try:
        kw = {"weight": lambda w: w, "max_weight": 5} if weighed else {}
        pos, next_start = 0, 0
        for o in ex.map_batches(doubled_chunk, [5] * 40, **kw):
            if pos == next_start:  # the first result of a chunk: the chunks before it were all taken
                most = max(most, submitted[0] - taken)
                taken += 1
                next_start += o[2]
            pos += 1
    finally:
        ex.close()
    return most


def test_process_executor_holds_few_heavy_chunks(monkeypatch):
    """Chunks of inputs as heavy as the cap are one item each, and no more than HELD_WEIGHTS of them are held
    (handed out or built, results not yet taken) at a time, where the count alone allows 2 × 16."""
    from fangan import executors

    monkeypatch.setattr(executors, "HELD_WEIGHTS", 3)
    assert 1 <= _most_held(weighed=True) <= 3
    assert _most_held(weighed=False) > 3  # (what the test would see without the weight bound)
