"""The time limit on one document's work (fangan.timelimit): what it stops, and what it leaves alone."""
from __future__ import annotations

import re
import signal
import threading
import time

import pytest

from fangan.timelimit import TimeLimitExceeded, limited, limits_enforced

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timer on this platform")


def test_a_loop_that_never_ends_is_stopped():
    t0 = time.perf_counter()
    with limits_enforced() as enforced:
        assert enforced
        with pytest.raises(TimeLimitExceeded):
            with limited(0.2, enforced):
                while True:
                    pass
    assert 0.19 < time.perf_counter() - t0 < 5


def test_a_pattern_that_backtracks_without_end_is_stopped():
    with limits_enforced() as enforced, pytest.raises(TimeLimitExceeded):
        with limited(0.2, enforced):
            re.match(r"(a+)+$", "a" * 64 + "b")  # 2**64 ways to fail: never ends on its own


def test_an_except_exception_in_the_way_does_not_swallow_it():
    caught = []
    with limits_enforced() as enforced, pytest.raises(TimeLimitExceeded):
        with limited(0.2, enforced):
            while True:
                try:
                    time.sleep(0.01)
                except Exception as e:  # a library's catch-all
                    caught.append(e)
    assert not caught


def test_a_block_that_ends_in_time_leaves_no_alarm_behind_and_the_handler_is_restored():
    before = signal.getsignal(signal.SIGALRM)
    with limits_enforced() as enforced:
        for _ in range(3):
            with limited(0.15, enforced):
                time.sleep(0.05)
        time.sleep(0.3)  # past every limit above: nothing is raised
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    assert signal.getsignal(signal.SIGALRM) is before


def test_a_spent_budget_raises_at_once_and_none_is_no_limit():
    with limits_enforced() as enforced:
        with pytest.raises(TimeLimitExceeded):
            with limited(0, enforced):
                pytest.fail("the block must not run")
        with limited(None, enforced):
            time.sleep(0.05)


def test_the_callers_own_timer_is_left_alone():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with limits_enforced() as enforced:
            assert not enforced
            with limited(0.05, enforced):
                time.sleep(0.1)  # not stopped: this limit is not enforced
        time.sleep(0.4)
        assert fired == [1]  # the caller's alarm still came
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_outside_the_main_thread_no_limit_is_enforced():
    seen = []

    def run():
        with limits_enforced() as enforced:
            seen.append(enforced)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen == [False]
