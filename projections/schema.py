"""The read-model tables as data: names, columns and keys, with no SQL (docs/architecture.md §2).

The SQL views in ``adapters/views/`` derive their DDL and upserts from these specs, so a table is
declared once and every backend (in memory, SQLite, PostgreSQL) holds exactly the same rows.
Column kinds: ``text``, ``int`` (64-bit), ``json`` (canonical JSON text: sorted keys, no spaces).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "int", "json"]


@dataclass(frozen=True)
class TableSpec:
    """One read-model table: ordered columns, the primary key (a prefix-free subset of them) and the
    secondary indexes the table's queries walk (each a tuple of columns, in index order)."""

    name: str
    columns: tuple[tuple[str, ColumnKind], ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    def index_name(self, columns: tuple[str, ...]) -> str:
        """The stable name of a secondary index, derived from its columns (so a new index never takes an
        old one's name) and short enough for PostgreSQL's 63-character identifiers."""
        digest = hashlib.sha256(",".join(columns).encode()).hexdigest()[:10]
        return f"{self.name}_ix_{digest}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def kind(self, column: str) -> ColumnKind:
        for name, kind in self.columns:
            if name == column:
                return kind
        raise KeyError(f"{self.name} has no column {column}")


SESSIONS = TableSpec(
    "rm_sessions",
    (
        ("session_id", "text"), ("tenant_id", "text"), ("status", "text"), ("attempt", "int"),
        ("reference", "text"), ("checks", "json"), ("decision", "json"), ("review", "json"),
        ("extracted_fields", "json"), ("created_at", "text"), ("expires_at", "text"),
        ("updated_at", "text"), ("last_position", "int"),
    ),
    ("session_id",),
)
"""What ``GET /v1/sessions/{id}`` serves (requirements/sessions §3 and §5). No personal values:
``extracted_fields`` lists field names only; the values stay sealed in the ledger."""

REVIEW_QUEUE = TableSpec(
    "rm_review_queue",
    (
        ("session_id", "text"), ("tenant_id", "text"), ("queue", "text"), ("reason", "text"),
        ("attempt", "int"), ("requested_at", "text"), ("claimed_by", "text"), ("position", "int"),
    ),
    ("session_id",),
)
"""Open manual reviews (requirements/pipeline §9): a row appears on ManualReviewRequested, leaves on a
reviewer's decision, a retry or a cancellation."""

AUDIT_TIMELINE = TableSpec(
    "rm_audit_timeline",
    (
        ("session_id", "text"), ("version", "int"), ("tenant_id", "text"), ("topic", "text"),
        ("notification_id", "int"), ("position", "int"), ("entry_hash", "text"), ("recorded_at", "text"),
        ("actor", "text"), ("request_id", "text"), ("summary", "json"),
    ),
    ("session_id", "version"),
)
"""Every event of a session with its ledger position and chain entry hash (the audit timeline)."""

TENANTS = TableSpec(
    "rm_tenants",
    (("tenant_id", "text"), ("aggregate_id", "text"), ("plan", "text"), ("sandbox", "int"), ("suspended", "int")),
    ("tenant_id",),
)
"""Plan per tenant: the Free plan is the sandbox (requirements/platform §7) and is never billed."""

USAGE = TableSpec(
    "rm_usage_events",
    (
        ("event_id", "text"), ("tenant_id", "text"), ("module", "text"), ("month", "text"),
        ("call_id", "text"), ("sandbox", "int"), ("billed", "int"), ("price_micros", "int"), ("position", "int"),
    ),
    ("event_id",),
)
"""The metered events table (requirements/platform §7 "usage-based (metered events table)")."""

INVOICE_LINES = TableSpec(
    "rm_invoice_lines",
    (
        ("tenant_id", "text"), ("month", "text"), ("module", "text"), ("quantity", "int"),
        ("amount_micros", "int"), ("event_ids", "json"),
    ),
    ("tenant_id", "month", "module"),
)
"""Billed usage per tenant, month and module; each line lists the event ids it counts."""

QUOTA_COUNTERS = TableSpec(
    "rm_quota_counters",
    (("tenant_id", "text"), ("module", "text"), ("month", "text"), ("sandbox", "int"), ("used", "int")),
    ("tenant_id", "module", "month", "sandbox"),
)
"""Calls per module and month (requirements/platform §7 "Quota: per module"), live and sandbox apart."""

ERASURES = TableSpec(
    "rm_erasures",
    (
        ("tenant_id", "text"), ("subject_id", "text"), ("key_id", "text"), ("key_destroyed_at", "text"),
        ("reason", "text"), ("event_id", "text"), ("notification_id", "int"), ("position", "int"),
        ("entry_hash", "text"),
    ),
    ("tenant_id", "subject_id"),
)
"""The register of erasures: one row per erased subject, pointing at its SubjectErased entry."""

SESSION_SUBJECTS = TableSpec(
    "rm_session_subjects",
    (("session_id", "text"), ("subject_id", "text"), ("tenant_id", "text")),
    ("session_id", "subject_id"),
)
"""Which data subjects a session holds personal data of (from DocumentDataExtracted): erasure by
session finds its subjects here. Deleted when the subject is erased."""

SUBJECTS = TableSpec(
    "rm_subjects",
    (("aggregate_id", "text"), ("tenant_id", "text"), ("subject_id", "text")),
    ("aggregate_id",),
)
"""Data subjects known to the ledger (pseudonymous ids only), to name the subject of an erasure."""

SESSION_INDEX = TableSpec(
    "rm_session_index",
    (
        ("session_id", "text"), ("tenant_id", "text"), ("environment", "text"), ("created_id", "int"),
        ("created_at_us", "int"), ("status", "text"), ("route", "text"), ("route_attempt", "int"),
    ),
    ("session_id",),
    indexes=(
        ("tenant_id", "environment", "created_id", "created_at_us"),
        ("tenant_id", "environment", "status", "created_id"),
        ("tenant_id", "environment", "route", "created_id"),
    ),
)
"""The session search's index (``GET /v1/sessions``, ``GET /v1/audit/sessions``): one row per session
with what the search filters on, in the order the ledger recorded the sessions' creation
(``created_id``: the notification id of ``Created``, the unit of the search's cursor).
``environment`` is ``live`` or ``sandbox`` (the key that opened the session), ``created_at_us`` the
creation time in microseconds since the Unix epoch (UTC), ``route`` the route of the policy's latest
decision (``route_attempt``: its attempt). Ids and statuses only: the reference stays in the ledger."""

SESSION_REVIEWERS = TableSpec(
    "rm_session_reviewers",
    (
        ("session_id", "text"), ("member_id", "text"), ("tenant_id", "text"), ("environment", "text"),
        ("created_id", "int"),
    ),
    ("session_id", "member_id"),
    indexes=(("tenant_id", "environment", "member_id", "created_id"),),
)
"""Who claimed, proposed or decided a session's review (a staff member id per row), for the search's
``reviewer`` filter; ``created_id`` repeats the session's so a reviewer's cases come in search order."""

ALL_TABLES: tuple[TableSpec, ...] = (
    SESSIONS, REVIEW_QUEUE, AUDIT_TIMELINE, TENANTS, USAGE, INVOICE_LINES, QUOTA_COUNTERS, ERASURES,
    SESSION_SUBJECTS, SUBJECTS, SESSION_INDEX, SESSION_REVIEWERS,
)
