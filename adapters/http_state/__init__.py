"""HTTP state outside the ledger: replay guard, rate and quota counters, idempotency records.

One SQL implementation (``sql_state``) runs on SQLite (``sqlite_state``) and PostgreSQL
(``postgres_state``); every check-and-count is a single atomic statement, so several API workers
share limits exactly. ``memory_state`` serves the in-memory ledger of tests and what-if runs.
"""
