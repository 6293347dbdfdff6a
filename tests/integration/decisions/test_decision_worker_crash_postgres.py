"""Exactly-once decisions across worker crashes, against a real PostgreSQL (docs/architecture.md §1).

1. the worker exits hard right after storing its 4th decision, before saving its position;
2. a restarted worker is SIGKILLed mid-run;
3. two workers then run concurrently to the end.
Every session must hold exactly one decision, and every decision must replay.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from domain.policy_registry import TenantPolicyRegistry
from ops.runners.decision_worker import CRASH_AFTER_ENV
from policies.replay import replay_session
from tests.integration.decisions.seeding import KEK, decision_counts, open_ledger_at, seed_sessions

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
SESSIONS = 30


def worker(db: str, position: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ops.runners.decision_worker",
            "--db",
            db,
            "--position-file",
            str(position),
            "--until-idle",
            "--poll-seconds",
            "0.05",
        ],
        cwd=REPO,
        env={**os.environ, "KYC_KEK": KEK, "PYTHONPATH": str(REPO), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def last_check_position(runtime, session_id) -> int:
    """Notification id of the session's last CheckCompleted: the one that triggered its decision."""
    last, start = 0, 1
    while batch := runtime.ledger.notification_log.select(start, 10, topics=["kycledger.session.CheckCompleted"]):
        last = max([last, *(n.id for n in batch if str(n.originator_id) == str(session_id))])
        start = batch[-1].id + 1
    return last


def decided(runtime, ids) -> int:
    return sum(sum(c.values()) for c in decision_counts(runtime, ids).values())


def test_killing_the_worker_mid_way_neither_loses_nor_duplicates_a_decision(fresh_postgres_db, tmp_path) -> None:
    runtime = open_ledger_at(tmp_path, db_url=fresh_postgres_db)
    try:
        ids = seed_sessions(runtime, SESSIONS, seed=11)
        position = tmp_path / "decision-worker.pos"

        crashing = worker(fresh_postgres_db, position, **{CRASH_AFTER_ENV: "4"})
        _, err = crashing.communicate(timeout=120)
        assert crashing.returncode == 137, err
        assert decided(runtime, ids) == 4
        # the crash came after the 4th decision was stored and before the position passed its trigger
        saved = int(position.read_text()) if position.exists() else 0
        decided_ids = [sid for sid, c in decision_counts(runtime, ids).items() if c]
        assert saved < max(last_check_position(runtime, sid) for sid in decided_ids)

        killed = worker(fresh_postgres_db, position)
        deadline = time.monotonic() + 120
        while decided(runtime, ids) < 8 and time.monotonic() < deadline and killed.poll() is None:
            time.sleep(0.02)
        killed.kill()
        killed.communicate(timeout=30)
        assert killed.returncode != 0  # it really died mid-way, not at the end
        assert 4 < decided(runtime, ids) < SESSIONS

        pair = [worker(fresh_postgres_db, tmp_path / f"pos-{i}") for i in range(2)]
        for proc in pair:
            _out, err = proc.communicate(timeout=180)
            assert proc.returncode == 0, err

        counts = decision_counts(runtime, ids)
        assert all(per_attempt == {1: 1} for per_attempt in counts.values()), counts
        for sid in ids:
            events = list(runtime.ledger.events.get(sid))
            tenant = runtime.ledger.repository.get(sid).tenant
            registry = runtime.ledger.repository.get(TenantPolicyRegistry.create_id(tenant))
            assert all(r.reproduced for r in replay_session(events, registry.document))
    finally:
        runtime.close()
