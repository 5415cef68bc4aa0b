"""Where the per-document work runs: in this process, in local worker processes, or on a Dask cluster.

All three expose `map(fn, items)`, yielding results in the order of `items` while keeping a bounded
window of tasks in flight, so the pipeline can write each batch as it completes, memory stays flat
however many items there are, and the output does not depend on how many workers there were.

`map_batches(fn, items)` is the same with `fn` taking a list of items and returning a list of results:
a worker, or this process, runs it on a chunk of items at a time, so `fn` can run each step over the
whole chunk before the next step starts.

`context` is state every task needs (the learned boilerplate): it is sent to each worker once, when
the worker starts (a pool initializer; on Dask, scattered to every worker), and tasks read it with
`context()` — it is never pickled into each task. `fn` must be a module-level function (it is
pickled for workers) and must not raise: it returns either a result or an error value.
"""
from __future__ import annotations

import gc
import os
import threading
import time
from collections import deque
from contextlib import contextmanager
from functools import partial
from itertools import chain, islice
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_CONTEXT: Any = None
# items per task sent to a local worker, at most (one per task cost the main process 0.6 CPU s per 2,400 documents).
# A task runs each stage over its whole chunk (pipeline._tasks), and a stage that runs over more documents in a row
# finds its code and tables in the CPU's caches: one process building the 20 MB benchmark in chunks of 8 spent
# 0.22-0.25 CPU s more than in chunks of 64, and two processes with chunks of 32 instead of 8 spent 0.14 CPU s less
# (median of 9 pairs, each lower) and 0.06 s less wall time. The ramp (RAMP) still starts every map one item at a time
CHUNK = 32
HELD_WEIGHTS = 4  # a weighed map holds chunks of at most this many times the largest chunk's weight (ProcessExecutor)
RAMP = 16  # items: the chunk grows by one every RAMP items submitted (learned chrome reaches the early ones; 19 → 9–11 rebuilds on the 20 MB benchmark)
GC_YOUNG = 50_000  # allocations between young-generation collections while documents are built (see batch_gc)
AUTO_MIN_ITEMS = 16  # with `jobs=None`, fewer items than this run in this process: a pool costs more than it gives


def context() -> Any:
    """The context of the executor this task runs under."""
    return _CONTEXT


_MARK: Any = None  # a local worker's shared byte (see `mark`); None in this process and on Dask
_CLAIMS: Any = None  # a local worker's view of its pool's claims (see `ProcessExecutor._take_back`)


def mark(step: int) -> None:
    """Note which step (0–127) a task is on, where the process that handed it out can read it: when a
    worker dies building one item alone, its `lost` result says at which step (`ProcessExecutor`)."""
    if _MARK is not None:
        _MARK.value = step


def _set_context(value: Any) -> None:
    global _CONTEXT
    _CONTEXT = value


@contextmanager
def batch_gc():
    """The cyclic garbage collector tuned for a batch of documents: each allocates hundreds of thousands
    of short-lived containers (record dicts, row tuples) and keeps none in a cycle, so Python's young
    generation of 700 collected 750 times and ran 6 full passes over the long-lived caches (0.48 CPU s
    of a 20 MB build); at 10,000 it collected 37 times and 3 times the middle generation (0.17 s); at 50,000,
    6 times and only the young one (0.08 s), with the same peak memory (the young objects that live long
    enough to be scanned are few). The previous thresholds come back at the end: the caller's process is
    not left changed."""
    previous = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _init_worker(value: Any, step_mark: Any = None, claims: Any = None) -> None:
    """A local worker's start: drop the parent's output lock, exit when the parent dies (a killed build
    must not leave workers behind), then take the context (and the shared byte `mark` writes to, and the
    chunks' claims)."""
    global _MARK, _CLAIMS
    from .corpus.lock import close_inherited_locks

    _MARK, _CLAIMS = step_mark, claims

    close_inherited_locks()
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="fangan-parent-watch", daemon=True).start()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])  # a worker only builds documents (see batch_gc)
    _set_context(value)


