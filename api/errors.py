"""Errors as RFC 9457 ``application/problem+json`` carrying the members of requirements/platform §14.

Every error answer has ``type``, ``title``, ``status``, ``detail`` (RFC 9457) plus ``code``,
``message``, ``details`` and ``trace_id`` (requirements/platform §14). There is ONE table from a domain
error's stable ``code`` to an HTTP status (``STATUS_BY_CODE``); a subclass without its own entry
inherits its parent's status by walking the class hierarchy, so a new domain error is never a 500.

An outage is not a bug: any exception the composition root's classifier (``ApiDependencies.
unavailable_dependency``, the drivers' operational errors) names as a dependency outage answers 503
``dependency_unavailable`` with ``Retry-After`` and the dependency in ``details``, from every route
and the platform middleware alike (``outage_problem``), never a 500.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from api.allowed_values import allowed_at
from domain.errors import DomainError

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:kycledger:problem:"

log = logging.getLogger("kycledger.api")

STATUS_BY_CODE: dict[str, int] = {
    # domain/errors.py
    "domain_error": 422,
    "invalid_argument": 422,
    "not_found": 404,
    "conflict": 409,
    "tenant_suspended": 403,
    "api_key_revoked": 401,
    "subject_erased": 410,
    "audit_context_missing": 500,
    # domain/sessions/errors.py (the rest inherit invalid_argument / conflict)
    "illegal_status_transition": 409,
    # domain/ports
    "invalid_image": 422,
    "face_not_found": 422,
    "model_unavailable": 503,
    # domain/retention.py, domain/webhooks.py
    "processing_restricted": 409,
    "webhook_endpoint_disabled": 409,
    "unknown_webhook_event_type": 422,
    # domain/sessions/review.py: the person may not review this case (role, own submission, four eyes)
    "reviewer_not_allowed": 403,
    # domain/integrity
    "merkle_range_invalid": 422,
    "merkle_node_missing": 404,
}

TITLE_BY_STATUS: dict[int, str] = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    409: "Conflict", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error",
    503: "Service Unavailable",
}

DEPENDENCY_UNAVAILABLE = "dependency_unavailable"
DEPENDENCY_NAMES = {"postgresql": "PostgreSQL", "sqlite": "the SQLite ledger", "nats": "NATS"}
# Seconds a client should wait before retrying: a restarted PostgreSQL or NATS answers within a few.
RETRY_AFTER_S = 5

CODE_BY_HTTP_STATUS: dict[int, str] = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """The error body of every non-2xx answer."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    message: str
    details: dict[str, Any]
    trace_id: str


class ApiProblem(Exception):
    """An HTTP-level refusal (authentication, roles, rate limits, idempotency) with a stable code."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None,
                 **details: object) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.details = details


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error: its own code's entry, else its nearest ancestor's."""
    for cls in type(error).__mro__:
        code = getattr(cls, "code", None)
        if isinstance(code, str) and code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    return STATUS_BY_CODE["domain_error"]


def _json_safe(value: object) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    return str(value)


def problem(status: int, code: str, message: str, trace_id: str,
            details: Mapping[str, object] | None = None) -> Problem:
    title = TITLE_BY_STATUS.get(status, "Error")
    return Problem(type=TYPE_PREFIX + code, title=title, status=status, detail=message, code=code,
                   message=message, details=_json_safe(dict(details or {})), trace_id=trace_id)


def problem_bytes(p: Problem) -> bytes:
    return msgspec.json.encode(p)


def trace_id_of(scope: Any) -> str:
    """The request's trace id; requests that matched no route (404/405) get one here."""
    state = scope.setdefault("state", {})
    if not state.get("trace_id"):
        state["trace_id"] = secrets.token_hex(16)
    return str(state["trace_id"])


def _response(p: Problem, headers: Mapping[str, str] | None = None) -> Response[bytes]:
    return Response(problem_bytes(p), status_code=p.status, media_type=PROBLEM_JSON,
                    headers={**dict(headers or {}), "X-Trace-Id": p.trace_id})


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[bytes]:
    status = status_for(exc)
    trace_id = trace_id_of(request.scope)
    if status >= 500:
        log.error("domain error answered %s", status, extra={"trace_id": trace_id, "code": exc.code})
    return _response(problem(status, exc.code, exc.message, trace_id, exc.details))


