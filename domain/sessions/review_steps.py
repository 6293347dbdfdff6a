"""The manual review part of a ``VerificationSession``: request, claim, release, note, propose, decide.

The rules (who may review, four eyes) are pure functions of ``domain.sessions.review``; these steps
apply them to the session. As in ``capture_steps``, the methods named after an event only change
state and the aggregate turns each into its recorded event (``domain.sessions.aggregate``, where the
versioned review events and their upcasters are declared).
"""

from __future__ import annotations

from typing import Any

from domain.personal_data import PersonalData
from domain.sessions.errors import ReviewAlreadyClaimedError, ReviewNotClaimedError
from domain.sessions.guards import parse_reviewer_decision, require_code
from domain.sessions.review import (
    Reviewer,
    ReviewRules,
    deciders_of,
    ensure_may_review,
    is_legacy_claim,
    next_review_step,
    review_message_code,
)
from domain.sessions.session_state import SessionState
from domain.sessions.status import SessionStatus
from domain.sessions.steering import ensure_manual_review_available, ensure_not_steered
from domain.sessions.values import Decision, ReviewQueue

DEFAULT_RULES = ReviewRules()


class ReviewSteps(SessionState):
    """Mixin of ``VerificationSession``: a human takes over (requirements/pipeline §9)."""

    def request_manual_review(self, reason: str) -> None:
        """Ask for a human (requirements/capture §4 POST /kyc/manual-review on persistent failure).

        The tenant's integration may send a pending case to review at any time (it is the bank deciding);
        the person being verified only after ``MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS`` failed attempts. A
        locked case (``review_lock``) is never moved to the operations queue.
        """
        require_code("reason", reason)
        self._require_status("request manual review", SessionStatus.PENDING)
        ensure_not_steered(self.review_lock, self.status, "request manual review")
        ensure_manual_review_available(self.failed_attempts)
        self._manual_review_requested(attempt=self.attempt, queue=str(ReviewQueue.OPERATIONS), reason=reason)

    def _manual_review_requested(self, attempt: int, queue: str, reason: str) -> None:
        self.status = SessionStatus.MANUAL_REVIEW
        self.review_queue = queue
        self.review_reason = reason
        self.reviewer = None
        self.reviewer_name = None

    def claim_review(self, reviewer: Reviewer, submitters: frozenset[str] = frozenset()) -> None:
        """A named reviewer takes the case; claiming twice by the same person changes nothing."""
        self._require_status("claim a review", SessionStatus.MANUAL_REVIEW)
        ensure_may_review(reviewer, self.review_queue, submitters, deciders_of(self.review_history, self.attempt))
        if self.reviewer == reviewer.member_id:
            return
        if self.reviewer is not None and not is_legacy_claim(self.reviewer):
            raise ReviewAlreadyClaimedError("review claimed by another reviewer")
        self._review_claimed(reviewer=reviewer.member_id, reviewer_name=reviewer.display_name)

    def _review_claimed(self, reviewer: str, reviewer_name: str | None) -> None:
        self.reviewer = reviewer
        self.reviewer_name = reviewer_name
        self.review_history.append({"step": "claimed", "attempt": self.attempt,
                                    "reviewer": {"id": reviewer, "name": reviewer_name}})

    def release_review(self, reviewer: Reviewer) -> None:
        """The reviewer who holds the case gives it back to the queue (another person may claim it)."""
        self._require_status("release a review", SessionStatus.MANUAL_REVIEW)
        if self.reviewer != reviewer.member_id:
            raise ReviewNotClaimedError("only the reviewer who holds the case releases it")
        self._review_released(reviewer=reviewer.member_id, reviewer_name=reviewer.display_name)

    def _review_released(self, reviewer: str, reviewer_name: str) -> None:
        self.reviewer = None
        self.reviewer_name = None
        self.review_history.append({"step": "released", "attempt": self.attempt,
                                    "reviewer": {"id": reviewer, "name": reviewer_name}})

    def note_review(self, reviewer: Reviewer, note: PersonalData) -> None:
        """The holder's free-text note on the case (sealed under the subject's key: it may name them)."""
        self._require_status("note a review", SessionStatus.MANUAL_REVIEW)
        if self.reviewer != reviewer.member_id:
            raise ReviewNotClaimedError("the review must be claimed by this reviewer first")
        self._review_noted(attempt=self.attempt, reviewer=reviewer.member_id, reviewer_name=reviewer.display_name,
                           note=note)

    def _review_noted(self, attempt: int, reviewer: str, reviewer_name: str, note: PersonalData) -> None:
        pass  # the note lives in the event only: read back with the session's events

    def decide_review(self, reviewer: Reviewer, decision: str, reason: str, rules: ReviewRules = DEFAULT_RULES,
                      submitters: frozenset[str] = frozenset()) -> bool:
        """The reviewer's verdict (requirements/pipeline §9): final, or a proposal when four eyes apply.

        Returns True when the case is decided, False when it waits for a second reviewer.
        """
        require_code("reason", reason)
        self._require_status("decide a review", SessionStatus.MANUAL_REVIEW)
        if self.reviewer != reviewer.member_id:
            raise ReviewNotClaimedError("the review must be claimed by this reviewer first")
        verdict = parse_reviewer_decision(decision)
        ensure_may_review(reviewer, self.review_queue, submitters, deciders_of(self.review_history, self.attempt))
        policy = self.decisions.get(self.attempt)
        step = next_review_step(self.review_history, self.attempt, self.review_queue, reviewer, verdict, reason,
                                rules, str(policy["outcome"]["decision"]) if policy else None)
        if step.four_eyes is not None:
            self._review_proposed(attempt=self.attempt, reviewer=reviewer.member_id,
                                  reviewer_name=reviewer.display_name, decision=str(verdict), reason=reason,
                                  four_eyes=step.four_eyes)
            return False
        if self.attempt in self.decisions:
            self._decision_superseded(attempt=self.attempt, superseded_by="review", reason=reason)
        self._review_decided(attempt=self.attempt, reviewer=reviewer.member_id, reviewer_name=reviewer.display_name,
                             decision=str(verdict), reason=reason, approvals=list(step.approvals),
                             user_message_code=review_message_code(verdict, self.review_queue))
        return True

    def _review_proposed(self, attempt: int, reviewer: str, reviewer_name: str, decision: str, reason: str,
                         four_eyes: str) -> None:
        self.review_history.append({"step": "proposed", "attempt": attempt, "decision": decision, "reason": reason,
                                    "four_eyes": four_eyes, "reviewer": {"id": reviewer, "name": reviewer_name}})
        self.reviewer = None  # released: a second, different reviewer takes it from here
        self.reviewer_name = None

    def _review_decided(self, attempt: int, reviewer: str, decision: str, reason: str, reviewer_name: str | None,
                        approvals: list[dict[str, Any]], user_message_code: str) -> None:
        self.review_decision = {
            "attempt": attempt, "reviewer": reviewer, "reviewer_name": reviewer_name, "decision": decision,
            "reason": reason, "approvals": list(approvals), "user_message_code": user_message_code,
        }
        self.review_history.append({"step": "decided", "attempt": attempt, "decision": decision, "reason": reason,
                                    "reviewer": {"id": reviewer, "name": reviewer_name}})
        accepted = decision == Decision.ACCEPTED
        self.status = SessionStatus.VERIFIED if accepted else SessionStatus.FAILED
