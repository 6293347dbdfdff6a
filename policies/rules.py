"""Gate rules: each reads one signal and may cap the decision (requirements/liveness §5: keep signals separate).

A rule never raises the decision; it sets a ceiling (``accepted`` = no cap). The final decision is
the worst of the score band and every ceiling, so a good score never outvotes a failed liveness
or a screening hit (docs/architecture.md §6), and improving any one check can only lift a cap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.checks import CheckResult, CheckType, Outcome
from domain.documents.country_codes import to_alpha3
from domain.sessions.configuration import LivenessType
from domain.sessions.errors import PolicyInputError
from domain.sessions.values import FRAUD_UNCERTAIN, SUSPECTED_FRAUD, Decision
from policies.document import PolicyDocument
from policies.inputs import DecisionInputs

EXPIRED_REASON = "document_expired"
NEEDS_MORE_DATA = "sanctions_needs_more_data"


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's verdict with its numbers; ``message`` is a key of ``USER_MESSAGES``."""

    rule: str
    ceiling: Decision = Decision.ACCEPTED
    reason_codes: tuple[str, ...] = ()
    detail: str = ""
    retryable: bool = False
    retry_step: str | None = None
    message: str | None = None
    escalate: bool = False
    active_challenge: bool = False

    @property
    def triggered(self) -> bool:
        return self.ceiling != Decision.ACCEPTED or self.escalate

    def to_record(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "triggered": self.triggered,
            "ceiling": str(self.ceiling),
            "reason_codes": list(self.reason_codes),
            "detail": self.detail,
            "retryable": self.retryable,
            "retry_step": self.retry_step,
            "message": self.message,
            "escalate": self.escalate,
        }


def _not_run(rule: str, check: CheckType) -> RuleOutcome:
    return RuleOutcome(rule, detail=f"{check.value} not requested")


def quality_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome:
    """Bad capture quality or an unreadable document: retry with guidance, not spoof suspicion."""
    quality, ocr = inputs.result(CheckType.QUALITY), inputs.result(CheckType.OCR)
    if quality is not None and quality.outcome == Outcome.FAIL:
        codes = ("quality_insufficient", *(f"quality:{r}" for r in quality.reasons))
        return RuleOutcome("quality_gate", Decision.REJECTED, codes, "capture quality check failed",
                           retryable=True, retry_step="capture", message="retake_capture")
    if ocr is not None and ocr.outcome == Outcome.FAIL:
        return RuleOutcome("quality_gate", Decision.REJECTED, ("document_unreadable",),
                           "document text could not be read", retryable=True,
                           retry_step="document_capture", message="retake_capture")
    return RuleOutcome("quality_gate", detail="capture usable")


def passive_pass_held_uncertain(policy: PolicyDocument, result: CheckResult) -> bool:
    """A passive "pass" that the policy counts as "uncertain" (it does not opt in to accepting it)."""
    return (result.outcome == Outcome.PASS and result.details.get("mode") == "passive"
            and not policy.passive_pass_accepted)


