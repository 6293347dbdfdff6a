"""Ports for the audit, erasure and webhook routes, filled by the composition root.

The engines (evidence bundles, the erasure engine with its checkpointer, SSRF-checked webhook
registration; ``services/``) reach the controllers through these Protocols, as the typed fields
``ApiServices.evidence``, ``.erasure`` and ``.webhooks`` (``ops.api_services.platform_services``).
"""

from __future__ import annotations

from api.deps import ApiDependencies
from api.errors import ApiProblem
from api.ports import ErasureService, EvidenceService, WebhookAdmin
from services.search.sessions import SessionSearch

# The names a 503 gives when a deployment does not serve them.
AUDIT_SERVICE = "audit.evidence"
ERASURE_SERVICE = "erasure.engine"
WEBHOOKS_SERVICE = "webhooks.admin"
SEARCH_SERVICE = "sessions.search"


def _unavailable(name: str) -> ApiProblem:
    """A 503 naming what is missing (a wiring gap, not a client error)."""
    return ApiProblem(503, "unavailable", f"this deployment does not serve {name}", service=name)


def evidence(deps: ApiDependencies) -> EvidenceService:
    if deps.services.evidence is None:
        raise _unavailable(AUDIT_SERVICE)
    return deps.services.evidence


def erasure(deps: ApiDependencies) -> ErasureService:
    if deps.services.erasure is None:
        raise _unavailable(ERASURE_SERVICE)
    return deps.services.erasure


def webhook_admin(deps: ApiDependencies) -> WebhookAdmin:
    if deps.services.webhooks is None:
        raise _unavailable(WEBHOOKS_SERVICE)
    return deps.services.webhooks


def session_search(deps: ApiDependencies) -> SessionSearch:
    if deps.services.session_search is None:
        raise _unavailable(SEARCH_SERVICE)
    return deps.services.session_search
