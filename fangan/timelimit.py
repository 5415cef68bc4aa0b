"""A time limit on the work of one document, so that an input that never finishes (a pattern that
backtracks without end, a loop a damaged file sends round and round) costs that input, not the build.

The limit is a real-time interval timer (SIGALRM). Its handler raises `TimeLimitExceeded` in the code that
is running: at the next bytecode, and inside `re` matching, which checks for signals as it goes. The
exception is a `BaseException`, like `KeyboardInterrupt`, so that an `except Exception` in a library does
not swallow it; should something swallow it anyway, the timer fires again every `REPEAT` seconds. Code in a
C library that never returns to Python is not interrupted (a crash there is what the dead-worker recovery
covers). Signals reach only the main thread of a process: elsewhere (a Dask worker's threads), and where the
platform has no interval timer, documents are built without a limit.

    with limits_enforced() as enforced:      # once per batch of documents: installs the handler
        with limited(seconds, enforced):     # around a piece of work (2 µs: a generator per use)
            ...
        arm(seconds)                         # the same without the `with`, for a hot loop (0.8 µs a pair;
        try:                                 # the pipeline's steps use this)
            ...
        finally:
            disarm()
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

REPEAT = 1.0  # seconds between further alarms, should the first be swallowed

_armed = False  # a limit is running: an alarm that arrives after its block ended is ignored


class TimeLimitExceeded(BaseException):
    """A document's work ran past its time limit."""


def _on_alarm(signum, frame) -> None:
    if _armed:
        raise TimeLimitExceeded()


def available() -> bool:
    """Whether this thread can enforce a limit."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def limits_enforced() -> Iterator[bool]:
    """Install the alarm handler for the block (and restore the one before it); yields whether `limited`
    blocks inside are enforced. They are not when this thread cannot take signals, nor when a timer of
    the caller's is running (left alone rather than overridden)."""
    if not available() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield False
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        yield True
    finally:
        disarm()
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def limited(seconds: Optional[float], enforced: bool = True) -> Iterator[None]:
    """Raise `TimeLimitExceeded` in the block once it has run `seconds` (None: no limit; 0 or less: the
    budget is spent, raised at once)."""
    if seconds is None or not enforced:
        yield
        return
    arm(seconds)
    try:
        yield
    finally:
        disarm()


def arm(seconds: float) -> None:
    """`limited` without the `with`, for a loop that cannot spare a generator per step (inside
    `limits_enforced`; `disarm` in a `finally`)."""
    if seconds <= 0:
        raise TimeLimitExceeded()
    global _armed
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)


def disarm() -> None:
    global _armed
    signal.setitimer(signal.ITIMER_REAL, 0)
    _armed = False
