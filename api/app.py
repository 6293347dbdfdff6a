"""The litestar application, assembled in one place (a litestar-fullstack habit).

The API is thin: the composition root (``ops/api_wiring.py``) passes in ``ApiDependencies``;
controllers listed in ``api/routes.py`` translate HTTP to commands and back. Every ``/v1`` and
``/kyc`` request first passes the platform middleware (HMAC, rate limit, idempotency, audit context).

Handlers get their collaborators by parameter name: ``deps: ApiDependencies`` and
``principal: Principal`` (the authenticated caller), or via ``api.deps.deps_of(request)`` and
``api.guards.principal_of(request)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from litestar import Litestar, Request
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Server

from api.auth import Principal
from api.deps import ApiDependencies
from api.docs_page import DocsController, swagger_dir
from api.errors import EXCEPTION_HANDLERS
from api.guards import principal_of
from api.json_body import DepthLimitedRequest
from api.middleware import PlatformMiddleware
from api.observability import ApiMetrics, ObservabilityMiddleware
from api.openapi import finish_document
from api.query_params import KnownQueryParameters
from api.roles_doc import ROLES_TABLE
from api.routes import ROUTE_HANDLERS
from api.security_headers import add_security_headers

API_TITLE = "kycledger API"
API_VERSION = "1.0.0"
API_DESCRIPTION = (
    "Event-sourced eKYC ledger. Every /v1 and /kyc request is HMAC-signed (X-API-KEY, X-API-TIMESTAMP, "
    "X-API-SIGN; optional X-API-NONCE) as described in api/SIGNING.md; errors are RFC 9457 problem+json "
    "with code, message, details and trace_id; POSTs accept an Idempotency-Key. Body fields and query "
    "parameters an operation does not list are refused (400), and JSON bodies nest at most 32 levels (400 "
    "json_too_deep). Sandbox keys get "
    "simulated results from documented magic inputs (an image whose mean colour is mostly red asks for "
    "fail, mostly blue for uncertain, any other picture for pass; a name containing SANDBOX HIT or "
    "SANDBOX NEAR for a screening hit or near-hit; active liveness frames must still form a recording of "
    "at least 8 frames per second over 1.5-10 s), are never billed and mark every event; a session "
    "belongs to the environment of the key that opened it and is not found by keys of the other one. "
    "Liveness is active by default: a passive (single-photo) pass counts as uncertain unless the tenant's "
    "policy opts in, because one photo cannot prove a live person. "
    "Every verification that reads a document also validates it (data_validation: expiry, check digits, "
    "dates, minimum age), whatever checks says. The person being verified (client token) sees the policy's "
    "message and next step, never a per-check outcome or score, and cannot retry, cancel or leave a case a "
    "reviewer must close (compliance escalations, fraud reviews).\n\n"
    "## Who may do what\n\nEach key has one role; a route refuses other roles with 403 and a code naming the role "
    "it needs (`admin_role_required`, `reviewer_role_required`, ...). Another tenant's ids answer 404.\n\n"
    + ROLES_TABLE
)



def asgi(component: object) -> Any:
    """A plain ASGI middleware or hook as litestar takes it: ours are typed over ``MutableMapping``
    scopes and messages (framework-neutral), litestar's over its TypedDicts: the same dicts at run time."""
    return cast(Any, component)

def _principal(request: Request[Any, Any, Any]) -> Principal:
    return principal_of(request)


def create_app(deps: ApiDependencies, route_handlers: Sequence[Any] = ROUTE_HANDLERS) -> Litestar:
    """Build the HTTP app around ``deps`` serving ``route_handlers`` (default: the registry)."""
    metrics = ApiMetrics()
    known_query = KnownQueryParameters()
    openapi = OpenAPIConfig(
        title=API_TITLE, version=API_VERSION, description=API_DESCRIPTION, servers=[Server(url="/")],
        path="/", use_handler_docstrings=True, render_plugins=[JsonRenderPlugin(path="/openapi.json")],
    )
    if deps.settings.docs_enabled:
        swagger_dir()  # fail at start-up, not on the first visit, when the package is missing
    app = Litestar(
        route_handlers=[*route_handlers, *([DocsController] if deps.settings.docs_enabled else [])],
        openapi_config=openapi,
        exception_handlers=EXCEPTION_HANDLERS,
        guards=[known_query],
        middleware=[DefineMiddleware(asgi(ObservabilityMiddleware), metrics=metrics),
                    DefineMiddleware(asgi(PlatformMiddleware), deps=deps)],
        dependencies={"deps": Provide(lambda: deps, use_cache=True, sync_to_thread=False),
                      "principal": Provide(_principal, sync_to_thread=False)},
        request_max_body_size=deps.settings.max_body_bytes,
        before_send=[asgi(add_security_headers)],
        request_class=DepthLimitedRequest,
        # The process owns logging (api.logs.configure_logging: redacted JSON lines). litestar's default
        # configuration would replace it with plain text at start-up.
        logging_config=None,
        debug=False,
    )
    app.state.deps = deps
    app.state.metrics = metrics
    # Per-check metrics come from the pipeline when it runs in this process (instant verify, mobile,
    # and the embedded ML worker of ``kycledger dev``).
    if deps.services.product is not None:
        deps.services.product.pipeline.check_observers.append(metrics.observe_check)
    # Services holding connections (the live feed, the work queue) close them in the server's loop.
    for service in deps.services.wired():
        closer = getattr(service, "aclose", None)
        if callable(closer):
            app.on_shutdown.append(closer)
    # Generate now, with every route mounted, and complete it before the first request serves it.
    finish_document(app.openapi_schema)
    known_query.learn(app.openapi_schema)
    return app
