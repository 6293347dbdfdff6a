"""The litestar application, assembled in one place (STYLE.md: litestar-fullstack habit).

The API is thin: the composition root passes in the ledger and a readiness probe; controllers
translate HTTP to commands and back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Litestar, get
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from domain.application import KycLedger

ReadinessProbe = Callable[[], dict[str, bool]]


def create_app(ledger: KycLedger, readiness: ReadinessProbe) -> Litestar:
    """Build the HTTP app around ``ledger``; ``readiness`` reports each dependency's health."""

    @get("/healthz", operation_id="health", tags=["operations"], summary="Liveness of the process")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @get("/readyz", operation_id="readiness", tags=["operations"], summary="Readiness of every dependency",
         sync_to_thread=True)
    def readyz() -> Response[dict[str, Any]]:
        checks = readiness()
        ready = all(checks.values())
        return Response({"ready": ready, "checks": checks},
                        status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE)

    app = Litestar(route_handlers=[healthz, readyz])
    app.state.ledger = ledger
    return app
