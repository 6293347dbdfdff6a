"""A reviewer's note goes with the verdict in one transaction, by the case's holder only, as plain
text, and is stored sealed under the data subject's key like every personal value."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.audit import PLATFORM_TENANT, audit_context
from domain.errors import InvalidArgumentError
from domain.sessions import SessionConfiguration, SessionStatus
from domain.sessions.aggregate import VerificationSession
from domain.sessions.errors import ReviewNotClaimedError
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.settings import Settings
from tests.unit.sessions.support import decide, face, liveness, reviewer, validation

pytestmark = pytest.mark.unit
NOTE = "Called the branch: Ms Eriksson showed her passport in person on 3 March."


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[LedgerRuntime]:
    settings = Settings.from_env({"KYC_KEK": base64.b64encode(os.urandom(32)).decode()})
    runtime = open_runtime(data_dir=tmp_path, settings=settings, in_memory=True)
    yield runtime
    runtime.close()


def _in_review(rt: LedgerRuntime) -> tuple[str, object]:
    with audit_context(PLATFORM_TENANT, "operator:test", "setup"):
        tenant = rt.ledger.create_tenant("Acme", "pro").tenant_id
    with audit_context(tenant, "key:kyck_integration", "req"):
        sid = rt.ledger.create_session(tenant, SessionConfiguration.build(checks=["face_match", "liveness"],
                                                                          max_retries=0))
        for check in (face(0.5), liveness(), validation()):
            rt.ledger.record_check_result(tenant, sid, 1, check)
        decide(rt.ledger, tenant, sid)  # type: ignore[arg-type]
    assert rt.ledger.get_session(tenant, sid).status == SessionStatus.MANUAL_REVIEW
    return tenant, sid


def test_the_note_is_recorded_with_the_verdict_and_stored_sealed(rt: LedgerRuntime) -> None:
    tenant, sid = _in_review(rt)
    riley = reviewer("mem_riley", compliance=False)
    with audit_context(tenant, "console:mem_riley", "req-review"):
        rt.ledger.claim_review(tenant, sid, riley)  # type: ignore[arg-type]
        assert rt.ledger.decide_review(tenant, sid, riley, "accepted", "documents_verified", NOTE)  # type: ignore[arg-type]
    noted = [e for e in rt.ledger.events.get(sid) if isinstance(e, VerificationSession.ReviewNoted)]  # type: ignore[arg-type]
    assert [(n.reviewer, n.note.value, n.actor) for n in noted] == [("mem_riley", NOTE, "console:mem_riley")]
    stored = b"".join(n.state for n in rt.ledger.recorder.select_notifications(1, 1_000_000))
    assert b"Eriksson" not in stored and b"passport in person" not in stored


def test_a_note_needs_the_claim_and_plain_text_and_a_refused_note_records_no_verdict(rt: LedgerRuntime) -> None:
    tenant, sid = _in_review(rt)
    riley, sam = reviewer("mem_riley", compliance=False), reviewer("mem_sam", compliance=False)
    with audit_context(tenant, "console:mem_riley", "req-review"):
        rt.ledger.claim_review(tenant, sid, riley)  # type: ignore[arg-type]
        with pytest.raises(ReviewNotClaimedError):
            rt.ledger.decide_review(tenant, sid, sam, "accepted", "documents_verified", NOTE)  # type: ignore[arg-type]
        for bad in ("", "   ", "x" * 2001, "hidden\u202eoverride", "bell\x07"):
            with pytest.raises(InvalidArgumentError):
                rt.ledger.decide_review(tenant, sid, riley, "accepted", "documents_verified", bad)  # type: ignore[arg-type]
        assert rt.ledger.get_session(tenant, sid).status == SessionStatus.MANUAL_REVIEW  # nothing decided
        assert rt.ledger.decide_review(tenant, sid, riley, "rejected", "face_mismatch", "line one\nline two")  # type: ignore[arg-type]
