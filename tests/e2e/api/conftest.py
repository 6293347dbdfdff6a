"""A platform app on a SQLite ledger with the probe routes, shared by a test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.deps import ApiSettings
from tests.e2e.api.helpers import ApiStack
from tests.e2e.api.probe_routes import ProbeController


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = ApiStack.start(Path(tmp_path_factory.mktemp("api")), extra_handlers=[ProbeController],
                       settings=ApiSettings(rate_limit_per_minute=10_000, rate_limit_per_day=100_000))
    try:
        yield s
    finally:
        s.close()
