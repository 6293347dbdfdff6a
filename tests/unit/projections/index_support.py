"""A ledger of varied sessions over two interleaved tenants, and its search index in memory."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.sessions import SessionConfiguration
from domain.sessions.review import ReviewRules
from projections.memory_view import InMemoryReadModelView
from projections.schema import SESSION_INDEX, SESSION_REVIEWERS
from projections.session_index import INDEX_PROJECTION, INDEX_TOPICS, apply_index_event
from projections.view import ViewReader
from tests.unit.projections.support import entries
from tests.unit.sessions.support import SessionTestLedger, decide, face, liveness, result, reviewer, validation

A, B = "ten_a", "ten_b"


class MemoryIndex:
    """``services.search.sessions.SessionIndex`` in memory: ``catch_up`` projects the ledger's new events
    (the in-memory ledger has no hash chain, so it feeds the projection as ``support.project`` does);
    ``frozen`` stops it, to play an index that lags the ledger."""

    def __init__(self, ledger: SessionTestLedger) -> None:
        self.ledger = ledger
        self.view = InMemoryReadModelView((SESSION_INDEX, SESSION_REVIEWERS))
        self.frozen = False

    def catch_up(self) -> None:
        if self.frozen:
            return
        batch = entries(self.ledger, self.view.position(INDEX_PROJECTION))
        if batch:
            with self.view.transaction(INDEX_PROJECTION, batch[-1][1].notification_id) as tx:
                for event, entry in batch:
                    if type(event).TOPIC in INDEX_TOPICS:
                        apply_index_event(event, entry, tx)

    def reader(self) -> AbstractContextManager[ViewReader]:
        return self.view.reader()


@dataclass
class Story:
    ledger: SessionTestLedger
    ids: dict[str, Any] = field(default_factory=dict)  # name -> session id, in creation order


def _routed(ledger: SessionTestLedger, tenant: str, *, screening: bool = False) -> Any:
    checks = ["face_match", "liveness", *(["screening"] if screening else [])]
    sid = ledger.create_session(tenant, SessionConfiguration.build(checks=checks, max_retries=0))
    ledger.record_check_result(tenant, sid, 1, face(0.5, Outcome.UNCERTAIN))
    ledger.record_check_result(tenant, sid, 1, liveness())
    ledger.record_check_result(tenant, sid, 1, validation())
    if screening:
        ledger.record_check_result(tenant, sid, 1, result(CheckType.SCREENING, Outcome.FAIL, ("sanctions_hit",)))
    decide(ledger, tenant, sid)
    return sid


def _approved(ledger: SessionTestLedger, tenant: str) -> Any:
    sid = ledger.create_session(tenant, SessionConfiguration.build(checks=["face_match", "liveness"]))
    for check in (face(0.93), liveness(), validation()):
        ledger.record_check_result(tenant, sid, 1, check)
    decide(ledger, tenant, sid)
    return sid


def _retried(ledger: SessionTestLedger, tenant: str) -> Any:
    sid = ledger.create_session(tenant, SessionConfiguration.build(checks=["face_match", "liveness"], max_retries=2))
    for check in (face(0.93), liveness(Outcome.FAIL), validation()):
        ledger.record_check_result(tenant, sid, 1, check)
    decide(ledger, tenant, sid)
    return sid


def story() -> Story:
    """Sessions of tenants A and B interleaved in the ledger, each in another state: approved, in review,
    reviewed by two people, four eyes, retried (by the policy, and from review), cancelled, expired,
    pending, and sandbox ones."""
    s = Story(SessionTestLedger())
    led = s.ledger

    def as_key(tenant: str, sandbox: bool = False) -> Any:
        return audit_context(tenant, f"key:kyck_{tenant}" + (":sandbox" if sandbox else ""), "req")

    with as_key(A):
        led.set_review_rules(A, ReviewRules(four_eyes_compliance=True, four_eyes_overturn=False))
        s.ids["a_approved"] = _approved(led, A)
    with as_key(B):
        s.ids["b_review"] = _routed(led, B)
    with as_key(A):
        s.ids["a_reviewed"] = _routed(led, A)
        led.claim_review(A, s.ids["a_reviewed"], reviewer("ana"))
        led.release_review(A, s.ids["a_reviewed"], reviewer("ana"))
        led.claim_review(A, s.ids["a_reviewed"], reviewer("ben"))
        led.decide_review(A, s.ids["a_reviewed"], reviewer("ben"), "accepted", "same_person")
    with as_key(B):
        s.ids["b_reviewed"] = _routed(led, B)
        led.claim_review(B, s.ids["b_reviewed"], reviewer("zed"))
        led.decide_review(B, s.ids["b_reviewed"], reviewer("zed"), "rejected", "documents_forged")
    with as_key(A):
        s.ids["a_four_eyes"] = _routed(led, A, screening=True)
        led.claim_review(A, s.ids["a_four_eyes"], reviewer("ana"))
        led.decide_review(A, s.ids["a_four_eyes"], reviewer("ana"), "rejected", "confirmed_hit")
        s.ids["a_proposed"] = _routed(led, A, screening=True)
        led.claim_review(A, s.ids["a_proposed"], reviewer("cy"))
        led.decide_review(A, s.ids["a_proposed"], reviewer("cy"), "rejected", "confirmed_hit")  # waits for a second
        led.claim_review(A, s.ids["a_four_eyes"], reviewer("ben"))
        led.decide_review(A, s.ids["a_four_eyes"], reviewer("ben"), "rejected", "confirmed_hit")
        s.ids["a_retried"] = _retried(led, A)
        s.ids["a_sent_back"] = led.create_session(A, SessionConfiguration.build(checks=["liveness"]))
        led.request_manual_review(A, s.ids["a_sent_back"], "bank_asked")
        led.request_retry(A, s.ids["a_sent_back"], "all", "bank_asked")  # from review back to pending
        s.ids["a_cancelled"] = led.create_session(A, SessionConfiguration.build(checks=["liveness"]))
        led.cancel(A, s.ids["a_cancelled"], "customer_left")
        s.ids["a_expiring"] = led.create_session(A, SessionConfiguration.build(checks=["liveness"],
                                                                               session_ttl_seconds=60))
    with as_key(A, sandbox=True):
        s.ids["a_sandbox"] = _approved(led, A)
    with as_key(B, sandbox=True):
        s.ids["b_sandbox"] = led.create_session(B, SessionConfiguration.build(checks=["liveness"]))
    led.clock.advance(3600)
    with as_key(A):
        led.expire(A, s.ids["a_expiring"])
        s.ids["a_pending"] = led.create_session(A, SessionConfiguration.build(checks=["liveness"]))
    return s
