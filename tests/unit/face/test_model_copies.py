"""``ml.face.pool.ModelCopies`` and the module calls without a process-wide face lock (docs/targets.md §5).

Copies are handed out one caller at a time: two concurrent borrowers hold distinct copies, a third
waits for one to come back, and calls one after the other keep to the same copy. The pipeline's face
and liveness calls add no lock of their own: two verifications' face work can be inside the models at
the same moment.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest

from ml.face.pool import ModelCopies
from services.verification.modules import ModuleOperations

pytestmark = pytest.mark.unit


def test_concurrent_borrowers_hold_distinct_copies_and_give_them_back() -> None:
    counter = itertools.count()
    copies = ModelCopies(lambda: next(counter), size=2)
    assert copies.size == 2 and copies.copies == [0, 1]
    with copies.borrowed() as first, copies.borrowed() as second:
        assert {first, second} == {0, 1}
    with copies.borrowed() as again:
        assert again in (0, 1)


def test_calls_one_after_the_other_keep_to_one_copy() -> None:
    copies = ModelCopies(object, size=3)
    with copies.borrowed() as first:
        pass
    for _ in range(3):
        with copies.borrowed() as copy:
            assert copy is first  # the warm one: the others wait for concurrent calls


def test_idle_copies_are_lent_without_waiting_and_only_those() -> None:
    copies = ModelCopies(object, size=3)
    with copies.borrowed() as held:
        assert copies.idle == 2
        lent = copies.idle_now(5)  # asks for more than are idle: gets the idle ones, at once
        assert len(lent) == 2 and held not in lent and copies.idle == 0
        assert copies.idle_now(1) == []  # none idle: no wait, nothing lent
        for copy in lent:
            copies.give_back(copy)
        assert copies.idle == 2
    assert copies.idle == 3


def test_a_borrower_waits_while_every_copy_is_out() -> None:
    copies = ModelCopies(object, size=1)
    got: list[object] = []
    with copies.borrowed() as held:
        def borrow() -> None:
            with copies.borrowed() as copy:
                got.append(copy)

        waiter = threading.Thread(target=borrow)
        waiter.start()
        waiter.join(timeout=0.2)
        assert waiter.is_alive() and got == []  # still waiting: the only copy is out
    waiter.join(timeout=10)
    assert got == [held]


class MeetingModels:
    """Face matcher and passive liveness that return only once two calls are inside at the same time."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=10)

    def match(self, probe: bytes, reference: bytes, threshold: float | None = None) -> str:
        self.barrier.wait()
        return "matched"

    def check(self, image: bytes) -> str:
        self.barrier.wait()
        return "checked"


class Operations(ModuleOperations):
    def __init__(self, models: MeetingModels) -> None:
        self.ml: Any = type("Ml", (), {"face_matcher": models, "passive_liveness": models})()

    def services(self, sandbox: bool) -> Any:
        return self.ml


def test_two_verifications_face_work_runs_at_the_same_time() -> None:
    operations = Operations(MeetingModels())
    results: list[object] = []
    calls = [lambda: operations.match_faces(b"selfie", b"portrait", None, False),
             lambda: operations.passive_liveness(b"selfie", False)]
    threads = [threading.Thread(target=lambda c=c: results.append(c())) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    # under one lock the second call could not enter before the first left: the barrier would break
    assert sorted(map(str, results)) == ["checked", "matched"]
