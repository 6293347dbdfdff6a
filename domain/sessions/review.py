"""Manual review by named people (requirements/pipeline §9): who may take a case, and four eyes.

Pure rules the session aggregate applies in its review steps:

- a reviewer is a named person (``Reviewer``), recorded by id and display name in every claim,
  proposal and decision;
- compliance escalations are for compliance officers (requirements/pipeline §9: "MLRO / compliance officer");
- nobody reviews a case they submitted (opened the session or asked for its review, through a
  personal key) or already decided (a maker is never their own checker);
- when the tenant's ``ReviewRules`` ask for four eyes, the first decision is a proposal and the
  case is decided when a second, different reviewer reaches the same verdict. A checker who
  disagrees makes the counter-proposal; a contrary verdict that needs no second pair of eyes (a
  checker keeping a rejection the policy made) is final on its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from domain.errors import ConflictError, DomainError, InvalidArgumentError
from domain.sessions.values import Decision, ReviewQueue

COMPLIANCE_ESCALATION = "compliance_escalation"
OVERTURNS_REJECTION = "overturns_rejection"
TENANT_RULE = "every_review"


@dataclass(frozen=True)
class ReviewRules:
    """Which review decisions need a second, different reviewer."""

    four_eyes_compliance: bool = True
    four_eyes_overturn: bool = True
    four_eyes_all: bool = False

    def to_record(self) -> dict[str, bool]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ReviewRules:
        unknown = set(record) - set(asdict(cls()))
        if unknown or not all(isinstance(v, bool) for v in record.values()):
            raise InvalidArgumentError("review rules are booleans", allowed=sorted(asdict(cls())))
        return cls(**record)

    def second_reviewer_needed(self, queue: str | None, verdict: Decision,
                               policy_decision: str | None) -> str | None:
        """Why ``verdict`` on a case of ``queue`` needs a second reviewer, or None when one suffices."""
        if self.four_eyes_compliance and queue == ReviewQueue.COMPLIANCE:
            return COMPLIANCE_ESCALATION
        if self.four_eyes_overturn and verdict == Decision.ACCEPTED and policy_decision == Decision.REJECTED:
            return OVERTURNS_REJECTION
        if self.four_eyes_all:
            return TENANT_RULE
        return None


class ReviewerNotAllowedError(DomainError):
    """The person may not review this case (role, own submission, or already decided it)."""

    code = "reviewer_not_allowed"


class ComplianceRoleRequiredError(ReviewerNotAllowedError):
    code = "compliance_role_required"


class OwnSubmissionError(ReviewerNotAllowedError):
    code = "own_submission"


class SecondReviewerRequiredError(ReviewerNotAllowedError):
    """Four eyes: this person already decided the case; another reviewer must."""

    code = "second_reviewer_required"


class ReviewProposalPendingError(ConflictError):
    code = "review_proposal_pending"


@dataclass(frozen=True)
class Reviewer:
    """A named person acting on a case, with the credential they act through."""

    member_id: str
    display_name: str
    compliance: bool  # may take compliance escalations
    credential: str  # the actor of their requests ("key:<id>"), to recognise their own submissions

    def record(self) -> dict[str, str]:
        return {"id": self.member_id, "name": self.display_name}


# The user-facing message of a reviewer's outcome (keys of policies.messages.USER_MESSAGES): requirements/pipeline §10
# "Never reveal fraud details" and "Sanctions hit" apply to a person's rejection as to a policy's.
REVIEW_MESSAGE_ACCEPTED = "verified"
REVIEW_MESSAGE_REJECTED = "generic_unsuccessful"
REVIEW_MESSAGE_REJECTED_COMPLIANCE = "generic_unable"


def review_message_code(verdict: str, queue: str | None) -> str:
    if verdict == Decision.ACCEPTED:
        return REVIEW_MESSAGE_ACCEPTED
    return REVIEW_MESSAGE_REJECTED_COMPLIANCE if queue == ReviewQueue.COMPLIANCE else REVIEW_MESSAGE_REJECTED


def ensure_may_review(reviewer: Reviewer, queue: str | None, submitters: frozenset[str],
                      deciders: frozenset[str]) -> None:
    """Refuse a reviewer who may not take this case at all."""
    if queue == ReviewQueue.COMPLIANCE and not reviewer.compliance:
        raise ComplianceRoleRequiredError("compliance escalations are reviewed by compliance officers",
                                          queue=queue)
    if reviewer.member_id in submitters or reviewer.credential in submitters:
        raise OwnSubmissionError("nobody reviews a case they submitted")
    if reviewer.member_id in deciders:
        raise SecondReviewerRequiredError("you already decided this case: a second reviewer decides now",
                                          member_id=reviewer.member_id)


def is_legacy_claim(claimed_by: str | None) -> bool:
    """A claim recorded by an earlier version names an API key, not a person: another reviewer may
    take the case over (no key of that kind can decide reviews any more)."""
    return claimed_by is not None and claimed_by.startswith("key:")


def proposal_of(history: list[dict[str, Any]], attempt: int) -> Mapping[str, Any] | None:
    """The open proposal of ``attempt``: the last proposal not followed by a decision."""
    open_proposal: Mapping[str, Any] | None = None
    for step in history:
        if step.get("attempt") == attempt and step["step"] in ("proposed", "decided"):
            open_proposal = step if step["step"] == "proposed" else None
    return open_proposal


def deciders_of(history: list[dict[str, Any]], attempt: int) -> frozenset[str]:
    """Everyone who proposed or decided ``attempt``."""
    return frozenset(str(step["reviewer"]["id"]) for step in history
                     if step.get("attempt") == attempt and step["step"] in ("proposed", "decided"))


@dataclass(frozen=True)
class ReviewStep:
    """What a reviewer's verdict does: a proposal waiting for a second reviewer (``four_eyes`` names
    why), or the decision with every verdict it needed (``approvals``, maker first)."""

    four_eyes: str | None
    approvals: tuple[dict[str, str], ...] = ()


def next_review_step(history: list[dict[str, Any]], attempt: int, queue: str | None, reviewer: Reviewer,
                     verdict: Decision, reason: str, rules: ReviewRules, policy_decision: str | None) -> ReviewStep:
    """A checker agreeing with the open proposal decides; otherwise four eyes, when the rules ask for
    them, turn the verdict into a (counter-)proposal; otherwise it decides alone."""
    mine = {**reviewer.record(), "decision": str(verdict), "reason": reason}
    proposal = proposal_of(history, attempt)
    if proposal is not None and proposal["decision"] == verdict:
        maker = {**proposal["reviewer"], "decision": str(proposal["decision"]), "reason": str(proposal["reason"])}
        return ReviewStep(None, (maker, mine))
    why = rules.second_reviewer_needed(queue, verdict, policy_decision)
    return ReviewStep(why) if why is not None else ReviewStep(None, (mine,))


MAX_NOTE = 2000


def parse_review_note(text: str) -> str:
    """A reviewer's note: 1-2000 characters of plain text (line breaks and tabs allowed)."""
    note = str(text).strip()
    if not 1 <= len(note) <= MAX_NOTE:
        raise InvalidArgumentError(f"a note is 1-{MAX_NOTE} characters")
    if any(unicodedata.category(c).startswith("C") and c not in "\r\n\t" for c in note):
        raise InvalidArgumentError("a note is plain text")
    return note
