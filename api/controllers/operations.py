"""Process health and readiness (unauthenticated, no tenant data) and Prometheus metrics.

``/metrics`` answers only a scraper presenting ``Authorization: Bearer <KYC_METRICS_TOKEN>``
(constant-time compared); without a configured token it is not served at all (404). Route labels
carry no ids, but request rates per route and the queue depth still describe the business.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from api.deps import deps_of
from api.dto import Dto
from api.errors import ApiProblem
from api.observability import METRICS_CONTENT_TYPE, ApiMetrics
from api.openapi import ok, problem_spec, text_ok

log = logging.getLogger("kycledger.api")
_METRICS_EXAMPLE = ("# HELP kycledger_http_responses_total HTTP responses by route and status\n"
                    "# TYPE kycledger_http_responses_total counter\n"
                    'kycledger_http_responses_total{method="GET",route="/v1/sessions/{session_id:str}",'
                    'status="200"} 42.0\n'
                    "# HELP kycledger_ml_queue_depth ML jobs queued or in progress (JetStream work queue)\n"
                    "# TYPE kycledger_ml_queue_depth gauge\nkycledger_ml_queue_depth 3.0\n")


class Health(Dto, frozen=True, kw_only=True):
    status: str


class Readiness(Dto, frozen=True, kw_only=True):
    ready: bool
    checks: dict[str, bool]


class OperationsController(Controller):
    path = "/"
    tags = ("operations",)

    @get("/healthz", operation_id="health", summary="Liveness of the process alone (no dependency is checked)",
         responses=ok(Health, {"status": "ok"}))
    async def healthz(self) -> Health:
        return Health(status="ok")

    @get("/readyz", operation_id="readiness", sync_to_thread=True,
         summary="Readiness of each dependency: the ledger's database (postgresql or sqlite) and NATS JetStream "
                 "when this process queues work on it; 503 when one is down (answers within about 2 s)",
         responses={**ok(Readiness, {"ready": True, "checks": {"postgresql": True, "nats": True}}),
                    **ok(Readiness, {"ready": False, "checks": {"postgresql": True, "nats": False}}, status=503)})
    def readyz(self, request: Request[Any, Any, Any]) -> Response[Readiness]:
        checks = deps_of(request).readiness()
        ready = all(checks.values())
        return Response(Readiness(ready=ready, checks=checks),
                        status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE)

    @get("/metrics", operation_id="metrics",
         summary="Prometheus metrics (text exposition format); needs Authorization: Bearer KYC_METRICS_TOKEN",
         media_type=METRICS_CONTENT_TYPE,
         responses={**text_ok(_METRICS_EXAMPLE, METRICS_CONTENT_TYPE),
                    401: problem_spec("Scrape token missing or wrong"),
                    404: problem_spec("Metrics are not served (no KYC_METRICS_TOKEN configured)")})
    async def metrics(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        expected = deps_of(request).settings.metrics_token
        if expected is None:
            raise ApiProblem(404, "not_found", "metrics are not served: set KYC_METRICS_TOKEN to enable them")
        offered = request.headers.get("authorization", "")
        if not hmac.compare_digest(offered.encode(), f"Bearer {expected}".encode()):
            raise ApiProblem(401, "unauthenticated", "metrics need the scrape token",
                             headers={"WWW-Authenticate": 'Bearer realm="kycledger-metrics"'})
        registry: ApiMetrics = request.app.state["metrics"]
        product = deps_of(request).services.product
        queue = product.queue if product is not None else None
        if queue is not None:
            try:  # a scrape must answer even when NATS does not: the gauge keeps its last value then
                registry.queue_depth.set(await asyncio.wait_for(queue.depth(), timeout=2.0))
            except Exception:
                log.warning("ML queue depth unavailable")
        return Response(registry.exposition(), media_type=METRICS_CONTENT_TYPE)
