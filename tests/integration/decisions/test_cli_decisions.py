"""``kycledger decisions replay|what-if`` against ledgers with many decisions, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from domain.audit import audit_context
from domain.sessions import SessionConfiguration, VerificationSession
from ops.cli import main
from ops.runners.decision_worker import DecisionWorker
from policies.document import DEFAULT_POLICY, PolicyDocument
from policies.process import plan_decision
from tests.integration.decisions.seeding import KEK, open_ledger_at, seed_sessions
from tests.unit.sessions.support import T0, face, liveness, ocr

pytestmark = pytest.mark.integration

SESSIONS = 40


@pytest.fixture(params=["sqlite", "postgres"])
def location(request, tmp_path, monkeypatch) -> list[str]:
    monkeypatch.setenv("KYC_KEK", KEK)
    if request.param == "postgres":
        db = request.getfixturevalue("fresh_postgres_db")
        return ["--db", db]
    return ["--data-dir", str(tmp_path)]


def open_location(location: list[str], tmp_path):
    return open_ledger_at(tmp_path, db_url=location[1] if location[0] == "--db" else None)


def record_wrong_decision(app) -> str:
    """A decision whose recorded score is not what its inputs give (e.g. a buggy or forged writer)."""
    with audit_context("ten_alpha", "buggy-writer", "req-bad"):
        session = VerificationSession.start("ten_alpha", SessionConfiguration.build(), now=T0)
        for result in (liveness(), face(0.9), ocr()):
            session.record_check_result(1, result)
        app.save(session)
        plan = plan_decision(list(app.events.get(session.id)), 1, DEFAULT_POLICY)
        forged = {**plan.outcome_record, "score": 55.5}
        session.record_decision(1, plan.policy_hash, plan.inputs, forged)
        app.save(session)
    return str(session.id)


def test_replay_and_what_if_over_many_decisions(location, tmp_path, capsys) -> None:
    runtime = open_location(location, tmp_path)
    try:
        ids = seed_sessions(runtime, SESSIONS, seed=5)
        worker = DecisionWorker(runtime.ledger)
        worker.run_once()
        assert worker.stats.decided == SESSIONS
        written = runtime.ledger.recorder.max_notification_id()

        assert main(["decisions", "replay", "--all", *location]) == 0
        summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert summary == {"sessions": SESSIONS, "decisions": SESSIONS, "reproduced": SESSIONS, "failed": 0}

        assert main(["decisions", "replay", "--session", str(ids[0]), *location]) == 0
        capsys.readouterr()

        strict = tmp_path / "strict.json"
        lenient = PolicyDocument(name="no-match-to-review", no_match_action="review")
        strict.write_text(json.dumps(lenient.to_dict()))
        assert main(["decisions", "what-if", "--policy", str(strict), "--all", "--json", *location]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["decisions"] == SESSIONS and report["changed"] > 0
        assert report["policy_hash"] == lenient.policy_hash
        # only no-match sessions change, and only towards review (decision or route)
        rank = {"rejected": 0, "review": 1, "accepted": 2}
        for change in report["changes"]:
            assert "face_match_none" in change["proposed_reason_codes"]
            assert rank[change["proposed"]["decision"]] >= rank[change["recorded"]["decision"]]
        assert any(c["proposed"]["route"] == "manual_review" for c in report["changes"])
        assert runtime.ledger.recorder.max_notification_id() == written  # what-if wrote nothing

        bad = record_wrong_decision(runtime.ledger)
        assert main(["decisions", "replay", "--all", *location]) == 1
        out = capsys.readouterr().out
        assert f"session {bad} attempt 1: NOT reproduced" in out
        assert "outcome.score: recorded 55.5 != replayed 100.0" in out
    finally:
        runtime.close()


def test_unknown_session_and_bad_policy_file_are_errors_not_crashes(location, tmp_path, capsys) -> None:
    runtime = open_location(location, tmp_path)
    runtime.close()
    assert main(["decisions", "replay", "--session", "00000000-0000-0000-0000-000000000000", *location]) == 2
    bad_policy = tmp_path / "bad.json"
    bad_policy.write_text(json.dumps({"schema": "kycledger.policy/1", "weights": {}}))
    assert main(["decisions", "what-if", "--policy", str(bad_policy), "--all", *location]) == 2
    err = capsys.readouterr().err
    assert '"code": "not_found"' in err and '"code": "invalid_policy"' in err


def test_activated_tenant_policy_is_used_by_the_worker_and_replays(location, tmp_path, capsys) -> None:
    strict = PolicyDocument(name="strict-alpha", version="2", accept_threshold=90)
    policy_file = tmp_path / "strict.json"
    assert main(["decisions", "default-policy"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert PolicyDocument.from_dict(default) == DEFAULT_POLICY
    policy_file.write_text(json.dumps(strict.to_dict()))
    assert main(["decisions", "activate-policy", "--tenant", "ten_alpha", "--policy", str(policy_file), *location]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "tenant": "ten_alpha",
        "policy_hash": strict.policy_hash,
        "changed": True,
    }
    runtime = open_location(location, tmp_path)
    try:
        ids = seed_sessions(runtime, 4, seed=3)
        DecisionWorker(runtime.ledger).run_once()
        used = {
            runtime.ledger.repository.get(sid).tenant: runtime.ledger.repository.get(sid).decisions[1]["policy_hash"]
            for sid in ids
        }
        assert used == {"ten_alpha": strict.policy_hash, "ten_beta": DEFAULT_POLICY.policy_hash}
    finally:
        runtime.close()
    assert main(["decisions", "replay", "--all", *location]) == 0
