"""Webhook endpoint management for tenants (docs/architecture.md §9; Standard Webhooks; requirements/sessions
``verification.completed``).

Register an endpoint (its ``whsec_`` signing secret is shown in that answer only), rotate the
secret (the previous one keeps signing for 24 h), list, read, disable, list deliveries with every
attempt, and redeliver a message by hand with the same ``webhook-id``. Another tenant's endpoint
answers 404. URLs that resolve to loopback, private, link-local or reserved addresses are refused.
Managed by the tenant's administrators (admin keys); an integration key gets 403
``admin_role_required`` (a session's own ``webhook_url`` stays with the integration key).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import Parameter, QueryParameter

from api.dto import Dto
from api.guards import admin_access
from api.middleware import SECRET_OPT
from api.openapi import body, ok
from api.params import Caller, Deps
from api.schemas.enums import WebhookEventType
from api.services import webhook_admin

EndpointId = Annotated[str, Parameter(pattern=r"^[A-Za-z0-9_\-]{1,64}$", description="endpoint id (whe_...)")]
_ENDPOINT = "whe_0123456789abcdef"
_MESSAGE = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21:9/verification.completed"
_VIEW = {"endpoint_id": _ENDPOINT, "url": "https://example.com/webhooks", "event_types": ["verification.completed"],
         "disabled": False, "created_at": "2026-01-01T12:00:00+00:00", "secret_rotated_until": None}
_DELIVERY = {"message_id": _MESSAGE, "endpoint_id": _ENDPOINT, "event_type": "verification.completed",
             "status": "succeeded", "attempts_made": 1, "next_attempt_at": None,
             "created_at": "2026-01-01T12:00:00+00:00",
             "attempts": [{"attempt": 1, "at": "2026-01-01T12:00:01+00:00", "status_code": 200, "error": None,
                           "outcome": "succeeded", "duration_ms": 35, "next_attempt_at": None}]}


class EndpointCreate(Dto, frozen=True, kw_only=True):
    url: Annotated[str, msgspec.Meta(min_length=8, max_length=2048)]
    event_types: Annotated[list[WebhookEventType], msgspec.Meta(min_length=1, max_length=32)]


class EndpointCreated(Dto, frozen=True, kw_only=True):
    endpoint_id: str
    url: str
    event_types: list[WebhookEventType]
    secret: str


class SecretRotated(Dto, frozen=True, kw_only=True):
    endpoint_id: str
    secret: str
    previous_secret_valid_until: str


class Redelivery(Dto, frozen=True, kw_only=True):
    message_id: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class WebhookController(Controller):
    path = "/v1/webhooks"
    tags = ("webhooks",)
    guards = (admin_access,)

    @post("/", operation_id="registerWebhook", sync_to_thread=True, status_code=201, opt={SECRET_OPT: True},
          summary="Register an endpoint; its whsec_ signing secret is shown in this answer only",
          responses=ok(EndpointCreated, {"endpoint_id": _ENDPOINT, "url": "https://example.com/webhooks",
                                         "event_types": ["verification.completed"],
                                         "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                       status=201, description="Registered"))
    def register(self, deps: Deps, principal: Caller,
                 data: Annotated[EndpointCreate, body({"url": "https://example.com/webhooks",
                                                       "event_types": ["verification.completed"]})],
                 ) -> EndpointCreated:
        endpoint_id, secret = webhook_admin(deps).register(principal.tenant_id, data.url, list(data.event_types))
        view = webhook_admin(deps).endpoint(principal.tenant_id, endpoint_id)
        return EndpointCreated(endpoint_id=endpoint_id, url=view["url"], event_types=view["event_types"],
                               secret=secret)

    @get("/", operation_id="listWebhooks", sync_to_thread=True, summary="The tenant's endpoints (no secrets)",
         responses=ok(dict[str, Any], {"endpoints": [_VIEW]}))
    def list_endpoints(self, deps: Deps, principal: Caller) -> dict[str, Any]:
        return {"endpoints": webhook_admin(deps).endpoints(principal.tenant_id)}

    @get("/{endpoint_id:str}", operation_id="getWebhook", sync_to_thread=True, summary="One endpoint (no secret)",
         responses=ok(dict[str, Any], _VIEW))
    def get_endpoint(self, deps: Deps, principal: Caller, endpoint_id: EndpointId) -> dict[str, Any]:
        return webhook_admin(deps).endpoint(principal.tenant_id, endpoint_id)

    @delete("/{endpoint_id:str}", operation_id="disableWebhook", sync_to_thread=True, status_code=200,
            summary="Disable the endpoint: nothing more is delivered to it (the record stays in the ledger)",
            responses=ok(dict[str, Any], {**_VIEW, "disabled": True}))
    def disable(self, deps: Deps, principal: Caller, endpoint_id: EndpointId) -> dict[str, Any]:
        webhook_admin(deps).disable(principal.tenant_id, endpoint_id, "disabled_by_tenant")
        return webhook_admin(deps).endpoint(principal.tenant_id, endpoint_id)

    @post("/{endpoint_id:str}/rotate-secret", operation_id="rotateWebhookSecret", sync_to_thread=True,
          status_code=200, opt={SECRET_OPT: True},
          summary="A new signing secret, shown once; the previous one keeps signing for 24 h",
          responses=ok(SecretRotated, {"endpoint_id": _ENDPOINT, "secret": "whsec_ZmFrZS1leGFtcGxlLXNlY3JldA==",
                                       "previous_secret_valid_until": "2026-01-02T12:00:00+00:00"}))
    def rotate(self, deps: Deps, principal: Caller, endpoint_id: EndpointId) -> SecretRotated:
        secret, until = webhook_admin(deps).rotate_secret(principal.tenant_id, endpoint_id, deps.clock())
        return SecretRotated(endpoint_id=endpoint_id, secret=secret, previous_secret_valid_until=until.isoformat())

    @get("/{endpoint_id:str}/deliveries", operation_id="listWebhookDeliveries", sync_to_thread=True,
         summary="The endpoint's newest deliveries, each with every attempt",
         responses=ok(dict[str, Any], {"deliveries": [_DELIVERY]}))
    def deliveries(self, deps: Deps, principal: Caller, endpoint_id: EndpointId,
                   limit: Annotated[int, QueryParameter(ge=1, le=200, required=False)] = 50) -> dict[str, Any]:
        return {"deliveries": webhook_admin(deps).deliveries(principal.tenant_id, endpoint_id, limit)}

    @post("/{endpoint_id:str}/redeliver", operation_id="redeliverWebhook", sync_to_thread=True, status_code=202,
          summary="Send a message again now, with the same webhook-id (receivers dedupe on it)",
          responses=ok(dict[str, Any], {**_DELIVERY, "status": "pending"}, status=202, description="Queued"))
    def redeliver(self, deps: Deps, principal: Caller, endpoint_id: EndpointId,
                  data: Annotated[Redelivery, body({"message_id": _MESSAGE})]) -> dict[str, Any]:
        return webhook_admin(deps).redeliver(principal.tenant_id, endpoint_id, data.message_id, deps.clock())
