"""A traced stack for the telemetry tests: an SDK tracer provider exporting to memory, a real app
with the product routes, its own NATS JetStream and an ML worker, and sandbox keys (no models load).

OpenTelemetry allows one global provider per process, so it is installed once per test session; the
"no exporter" behaviour is tested in a fresh interpreter (``test_tracing_off.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from litestar.testing import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.deps import ApiSettings
from api.routes import ROUTE_HANDLERS
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.local_services import LocalNats
from ops.product_wiring import build_pipeline, product_services
from ops.runners.ml_worker import start_ml_worker
from tests.e2e.api.helpers import ApiStack, SettableClock
from tests.e2e.routes.support import PRODUCT_CONTROLLERS


@pytest.fixture(scope="session")
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    current = trace.get_tracer_provider()
    provider = current if isinstance(current, TracerProvider) else TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    if provider is not current:
        trace.set_tracer_provider(provider)
    yield exporter
    exporter.shutdown()  # later tests in the session keep a provider but no longer accumulate spans


@contextmanager
def open_stack(data_dir: Path) -> Iterator[ApiStack]:
    """The app with product routes, its own NATS and an ML worker on one runtime under ``data_dir``."""
    nats_server = LocalNats(data_dir / "nats").start()
    rt = open_runtime(data_dir=data_dir / "ledger")
    pipeline = build_pipeline(rt)
    clock = SettableClock()
    missing = tuple(c for c in PRODUCT_CONTROLLERS if c not in ROUTE_HANDLERS)
    app = build_api(rt, settings=ApiSettings(), clock=clock, services=product_services(rt, pipeline, nats_server.url),
                    route_handlers=(*ROUTE_HANDLERS, *missing))
    http = TestClient(app, raise_server_exceptions=False, timeout=60)
    http.__enter__()
    worker = start_ml_worker(rt, nats_server.url, pipeline=pipeline)
    stack = ApiStack(rt=rt, app=app, http=http, clock=clock)
    try:
        yield stack
    finally:
        worker.stop()
        stack.close()
        nats_server.stop()


@pytest.fixture(scope="module")
def traced_stack(spans: InMemorySpanExporter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    with open_stack(Path(tmp_path_factory.mktemp("telemetry"))) as stack:
        yield stack