def handle_api_problem(request: Request[Any, Any, Any], exc: ApiProblem) -> Response[bytes]:
    p = problem(exc.status, exc.code, exc.message, trace_id_of(request.scope), exc.details)
    return _response(p, exc.headers)


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    # litestar's ``extra`` lists {"message", "key", "source"} per field: never the submitted value.
    extra = exc.extra if isinstance(exc.extra, list) else []
    unknown = [e for e in (_unknown_value(request, e) for e in extra) if e is not None]
    if unknown:  # a value outside a closed set: say which ones are valid (requirements/platform §15)
        first = unknown[0]
        p = problem(400, "unknown_value", f"{first['key']} must be one of: {', '.join(first['allowed'])}",
                    trace_id_of(request.scope), {"errors": unknown, "field": first["key"], "allowed": first["allowed"]})
        return _response(p)
    p = problem(400, "validation_error", "the request does not match the schema", trace_id_of(request.scope),
                {"errors": extra})
    return _response(p)


def _unknown_value(request: Request[Any, Any, Any], error: Any) -> dict[str, Any] | None:
    """An enum error of the body as {"key", "source", "message", "allowed"} (the value is not echoed)."""
    if not (isinstance(error, dict) and str(error.get("message", "")).startswith("Invalid enum value")):
        return None
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    key = str(error.get("key") or "")
    allowed = allowed_at(data.annotation, key) if data is not None and key else None
    if allowed is None:
        return None
    return {"key": key, "source": error.get("source"), "message": "not one of the allowed values",
            "allowed": allowed}


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    if status >= 500:
        return handle_unexpected(request, exc)
    code = CODE_BY_HTTP_STATUS.get(status, "http_error")
    message = exc.detail if status < 500 and exc.detail else TITLE_BY_STATUS.get(status, "error")
    return _response(problem(status, code, message, trace_id_of(request.scope)), exc.headers)


def outage_problem(dependency: str, trace_id: str) -> tuple[Problem, dict[str, str]]:
    """The 503 answer (and its ``Retry-After`` header) for an unavailable ``dependency``."""
    name = DEPENDENCY_NAMES.get(dependency, dependency)
    p = problem(503, DEPENDENCY_UNAVAILABLE, f"{name} is unavailable right now; retry after {RETRY_AFTER_S} seconds",
                trace_id, {"dependency": dependency, "retry_after_s": RETRY_AFTER_S})
    return p, {"Retry-After": str(RETRY_AFTER_S)}


def outage_of(app_state: Any, exc: BaseException) -> str | None:
    """The dependency ``exc`` says is down, by the classifier in the app's ``ApiDependencies``."""
    deps = app_state.get("deps") if hasattr(app_state, "get") else None
    classify = getattr(deps, "unavailable_dependency", None)
    if not callable(classify):
        return None
    try:
        found = classify(exc)
    except Exception:  # a classifier bug must not turn an answer into no answer
        log.exception("outage classifier failed")
        return None
    return found if isinstance(found, str) else None


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """An outage of a dependency answers 503 + Retry-After; anything else is a bug: log it with the
    trace id, answer without internals."""
    trace_id = trace_id_of(request.scope)
    dependency = outage_of(request.app.state, exc)
    if dependency is not None:
        log.warning("%s unavailable (%s): answered 503", dependency, type(exc).__name__, extra={"trace_id": trace_id})
        p, headers = outage_problem(dependency, trace_id)
        return _response(p, headers)
    log.error("unhandled %s", type(exc).__name__, exc_info=exc, extra={"trace_id": trace_id})
    return _response(problem(500, "internal_error", "internal error; quote the trace id to support", trace_id))


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    DomainError: handle_domain_error,
    ApiProblem: handle_api_problem,
    ValidationException: handle_validation,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}

PROBLEM_RESPONSE_DESCRIPTION = (
    "RFC 9457 problem+json with code, message, details and trace_id (requirements/platform §14)")
