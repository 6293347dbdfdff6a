"""Benchmark: chained append vs the library's unchained recorder, and offline verify throughput.

    .venv/bin/python -m tools.bench.ledger [--events 6000] [--rounds 5] [--verify-events 100000] [--postgres-dsn DSN]
                                         [--backends sqlite,postgres]

docs/targets.md §1: on SQLite and PostgreSQL, with 1 and 8 concurrent writers and 1 and 10 events
per save, appends/s of the chained recorder against eventsourcing's own recorder under the same
load (target: chaining costs at most 15%), the same with group commit (our fix for the
one-transaction-per-save cap), and ``verify`` events/s (docs/targets.md §1: 250,000/s on SQLite,
200,000/s on PostgreSQL over 1,000,000 events; ``--verify-events 1000000``). Without
``--postgres-dsn`` it starts an embedded PostgreSQL and stops it after.
``--backends`` limits the run to some backends (e.g. ``sqlite``; no server is started without
``postgres``), ``--events 0`` skips the append table and ``--verify-events 0`` the verify table: they
only choose what is measured, every measured row runs the same load on both recorders. The verify
table reads one ledger twice: the path before the one-pass readers (two cursors, an object per row)
and ``ledger_rows`` + ``verify_ledger`` as ``kycledger ledger verify`` runs them (a SQLite ledger
above 200,000 events in segments on every core), with the same root (docs/targets.md §1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, StoredEvent

from ops.bootstrap import POSTGRES_FACTORY, SQLITE_FACTORY, postgres_env
from ops.local_services import EmbeddedPostgres, create_database

STATE = os.urandom(300)  # a typical sealed event payload size


def make_recorder(persistence: str, target: str, group_commit: bool = False) -> ApplicationRecorder:
    flag = {"KYC_GROUP_COMMIT": "1" if group_commit else "0"}
    if "sqlite" in persistence:
        env = {"PERSISTENCE_MODULE": persistence, "SQLITE_DBNAME": target, **flag}
    else:
        env = {**postgres_env(target), "PERSISTENCE_MODULE": persistence, "POSTGRES_POOL_SIZE": "10", **flag}
    factory = InfrastructureFactory.construct(env)
    return factory.application_recorder()


def append_rate(recorder: ApplicationRecorder, total_events: int, writers: int, per_save: int) -> float:
    saves_per_writer = max(1, total_events // (writers * per_save))
    barrier = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def work() -> None:
        batches = [
            [StoredEvent(originator_id=uuid4(), originator_version=1, topic="bench.Event", state=STATE)]
            if per_save == 1 else
            [StoredEvent(originator_id=oid, originator_version=v, topic="bench.Event", state=STATE)
             for oid in (uuid4(),) for v in range(1, per_save + 1)]
            for _ in range(saves_per_writer)
        ]
        barrier.wait()
        try:
            for batch in batches:
                recorder.insert_events(batch)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return saves_per_writer * writers * per_save / elapsed


def run_appends(backend: str, new_target: Callable[[], str], events: int, rounds: int) -> list[str]:
    chained, plain = (
        (SQLITE_FACTORY, "eventsourcing.sqlite:SQLiteFactory") if backend == "sqlite"
        else (POSTGRES_FACTORY, "eventsourcing.postgres:PostgresFactory")
    )
    variants = (("unchained", plain, False), ("chained", chained, False), ("grouped", chained, True))
    rows = []
    for writers in (1, 8):
        for per_save in (1, 10):
            recorders = {name: make_recorder(p, new_target(), g) for name, p, g in variants}
            for recorder in recorders.values():
                append_rate(recorder, max(200, events // 10), writers, per_save)  # warm-up
            samples: dict[str, list[float]] = {name: [] for name in recorders}
            # Interleave the variants round by round: disk and CPU noise then hits all of them alike.
            for _ in range(rounds):
                for name, recorder in recorders.items():
                    samples[name].append(append_rate(recorder, events // rounds, writers, per_save))
            rates = {name: statistics.median(values) for name, values in samples.items()}
            cost = 100 * (1 - rates["chained"] / rates["unchained"])
            gain = rates["grouped"] / rates["unchained"]
            rows.append(f"| {backend} | {writers} | {per_save} | {rates['unchained']:,.0f} | "
                        f"{rates['chained']:,.0f} | {cost:+.1f}% | {rates['grouped']:,.0f} | x{gain:.2f} |")
            print(rows[-1], flush=True)
    return rows


def _baseline_verify(events: Iterator[Any], chain: Iterator[Any]) -> tuple[int, bytes]:
    """The verify path before the one-pass readers, kept as the baseline: two cursors, an ``EventRow``
    (with a ``UUID``) and a ``ChainEntry`` per row, ``entry_hash_of`` and one tree append per event."""
    from domain.integrity.chain import GENESIS_HASH, entry_hash_of, same_hash
    from domain.integrity.merkle import TreeAccumulator

    tree, prev, position = TreeAccumulator(), GENESIS_HASH, 0
    for event, link in zip(events, chain, strict=True):
        position += 1
        if link.position != position or event.notification_id != link.notification_id:
            raise AssertionError(f"misaligned at {position}")
        prev = entry_hash_of(
            prev,
            position,
            event.notification_id,
            event.originator_id,
            event.originator_version,
            event.topic,
            event.state,
        )
        if not same_hash(prev, link.entry_hash):
            raise AssertionError(f"mismatch at {position}")
        tree.append(prev)
    return position, tree.root()


def run_verify(backend: str, target: str, count: int) -> str:
    """``verify`` events/s over ``count`` events: the baseline path and the one-pass path, same ledger."""
    from adapters.persistence.ledger_reader import PostgresLedgerReader, SQLiteLedgerReader
    from domain.integrity.verifier import verify_ledger

    recorder = make_recorder(SQLITE_FACTORY if backend == "sqlite" else POSTGRES_FACTORY, target)
    for _ in range(count // 100):
        oid = uuid4()
        recorder.insert_events([StoredEvent(oid, v, "bench.Event", STATE) for v in range(1, 101)])
    reader = (
        SQLiteLedgerReader(Path(target))
        if backend == "sqlite"
        else PostgresLedgerReader(target, events_table="stored_events")
    )
    started = time.perf_counter()
    with reader.snapshot() as (events, chain):
        baseline_count, baseline_root = _baseline_verify(events, chain)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    with reader.ledger_rows() as rows:
        report = verify_ledger(rows)
    elapsed = time.perf_counter() - started
    assert report.ok and report.event_count == count == baseline_count, report.reason
    assert report.root_hash == baseline_root
    return (
        f"| {backend} | {count:,} | {count / baseline:,.0f} events/s | {count / elapsed:,.0f} events/s | "
        f"x{baseline / elapsed:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=6000, help="events per configuration and variant")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is reported")
    parser.add_argument("--verify-events", type=int, default=100_000)
    parser.add_argument("--postgres-dsn", default=None)
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    args = parser.parse_args()
    backends = {b.strip() for b in args.backends.split(",") if b.strip()}
    if not backends or not backends <= {"sqlite", "postgres"}:
        parser.error("--backends takes sqlite, postgres or both")
    tmp = Path(tempfile.mkdtemp(prefix="kyc-bench-"))
    server = None
    dsn = args.postgres_dsn
    if dsn is None and "postgres" in backends:
        server = EmbeddedPostgres(tmp / "pgdata").start()
        dsn = server.dsn
    try:
        counter = iter(range(10**6))
        if args.events > 0:
            print("| backend | writers | events/save | unchained ev/s | chained ev/s | chain cost "
                  "| chained + group commit ev/s | vs unchained |")
            print("|---|---|---|---|---|---|---|---|")
        if "sqlite" in backends and args.events > 0:
            run_appends("sqlite", lambda: str(tmp / f"a{next(counter)}.db"), args.events, args.rounds)
        if "postgres" in backends and args.events > 0:
            run_appends("postgres", lambda: create_database(dsn), args.events, args.rounds)
        if args.verify_events > 0:
            print("\n| backend | events | verify before (two cursors) | verify one pass | speed-up |\n"
                  "|---|---|---|---|---|")
            if "sqlite" in backends:
                print(run_verify("sqlite", str(tmp / "verify.db"), args.verify_events), flush=True)
            if "postgres" in backends:
                print(run_verify("postgres", create_database(dsn), args.verify_events), flush=True)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"\nload average (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)  # the ledgers and the server's data directory


if __name__ == "__main__":
    main()