def liveness_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome:
    """Liveness fail is never accepted; uncertain -> retry or active challenge (requirements/liveness pattern C).

    A passive pass is uncertain too unless the policy opts in (``accept_passive_liveness``): single-
    frame signals can reject what they recognise but cannot prove a live person (docs/architecture.md §7).
    """
    result = inputs.result(CheckType.LIVENESS)
    if result is None:
        return _not_run("liveness_gate", CheckType.LIVENESS)
    if passive_pass_held_uncertain(policy, result):
        challenge = policy.active_challenge_on_uncertain and inputs.liveness_type == LivenessType.PASSIVE
        return RuleOutcome("liveness_gate", Decision.REVIEW, ("liveness_uncertain", "passive_liveness_not_accepted"),
                           "passive liveness pass counted as uncertain (the policy does not accept passive "
                           "liveness alone)", retryable=True, retry_step="liveness",
                           message="active_challenge" if challenge else "liveness_retry", active_challenge=challenge)
    if result.outcome == Outcome.FAIL:
        retries_ok = inputs.retries_used < policy.liveness_fail_max_retries
        return RuleOutcome("liveness_gate", Decision.REJECTED, ("liveness_failed",),
                           f"liveness fail (retries used {inputs.retries_used}, "
                           f"allowed after a fail {policy.liveness_fail_max_retries})",
                           retryable=retries_ok, retry_step="liveness", message="liveness_failed")
    if result.outcome == Outcome.UNCERTAIN:
        challenge = policy.active_challenge_on_uncertain and inputs.liveness_type == LivenessType.PASSIVE
        return RuleOutcome("liveness_gate", Decision.REVIEW, ("liveness_uncertain",),
                           f"liveness uncertain under {inputs.liveness_type.value} liveness",
                           retryable=True, retry_step="liveness",
                           message="active_challenge" if challenge else "liveness_retry",
                           active_challenge=challenge)
    if policy.accept_passive_liveness and result.details.get("mode") == "passive":
        return RuleOutcome("liveness_gate", detail="liveness pass (passive, accepted by the policy's opt-in)")
    return RuleOutcome("liveness_gate", detail="liveness pass")


def similarity_of(result: CheckResult) -> float | None:
    value = result.scores.get("similarity")
    if value is None and result.outcome != Outcome.FAIL:
        raise PolicyInputError("a face_match result needs scores['similarity']")
    return value


def face_match_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome:
    """Strong / weak / no match against the session's threshold (requirements/pipeline §6, requirements/liveness step
    3)."""
    result = inputs.result(CheckType.FACE_MATCH)
    if result is None:
        return _not_run("face_match_gate", CheckType.FACE_MATCH)
    threshold = inputs.configuration.face_match_threshold
    weak_floor = max(0.0, threshold - policy.weak_match_margin)
    similarity = similarity_of(result)
    shown = "none" if similarity is None else f"{similarity:.2f}"
    strong = similarity is not None and similarity >= threshold and result.outcome == Outcome.PASS
    weak = similarity is not None and similarity >= weak_floor and result.outcome != Outcome.FAIL
    if strong:
        return RuleOutcome("face_match_gate", detail=f"similarity {shown} >= {threshold:.2f} threshold")
    if weak:
        return RuleOutcome("face_match_gate", Decision.REVIEW, ("face_match_weak",),
                           f"similarity {shown} < {threshold:.2f} threshold (weak from {weak_floor:.2f})",
                           message="under_review")
    detail = f"similarity {shown} < {weak_floor:.2f} (no match)"
    if policy.no_match_action == "review":
        return RuleOutcome("face_match_gate", Decision.REVIEW, ("face_match_none",), detail,
                           message="under_review")
    return RuleOutcome("face_match_gate", Decision.REJECTED, ("face_match_none",), detail,
                       retryable=True, retry_step="selfie", message="face_mismatch")


def document_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome:
    """Document validation: expired -> reject with its message; invalid -> retry another capture."""
    result = inputs.result(CheckType.DATA_VALIDATION)
    if result is None:
        return _not_run("document_gate", CheckType.DATA_VALIDATION)
    if result.outcome == Outcome.FAIL and EXPIRED_REASON in result.reasons:
        return RuleOutcome("document_gate", Decision.REJECTED, (EXPIRED_REASON,), "document expired",
                           retryable=True, retry_step="document_capture", message="document_expired")
    if result.outcome == Outcome.FAIL:
        codes = ("document_invalid", *(f"document:{r}" for r in result.reasons))
        return RuleOutcome("document_gate", Decision.REJECTED, codes, "document validation failed",
                           retryable=True, retry_step="document_capture", message="document_invalid")
    if result.outcome == Outcome.UNCERTAIN:
        return RuleOutcome("document_gate", Decision.REVIEW, ("document_uncertain",),
                           "document validation uncertain", message="under_review")
    return RuleOutcome("document_gate", detail="document valid")


