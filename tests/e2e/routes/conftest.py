"""One real app per test session for the product routes: SQLite ledger, real models, real NATS.

The pipeline and the ML worker share the app's runtime, so a job queued by ``complete`` is processed
by real adapters and decided by the decision worker while the test polls ``GET /v1/sessions/{id}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.deps import ApiSettings
from api.routes import ROUTE_HANDLERS
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.local_services import LocalNats
from ops.product_wiring import build_pipeline, product_services
from ops.runners.ml_worker import MlWorkerHandle, start_ml_worker
from tests.e2e.api.helpers import ApiStack, SettableClock
from tests.e2e.routes.support import PRODUCT_CONTROLLERS, SANCTIONS


@pytest.fixture(scope="session")
def routes_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiStack, MlWorkerHandle]]:
    # Its own NATS: this worker lives for the whole session and must not take other tests' jobs.
    nats_server = LocalNats(Path(tmp_path_factory.mktemp("routes-nats"))).start()
    nats_url = nats_server.url
    data_dir = Path(tmp_path_factory.mktemp("routes"))
    rt = open_runtime(data_dir=data_dir)
    pipeline = build_pipeline(rt, watchlist_dir=SANCTIONS)
    clock = SettableClock()
    missing = tuple(c for c in PRODUCT_CONTROLLERS if c not in ROUTE_HANDLERS)
    app = build_api(rt, settings=ApiSettings(rate_limit_per_minute=10_000, rate_limit_per_day=100_000),
                    clock=clock, services=product_services(rt, pipeline, nats_url),
                    route_handlers=(*ROUTE_HANDLERS, *missing))
    http = TestClient(app, raise_server_exceptions=False, timeout=120)
    http.__enter__()
    worker = start_ml_worker(rt, nats_url, pipeline=pipeline)
    stack = ApiStack(rt=rt, app=app, http=http, clock=clock)
    try:
        yield stack, worker
    finally:
        worker.stop()
        stack.close()
        nats_server.stop()


@pytest.fixture(scope="session")
def stack(routes_stack: tuple[ApiStack, MlWorkerHandle]) -> ApiStack:
    return routes_stack[0]
