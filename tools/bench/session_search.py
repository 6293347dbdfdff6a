"""Benchmark: the session search over its index against the scan of the whole log it replaced.

    .venv/bin/python -m tools.bench.session_search [--sessions 4000,20000] [--rounds 5]
                                                  [--backends sqlite,postgres] [--postgres-dsn DSN]

Each ledger holds ``--sessions`` sessions of two tenants, interleaved, opened by live API keys. In
the same run, on the same ledger, the same searches (as tenant A's integration key: its first page
of 50 unfiltered, and selective filters that match nothing) go through the scan that
``domain.sessions.search.search_sessions`` ran before the index (every ``Created`` notification of
every tenant from the cursor on, each tenant's session replayed to test the filters; kept here only
as the baseline) and through ``services.search.sessions.SessionSearch`` on the index
(``projections.session_index``). Milliseconds are the median of ``--rounds``; the index's first
fill (a deployment upgrading with that many sessions) is printed too. Absolute figures move with the
machine's load (printed); compare the two columns of one run. No figure is checked here.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.application import KycLedger
from domain.audit import audit_context
from domain.errors import NotFoundError
from domain.sessions import SessionConfiguration
from domain.sessions.search import SessionPage, SessionQuery, encode_cursor, matches, summary
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.local_services import EmbeddedPostgres, create_database
from ops.runners.relays import open_session_index
from ops.settings import Settings
from services.search.sessions import SessionSearch

TENANTS = ("ten_bench_a", "ten_bench_b")
CREATED_TOPIC = "kycledger.session.Created"
QUERIES: dict[str, SessionQuery] = {
    "first page, no filter": SessionQuery(limit=50),
    "status=verified (none)": SessionQuery(limit=50, status="verified"),
    "reviewer=mem_nobody (none)": SessionQuery(limit=50, reviewer="mem_nobody"),
}


def scan_search(ledger: KycLedger, tenant_id: str, query: SessionQuery) -> SessionPage:
    """The search before the index (the baseline): every tenant's ``Created`` from the cursor on."""
    found: list[dict[str, Any]] = []
    start = query.after + 1
    while True:
        batch = ledger.notification_log.select(start, ledger.log_section_size, topics=[CREATED_TOPIC])
        for item in batch:
            if getattr(ledger.mapper.to_domain_event(item), "tenant", None) == tenant_id:
                try:
                    session = ledger.get_session(tenant_id, UUID(str(item.originator_id)))
                except NotFoundError:
                    continue
                if matches(session, query):
                    found.append(summary(session))
                    if len(found) == query.limit:
                        return SessionPage(found, encode_cursor(item.id))
        if not batch:
            return SessionPage(found, None)
        start = batch[-1].id + 1


def fill(rt: LedgerRuntime, count: int) -> None:
    """``count`` pending sessions, the two tenants taking turns, each opened by its live key's command."""
    config = SessionConfiguration.build(checks=["ocr", "face_match", "liveness"])
    for n in range(count):
        tenant = TENANTS[n % 2]
        with audit_context(tenant, f"key:kyck_{tenant}", f"bench-{n}"):
            rt.ledger.create_session(tenant, config)


def median_ms(call: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench(backend: str, count: int, rounds: int, dsn: str | None) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-search-"))
    settings = Settings.from_env({"KYC_KEK": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})
    rt = open_runtime(data_dir=None if backend == "postgres" else tmp, db_url=dsn, settings=settings)
    index = None
    try:
        fill(rt, count)
        index = open_session_index(rt)
        started = time.perf_counter()
        index.catch_up()
        filled_ms = (time.perf_counter() - started) * 1000
        rows = [f"| {backend} | {count:,} | index first fill (upgrade) | | {filled_ms:,.0f} | |"]
        search = SessionSearch(rt.ledger, index)
        tenant = TENANTS[0]
        with audit_context(tenant, f"key:kyck_{tenant}", "bench-search"):
            for name, query in QUERIES.items():
                assert scan_search(rt.ledger, tenant, query) == search.search(tenant, query), name  # same answer
                before = median_ms(functools.partial(scan_search, rt.ledger, tenant, query), rounds)
                after = median_ms(functools.partial(search.search, tenant, query), rounds)
                rows.append(f"| {backend} | {count:,} | {name} | {before:,.1f} | {after:,.1f} "
                            f"| {before / after:,.1f}x |")
        return rows
    finally:
        if index is not None:
            index.close()
        rt.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="4000,20000", help="ledger sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--postgres-dsn", default=None)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sessions.split(",")]
    backends = args.backends.split(",")
    server, dsn = None, args.postgres_dsn
    if dsn is None and "postgres" in backends:
        server = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="bench-pg-")) / "pgdata").start()
        dsn = server.dsn
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print("| backend | sessions | search (tenant A's live key) | scan, before (ms) | index, after (ms) | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    try:
        for backend in backends:
            for count in sizes:
                target = create_database(dsn) if backend == "postgres" and dsn is not None else None
                for row in bench(backend, count, args.rounds, target):
                    print(row, flush=True)
    finally:
        if server is not None:
            server.stop()
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