def fraud_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome:
    """Suspected fraud: no retry, generic message (requirements/pipeline §10 "Suspected fraud: block + flag")."""
    result = inputs.result(CheckType.FRAUD)
    if result is None:
        return _not_run("fraud_gate", CheckType.FRAUD)
    if result.outcome == Outcome.FAIL:
        codes = (SUSPECTED_FRAUD, *(f"fraud:{r}" for r in result.reasons))
        return RuleOutcome("fraud_gate", Decision.REJECTED, codes, "fraud check failed",
                           message="generic_unsuccessful")
    if result.outcome == Outcome.UNCERTAIN:
        return RuleOutcome("fraud_gate", Decision.REVIEW, (FRAUD_UNCERTAIN,), "fraud check uncertain",
                           message="under_review")
    return RuleOutcome("fraud_gate", detail="no fraud signal")


def age_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome:
    result = inputs.result(CheckType.AGE_VERIFICATION)
    if result is None:
        return _not_run("age_gate", CheckType.AGE_VERIFICATION)
    if result.outcome == Outcome.FAIL:
        return RuleOutcome("age_gate", Decision.REJECTED, ("age_requirement_not_met",),
                           "minimum age not met", message="age_requirement")
    if result.outcome == Outcome.UNCERTAIN:
        return RuleOutcome("age_gate", Decision.REVIEW, ("age_uncertain",), "age could not be confirmed",
                           message="under_review")
    return RuleOutcome("age_gate", detail="minimum age met")


def screening_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome:
    """Sanctions/PEP hit -> compliance escalation; potential match -> review (requirements/pipeline §7, §9)."""
    result = inputs.result(CheckType.SCREENING)
    if result is None:
        return _not_run("screening_gate", CheckType.SCREENING)
    if result.outcome == Outcome.FAIL:
        return RuleOutcome("screening_gate", Decision.REVIEW, ("screening_hit",),
                           "screening hit: compliance escalation", message="generic_unable", escalate=True)
    if result.outcome == Outcome.UNCERTAIN and NEEDS_MORE_DATA in result.reasons:
        # Results recorded before this reason existed keep their "potential match" on replay.
        return RuleOutcome("screening_gate", Decision.REVIEW, ("screening_needs_more_data",),
                           "screening near-hit on a common or cross-script name: birth date and nationality "
                           "needed", message="under_review")
    if result.outcome == Outcome.UNCERTAIN:
        return RuleOutcome("screening_gate", Decision.REVIEW, ("screening_potential_match",),
                           "screening potential match: fuzzy match review", message="under_review")
    return RuleOutcome("screening_gate", detail="screening clear")


def document_acceptance_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome | None:
    """The session accepts only its configured document types and issuing countries (requirements/pipeline §1).

    A document of another type or country is refused with a retry to capture an accepted one;
    a restricted session whose document's country could not be read goes to review.
    """
    rule = "document_acceptance"
    if not policy.enforce_document_acceptance:
        return None  # a gate added after v1: absent from records under policies that do not enforce it
    ocr = inputs.result(CheckType.OCR)
    if ocr is None:
        return _not_run(rule, CheckType.OCR)
    config = inputs.configuration
    doc_type = ocr.details.get("document_type")
    accepted = [str(d) for d in config.accepted_documents]
    if isinstance(doc_type, str) and doc_type and doc_type not in accepted:
        return RuleOutcome(rule, Decision.REJECTED, ("document_type_not_accepted",),
                           f"document type {doc_type} not in accepted {accepted}", retryable=True,
                           retry_step="document_capture", message="document_not_accepted")
    if not config.accepted_countries:
        return RuleOutcome(rule, detail=f"document type {doc_type or 'unknown'} accepted; any country")
    country = ocr.details.get("country")
    if not isinstance(country, str) or not country:
        return RuleOutcome(rule, Decision.REVIEW, ("document_country_unknown",),
                           f"issuing country unreadable; session accepts {list(config.accepted_countries)}",
                           message="under_review")
    if country not in config.accepted_countries:
        return RuleOutcome(rule, Decision.REJECTED, ("document_country_not_accepted",),
                           f"issuing country {country} not in accepted {list(config.accepted_countries)}",
                           retryable=True, retry_step="document_capture", message="document_not_accepted")
    return RuleOutcome(rule, detail=f"document type {doc_type or 'unknown'} from {country} accepted")


