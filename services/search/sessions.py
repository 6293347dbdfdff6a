"""The session search: candidates from the index, each result read and re-checked on the ledger.

``GET /v1/sessions`` (the bank's servers), ``GET /v1/audit/sessions`` and the console's audit view
(auditors, docs/architecture.md §8) all call ``SessionSearch.search``. The index
(``projections.session_index``) gives the tenant's candidate sessions in creation order, already
filtered by environment, period, status, route and reviewer and bounded by the cursor, so a page
costs what the page holds, not what the ledger holds. Each candidate is then loaded from the ledger
(``get_session``: another tenant's session, or one of the other environment than the calling key's,
is never listed) and kept only if ``matches`` still holds on the aggregate, so an index row that
lags the ledger never shows a session that no longer matches; the walk then reads further.

Before reading, the search brings the index up to the ledger's head (``SessionIndex.catch_up``): a
session created or changed before the request is found exactly as the ledger says, even when the
process that keeps the index warm is behind or not running.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol
from uuid import UUID

from domain.application import KycLedger
from domain.audit import calling_key_environment
from domain.errors import NotFoundError
from domain.sessions.aggregate import VerificationSession
from domain.sessions.search import SessionPage, SessionQuery, encode_cursor, matches, summary
from projections.session_index_query import indexed_sessions
from projections.view import ViewReader


class SessionIndex(Protocol):
    """The search's index read model (``adapters.views.session_index`` implements it)."""

    def catch_up(self) -> None:
        """Apply every event the ledger has recorded so far to the index (concurrent callers are safe)."""
        ...

    def reader(self) -> AbstractContextManager[ViewReader]:
        """A read-only snapshot of the index tables."""
        ...


class SessionSearch:
    """One page of a tenant's sessions matching a ``SessionQuery``, oldest first, with the next cursor."""

    def __init__(self, ledger: KycLedger, index: SessionIndex) -> None:
        self.ledger = ledger
        self.index = index

    def search(self, tenant_id: str, query: SessionQuery) -> SessionPage:
        """The page after ``query.after``; ``next_cursor`` is None when the walk reached the last session.

        Runs inside the caller's audit context: an API key sees its own environment's sessions only.
        """
        self.index.catch_up()
        environment = calling_key_environment()
        found: list[dict[str, Any]] = []
        after = query.after
        while True:
            wanted = query.limit - len(found)
            with self.index.reader() as reader:  # held for the walk only, not while the ledger is read
                rows = indexed_sessions(reader, tenant_id, environment, query, after, wanted)
            for row in rows:
                session = self._visible(tenant_id, UUID(str(row["session_id"])))
                if session is not None and matches(session, query):
                    found.append(summary(session))
                    if len(found) == query.limit:
                        return SessionPage(found, encode_cursor(int(row["created_id"])))
            if len(rows) < wanted:
                return SessionPage(found, None)
            after = int(rows[-1]["created_id"])  # rows skipped on the ledger's word: read further

    def _visible(self, tenant_id: str, session_id: UUID) -> VerificationSession | None:
        try:
            return self.ledger.get_session(tenant_id, session_id)
        except NotFoundError:
            return None  # the other environment's session (sandbox or live), or another tenant's
