"""Process runners for everything that follows the ledger's log: read models and NATS relays.

For ``kycledger dev`` (the lead wires these in ``ops/cli/dev.py``)::

    projections = start_projections(runtime)            # read models, background thread
    index = start_session_index(runtime)                # the session search's index, background thread
    relays = start_relays(runtime, nats_url)            # NATS JetStream decision/status streams
    ...
    relays.stop(); index.stop(); projections.stop()

Each handle's ``stop()`` ends its loop after the current batch and re-raises the error that
stopped it, if any. Positions are durable (read models: ``rm_tracking``; relay: its own row in
the same view store), so a restart resumes where the last commit left off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from adapters.nats.accounts import InternalRole
from adapters.nats.connection import close_quietly
from adapters.nats.endpoint import NatsTarget, connect
from adapters.nats.relay import NatsStreamRelay, RelayHandle, ensure_streams
from adapters.views.runner import ProjectionRunner
from adapters.views.session_index import FollowedSessionIndex, session_index_runner
from adapters.views.sql_views import PostgresReadModelView, SQLiteReadModelView
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.nats_access import component_endpoint
from projections.memory_view import InMemoryReadModelView
from projections.schema import SESSION_INDEX, SESSION_REVIEWERS


def open_read_model_view(rt: LedgerRuntime) -> Any:
    """The read-model store of this runtime: ``views.db`` beside the SQLite ledger, or ``rm_*`` tables
    in the ledger's PostgreSQL database."""
    if rt.backend == "postgres":
        assert rt.settings.db_url is not None
        return PostgresReadModelView(rt.settings.db_url, timeout_s=rt.settings.db_timeout_s)
    if rt.data_dir is None:
        raise ValueError("read models need a data directory or a PostgreSQL URL")
    return SQLiteReadModelView(rt.data_dir / "views.db")


def start_projections(rt: LedgerRuntime, poll_seconds: float = 0.05) -> ProjectionRunner:
    """Start the read-model projection in a background thread; ``.stop()`` ends it."""
    return ProjectionRunner(rt.ledger, open_read_model_view(rt)).start(poll_seconds)


def open_session_index(rt: LedgerRuntime) -> FollowedSessionIndex:
    """The session search's index: in the runtime's read-model store, or in memory beside an
    in-memory ledger (then it lives and is rebuilt with the process)."""
    if rt.backend in ("sqlite", "postgres"):
        return FollowedSessionIndex(rt.ledger, open_read_model_view(rt))
    return FollowedSessionIndex(rt.ledger, InMemoryReadModelView((SESSION_INDEX, SESSION_REVIEWERS)))


def start_session_index(rt: LedgerRuntime, poll_seconds: float = 0.05) -> ProjectionRunner:
    """Keep the session search's index up to date in a background thread (the search also catches
    it up itself before each read: this keeps that step short); ``.stop()`` ends it."""
    return session_index_runner(rt.ledger, open_read_model_view(rt)).start(poll_seconds)


def start_relays(rt: LedgerRuntime, nats_url: NatsTarget, poll_seconds: float = 0.02,
                 wake_on_commit: bool = True) -> RelayHandle:
    """Start the NATS JetStream relay (decision and status streams) in a background thread.

    It connects as the relay user (``adapters.nats.accounts``). Streams are created or updated
    before this returns; ``.stop()`` ends the relay. It wakes on the ledger's commits
    (``adapters.persistence.commit_signal``); ``poll_seconds`` bounds a wait, and is the only clock
    with ``wake_on_commit=False`` (the polling baseline of ``tools.bench.stream_latency``).
    """
    relay = NatsStreamRelay(rt.ledger, open_read_model_view(rt))
    return RelayHandle(relay, component_endpoint(rt, nats_url, InternalRole.RELAY), poll_seconds,
                       wake_on_commit=wake_on_commit).start()


async def _relay_until_idle(rt: LedgerRuntime, nats_url: str) -> int:
    nc = await connect(component_endpoint(rt, nats_url, InternalRole.RELAY), name="kycledger-relay-cli")
    try:
        js = nc.jetstream()
        await ensure_streams(js)
        return await NatsStreamRelay(rt.ledger, open_read_model_view(rt)).publish_pending(js)
    finally:
        await close_quietly(nc)


def main(argv: list[str] | None = None) -> int:
    """``python -m ops.runners.relays --nats URL [--data-dir DIR | --db URL]``: publish what is pending, then exit."""
    parser = argparse.ArgumentParser(prog="relays", description="publish pending ledger events to NATS")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir")
    where.add_argument("--db")
    parser.add_argument("--nats", required=True)
    args = parser.parse_args(argv)
    rt = open_runtime(data_dir=args.data_dir, db_url=args.db)
    try:
        print(json.dumps({"published": asyncio.run(_relay_until_idle(rt, args.nats))}), flush=True)
        return 0
    finally:
        rt.close()


if __name__ == "__main__":
    sys.exit(main())