def _map_chunk(fn: Callable, items: list) -> list:
    return [fn(item) for item in items]


def _claimed(fn: Callable, chunk: list, slot: int) -> Optional[list]:
    """A worker's task: run `fn` on the chunk unless the process that handed it out took it back first."""
    if _CLAIMS is not None:
        with _CLAIMS.get_lock():
            if _CLAIMS[slot]:
                return None
            _CLAIMS[slot] = 1
    return fn(chunk)


def _chunk_sizes(chunk: int) -> Iterator[int]:
    """The sizes of the chunks of a map, in order: the first items go one by one (their results, and what
    the learner makes of them, come back soonest), then one more item every RAMP submitted, up to `chunk`."""
    submitted = 0
    while True:
        size = min(chunk, 1 + submitted // RAMP)
        yield size
        submitted += size


def chunked(items: Iterable[T], sizes: Iterable[int], weight: Optional[Callable[[T], int]] = None,
            max_weight: Optional[int] = None) -> Iterator[list[T]]:
    """Consecutive lists of `items`, of the given sizes in turn (the last one may be shorter). With `weight` and
    `max_weight`, a list also ends before the item that would take its weight past `max_weight` (a list holds at
    least one item): chunks of large documents hold fewer of them. The same sizes and weights cut the same
    sequence at the same places, so a map's chunks and the batches made of its results can end together."""
    it = iter(items)
    if weight is None or max_weight is None:
        for size in sizes:
            part = list(islice(it, size))
            if not part:
                return
            yield part
        return
    carry: list[T] = []  # the item that ended the last list, which opens the next one
    for size in sizes:
        part, total = [], 0
        for item in chain(carry, islice(it, size - len(carry))):
            w = weight(item)
            if part and total + w > max_weight:
                carry = [item]
                break
            part.append(item)
            total += w
        else:
            carry = []
        if not part:
            return
        yield part
    if carry:  # (the sizes ran out: the item read ahead is not lost)
        yield carry


def _with_context(fn: Callable, item: Any, ctx: Any):
    """`fn(item)` in the context `ctx`, which comes with the task: a Dask task's scattered context, or a chunk for
    local workers kept from a pass that had another context."""
    _set_context(ctx)
    return fn(item)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class SerialExecutor:
    name = "serial"
    workers = 1

    def __init__(self, context: Any = None, chunk: int = CHUNK):
        _set_context(context)
        self.context = context
        self.chunk = max(1, chunk)
        self._aside: Optional[ProcessExecutor] = None  # made for the first chunk `here` refuses

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def map_batches(self, fn: Callable[[list[T]], list[R]], items: Iterable[T],
                    sizes: Optional[Iterable[int]] = None, lost: Optional[Callable[[T, int], R]] = None,
                    here: Optional[Callable[[list[T]], bool]] = None,
                    note: Optional[Callable[[list[T]], None]] = None,
                    weight: Optional[Callable[[T], int]] = None, max_weight: Optional[int] = None) -> Iterator[R]:
        """`sizes`: the chunks' sizes in order (by default the workers' ramp up to `chunk`); the caller can
        make them the batches it writes, so no item is run before the batch ahead of it is written.
        `weight`, `max_weight`: a chunk also ends before its items' weight would pass `max_weight` (`chunked`).
        (`lost`, `here`, `note`: see `ProcessExecutor.map_batches`.) Every chunk is built in this process
        but one that `here` refuses: that one is built in a worker process made for it (and kept for the
        next such chunk), so that an item that kills a process does not end the map."""
        for chunk in chunked(items, sizes if sizes is not None else _chunk_sizes(self.chunk), weight, max_weight):
            if here is not None and not here(chunk):
                yield from self._build_aside(fn, chunk, lost)
                continue
            yield from _built_here(fn, chunk, note)

    def _build_aside(self, fn, chunk, lost) -> list:
        if self._aside is None:
            self._aside = ProcessExecutor(2, self.context)
        return self._aside.build_aside(fn, chunk, lost)

    def close(self) -> None:
        if self._aside is not None:
            self._aside.close()
        _set_context(None)


class ProcessExecutor:
    """Local processes: the CPU-bound stages (decoding, OpenCC, segmentation) scale with cores.

    `jobs` processes build: `jobs - 1` workers and this process, which also takes what they return.
    It hands the workers their fill of chunks and builds the next chunk itself whenever no result is
    ready in order: a worker on every core left this process, which writes the corpus, to take its share
    of a core from them (three processes on two cores: 1.54× one process by wall time on the 20 MB
    benchmark; this way 1.75–1.83× with the `LocalPool`, 1.60–1.72× on real pages), and what it builds
    itself does not cross a pipe. The workers are a `LocalPool` where the platform allows (no thread in
    this process), else `concurrent.futures.ProcessPoolExecutor`."""

    name = "processes"

    def __init__(self, jobs: int, context: Any = None, window: Optional[int] = None, chunk: int = CHUNK):
        import multiprocessing  # here: importing this module stays cheap (build imports it)

        self.workers = jobs
        self.context = context
        self.window = window or 4 * jobs
        self.chunk = max(1, chunk)
        self.step_mark = multiprocessing.RawValue("b", -1)  # shared with the workers: see `mark`
        # one byte per chunk handed out (a ring, far longer than the chunks ever held): 1 once a worker
        # began it, 2 once this process took it back (`_take_back`); whichever comes first has it
        self.claims = multiprocessing.Array("b", 8 * max(1, self.window // self.chunk) + 64)
        self._slot = 0
        self.pool = self._new_pool()
        _set_context(context)  # for the chunks this process builds

    def _new_pool(self):
        from concurrent.futures import ProcessPoolExecutor

        if _memfd_pool_works():
            return LocalPool(max(1, self.workers - 1), initargs=(self.context, self.step_mark, self.claims))
        pool = ProcessPoolExecutor(max_workers=max(1, self.workers - 1), initializer=_init_worker,
                                   initargs=(self.context, self.step_mark, self.claims))
        _widen_result_pipe(pool)
        return pool

    def map(self, fn, items):
        return self.map_batches(partial(_map_chunk, fn), items)

    def map_batches(self, fn, items, sizes=None, lost: Optional[Callable[[Any, int], Any]] = None,
                    here: Optional[Callable[[list], bool]] = None, note: Optional[Callable[[list], None]] = None,
                    weight: Optional[Callable[[Any], int]] = None, max_weight: Optional[int] = None):
        """`here(chunk)`: whether this process may build the chunk itself (by default any): a chunk it may
        not goes to the workers, so that what could kill a process (a huge document) never kills this one.
        `note(chunk)`: called before this process builds a chunk itself (the pipeline writes down which
        inputs it is building, so that a build after a crash here knows them).
        `lost(item, step)`: the result for an item that killed the worker building it, when it is built
        again alone (`step`: the last `mark` the worker made, -1 if none). A worker that dies (the kernel's
        out-of-memory killer, a crash in a C library) breaks the pool, and every chunk it held fails with
        it: without `lost` that ends the map; with it, the pool is made again and those chunks are built
        again one item at a time, so only the item that kills a worker on its own is lost.
        `weight`, `max_weight`: a chunk also ends before its items' weight would pass `max_weight` (`chunked`),
        and the chunks held weigh at most HELD_WEIGHTS × `max_weight` (inputs of large documents: fewer held)."""
        # items go to the workers `chunk` at a time: one task, one pickle and one wake-up of the
        # pool's threads per chunk instead of per item (`sizes` is for a map run in one process)
        in_flight = max(1, self.window // self.chunk)
        hold = 2 * in_flight  # chunks held at most, built or not: memory stays bounded however slow one is
        chunks = chunked(items, _chunk_sizes(self.chunk), weight, max_weight)
        most = HELD_WEIGHTS * max_weight if weight is not None and max_weight is not None else None
        pending: deque = deque()  # in the order of `items`: [chunk, its future or the results built here, pool, weight]

        def hold_chunk(chunk: list, value, pool) -> None:
            pending.append([chunk, value, pool, sum(map(weight, chunk)) if most is not None else 0])

        def room() -> bool:  # (the weight held is summed when asked: `pending` holds a few dozen chunks at most)
            return len(pending) < hold and (most is None or sum(entry[3] for entry in pending) < most)

        more = True
        while True:
            # the workers' backlog (their chunks not done) topped up to `in_flight` before anything else,
            # so that they do not run dry while this process writes or builds
            backlog = sum(1 for entry in pending if not _done(entry[1]))
            while more and backlog < in_flight and room():
                chunk = next(chunks, None)
                if chunk is None:
                    more = False
                    break
                hold_chunk(chunk, self._submit(fn, chunk, lost), self.pool)
                backlog += 1
            if not pending:
                return
            head = pending[0][1]
            if _done(head):
                yield from self._results(fn, pending.popleft(), lost)
            elif more and room():  # nothing is ready: build the next chunk here
                chunk = next(chunks, None)
                if chunk is None:
                    more = False
                elif here is None or here(chunk):
                    hold_chunk(chunk, _built_here(fn, chunk, note), None)
                else:
                    hold_chunk(chunk, self._submit(fn, chunk, lost), self.pool)
            elif more or not self._take_back(fn, pending, here, note):
                # holding all it may, or no chunk is left that a worker has not begun: wait for the next result
                yield from self._results(fn, pending.popleft(), lost)

    def build_aside(self, fn, chunk: list, lost=None) -> list:
        """The results of one chunk, built by a worker while this process waits (see `SerialExecutor`)."""
        return self._results(fn, [chunk, self._submit(fn, chunk, lost), self.pool], lost)

    def _submit(self, fn, chunk, lost):
        """A future for the chunk, with the claims slot `_take_back` can take it back by."""
        from concurrent.futures.process import BrokenProcessPool

        slot = self._slot = (self._slot + 1) % len(self.claims)
        self.claims[slot] = 0
        try:
            future = self.pool.submit(_claimed, fn, chunk, slot)
        except BrokenProcessPool:
            if lost is None:
                raise
            self._renew(self.pool)
            future = self.pool.submit(_claimed, fn, chunk, slot)
        future.claim_slot = slot
        return future

    def _results(self, fn, entry, lost) -> list:
        """The results of a `pending` entry; a chunk whose worker died is built again, one item at a time."""
        from concurrent.futures.process import BrokenProcessPool

        chunk, value, pool = entry[:3]
        if isinstance(value, list):
            return value
        try:
            results = value.result()
            # (None: the worker found the chunk claimed. Its claims slot is used again only after more chunks
            # than a pool ever holds, so this never happens; if it did, the chunk is built here)
            return results if results is not None else fn(chunk)
        except BrokenProcessPool:
            if lost is None:
                raise
        self._renew(pool)
        results = []
        for item in chunk:
            self.step_mark.value = -1
            try:
                results += self.pool.submit(fn, [item]).result()
            except BrokenProcessPool:
                results.append(lost(item, self.step_mark.value))
                self._renew(self.pool)
        return results

    def _renew(self, broken) -> None:
        """A new pool in place of `broken`, unless it was replaced already. The broken pool's own thread
        fails its futures and ends its workers: cancelling them here as well races with it (CPython 3.11's
        pool then stops half-way, on a future already cancelled)."""
        if broken is self.pool:
            self.pool.shutdown(wait=False)
            self.pool = self._new_pool()

    def _take_back(self, fn, pending: deque, here=None, note=None) -> bool:
        """Build here the last chunk of `pending` that no worker has begun; False when none is left. It is
        claimed in shared memory, not by cancelling its future: CPython 3.11's pool, when a worker dies,
        fails its futures one by one and stops at the first one already cancelled, leaving its other
        workers running."""
        for entry in reversed(pending):
            if isinstance(entry[1], list) or (here is not None and not here(entry[0])):
                continue
            with self.claims.get_lock():
                if self.claims[entry[1].claim_slot]:  # begun: so are the ones before it (a pool runs in order)
                    return False
                self.claims[entry[1].claim_slot] = 2
            entry[1] = _built_here(fn, entry[0], note)
            return True
        return False

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        _set_context(None)


def _built_here(fn: Callable, chunk: list, note: Optional[Callable[[list], None]]) -> list:
    if note is not None:
        note(chunk)
    return fn(chunk)


def _done(entry) -> bool:
    return isinstance(entry, list) or entry.done()


RESULT_PIPE_BYTES = 1 << 20  # Linux's largest pipe an unprivileged process may ask for (/proc/sys/fs/pipe-max-size)


def _widen_result_pipe(pool) -> None:
    """Let a worker send a chunk's results (about 100 KB a document) without waiting for this process.
    The pool's thread reads them only when this process's building lets go of the GIL: through the
    64 KB default pipe the worker was busy 72–83 % of the time and the 20 MB benchmark took 6.7–8.1 s
    with two processes (6.0–6.6 with two workers beside this one); with 1 MB, 90–94 % and 5.8–6.0 s.
    Where the pipe cannot be widened (not Linux, another CPython's pool), it works as before, only slower."""
    try:
        fd = pool._result_queue._writer.fileno()
    except AttributeError:
        return
    _widen_pipe(fd)


def _widen_pipe(fd: int) -> None:
    """Give the pipe of `fd` RESULT_PIPE_BYTES where the system lets it (Linux); elsewhere leave it as it is."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)
    except (AttributeError, ImportError, OSError):  # (no F_SETPIPE_SZ off Linux)
        pass


# ---------------------------------------------------------------- the local pool

_MEMFD_WORKS: Optional[bool] = None


def _memfd_pool_works() -> bool:
    """Whether this platform has what `LocalPool` is made of (Linux: memfd_create, which a kernel before 3.17
    refuses though Python has it, and passing descriptors over a socket). Tried once per process."""
    global _MEMFD_WORKS
    if _MEMFD_WORKS is None:
        import socket

        works = hasattr(os, "memfd_create") and hasattr(socket, "send_fds") and hasattr(socket, "SOCK_SEQPACKET")
        if works:
            try:
                os.close(os.memfd_create("fangan-probe", getattr(os, "MFD_CLOEXEC", 0)))
                a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                a.close()
                b.close()
            except OSError:
                works = False
        _MEMFD_WORKS = works
    return _MEMFD_WORKS


class _Task:
    """A chunk handed to a `LocalPool` worker: `done()` and `result()`, as a `concurrent.futures.Future`'s."""

    __slots__ = ("pool", "worker", "state", "value", "claim_slot")

    def __init__(self, pool: "LocalPool", worker: "_Worker") -> None:
        self.pool, self.worker = pool, worker
        self.state: Optional[str] = None  # "ok" or "error" once its result came back
        self.value: Any = None

    def done(self) -> bool:
        if self.state is None:
            self.pool._poll(self.worker)
        return self.state is not None

    def result(self) -> Any:
        while self.state is None:
            self.pool._wait(self.worker)
        if self.state == "error":
            raise self.value
        return self.value


class _Worker:
    """One worker process, its task pipe (written without blocking: what does not fit waits in `out`) and the
    socket its results come back by."""

    def __init__(self, ctx, initargs: tuple) -> None:
        import select
        import socket

        task_r, task_w = ctx.Pipe(duplex=False)
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        _widen_pipe(task_w.fileno())
        self.proc = ctx.Process(target=_worker_main, args=(task_r, theirs, (task_w, mine), initargs),
                                name="fangan-worker", daemon=True)
        self.proc.start()
        task_r.close()
        theirs.close()
        self.tasks, self.results = task_w, mine
        self.task_fd = task_w.fileno()
        os.set_blocking(self.task_fd, False)
        self.out = bytearray()  # framed tasks the pipe had no room for yet
        self.waiting: deque = deque()  # its tasks without a result, in the order sent (it answers in order)
        # (poll, not select: a descriptor numbered past 1023, in a process with many files open, is fine)
        self.readable = select.poll()
        self.readable.register(self.results, select.POLLIN)

    def flush(self) -> None:
        while self.out:
            try:
                sent = os.write(self.task_fd, self.out)
            except BlockingIOError:
                return
            del self.out[:sent]


def _worker_main(tasks, results, parent_ends: tuple, initargs: tuple) -> None:
    """A `LocalPool` worker: run each task it reads, and hand back each result as a memory file."""
    import pickle

    for end in parent_ends:  # (inherited by the fork: kept open, this process would never see its pipe end)
        end.close()
    _init_worker(*initargs)
    while True:
        try:
            data = tasks.recv_bytes()
        except (EOFError, OSError):
            return
        fn, args = pickle.loads(data)
        del data
        try:
            value = (True, fn(*args))
        except BaseException as e:  # (the pipeline's tasks return their errors; this is for any other caller)
            value = (False, e)
        try:
            data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        except Exception as e:
            data = pickle.dumps((False, RuntimeError(f"an unpicklable result: {e!r}")), pickle.HIGHEST_PROTOCOL)
        del value
        _send_result(results, data)
        del data


def _send_result(sock, data: bytes) -> None:
    import socket

    fd = os.memfd_create("fangan-result", getattr(os, "MFD_CLOEXEC", 0))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        socket.send_fds(sock, [len(data).to_bytes(8, "little")], [fd])
    finally:
        os.close(fd)


def _receive_result(sock) -> Optional[bytes]:
    """The next result a worker sent; None when it is gone (its end of the socket closed)."""
    import socket

    msg, fds, _, _ = socket.recv_fds(sock, 8, 1)
    try:
        if len(msg) < 8 or not fds:
            return None
        size, parts, at = int.from_bytes(msg, "little"), [], 0
        while at < size:
            part = os.pread(fds[0], size - at, at)
            if not part:
                return None
            parts.append(part)
            at += len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        for fd in fds:
            os.close(fd)


class LocalPool:
    """Worker processes fed through pipes, with no thread in this process: `submit(fn, *args)` returns a task
    whose `done()` and `result()` read what the worker sent when asked. A worker hands each result back as a
    memory file (memfd) whose descriptor crosses a socket, so it never waits for this process to read it
    however large it is, and nothing is left behind by a killed build. The interface is the part of
    `concurrent.futures.ProcessPoolExecutor` that `ProcessExecutor` uses, `BrokenProcessPool` included.

    Why not that pool: its two threads (one feeding the tasks, one reading and unpickling the results) took
    0.4 CPU s of the main process, which writes, beside its main thread on the 20 MB benchmark with two
    processes, and its results pipe made a worker wait whenever the reading thread did not get the GIL."""

    def __init__(self, max_workers: int, initargs: tuple = ()) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context()
        self.workers = [_Worker(ctx, initargs) for _ in range(max(1, max_workers))]
        self.broken = False

    def submit(self, fn: Callable, *args) -> _Task:
        import pickle
        from concurrent.futures.process import BrokenProcessPool

        if self.broken:
            raise BrokenProcessPool("a worker process died")
        worker = min(self.workers, key=lambda w: len(w.waiting))
        task = _Task(self, worker)
        data = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        worker.out += len(data).to_bytes(4, "big", signed=True)  # multiprocessing.Connection's frame
        worker.out += data
        worker.waiting.append(task)
        self._flush()
        return task

    def _flush(self) -> None:
        for w in self.workers:
            if w.out:
                try:
                    w.flush()
                except OSError:  # its pipe closed: it is gone
                    self._break()
                    return

    def _receive(self, worker: _Worker) -> None:
        import pickle

        try:
            data = _receive_result(worker.results)
        except OSError:
            data = None
        if data is None:
            self._break()
            return
        ok, value = pickle.loads(data)
        task = worker.waiting.popleft()
        task.state, task.value = ("ok", value) if ok else ("error", value)

    def _poll(self, worker: _Worker) -> None:
        """Take in the results `worker` has sent, without waiting."""
        if self.broken:
            return
        self._flush()
        while worker.waiting and not self.broken and worker.readable.poll(0):
            self._receive(worker)

    def _wait(self, worker: _Worker) -> None:
        """Wait for `worker`'s next result (sending the tasks that wait for room meanwhile)."""
        import select

        if self.broken:
            return
        self._flush()
        waiting = select.poll()
        waiting.register(worker.results, select.POLLIN)
        waiting.register(worker.proc.sentinel, select.POLLIN)
        for w in self.workers:
            if w.out:
                waiting.register(w.task_fd, select.POLLOUT)
        ready = {fd for fd, _ in waiting.poll()}
        if worker.results.fileno() in ready:
            self._receive(worker)
        elif worker.proc.sentinel in ready and not worker.readable.poll(0):
            self._break()

    def _break(self) -> None:
        """A worker died: every task without a result fails with BrokenProcessPool, as in that pool."""
        from concurrent.futures.process import BrokenProcessPool

        self.broken = True
        for w in self.workers:
            while w.waiting:
                task = w.waiting.popleft()
                task.state, task.value = "error", BrokenProcessPool("a worker process died")
            if w.proc.is_alive():
                w.proc.terminate()

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Workers with nothing left to do end when their pipe closes; one still busy is stopped (what it
        was doing has no one left to take it)."""
        for w in self.workers:
            if w.waiting or w.out:
                w.proc.terminate()
            try:
                w.tasks.close()
            except OSError:
                pass
        for w in self.workers:
            w.proc.join(timeout=5 if wait else 0.1)
            if w.proc.is_alive():
                w.proc.terminate()
                w.proc.join(timeout=1)
            w.results.close()
            for task in w.waiting:
                if task.state is None:
                    from concurrent.futures import CancelledError

                    task.state, task.value = "error", CancelledError()
            w.waiting.clear()


class DaskExecutor:
    """A Dask distributed cluster (`--dask tcp://scheduler:8786`), for archives larger than one machine."""

    name = "dask"

    def __init__(self, address: str, context: Any = None, window: int = 64):
        from dask.distributed import Client

        self.client = Client(address)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.context = self.client.scatter(context, broadcast=True) if context is not None else None
        self.window = window

    def map(self, fn, items):
        pending: deque = deque()
        for item in items:
            pending.append(self.client.submit(_with_context, fn, item, self.context, pure=False))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def map_batches(self, fn, items, sizes=None, lost=None, here=None, note=None, weight=None, max_weight=None):
        # one item per task: the scheduler balances a cluster item by item (and retries a task whose
        # worker died, as its own `allowed-failures` setting says; a chunk of one weighs what its item does)
        for results in self.map(fn, ([item] for item in items)):
            yield from results

    def close(self) -> None:
        self.client.close()


def resolve_jobs(jobs: Optional[int], n_items: Optional[int] = None) -> int:
    """`jobs`: None = every core when there are more than a few items, else 1; 0 = every core."""
    if jobs is None:
        return cpu_count() if n_items is None or n_items >= AUTO_MIN_ITEMS else 1
    if jobs <= 0:
        return cpu_count()
    return jobs


def make_executor(jobs: Optional[int] = 1, dask_address: Optional[str] = None, context: Any = None,
                  n_items: Optional[int] = None, window: Optional[int] = None):
    """`window`: tasks in flight; the caller sets it above the batch it writes at once, so that the
    workers keep working while the main process writes a batch."""
    if dask_address:
        return DaskExecutor(dask_address, context, **({"window": window} if window else {}))
    jobs = resolve_jobs(jobs, n_items)
    if jobs > 1:
        return ProcessExecutor(jobs, context, window)
    return SerialExecutor(context)
