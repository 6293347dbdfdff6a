"""Test-only routes that exercise the platform pipeline (mounted only by the tests)."""

from __future__ import annotations

import time
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from api.guards import client_access
from api.metering import meter
from api.params import Caller
from domain.audit import current_audit


class ProbeController(Controller):
    path = "/v1/probe"
    tags = ("probe",)
    guards = (client_access,)

    @get("/whoami", operation_id="probeWhoami", sync_to_thread=True)
    def whoami(self, principal: Caller, a: FromQuery[str | None] = None,
               b: FromQuery[str | None] = None) -> dict[str, Any]:
        # ``a`` and ``b``: the query the signing tests sign (unknown query parameters are refused).
        audit = current_audit()  # set by the middleware, carried into this worker thread
        return {"tenant_id": principal.tenant_id, "key_id": principal.key_id, "role": principal.role,
                "sandbox": principal.sandbox, "audit": [audit.tenant_id, audit.actor, audit.request_id]}

    @post("/meter/{module:str}", operation_id="probeMeter", sync_to_thread=True, status_code=200)
    def metered(self, request: Request[Any, Any, Any], module: FromPath[str],
                data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        receipt = meter(request, module)
        return {"module": receipt.module, "billed": receipt.billed, "used": receipt.used, "limit": receipt.limit,
                "echo": data}

    @post("/slow", operation_id="probeSlow", sync_to_thread=True, status_code=200)
    def slow(self, request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        time.sleep(float(data.get("seconds", 0.5)))
        receipt = meter(request, "validate")
        return {"used": receipt.used}

    @post("/crash", operation_id="probeCrash", sync_to_thread=True, status_code=200)
    def crash(self, data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        raise RuntimeError("secret internal detail kycs_leak /etc/passwd")
