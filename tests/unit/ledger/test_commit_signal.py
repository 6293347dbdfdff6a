"""The commit signal never lets a follower sleep through a commit made while it was reading."""

from __future__ import annotations

import threading

import pytest

from adapters.persistence.commit_signal import CommitSignal

pytestmark = pytest.mark.unit


@pytest.mark.timeout(20)
def test_a_commit_made_while_the_follower_read_ends_its_wait_at_once() -> None:
    signal = CommitSignal()
    seen = signal.count  # the follower reads the count, then the log...
    signal.notify()  # ...a save commits meanwhile...
    assert signal.wait_after(seen, timeout=600) == seen + 1  # ...so it does not wait (a sleep hits the timeout)


@pytest.mark.timeout(20)
def test_a_waiting_follower_wakes_on_the_next_commit() -> None:
    signal = CommitSignal()
    seen = signal.count
    woke = threading.Event()

    def follow() -> None:
        signal.wait_after(seen, timeout=600)
        woke.set()

    waiter = threading.Thread(target=follow)
    waiter.start()
    signal.notify()
    waiter.join()
    assert woke.is_set()


def test_without_a_commit_the_wait_ends_at_the_poll_bound() -> None:
    signal = CommitSignal()
    assert signal.wait_after(signal.count, timeout=0.01) == 0


@pytest.mark.timeout(20)
def test_a_stopping_follower_is_woken_without_counting_a_commit() -> None:
    signal, stop = CommitSignal(), threading.Event()
    seen = signal.count
    done: list[int] = []
    waiter = threading.Thread(target=lambda: done.append(signal.wait_after(seen, timeout=600, until=stop)))
    waiter.start()
    stop.set()
    signal.wake()
    waiter.join()
    assert done == [seen]
