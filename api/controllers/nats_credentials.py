"""The tenant's NATS credential: issue, rotate and describe it (``adapters/nats/ACCOUNTS.md``).

With it a client app subscribes to its own decisions and session status events on NATS
(``kyc.<tenant>.>``) and replays them from its durable consumers; it cannot read or publish any
other tenant's subjects, nor publish into its own streams. The answer that issues or rotates a
credential is the only one that shows its seed (``creds`` holds the ready ``.creds`` file); the
ledger keeps the user's public key only. Rotation: the replaced credential keeps working for
``overlap_seconds`` (0 = it stops at once, open connections included).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import CacheControlHeader

from api.deps import ApiDependencies
from api.dto import Dto
from api.errors import ApiProblem
from api.guards import admin_access
from api.middleware import SECRET_OPT
from api.openapi import body, ok
from api.params import Caller, Deps
from api.ports import NatsCredentialService
from domain.nats_access import MAX_ROTATION_OVERLAP

NATS_CREDENTIALS_SERVICE = "nats.credentials"  # named in the 503 of a deployment without it
MAX_OVERLAP_SECONDS = int(MAX_ROTATION_OVERLAP.total_seconds())

PublicKey = Annotated[str, msgspec.Meta(pattern=r"^U[A-Z2-7]{55}$", description="an nkey user public key you "
                                                                                   "made yourself (nsc, nk): the "
                                                                                   "answer then has no seed")]


def nats_credentials(deps: ApiDependencies) -> NatsCredentialService:
    service = deps.services.nats_credentials
    if service is None:  # a wiring gap, not a client error
        raise ApiProblem(503, "unavailable", "this deployment does not issue NATS credentials",
                         service=NATS_CREDENTIALS_SERVICE)
    return service


class IssueRequest(Dto, frozen=True, kw_only=True):
    public_key: PublicKey | None = None


class RotateRequest(Dto, frozen=True, kw_only=True):
    overlap_seconds: Annotated[int, msgspec.Meta(ge=0, le=MAX_OVERLAP_SECONDS)] = 0
    public_key: PublicKey | None = None


class NatsSubjects(Dto, frozen=True, kw_only=True):
    live: str
    decisions: str
    sessions: str


class NatsStreams(Dto, frozen=True, kw_only=True):
    decisions: str
    sessions: str


class NatsCredential(Dto, frozen=True, kw_only=True):
    tenant_id: str
    user_public_key: str
    user_jwt: str
    user_seed: str | None = None
    creds: str | None = None
    inbox_prefix: str
    subjects: NatsSubjects
    streams: NatsStreams
    durable: str
    previous_key_valid_until: str | None


_TENANT = "ten_0123456789abcdef"
_KEY = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"
_GUIDE = {"tenant_id": _TENANT, "inbox_prefix": f"_INBOX.{_TENANT}",
          "subjects": {"live": f"kyc.{_TENANT}.>", "decisions": f"kyc.{_TENANT}.decisions",
                       "sessions": f"kyc.{_TENANT}.sessions.>"},
          "streams": {"decisions": "KYC_DECISIONS", "sessions": "KYC_SESSIONS"}, "durable": _TENANT}
_ISSUED = {**_GUIDE, "user_public_key": _KEY, "user_jwt": "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln",
           "user_seed": "SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4",
           "creds": "-----BEGIN NATS USER JWT-----\n...", "previous_key_valid_until": None}
_DESCRIBED = {**_GUIDE, "user_public_key": _KEY, "issued_at": "2026-01-01T12:00:00+00:00",
              "updated_at": "2026-01-01T12:00:00+00:00", "previous_key_valid_until": None}


class NatsCredentialController(Controller):
    """``/v1/nats/credentials``: the calling tenant's own NATS credential."""

    path = "/v1/nats/credentials"
    tags = ("nats",)
    guards = (admin_access,)
    cache_control = CacheControlHeader(no_store=True)  # answers carry a seed: never kept by a cache

    @get("/", operation_id="getNatsCredential", sync_to_thread=True,
         summary="The tenant's NATS user: public key, dates, subjects and consumers (never the seed)",
         responses=ok(dict[str, Any], _DESCRIBED))
    def describe(self, deps: Deps, principal: Caller) -> dict[str, Any]:
        """404 ``not_found`` until a credential was issued."""
        return nats_credentials(deps).describe(principal.tenant_id)

    @post("/", operation_id="issueNatsCredential", sync_to_thread=True, status_code=201, opt={SECRET_OPT: True},
          summary="Issue the tenant's NATS credential; its seed is shown in this answer only (409 if one exists)",
          responses=ok(NatsCredential, _ISSUED, status=201, description="Issued"))
    def issue(self, deps: Deps, principal: Caller,
              data: Annotated[IssueRequest, body({})]) -> NatsCredential:
        """Connect with nats-py: ``nats.connect(url, user_credentials=RawCredentials(creds),
        inbox_prefix=inbox_prefix)``; subscribe to ``subjects.live`` (or ``decisions``/``sessions``) and
        replay with ``pull_subscribe(subjects.decisions, durable=durable, stream=streams.decisions)``.
        Anything else, another tenant's subjects above all, is refused by the NATS server. Send
        ``{"public_key": "U..."}`` to keep your own seed: the answer then has no ``user_seed``/``creds``."""
        issued = nats_credentials(deps).issue(principal.tenant_id, data.public_key)
        return msgspec.convert(issued, NatsCredential)

    @post("/rotate", operation_id="rotateNatsCredential", sync_to_thread=True, status_code=200,
          opt={SECRET_OPT: True},
          summary="A new NATS credential, shown once; the previous one stops after overlap_seconds (default 0)",
          responses=ok(NatsCredential, {**_ISSUED, "previous_key_valid_until": "2026-01-01T12:10:00+00:00"}))
    def rotate(self, deps: Deps, principal: Caller,
               data: Annotated[RotateRequest, body({"overlap_seconds": 600})]) -> NatsCredential:
        """The replaced credential is refused once ``overlap_seconds`` (0-604800) have passed, its open
        connections closed; an older one still in an overlap ends now. 404 if none was issued yet."""
        issued = nats_credentials(deps).rotate(principal.tenant_id, data.overlap_seconds, data.public_key)
        return msgspec.convert(issued, NatsCredential)
