"""Composition root of the HTTP API: ``ApiDependencies`` from a ``LedgerRuntime``.

The stores live on the ledger's own backend: a SQLite file ``http_state.db`` in the data dir, or
``http_*`` tables in the PostgreSQL database; the in-memory ledger gets in-memory stores. Ledger
proofs read the Merkle log and checkpoints the checkpointer writes (``ops.integrity_wiring``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from adapters.http_state.memory_state import InMemoryHttpState
from adapters.http_state.postgres_state import PostgresHttpState
from adapters.http_state.sqlite_state import SQLiteHttpState
from adapters.media import MsgpackLivenessFramesCodec, OpenCvVideoSampler, PillowImageSanitizer
from adapters.outages import unavailable_dependency
from api.app import create_app
from api.deps import ApiDependencies, ApiSettings, Clock, ReadinessProbe, system_clock
from api.ports import ApiServices, MediaServices, PublishedCheckpointKey
from api.proofs import MerkleLedgerProofs
from api.routes import ROUTE_HANDLERS
from domain.integrity.signatures import SigningKeyError
from domain.people.console_commands import ConsoleAccounts
from ops.bootstrap import LedgerRuntime
from ops.integrity_wiring import (
    KEY_NAME,
    checkpoint_notes,
    configured_public_key,
    integrity_stores,
    ledger_origin,
    trusted_public_key,
)
from ops.readiness import readiness_probe
from ops.runners.relays import open_session_index
from ops.settings import Settings
from services.search.sessions import SessionSearch


def api_settings_from_env(env: Mapping[str, str] | None = None) -> ApiSettings:
    """``KYC_RATE_LIMIT_PER_MINUTE``, ``KYC_RATE_LIMIT_PER_DAY``, ``KYC_CLIENT_RATE_LIMIT_PER_MINUTE``,
    ``KYC_MAX_BODY_BYTES``, ``KYC_API_DOCS`` (off unless 1), ``KYC_METRICS_TOKEN`` / ``KYC_METRICS_TOKEN_FILE``,
    ``KYC_INSTANT_TIMEOUT_S`` (checked against the grace period by ``Settings``)."""
    e = os.environ if env is None else env
    defaults = ApiSettings()

    def number(name: str, default: int) -> int:
        raw = e.get(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
        if value < 1:
            raise ValueError(f"{name} must be positive, got {value}")
        return value

    return ApiSettings(
        rate_limit_per_minute=number("KYC_RATE_LIMIT_PER_MINUTE", defaults.rate_limit_per_minute),
        rate_limit_per_day=number("KYC_RATE_LIMIT_PER_DAY", defaults.rate_limit_per_day),
        client_rate_limit_per_minute=number("KYC_CLIENT_RATE_LIMIT_PER_MINUTE",
                                            defaults.client_rate_limit_per_minute),
        max_body_bytes=number("KYC_MAX_BODY_BYTES", defaults.max_body_bytes),
        docs_enabled=e.get("KYC_API_DOCS", "0").lower() in ("1", "true", "yes"),
        metrics_token=metrics_token(e),
        instant_timeout_s=Settings.from_env(dict(e)).instant_timeout_s,
    )


def metrics_token(env: Mapping[str, str]) -> str | None:
    """``KYC_METRICS_TOKEN`` or the first line of ``KYC_METRICS_TOKEN_FILE``; at least 32 characters."""
    token = env.get("KYC_METRICS_TOKEN") or None
    if token is None and env.get("KYC_METRICS_TOKEN_FILE"):
        token = Path(env["KYC_METRICS_TOKEN_FILE"]).read_text(encoding="utf-8").strip() or None
    if token is not None and len(token) < 32:
        raise ValueError("KYC_METRICS_TOKEN must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    return token


def http_state(rt: LedgerRuntime) -> Any:
    """The replay/rate/quota/idempotency stores on the runtime's backend."""
    if rt.backend == "postgres":
        assert rt.settings.db_url is not None
        return PostgresHttpState(rt.settings.db_url, timeout_s=rt.settings.db_timeout_s)
    if rt.backend == "sqlite":
        assert rt.data_dir is not None
        return SQLiteHttpState(rt.data_dir / "http_state.db")
    return InMemoryHttpState()


def media_services() -> MediaServices:
    """Image and video intake for the routes: Pillow, OpenCV, and the stored liveness-frames format."""
    return MediaServices(images=PillowImageSanitizer(), videos=OpenCvVideoSampler(),
                         frames=MsgpackLivenessFramesCodec())


def published_checkpoint_key(rt: LedgerRuntime) -> PublishedCheckpointKey | None:
    """The checkpoint key to publish at the well-known URL: the signing key's public half, or
    ``KYC_CHECKPOINT_PUBLIC_KEY`` (``_FILE``) in a process without the signing key (an API replica on
    PostgreSQL); none when neither is set. A configured public key that cannot be read, or that is
    not the signing key's, stops the start (``SigningKeyError``) instead of publishing nothing."""
    if configured_public_key(rt) is not None:
        return PublishedCheckpointKey(ledger_origin(), KEY_NAME, trusted_public_key(rt))
    try:
        key = trusted_public_key(rt)
    except SigningKeyError:
        return None
    return PublishedCheckpointKey(ledger_origin(), KEY_NAME, key)


def with_defaults(services: ApiServices, rt: LedgerRuntime, published: PublishedCheckpointKey | None,
                  stack: contextlib.ExitStack) -> ApiServices:
    """``services`` with the media intake, the console's accounts, the published checkpoint key and the
    session search (over the runtime's index read model, closed with ``stack``) wired, unless it
    brings its own."""
    search = services.session_search
    if search is None:
        index = open_session_index(rt)
        stack.callback(index.close)
        search = SessionSearch(rt.ledger, index)
    return dataclasses.replace(
        services,
        media=services.media or media_services(),
        console=services.console or ConsoleAccounts(rt.ledger, Argon2idPasswordHasher(), rt.ledger.clock),
        checkpoint_key=services.checkpoint_key or published,
        session_search=search,
    )


def build_api(
    rt: LedgerRuntime,
    *,
    readiness: ReadinessProbe | None = None,
    services: ApiServices | None = None,
    settings: ApiSettings | None = None,
    clock: Clock = system_clock,
    route_handlers: Sequence[Any] = ROUTE_HANDLERS,
) -> Litestar:
    """The HTTP app for ``rt``; its stores close when the app shuts down.

    ``readiness`` replaces the default probe (the ledger's database only; ``ops.readiness``: add NATS
    where the process queues work on it); ``services`` carries the routes' services
    (``ops.product_wiring.product_services``); the media services (``media_services``) are added
    unless ``services`` brings its own.
    """
    stack = contextlib.ExitStack()
    state = http_state(rt)
    stack.callback(state.close)
    proofs = None
    published: PublishedCheckpointKey | None = None
    if rt.backend in ("sqlite", "postgres"):
        nodes, _ = stack.enter_context(integrity_stores(rt))
        proofs = MerkleLedgerProofs(nodes, lambda: checkpoint_notes(rt))
        published = published_checkpoint_key(rt)

    deps = ApiDependencies(
        ledger=rt.ledger, replay_guard=state, rate_counter=state, quota_counter=state, idempotency=state,
        proofs=proofs, readiness=readiness or readiness_probe(rt, None), unavailable_dependency=unavailable_dependency,
        clock=clock, settings=settings or api_settings_from_env(),
        services=with_defaults(services or ApiServices(), rt, published, stack),
    )
    app = create_app(deps, route_handlers)
    closer: Callable[[], None] = stack.close
    app.on_shutdown.append(closer)
    return app
