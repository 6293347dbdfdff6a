"""``warm_models`` runs every step of its warm-up on the real models (the posed face is aligned,
measured and embedded without a detection): a change in the face adapters that breaks the warm-up
would otherwise only show as a replica that never becomes ready (docs/targets.md §5)."""

from __future__ import annotations

import pytest

from ops.ml_services import build_ml_services
from ops.warmup import ModelWarmup

pytestmark = pytest.mark.integration


@pytest.mark.timeout(120)
def test_the_real_models_warm_and_report_ready() -> None:
    warmup = ModelWarmup(build_ml_services).start()
    assert warmup.wait(110)
    assert warmup.error is None and warmup.ready()
