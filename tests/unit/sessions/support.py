"""Test support: an in-memory ledger with the session commands and builders of check results.

``PersonalData`` gets a plain test transcoding here; real sealing is the composition root's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.errors import NotFoundError
from domain.personal_data import PersonalData
from domain.sessions.commands import SessionCommands
from domain.sessions.review import Reviewer
from domain.sessions.review_commands import ReviewCommands

T0 = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)
MODEL = ModelProvenance("test-model", "1.0", "0" * 64)
SHA = "a" * 64


class PlainPersonalData(Transcoding):
    type = PersonalData
    name = "test_personal_data"

    def encode(self, obj: PersonalData) -> dict[str, Any]:
        return {"subject_id": obj.subject_id, "value": obj._value}

    def decode(self, data: dict[str, Any]) -> PersonalData:
        return PersonalData(subject_id=data["subject_id"], _value=data["value"])


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now = self.now + timedelta(seconds=seconds)


def reviewer(member_id: str = "rev_1", compliance: bool = True) -> Reviewer:
    """A named reviewer acting through their own key ``key:<member id>``."""
    return Reviewer(member_id=member_id, display_name=f"Reviewer {member_id}", compliance=compliance,
                    credential=f"key:{member_id}")


class SessionTestLedger(ReviewCommands, SessionCommands, Application):
    """SessionCommands and ReviewCommands over eventsourcing's in-memory persistence."""

    def get_api_key(self, key_id: str) -> Any:
        raise NotFoundError("no API keys in the session test ledger", key_id=key_id)

    def __init__(self, clock: Clock | None = None, env: Mapping[str, str] | None = None) -> None:
        self.clock = clock or Clock()
        super().__init__(env=dict(env or {"PERSISTENCE_MODULE": "eventsourcing.popo"}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(PlainPersonalData())


def result(check: CheckType, outcome: Outcome, reasons: tuple[str, ...] = (), **scores: float) -> CheckResult:
    return CheckResult(check=check, outcome=outcome, scores=scores, reasons=reasons, models=(MODEL,))


def liveness(outcome: Outcome = Outcome.PASS) -> CheckResult:
    return result(CheckType.LIVENESS, outcome, confidence=0.9)


def face(similarity: float, outcome: Outcome = Outcome.PASS) -> CheckResult:
    return result(CheckType.FACE_MATCH, outcome, similarity=similarity)


def ocr(outcome: Outcome = Outcome.PASS) -> CheckResult:
    return result(CheckType.OCR, outcome)


def validation(outcome: Outcome = Outcome.PASS, reasons: tuple[str, ...] = ()) -> CheckResult:
    """The ``data_validation`` result every session that reads a document records (from the MRZ rules)."""
    return result(CheckType.DATA_VALIDATION, outcome, reasons, confidence=1.0 if outcome is Outcome.PASS else 0.5)


def decide(ledger: SessionTestLedger, tenant: str, session_id: Any, policy: Any = None) -> dict[str, Any]:
    """Evaluate and record the current attempt's decision the way the decision worker does."""
    from policies.document import DEFAULT_POLICY
    from policies.process import plan_decision

    policy = policy or DEFAULT_POLICY
    ledger.activate_policy(tenant, policy.to_dict(), policy.policy_hash)
    session = ledger.get_session(tenant, session_id)
    plan = plan_decision(ledger.session_events(tenant, session_id), session.attempt, policy)
    ledger.record_decision(tenant, session_id, plan.attempt, plan.policy_hash, plan.inputs, plan.outcome_record)
    return plan.outcome_record
