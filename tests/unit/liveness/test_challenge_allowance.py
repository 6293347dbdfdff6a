"""No shopping for an easy challenge: one open challenge per person, at most 5 an hour.

Also: the default liveness type is active, and recorded configurations read back as recorded.
"""

from __future__ import annotations

import pytest

from domain.audit import audit_context
from domain.liveness_allowance import MAX_PER_WINDOW, ChallengeRateLimitedError, ChallengeStillOpenError
from domain.sessions import SessionConfiguration
from domain.sessions.configuration import LivenessType
from tests.unit.sessions.support import Clock, SessionTestLedger

pytestmark = pytest.mark.unit

TENANT = "ten_allow"
ACTIVE = SessionConfiguration.build(checks=("liveness",), liveness_type="active", session_ttl_seconds=600)


def _ledger() -> tuple[SessionTestLedger, Clock]:
    clock = Clock()
    return SessionTestLedger(clock), clock


def _answer(ledger: SessionTestLedger, sid: object) -> None:
    ledger.record_capture(TENANT, sid, "liveness_frames", "ab" * 32, "blob-1",  # type: ignore[arg-type]
                          {"frames": 20, "nonce": "n" * 32, "received_at": ledger.now().isoformat()})


def test_a_second_challenge_while_the_first_is_open_is_refused_with_the_open_one() -> None:
    ledger, _ = _ledger()
    with audit_context(TENANT, "key:k1", "r"):
        first = ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live")
        with pytest.raises(ChallengeStillOpenError) as refused:
            ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live")
        assert refused.value.details["challenge_id"] == str(first)
        assert refused.value.code == "liveness_challenge_open"
        # another person, or the same reference in the other environment, is not affected
        ledger.create_challenged_session(TENANT, ACTIVE, "customer-2", "live")
        ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "sandbox")


@pytest.mark.parametrize("close", ["answer", "cancel", "expire"])
def test_an_answered_cancelled_or_expired_challenge_no_longer_blocks(close: str) -> None:
    ledger, clock = _ledger()
    with audit_context(TENANT, "key:k1", "r"):
        first = ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live")
        if close == "answer":
            _answer(ledger, first)
        elif close == "cancel":
            ledger.cancel(TENANT, first, "client_cancelled")
        else:
            clock.advance(601)
        assert ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live") != first


def test_at_most_five_challenges_an_hour_even_when_each_is_answered() -> None:
    ledger, clock = _ledger()
    with audit_context(TENANT, "key:k1", "r"):
        for _ in range(MAX_PER_WINDOW):
            _answer(ledger, ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live"))
            clock.advance(60)
        with pytest.raises(ChallengeRateLimitedError) as limited:
            ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live")
        assert limited.value.code == "liveness_challenge_rate_limited"
        wait = int(str(limited.value.details["retry_after_s"]))
        assert 3_300 <= wait <= 3_301  # the first one leaves the hour 55 minutes from now
        clock.advance(wait)
        ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live")


def test_the_issue_is_recorded_with_the_session() -> None:
    ledger, _ = _ledger()
    with audit_context(TENANT, "key:k1", "r"):
        sid = ledger.create_challenged_session(TENANT, ACTIVE, "customer-1", "live")
    assert ledger.get_session(TENANT, sid).reference == "customer-1"
    from domain.liveness_allowance import ChallengeAllowance

    events = list(ledger.events.get(ChallengeAllowance.create_id(TENANT, "live", "customer-1")))
    assert [type(e).TOPIC for e in events] == ["kycledger.liveness.AllowanceOpened",  # type: ignore[attr-defined]
                                               "kycledger.liveness.ChallengeIssued"]
    assert events[-1].session_id == str(sid)  # type: ignore[attr-defined]


def test_new_sessions_default_to_active_and_recorded_configurations_read_back_as_recorded() -> None:
    assert SessionConfiguration().liveness_type is LivenessType.ACTIVE
    assert SessionConfiguration.build().liveness_type is LivenessType.ACTIVE
    recorded_before = SessionConfiguration.build(liveness_type="passive").to_dict()
    assert recorded_before["liveness_type"] == "passive"  # always stored explicitly
    assert SessionConfiguration.from_dict(recorded_before).liveness_type is LivenessType.PASSIVE
    with pytest.raises(KeyError):  # a recorded configuration without it would be refused, never guessed
        SessionConfiguration.from_dict({k: v for k, v in recorded_before.items() if k != "liveness_type"})
