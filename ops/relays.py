"""Process runners for everything that follows the ledger's log: read models and NATS relays.

For ``kycledger dev`` (the lead wires these in ``ops/cli_dev.py``)::

    projections = start_projections(runtime)            # read models, background thread
    relays = start_relays(runtime, nats_url)            # NATS JetStream decision/status streams
    ...
    relays.stop(); projections.stop()

Each handle's ``stop()`` ends its loop after the current batch and re-raises the error that
stopped it, if any. Positions are durable (read models: ``rm_tracking``; relay: its own row in
the same view store), so a restart resumes where the last commit left off.
"""

from __future__ import annotations

from typing import Any

from adapters.views.runner import ProjectionRunner
from adapters.views.sql_views import PostgresReadModelView, SQLiteReadModelView
from ops.bootstrap import LedgerRuntime


def open_read_model_view(rt: LedgerRuntime) -> Any:
    """The read-model store of this runtime: ``views.db`` beside the SQLite ledger, or ``rm_*`` tables
    in the ledger's PostgreSQL database."""
    if rt.backend == "postgres":
        assert rt.settings.db_url is not None
        return PostgresReadModelView(rt.settings.db_url)
    if rt.data_dir is None:
        raise ValueError("read models need a data directory or a PostgreSQL URL")
    return SQLiteReadModelView(rt.data_dir / "views.db")


def start_projections(rt: LedgerRuntime, poll_seconds: float = 0.05) -> ProjectionRunner:
    """Start the read-model projection in a background thread; ``.stop()`` ends it."""
    return ProjectionRunner(rt.ledger, open_read_model_view(rt)).start(poll_seconds)
