"""Where the per-document work runs: in this process, in local worker processes, or on a Dask cluster.

All three expose `map(fn, items)` yielding `(index, result)` pairs as they complete, so the pipeline
writes each document as soon as it is ready and one slow document does not hold up the others.
`fn` must be a module-level function (it is pickled for workers) and must not raise: it returns
either a result or an error value.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Iterator, Optional, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class SerialExecutor:
    name = "serial"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        for i, item in enumerate(items):
            yield i, fn(item)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """Local worker processes: the CPU-bound stages (decoding, OpenCC, segmentation) scale with cores."""

    name = "processes"

    def __init__(self, jobs: int):
        self.pool = ProcessPoolExecutor(max_workers=jobs)

    def map(self, fn, items):
        futures = {self.pool.submit(fn, item): i for i, item in enumerate(items)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()

    def close(self) -> None:
        self.pool.shutdown()


class DaskExecutor:
    """A Dask distributed cluster (`--dask tcp://scheduler:8786`), for archives larger than one machine."""

    name = "dask"

    def __init__(self, address: str):
        from dask.distributed import Client, as_completed as dask_completed

        self.client = Client(address)
        self._as_completed = dask_completed

    def map(self, fn, items):
        futures = self.client.map(fn, list(items), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in self._as_completed(futures):
            yield index[fut.key], fut.result()

    def close(self) -> None:
        self.client.close()


def make_executor(jobs: int = 1, dask_address: Optional[str] = None):
    if dask_address:
        return DaskExecutor(dask_address)
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs > 1:
        return ProcessExecutor(jobs)
    return SerialExecutor()
