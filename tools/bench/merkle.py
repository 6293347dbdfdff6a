"""Benchmark: the Merkle log in SQLite at 1,000,000 leaves (docs/targets.md §1: proof <= 5 ms).

    .venv/bin/python -m tools.bench.merkle [--leaves 1000000] [--proofs 1000] [--postgres-dsn DSN]

Builds the log into a fresh SQLite file (WAL, synchronous=NORMAL), then, on a new connection, times
inclusion and consistency proofs for random leaves at the full size (every proof is also verified,
outside the timing), and the streaming root the offline verifier uses. Prints the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from adapters.integrity.sqlite_integrity import SqliteTreeNodeStore
from domain.integrity.merkle import root_from_leaves
from domain.integrity.merkle_store import MerkleLog, TreeNodeStore
from domain.integrity.merkle_verify import verify_consistency, verify_inclusion


def percentiles_ms(samples_ns: list[int]) -> str:
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    p50, p95, p99 = cuts[49] / 1e6, cuts[94] / 1e6, cuts[98] / 1e6
    return f"p50 {p50:.3f} ms  p95 {p95:.3f} ms  p99 {p99:.3f} ms  max {max(samples_ns) / 1e6:.3f} ms"


def bench_store(label: str, open_store: Callable[[], TreeNodeStore], leaves: list[bytes],
                proofs: int, batch: int, rng: random.Random) -> None:
    n = len(leaves)
    log = MerkleLog(open_store(), batch_size=batch)
    started = time.perf_counter()
    log.append(leaves)
    elapsed = time.perf_counter() - started
    print(f"[{label}] append: {n:,} leaves in {elapsed:.2f} s = {n / elapsed:,.0f} leaves/s "
          f"(batches of {batch:,}, one transaction each)")

    reader = MerkleLog(open_store())  # a new connection: nothing cached but the right edge
    root = reader.root()
    inclusion_ns: list[int] = []
    for index in (rng.randrange(n) for _ in range(proofs)):
        t0 = time.perf_counter_ns()
        proof = reader.inclusion_proof(index, n)
        inclusion_ns.append(time.perf_counter_ns() - t0)
        verify_inclusion(leaves[index], index, n, proof, root)
    print(f"[{label}] inclusion proof at size {n:,}, {proofs} random leaves: {percentiles_ms(inclusion_ns)}")

    consistency_ns: list[int] = []
    for old in (rng.randrange(1, n) for _ in range(proofs)):
        t0 = time.perf_counter_ns()
        proof = reader.consistency_proof(old, n)
        old_root = reader.root(old)
        consistency_ns.append(time.perf_counter_ns() - t0)
        verify_consistency(old, n, proof, old_root, root)
    print(f"[{label}] consistency proof + old root, {proofs} random old sizes: "
          f"{percentiles_ms(consistency_ns)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10_000, help="leaves per store transaction")
    parser.add_argument("--seed", type=int, default=9162)
    parser.add_argument("--postgres-dsn", help="also build and measure the PostgreSQL node store")
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 (which leaves to sample, not a secret)
    leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(args.leaves)]

    started = time.perf_counter()
    root = root_from_leaves(leaves)
    elapsed = time.perf_counter() - started
    print(f"[memory] streaming root_from_leaves: {args.leaves:,} leaves in {elapsed:.2f} s "
          f"= {args.leaves / elapsed:,.0f} leaves/s, root {root.hex()}")

    with tempfile.TemporaryDirectory(prefix="kyc-merkle-bench-") as directory:
        path = Path(directory) / "merkle.sqlite3"

        def open_sqlite() -> TreeNodeStore:
            connection = sqlite3.connect(path)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            return SqliteTreeNodeStore(connection)

        bench_store("sqlite", open_sqlite, leaves, args.proofs, args.batch, rng)
        print(f"[sqlite] file size: {path.stat().st_size / 2**20:.1f} MiB")

    if args.postgres_dsn:
        import psycopg

        from adapters.integrity.postgres_integrity import PostgresTreeNodeStore

        dsn = args.postgres_dsn
        bench_store("postgres", lambda: PostgresTreeNodeStore(psycopg.connect(dsn)), leaves,
                    args.proofs, args.batch, rng)


if __name__ == "__main__":
    main()
