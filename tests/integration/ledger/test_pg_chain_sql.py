"""The entry hash PostgreSQL computes on write is the frozen encoding, byte for byte: the published
vectors, arbitrary inputs against ``entry_hash_of``, and whole saves re-derived by ``verify``."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import DataError, InfrastructureFactory, StoredEvent
from psycopg import sql

from adapters.persistence.ledger_reader import PostgresLedgerReader
from adapters.persistence.pg_chain_sql import ENTRY_HASH_FUNCTION
from domain.integrity.chain import GENESIS_HASH, entry_hash_of
from domain.integrity.verifier import verify_rows
from ops.bootstrap import POSTGRES_FACTORY, postgres_env
from ops.local_services import create_database

pytestmark = pytest.mark.integration

VECTORS = json.loads((Path(__file__).resolve().parents[3] / "domain/integrity/chain_vectors.json").read_text())
I64_MAX = 2**63 - 1  # the chain and event columns are bigint
HASH = sql.Identifier("public", ENTRY_HASH_FUNCTION)


@pytest.fixture(scope="module")
def ledger_dsn(postgres_dsn: str) -> str:
    return create_database(postgres_dsn)


@pytest.fixture(scope="module")
def recorder(ledger_dsn: str) -> Any:
    env = {**postgres_env(ledger_dsn), "PERSISTENCE_MODULE": POSTGRES_FACTORY, "KYC_GROUP_COMMIT": "0"}
    return InfrastructureFactory.construct(env).application_recorder()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def conn(ledger_dsn: str, recorder: Any) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(ledger_dsn, autocommit=True) as connection:
        yield connection


Case = tuple[bytes, int, int, UUID, int, str, bytes]  # prev, position, id, originator, version, topic, state


def _sql_hashes(conn: psycopg.Connection[Any], cases: list[Case]) -> list[bytes]:
    columns = list(zip(*cases, strict=True))
    rows = conn.execute(
        sql.SQL(
            "SELECT {}(prev, pos, nid, oid, version, topic, state) FROM unnest("
            "%s::bytea[], %s::bigint[], %s::bigint[], %s::uuid[], %s::bigint[], %s::text[], %s::bytea[]) "
            "WITH ORDINALITY AS c(prev, pos, nid, oid, version, topic, state, n) ORDER BY n"
        ).format(HASH),
        [list(column) for column in columns],
    ).fetchall()
    return [bytes(row[0]) for row in rows]


def test_the_published_vectors_reproduce_in_sql(conn: psycopg.Connection[Any]) -> None:
    prev = GENESIS_HASH
    for v in VECTORS["vectors"]:
        [got] = _sql_hashes(conn, [(prev, v["position"], v["notification_id"], UUID(v["originator_id"]),
                                    v["originator_version"], v["topic"], bytes.fromhex(v["state_hex"]))])
        assert got.hex() == v["entry_hash_hex"]
        prev = got


def test_sql_matches_entry_hash_of_on_arbitrary_input(conn: psycopg.Connection[Any]) -> None:
    rnd = random.Random(20240611)
    alphabet = "abcXYZ.-_ 09é中🙂\u00a0"
    cases = [
        (rnd.randbytes(32), rnd.randint(0, I64_MAX), rnd.randint(0, I64_MAX), UUID(int=rnd.getrandbits(128)),
         rnd.randint(0, I64_MAX), "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))),
         rnd.randbytes(rnd.randint(0, 600)))
        for _ in range(300)
    ]
    cases += [(GENESIS_HASH, 0, 0, UUID(int=0), 0, "", b""), (b"\xff" * 32, I64_MAX, I64_MAX, UUID(int=2**128 - 1),
                                                                 I64_MAX, "é" * 300, b"\x00" * 70_000)]
    assert _sql_hashes(conn, cases) == [entry_hash_of(*case) for case in cases]


def test_saves_with_any_topic_and_payload_verify(recorder: Any, ledger_dsn: str) -> None:
    oid = uuid4()
    recorder.insert_events([StoredEvent(oid, 1, "kyc.Créé 🙂", b""),
                            StoredEvent(oid, 2, "", bytes(range(256)) * 40),
                            StoredEvent(oid, 3, "kyc.Noted", b"x")])
    recorder.insert_events([StoredEvent(uuid4(), 1, "t" * 500, b"y" * 10)])
    with pytest.raises(DataError, match="must fit in u64"):  # as entry_hash_of refuses it
        recorder.insert_events([StoredEvent(uuid4(), -1, "kyc.Negative", b"z")])
    with PostgresLedgerReader(ledger_dsn, events_table="stored_events").snapshot() as (events, chain):
        report = verify_rows(events, chain)
    assert report.ok, report.reason
    assert report.event_count == 4
