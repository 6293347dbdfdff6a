"""On the hash-chained SQLite ledger, sessions reach every outcome (accepted,
review -> reviewer decision, rejected, escalated, expired), every step is a chained event, personal
values are sealed, and every decision replays from the ledger alone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.personal_data import PersonalData
from domain.sessions import SessionConfiguration, SessionStatus, VerificationSession
from ops.cli import main
from ops.runners.decision_worker import DecisionWorker
from tests.integration.decisions.seeding import KEK, open_ledger_at
from tests.unit.sessions.support import SHA, T0, face, liveness, ocr, result, reviewer, validation

pytestmark = pytest.mark.integration

CHECKS = ["ocr", "face_match", "liveness", "fraud", "screening"]


def start(app, *results, ttl: int = 1800) -> VerificationSession:
    with audit_context("ten_alpha", "api", "req-create"):
        session = VerificationSession.start(
            "ten_alpha", SessionConfiguration.build(checks=CHECKS, session_ttl_seconds=ttl), now=T0
        )
        session.record_capture("document_front", SHA, "blob://front", {"focus": 0.9}, now=T0)
        app.save(session)
    with audit_context("ten_alpha", "ml-worker", "req-checks"):
        for r in results:
            session = app.repository.get(session.id)
            session.record_check_result(1, r)
            app.save(session)
    return session


def clean(**override):
    base = {
        "ocr": ocr(),
        "face_match": face(0.92),
        "liveness": liveness(),
        "fraud": result(CheckType.FRAUD, Outcome.PASS),
        "screening": result(CheckType.SCREENING, Outcome.PASS),
    }
    base.update(override)
    return list(base.values())


def test_sessions_reach_every_outcome_on_the_chained_ledger(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("KYC_KEK", KEK)
    runtime = open_ledger_at(tmp_path)
    app = runtime.ledger
    try:
        accepted = start(app, *clean())
        with audit_context("ten_alpha", "ml-worker", "req-ocr"):
            s = app.repository.get(accepted.id)
            s.record_extracted_data(1, {"surname": PersonalData.of("subj-1", "KUMAR")})
            app.save(s)
        review = start(app, *clean(face_match=face(0.55)))
        rejected = start(app, *clean(fraud=result(CheckType.FRAUD, Outcome.FAIL, ("ela_anomaly",))))
        escalated = start(app, *clean(screening=result(CheckType.SCREENING, Outcome.FAIL)))
        expiring = start(app, ttl=600)

        worker = DecisionWorker(app, clock=lambda: T0 + timedelta(seconds=601))
        worker.run_once()
        assert worker.stats.decided == 4 and worker.expire_overdue() == 1

        with audit_context("ten_alpha", "reviewer:rev_1", "req-review"):
            s = app.repository.get(review.id)
            s.claim_review(reviewer("rev_1"))
            s.decide_review(reviewer("rev_1"), "rejected", "photo_mismatch_confirmed")
            app.save(s)

        status = {
            name: app.repository.get(s.id)
            for name, s in [
                ("accepted", accepted),
                ("review", review),
                ("rejected", rejected),
                ("escalated", escalated),
                ("expired", expiring),
            ]
        }
        assert status["accepted"].status == SessionStatus.VERIFIED
        assert status["review"].status == SessionStatus.FAILED and status["review"].superseded[0]["by"] == "review"
        assert status["rejected"].status == SessionStatus.FAILED
        assert status["rejected"].decisions[1]["outcome"]["user_message"] == "Verification unsuccessful."
        assert status["escalated"].status == SessionStatus.MANUAL_REVIEW
        assert status["escalated"].review_queue == "compliance"
        assert status["expired"].status == SessionStatus.EXPIRED

        # the personal value is sealed in storage, readable through the ledger
        extracted = [e for e in app.events.get(accepted.id) if type(e).TOPIC.endswith("DocumentDataExtracted")]
        assert extracted[0].fields["surname"].value == "KUMAR"
        assert b"KUMAR" not in (tmp_path / "ledger.db").read_bytes()
    finally:
        runtime.close()

    assert main(["ledger", "verify", "--data-dir", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert main(["decisions", "replay", "--all", "--data-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["reproduced"] == 4


def test_the_composed_ledger_drives_a_session_through_its_commands(tmp_path) -> None:
    runtime = open_ledger_at(tmp_path)
    ledger = runtime.ledger
    try:
        with audit_context("ten_beta", "api", "req-1"):
            sid = ledger.create_session(
                "ten_beta", SessionConfiguration.build(checks=["ocr", "face_match", "liveness"])
            )
            ledger.record_capture("ten_beta", sid, "selfie", SHA, "blob://selfie", {"camera": "front"})
            ledger.record_check_result("ten_beta", sid, 1, liveness(Outcome.UNCERTAIN))
            ledger.record_check_result("ten_beta", sid, 1, face(0.9))
            ledger.record_check_result("ten_beta", sid, 1, ocr())
            ledger.record_check_result("ten_beta", sid, 1, validation())
        DecisionWorker(ledger).run_once()
        session = ledger.get_session("ten_beta", sid)
        # requirements/liveness pattern C: passive liveness uncertain -> a second attempt with an active challenge
        assert (session.status, session.attempt, session.liveness_type) == (SessionStatus.PENDING, 2, "active")
        with audit_context("ten_beta", "ml-worker", "req-2"):
            ledger.record_check_result("ten_beta", sid, 2, liveness(Outcome.PASS))
            ledger.record_check_result("ten_beta", sid, 2, face(0.9))
            ledger.record_check_result("ten_beta", sid, 2, ocr())
            ledger.record_check_result("ten_beta", sid, 2, validation())
        DecisionWorker(ledger).run_once()
        session = ledger.get_session("ten_beta", sid)
        # one retry raises the accept bar to 85; 100 points still pass
        assert session.status == SessionStatus.VERIFIED
        assert session.decisions[2]["outcome"]["accept_threshold"] == 85.0
    finally:
        runtime.close()