def expected_document_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome | None:
    """The document the client said to expect (requirements/sessions §2-§3 ``country``, ``document_type``):
    another issuing country or type is refused with a retry for the expected one; a country that could
    not be read goes to review. Judged whatever the policy, since the client asked for it."""
    config, rule = inputs.configuration, "expected_document"
    if config.expected_country is None and config.expected_document_type is None:
        return None  # a gate added after v1: absent from records of sessions that expect nothing
    ocr = inputs.result(CheckType.OCR)
    if ocr is None:
        return _not_run(rule, CheckType.OCR)
    doc_type, country = ocr.details.get("document_type"), ocr.details.get("country")
    expected_type = config.expected_document_type
    if expected_type is not None and isinstance(doc_type, str) and doc_type and doc_type != expected_type:
        return RuleOutcome(rule, Decision.REJECTED, ("document_type_not_expected",),
                           f"document type {doc_type}, expected {expected_type}", retryable=True,
                           retry_step="document_capture", message="document_not_accepted")
    if config.expected_country is None:
        return RuleOutcome(rule, detail=f"document type {doc_type or 'unknown'} as expected")
    read = to_alpha3(country) if isinstance(country, str) and country else None
    if read is None:
        return RuleOutcome(rule, Decision.REVIEW, ("document_country_unknown",),
                           f"issuing country unreadable; expected {config.expected_country}", message="under_review")
    if read != config.expected_country:
        return RuleOutcome(rule, Decision.REJECTED, ("document_country_not_expected",),
                           f"issuing country {read}, expected {config.expected_country}", retryable=True,
                           retry_step="document_capture", message="document_not_accepted")
    return RuleOutcome(rule, detail=f"document type {doc_type or 'unknown'} from {read} as expected")


def address_proof_gate(policy: PolicyDocument, inputs: DecisionInputs) -> RuleOutcome | None:
    """requirements/pipeline §1 ``require_address_proof``: uncertain -> manual review; fail (the document names someone
    else, or none was captured) -> rejected, retry the address capture. Not a scoring factor: the
    policy's weights (requirements/platform §4) stay as they are and sessions without it score as before."""
    if not inputs.configuration.require_address_proof:
        return None  # a gate added after v1: absent from records of sessions that never used it
    result = inputs.result(CheckType.ADDRESS_PROOF)
    if result is None:
        return _not_run("address_proof_gate", CheckType.ADDRESS_PROOF)
    if result.outcome == Outcome.FAIL:
        codes = ("address_proof_failed", *(f"address_proof:{r}" for r in result.reasons))
        return RuleOutcome("address_proof_gate", Decision.REJECTED, codes, "address proof check failed",
                           retryable=True, retry_step="address_capture", message="address_proof_retry")
    if result.outcome == Outcome.UNCERTAIN:
        codes = ("address_proof_uncertain", *(f"address_proof:{r}" for r in result.reasons))
        return RuleOutcome("address_proof_gate", Decision.REVIEW, codes, "address proof needs a person",
                           message="under_review")
    return RuleOutcome("address_proof_gate", detail="address proof matches the holder")


# Gates added after the first policy version answer None when they do not apply (the policy does not
# enforce them, the session did not ask for them): a decision that never used them is recorded,
# and replays, exactly as it did before they existed.
Gate = Callable[[PolicyDocument, DecisionInputs], RuleOutcome | None]
GATES: tuple[Gate, ...] = (quality_gate, document_acceptance_gate, expected_document_gate, liveness_gate,
                           face_match_gate, document_gate, fraud_gate, age_gate, screening_gate, address_proof_gate)
