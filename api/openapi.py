"""OpenAPI 3.1 document: examples per operation, the HMAC security scheme, problem+json errors.

Controllers describe their success answers with :func:`ok` (schema + example) and request bodies
with :func:`body` (example). :func:`finish_document` then adds, to every operation, the error
answers the platform can give (RFC 9457 problem+json), the HMAC headers as a security requirement
on ``/v1`` and ``/kyc`` operations, and the optional ``Idempotency-Key`` header on their POSTs, so a
client written from the document alone can sign and retry (docs/architecture.md §9).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    Example,
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Parameter,
    Reference,
    Schema,
    SecurityScheme,
)
from litestar.params import Body

from api.errors import PROBLEM_JSON, PROBLEM_RESPONSE_DESCRIPTION, Problem
from api.schemas.enums import ENUM_COMPONENTS

SECURITY: list[dict[str, list[str]]] = [{"ApiKey": [], "ApiTimestamp": [], "ApiSign": []}]
SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    "ApiKey": SecurityScheme(type="apiKey", name="X-API-KEY", security_scheme_in="header",
                             description="public API key id (kyck_...)"),
    "ApiTimestamp": SecurityScheme(type="apiKey", name="X-API-TIMESTAMP", security_scheme_in="header",
                                   description="unix seconds; accepted within +-300 s of the server clock"),
    "ApiSign": SecurityScheme(
        type="apiKey", name="X-API-SIGN", security_scheme_in="header",
        description="hex(hmac_sha256(secret, timestamp + '\\n' + method + '\\n' + path_with_query + '\\n' + "
                    "hex(sha256(body)) [+ '\\n' + X-API-NONCE])); see api/SIGNING.md"),
    "ClientToken": SecurityScheme(
        type="apiKey", name="X-Client-Token", security_scheme_in="header",
        description="session-scoped client token (kct1...) from createSession, for a browser or mobile capture "
                    "page on /client/sessions/{id}: uploads and status of that one session only, no API secret"),
}
CLIENT_TOKEN_SECURITY: list[dict[str, list[str]]] = [{"ClientToken": []}]
CLIENT_PREFIX = "/client/"

PROTECTED_ERRORS = (400, 401, 403, 404, 409, 410, 413, 422, 429, 503)
# The capture page's routes: the client token (401), the session's state and subject (404, 409, 410),
# the body (400, 413, 422) and the per-session rate limit (429) answer as on /v1.
CLIENT_ERRORS = (400, 401, 403, 404, 409, 410, 413, 422, 429, 503)
# A body in another media type than the operation takes, or an image or video that is none of the
# accepted formats (the schema can only say "base64 string").
BODY_ERRORS = (415,)
ALWAYS_ERRORS = (500,)


def ok(data: Any, example: Any, status: int = 200, description: str = "Success") -> dict[int, ResponseSpec]:
    """A response spec with its schema and one example (docs/architecture.md §9: every operation has an example)."""
    return {status: ResponseSpec(data_container=data, description=description, generate_examples=False,
                                 examples=[Example(summary="example", value=example)])}


def text_ok(example: str, media_type: str, description: str = "Success") -> dict[int, ResponseSpec]:
    """A 200 text answer (Prometheus exposition, server-sent events) with one example."""
    return {200: ResponseSpec(data_container=str, description=description, generate_examples=False,
                              media_type=media_type, examples=[Example(summary="example", value=example)])}


def problem_spec(description: str) -> ResponseSpec:
    """An error answer an operation outside ``/v1`` documents itself (RFC 9457 problem+json)."""
    return ResponseSpec(data_container=Problem, description=description, generate_examples=False,
                        media_type=PROBLEM_JSON)


def body(example: Any, description: str | None = None) -> Any:
    """``Body(...)`` parameter metadata carrying one request example."""
    return Body(description=description, examples=[Example(summary="example", value=example)])


def _problem_schema() -> Schema:
    string, integer = Schema(type="string"), Schema(type="integer")  # type: ignore[arg-type]
    return Schema(
        type="object",  # type: ignore[arg-type]
        required=["type", "title", "status", "detail", "code", "message", "details", "trace_id"],
        properties={"type": string, "title": string, "status": integer, "detail": string, "code": string,
                    "message": string, "details": Schema(type="object"),  # type: ignore[arg-type]
                    "trace_id": string},
    )


def _problem_response(status: int) -> OpenAPIResponse:
    example = {"type": "urn:kycledger:problem:not_found", "title": "Not Found", "status": 404,
               "detail": "session not found", "code": "not_found", "message": "session not found",
               "details": {}, "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}
    if status == 503:  # api.errors.outage_problem: a dependency is down; retry after Retry-After
        message = "PostgreSQL is unavailable right now; retry after 5 seconds"
        example = {**example, "type": "urn:kycledger:problem:dependency_unavailable", "title": "Service Unavailable",
                   "status": 503, "detail": message, "code": "dependency_unavailable", "message": message,
                   "details": {"dependency": "postgresql", "retry_after_s": 5}}
    headers: dict[str, OpenAPIHeader | Reference] | None = {"Retry-After": OpenAPIHeader(
        description="seconds to wait before retrying", schema=Schema(type="integer"))} if status == 503 else None  # type: ignore[arg-type]
    return OpenAPIResponse(description=PROBLEM_RESPONSE_DESCRIPTION, headers=headers, content={
        PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"),
                                       example=example if status in (404, 503) else None)})


def _idempotency_header() -> Parameter:
    return Parameter(name="Idempotency-Key", param_in="header", required=False,
                     description="retry-safe POST: same key + same body = same answer; other body = 422; "
                                 "duplicate still running = 409 (1-255 visible ASCII characters)",
                     schema=Schema(type="string", min_length=1, max_length=255,  # type: ignore[arg-type]
                                   pattern="^[!-~]{1,255}$"))


def _strict_structs() -> dict[str, type[msgspec.Struct]]:
    """Every msgspec Struct that refuses unknown fields (``Dto`` and the like), by name."""
    found: dict[str, type[msgspec.Struct]] = {}
    todo: list[type[msgspec.Struct]] = [msgspec.Struct]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls, "__struct_config__", None) is not None and cls.__struct_config__.forbid_unknown_fields:
            found[cls.__name__] = cls
    return found


# JSON Schema constraint -> litestar ``Schema`` attribute.
_CONSTRAINTS = {"minimum": "minimum", "maximum": "maximum", "exclusiveMinimum": "exclusive_minimum",
                "exclusiveMaximum": "exclusive_maximum", "minLength": "min_length", "maxLength": "max_length",
                "pattern": "pattern", "minItems": "min_items", "maxItems": "max_items"}


def _constraints_by_field(structs: dict[str, type[msgspec.Struct]]) -> dict[str, dict[str, dict[str, Any]]]:
    """struct name -> field name -> the constraints msgspec itself enforces (of the non-null member
    for an optional field)."""
    try:
        _, definitions = msgspec.json.schema_components(list(structs.values()))
    except (TypeError, ValueError):  # a struct msgspec cannot describe: leave litestar's schema alone
        return {}
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for name, definition in definitions.items():
        for field, described in definition.get("properties", {}).items():
            members = [m for m in described.get("anyOf", [described]) if m.get("type") != "null"]
            if len(members) == 1:
                found.setdefault(name, {})[field] = {k: v for k, v in members[0].items() if k in _CONSTRAINTS}
    return found


def _restore_constraints(name: str, component: Schema, constraints: dict[str, dict[str, dict[str, Any]]]) -> None:
    # litestar drops a constraint whose value is falsy on optional fields (``gt=0`` on ``float | None``
    # lost its exclusiveMinimum), so the document admitted values the server refuses.
    for field, stated in constraints.get(name.rsplit("_", 1)[-1], {}).items():
        prop = (component.properties or {}).get(field)
        if isinstance(prop, Schema):
            for key, value in stated.items():
                if getattr(prop, _CONSTRAINTS[key]) is None:
                    setattr(prop, _CONSTRAINTS[key], value)


def _enum_components() -> dict[str, Schema]:
    """Every closed set as a named schema (``CheckType``, ``ReasonCode``, ``WebhookEventType``...), each value
    with its meaning, so a client finds them all in ``components`` (requirements/platform §15)."""
    found: dict[str, Schema] = {}
    for name, annotated in ENUM_COMPONENTS.items():
        described = msgspec.json.schema(annotated)
        found[name] = Schema(type="string", enum=described.get("enum"), pattern=described.get("pattern"),  # type: ignore[arg-type]
                             description=described.get("description"), title=name)
    return found


# Lists of a pattern-checked closed set, which litestar renders as bare strings: their items refer to the
# named schema instead (the view's struct, its field, the component).
LIST_ITEMS_OF: tuple[tuple[str, str, str], ...] = (("CheckView", "reasons", "CheckReason"),
                                                   ("MobileDecision", "reasons", "ReasonCode"),
                                                   ("EvidenceCheck", "reasons", "CheckReason"),
                                                   ("PolicyDecision", "reason_codes", "ReasonCode"))


def _refer_list_items(schemas: Mapping[str, Schema | Reference]) -> None:
    for struct, field, component in LIST_ITEMS_OF:
        view = schemas.get(struct)
        prop = (view.properties or {}).get(field) if isinstance(view, Schema) else None
        if isinstance(prop, Schema) and prop.type == "array":
            prop.items = Reference(ref=f"#/components/schemas/{component}")


def finish_document(doc: OpenAPI) -> OpenAPI:
    """Add error answers, security and idempotency headers to every operation of ``doc``.

    Bodies that refuse unknown fields say so (``additionalProperties: false``) and carry every
    constraint msgspec enforces on them, so generated clients and fuzzers do not send what the server
    rejects.
    """
    components = doc.components if isinstance(doc.components, Components) else Components()
    strict = _strict_structs()
    constraints = _constraints_by_field(strict)
    for name, component in (components.schemas or {}).items():
        if isinstance(component, Schema) and name.rsplit("_", 1)[-1] in strict and component.type == "object":
            component.additional_properties = False
            _restore_constraints(name, component, constraints)
    components.schemas = {**(components.schemas or {}), "Problem": _problem_schema(), **_enum_components()}
    _refer_list_items(components.schemas)
    components.security_schemes = {**(components.security_schemes or {}), **SECURITY_SCHEMES}
    doc.components = components
    for path, item in (doc.paths or {}).items():
        protected = path.startswith(("/v1/", "/kyc/"))
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = operation.responses if operation.responses is not None else {}
            errors: tuple[int, ...] = PROTECTED_ERRORS if protected \
                else CLIENT_ERRORS if path.startswith(CLIENT_PREFIX) else ()
            if errors and operation.request_body is not None:
                errors += BODY_ERRORS
            for status in errors + ALWAYS_ERRORS:
                responses[str(status)] = _problem_response(status)
            operation.responses = responses
            if path.startswith(CLIENT_PREFIX):
                operation.security = CLIENT_TOKEN_SECURITY
            if protected:
                operation.security = SECURITY
                if method == "post":
                    operation.parameters = [*(operation.parameters or []), _idempotency_header()]
    return doc
