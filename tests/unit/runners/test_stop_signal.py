"""``kycledger worker`` stops on SIGTERM whichever thread the kernel hands the signal to.

A process-directed signal goes to any thread that does not block it. Python runs the handler
only in the main thread, when it next executes bytecode: a main thread blocked in
``Event.wait()`` with no timeout never did, and the worker ran on after SIGTERM until killed.
"""

from __future__ import annotations

import signal
import threading
import time

import pytest

from ops.cli.worker import StopSignal

pytestmark = pytest.mark.unit


@pytest.fixture()
def restore_handlers():  # type: ignore[no-untyped-def]
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_sigterm_delivered_to_another_thread_stops_the_wait(restore_handlers: None) -> None:
    stop = StopSignal(poll_s=0.05)
    busy = threading.Thread(target=time.sleep, args=(1.0,), name="follower")
    busy.start()
    assert busy.ident is not None
    signal.pthread_kill(busy.ident, signal.SIGTERM)  # the signal lands on the follower thread
    started = time.monotonic()
    answer = stop.wait()
    assert answer == signal.SIGTERM
    assert time.monotonic() - started < 1.0
    busy.join()


def test_sigint_stops_it_too_and_nothing_stops_it_before_a_signal(restore_handlers: None) -> None:
    stop = StopSignal(poll_s=0.01)
    assert stop.received is None
    signal.raise_signal(signal.SIGINT)
    assert stop.wait() == signal.SIGINT
