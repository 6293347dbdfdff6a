"""A process reports its models as not ready while they load and warm, ready after, and not ready
when loading failed (``ops.warmup``): /readyz keeps verifications away from a cold replica."""

from __future__ import annotations

import threading

import pytest

from ml.kya.checker import OfflineKyaChecker
from ops.ml_services import MlServices
from ops.readiness import run_checks
from ops.sandbox import build_sandbox_services
from ops.warmup import ModelWarmup

pytestmark = pytest.mark.unit


@pytest.mark.timeout(30)
def test_models_are_not_ready_until_loaded_and_warm() -> None:
    release = threading.Event()

    def slow_load() -> MlServices:
        release.wait(20)
        return build_sandbox_services(OfflineKyaChecker(None))

    warmup = ModelWarmup(slow_load).start()
    assert not warmup.ready()
    assert run_checks({"models": warmup.ready}) == {"models": False}  # /readyz: warming
    release.set()
    assert warmup.wait(20)
    assert warmup.ready() and run_checks({"models": warmup.ready}) == {"models": True}


@pytest.mark.timeout(30)
def test_a_failed_load_is_reported_not_ready() -> None:
    def broken() -> MlServices:
        raise RuntimeError("weights missing")

    warmup = ModelWarmup(broken).start()
    assert warmup.wait(20)
    assert not warmup.ready() and isinstance(warmup.error, RuntimeError)
