"""The world the OpenAPI fuzz test runs against, and how it sends a schemathesis case there.

A real app on a SQLite ledger with the product services, a real NATS JetStream work queue, one
tenant with a key of every role (the client key a sandbox key, so ML routes run the sandbox adapters
of ``ops/sandbox.py`` instead of real models on random bytes), two real sessions with captures, a
webhook endpoint, and a second tenant whose ids the operator routes may suspend, rotate and revoke.

Nothing here is specific to one route: ``choose_key`` finds the key whose role an operation admits by
asking the app itself (role guards answer ``403 forbidden`` before anything else runs), and real ids
are substituted by parameter name, so routes added later are fuzzed with the right key and real ids.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from litestar.testing import TestClient
from schemathesis.core.parameters import ParameterLocation

from api.client import signed_headers
from api.deps import ApiSettings
from domain.application import IssuedKey
from domain.audit import PLATFORM_TENANT, audit_context
from domain.tenancy import KeyRole
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.product_wiring import build_pipeline, product_services
from tests.e2e.api.helpers import ApiStack, SettableClock
from tests.e2e.audit.support import SELFIE, decide_captured

BASE_URL = "http://testserver"
CLIENT_TOKEN_HEADER = "X-Client-Token"
ROLE_ORDER = ("client", "auditor", "operator")  # tried first; any other role of KeyRole after them


@dataclass
class FuzzWorld:
    stack: ApiStack
    keys: dict[str, IssuedKey]  # role -> key of the fuzzed tenant
    path_values: dict[str, list[str]]  # path parameter name -> real values
    body_values: dict[str, list[str]]  # top-level body field name -> real values
    client_tokens: dict[str, str] = field(default_factory=dict)  # session id -> its client token

    def close(self) -> None:
        self.stack.close()


def _admin_key(stack: ApiStack, tenant_id: str, role: str, sandbox: bool) -> IssuedKey | None:
    """A key of ``role`` for the fuzzed tenant: the integration key, a named person's key for a person's
    role, or a platform operator's key (README "Who may do what")."""
    ledger = stack.rt.ledger
    with audit_context(PLATFORM_TENANT, "operator:fuzz", "fuzz-setup"):
        if role == "client":
            return ledger.create_api_key(tenant_id, role, sandbox)
        if role == "operator":
            return ledger.create_operator("Fuzz Operator")
        member = ledger.add_member(tenant_id, f"Fuzz {role.title()}", [role])
        return ledger.issue_member_key(tenant_id, member.member_id, role, False)


def open_world(data_dir: Path, nats_url: str) -> FuzzWorld:
    rt = open_runtime(data_dir=data_dir)
    clock = SettableClock()
    settings = ApiSettings(rate_limit_per_minute=10_000_000, rate_limit_per_day=100_000_000,
                           client_rate_limit_per_minute=10_000_000)
    app = build_api(rt, settings=settings, clock=clock, services=product_services(
        rt, build_pipeline(rt), nats_url, allow_private_webhooks=True))
    http = TestClient(app, raise_server_exceptions=False)
    http.__enter__()
    stack = ApiStack(rt=rt, app=app, http=http, clock=clock)
    with audit_context(PLATFORM_TENANT, "operator:fuzz", "fuzz-setup"):
        tenant = rt.ledger.create_tenant("Fuzzed Tenant", "enterprise")
        victim = rt.ledger.create_tenant("Tenant the operator routes may change", "pro")
    roles = [*ROLE_ORDER, *(r.value for r in KeyRole if r.value not in ROLE_ORDER)]
    keys = {role: key for role in roles
            if (key := _admin_key(stack, tenant.tenant_id, role, sandbox=role == "client")) is not None}
    world = FuzzWorld(stack, keys, {"tenant_id": [victim.tenant_id], "key_id": [victim.key_id]}, {})
    sessions = [_captured_session(world, ["ocr", "face_match", "liveness"]),
                _captured_session(world, ["face_match", "liveness"])]
    decide_captured(stack, tenant.tenant_id, sessions[1])  # one pending, one decided
    views = [world_get(world, f"/v1/sessions/{sid}") for sid in sessions]
    world.path_values.update(session_id=sessions, subject_id=[v["subject_id"] for v in views],
                             scan_id=[f"{sid}.1" for sid in sessions], job_id=sessions,
                             endpoint_id=[_webhook_endpoint(world)])
    world.body_values.update(sessionId=sessions, session_id=sessions)
    return world


