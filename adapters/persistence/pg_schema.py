"""One advisory lock for every kycledger schema change on PostgreSQL.

API replicas and workers start together and each creates its tables "if not exists"; concurrent
DDL on the same catalog rows deadlocks or fails ("tuple concurrently updated", duplicate pg_type).
Every create path takes this transaction-scoped lock first, so first starts run one at a time.
"""

from __future__ import annotations

SCHEMA_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('kycledger.schema'))"
