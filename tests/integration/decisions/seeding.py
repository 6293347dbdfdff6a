"""Seed a real ledger (SQLite file or PostgreSQL) with sessions whose checks are all in."""

from __future__ import annotations

import base64
import random
from pathlib import Path
from uuid import UUID

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.sessions import SessionConfiguration, VerificationSession
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.settings import Settings
from tests.unit.sessions.support import SHA, T0, face, liveness, result

KEK = base64.b64encode(bytes(range(32))).decode()  # test-only key-encryption key
TENANTS = ("ten_alpha", "ten_beta")


def settings() -> Settings:
    return Settings.from_env({"KYC_KEK": KEK})


def open_ledger_at(tmp: Path, db_url: str | None = None) -> LedgerRuntime:
    return open_runtime(data_dir=None if db_url else tmp, db_url=db_url, settings=settings())


def seed_sessions(runtime: LedgerRuntime, count: int, seed: int = 7) -> list[UUID]:
    """``count`` sessions over two tenants; check results with varied outcomes, in random order."""
    rng = random.Random(seed)
    app = runtime.ledger
    ids: list[UUID] = []
    for i in range(count):
        tenant = TENANTS[i % 2]
        with audit_context(tenant, "seed", f"seed-{i}"):
            config = SessionConfiguration.build(
                checks=["ocr", "face_match", "liveness", "screening"], max_retries=rng.choice([0, 1, 3])
            )
            session = VerificationSession.start(tenant, config, now=T0)
            session.record_capture("document_front", SHA, f"blob://{i}/front", {"focus": 0.9}, now=T0)
            session.record_capture("selfie", SHA, f"blob://{i}/selfie", {"camera": "front"}, now=T0)
            results = [
                liveness(rng.choice([Outcome.PASS] * 4 + [Outcome.UNCERTAIN, Outcome.FAIL])),
                face(round(rng.uniform(0.2, 1.0), 3)),
                result(CheckType.OCR, rng.choice([Outcome.PASS] * 5 + [Outcome.FAIL])),
                result(CheckType.SCREENING, rng.choice([Outcome.PASS] * 8 + [Outcome.UNCERTAIN, Outcome.FAIL])),
            ]
            rng.shuffle(results)  # parallel checks land in any order (requirements/liveness pattern B)
            app.save(session)
            for r in results:  # one save per check, as the ML workers do
                session = app.repository.get(session.id)
                session.record_check_result(1, r)
                app.save(session)
        ids.append(session.id)
    return ids


def decision_counts(runtime: LedgerRuntime, ids: list[UUID]) -> dict[UUID, dict[int, int]]:
    """Per session, per attempt: how many DecisionMade events the ledger holds."""
    counts: dict[UUID, dict[int, int]] = {}
    for sid in ids:
        per_attempt: dict[int, int] = {}
        for event in runtime.ledger.events.get(sid):
            if type(event).TOPIC == "kycledger.session.DecisionMade":
                per_attempt[event.attempt] = per_attempt.get(event.attempt, 0) + 1
        counts[sid] = per_attempt
    return counts