def _captured_session(world: FuzzWorld, checks: list[str]) -> str:
    created = world_post(world, "/v1/sessions", {"checks": checks}, status=201)
    sid: str = created["id"]
    world.client_tokens[sid] = created["client_token"]
    image = base64.b64encode(SELFIE.read_bytes()).decode()
    for kind in ("document_front", "selfie"):
        world_post(world, f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": image}, status=201)
    return sid


def _webhook_endpoint(world: FuzzWorld) -> str:
    endpoint = {"url": "http://127.0.0.1:9/hooks", "event_types": ["verification.completed"]}
    created = world_post(world, "/v1/webhooks", endpoint, status=201, role="admin")  # webhooks are the admin's
    return str(created["endpoint_id"])


def world_get(world: FuzzWorld, path: str) -> Any:
    answer = world.stack.client(world.keys["client"]).get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def world_post(world: FuzzWorld, path: str, body: Any, status: int, role: str = "client") -> Any:
    answer = world.stack.client(world.keys[role]).post(path, body)
    assert answer.status_code == status, answer.text
    return answer.json()


# --- sending ---------------------------------------------------------------------------------------


def _as_text(value: Any) -> str | bytes:
    """A generated form value as a form carries it: bytes and text as they are, the rest as JSON."""
    return value if isinstance(value, str | bytes) else json.dumps(value)


def _parts(files: Any) -> Any:
    """Multipart parts with every value encodable (schemathesis generates numbers, lists, null...)."""
    if not files:
        return None
    return [(str(name), (part[0], _as_text(part[1]), *part[2:])) if isinstance(part, tuple)
            else (str(name), _as_text(part)) for name, part in files]


def build_request(kwargs: dict[str, Any]) -> httpx.Request:
    """An httpx request from schemathesis' transport arguments: JSON, form, multipart or raw bytes."""
    data = kwargs.get("data")
    raw = data if isinstance(data, bytes | str) else None
    form = {str(k): _as_text(v) for k, v in data.items()} if isinstance(data, dict) else None
    headers = {str(k): v if str(v).isascii() else str(v).encode() for k, v in (kwargs.get("headers") or {}).items()}
    return httpx.Request(str(kwargs["method"]).upper(), str(kwargs["url"]), params=kwargs.get("params") or None,
                         headers=headers, json=kwargs.get("json"), files=_parts(kwargs.get("files")),
                         data=form, content=raw)


def send(world: FuzzWorld, request: httpx.Request, key: IssuedKey | None) -> httpx.Response:
    """Send ``request`` to the app, HMAC-signed with ``key`` over the exact path and body bytes."""
    body = request.read()
    path = request.url.raw_path.decode("ascii")
    headers = dict(request.headers.raw)
    if key is not None:
        signed = signed_headers(key.key_id, key.secret.reveal(), request.method, path, body,
                                timestamp=int(world.stack.clock.unix()), nonce=secrets.token_hex(8))
        headers.update({k.encode(): v.encode() for k, v in signed.items()})
    headers.pop(b"Content-Length", None)
    return world.stack.http.request(request.method, path, content=body, headers=headers)


def probe_path(path_template: str, world: FuzzWorld) -> str:
    path = path_template
    for name in [p.split("}")[0] for p in path_template.split("{")[1:]]:
        value = world.path_values.get(name, ["0"])[0]
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def choose_key(world: FuzzWorld, method: str, path_template: str) -> IssuedKey | None:
    """The first key (client, auditor, operator, then any other role) the operation's guard admits;
    None when none does."""
    path = probe_path(path_template, world)
    for key in world.keys.values():
        answer = send(world, httpx.Request(method.upper(), BASE_URL + path), key)
        refused = answer.status_code == 403 and answer.headers.get("content-type", "").startswith(
            "application/problem+json") and answer.json().get("code") == "forbidden"
        if not refused:
            return key
    return None


def _negative(case: Any, location: ParameterLocation) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.is_negative_at(location)


def substitute(case: Any, world: FuzzWorld, pick: int) -> str | None:
    """Put real ids where the case has parameters of those names (never into a component the case
    made invalid on purpose); the client token of the session chosen, if any."""
    session = None
    for name in [] if _negative(case, ParameterLocation.PATH) else list(case.path_parameters or {}):
        values = world.path_values.get(name)
        if values:
            case.path_parameters[name] = values[pick % len(values)]
            if name == "session_id":
                session = case.path_parameters[name]
    if isinstance(case.body, dict) and not _negative(case, ParameterLocation.BODY):
        for name, values in world.body_values.items():
            if name in case.body:
                case.body[name] = values[pick % len(values)]
    return world.client_tokens.get(session) if session else None


def streams(responses: dict[str, Any]) -> bool:
    """Whether the operation's success answer is an event stream (it stays open: never given real ids)."""
    return any("text/event-stream" in (answer.get("content") or {}) for status, answer in responses.items()
               if status.startswith("2"))


def security_of(operation: dict[str, Any]) -> Sequence[str]:
    return [name for requirement in operation.get("security", []) for name in requirement]
