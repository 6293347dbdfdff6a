"""The policy document: a versioned value identified by the sha256 of its canonical JSON.

Defaults implement the requirements: weights liveness 30, face match 40, document validation 25, KYA 5 and
bands accepted >= 80, review 60-79, rejected < 60 (requirements/platform §4, tenant-customizable); a weak
face match goes to review and a no-match is rejected or reviewed by configuration (requirements/pipeline §6
score table: 0.50-0.65 manual review, < 0.50 reject or manual review); retries are capped and each
raises scrutiny (requirements/liveness §6); liveness uncertain -> active challenge (requirements/liveness pattern C).
Numbers the requirements leave open (scrutiny per retry, liveness-fail retries) are named here.
A passive liveness pass counts as uncertain unless the document opts in (``liveness.accept_passive_pass``;
docs/architecture.md §7: no passive presentation-attack model is usable offline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.checks import CheckType
from domain.policy_registry import policy_document_hash
from domain.sessions.errors import InvalidPolicyError

SCHEMA = "kycledger.policy/1"
FACTORS: tuple[str, ...] = ("liveness", "face_match", "document", "kya")
DEFAULT_FACTOR_CHECKS: dict[str, tuple[CheckType, ...]] = {
    "liveness": (CheckType.LIVENESS,),
    "face_match": (CheckType.FACE_MATCH,),
    # requirements/platform §4, the document factor; sessions that only request OCR are scored on the OCR result
    "document": (CheckType.DATA_VALIDATION, CheckType.OCR),
    "kya": (CheckType.KYA,),
}


def _number(data: Mapping[str, Any], key: str, low: float, high: float) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InvalidPolicyError(f"{key} must be a number in [{low}, {high}]", value=repr(value))
    return float(value)


def _only_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise InvalidPolicyError(f"unknown keys in {where}", keys=sorted(unknown))


def _liveness_section(data: Mapping[str, Any]) -> bool | None:
    """``liveness.accept_passive_pass``; None for a document without the section (written before it)."""
    if "liveness" not in data:
        return None
    section = data["liveness"]
    _only_keys(section, {"accept_passive_pass"}, "liveness")
    accept = section["accept_passive_pass"]
    if not isinstance(accept, bool):
        raise InvalidPolicyError("liveness.accept_passive_pass must be true or false")
    return accept


@dataclass(frozen=True)
class PolicyDocument:
    """Scoring weights, bands and gate/retry parameters of one policy version."""

    name: str = "kycledger-default"
    version: str = "2"
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"liveness": 30.0, "face_match": 40.0, "document": 25.0, "kya": 5.0}
    )
    accept_threshold: float = 80.0
    review_threshold: float = 60.0
    weak_match_margin: float = 0.15  # requirements/pipeline §6: threshold 0.65, weak band from 0.50
    no_match_action: str = "reject"  # "reject" | "review" (by configuration)
    scrutiny_points_per_retry: float = 5.0
    liveness_fail_max_retries: int = 1  # requirements/pipeline §10 "Liveness failed: allow retry (limited)"
    active_challenge_on_uncertain: bool = True
    on_retries_exhausted: str = "manual_review"  # requirements/pipeline §12: escalate to next tier
    # requirements/pipeline §1: accepted documents and countries. Documents written before
    # this rule existed have no "document" section and read back with it off, so their decisions
    # replay exactly as they were made.
    enforce_document_acceptance: bool = True
    # Passive liveness is a signal, not a gate (docs/architecture.md §7: no passive presentation-
    # attack model usable offline): a passive "pass" counts as "uncertain" unless the tenant opts in
    # with True. None: a document written before this choice existed (no "liveness" section), which
    # accepted a passive pass; it keeps its hash and its behaviour, so its decisions replay exactly.
    accept_passive_liveness: bool | None = False

    def __post_init__(self) -> None:
        if set(self.weights) != set(FACTORS):
            raise InvalidPolicyError("weights must name exactly the factors", factors=list(FACTORS))
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise InvalidPolicyError("weights must be >= 0 with a positive sum")
        if not 0 <= self.review_threshold <= self.accept_threshold <= 100:
            raise InvalidPolicyError("need 0 <= review_threshold <= accept_threshold <= 100")
        if self.no_match_action not in ("reject", "review"):
            raise InvalidPolicyError("no_match_action must be reject or review")
        if self.on_retries_exhausted not in ("manual_review", "reject"):
            raise InvalidPolicyError("on_retries_exhausted must be manual_review or reject")
        if not 0 <= self.weak_match_margin < 1 or not 0 <= self.scrutiny_points_per_retry <= 100:
            raise InvalidPolicyError("weak_match_margin in [0, 1) and scrutiny in [0, 100]")
        if not 0 <= self.liveness_fail_max_retries <= 10:
            raise InvalidPolicyError("liveness_fail_max_retries must be 0..10")
        if not self.name or not self.version:
            raise InvalidPolicyError("a policy needs a name and a version")

    def to_dict(self) -> dict[str, Any]:
        """The canonical content: numbers as floats so equal policies hash equally."""
        content: dict[str, Any] = {
            "schema": SCHEMA,
            "name": self.name,
            "version": self.version,
            "weights": {k: float(self.weights[k]) for k in FACTORS},
            "bands": {"accept": float(self.accept_threshold), "review": float(self.review_threshold)},
            "face_match": {"weak_match_margin": float(self.weak_match_margin),
                           "no_match_action": self.no_match_action},
            "retry": {
                "scrutiny_points_per_retry": float(self.scrutiny_points_per_retry),
                "liveness_fail_max_retries": int(self.liveness_fail_max_retries),
                "active_challenge_on_uncertain": bool(self.active_challenge_on_uncertain),
                "on_retries_exhausted": self.on_retries_exhausted,
            },
        }
        if self.enforce_document_acceptance:  # omitted when off: older documents keep their hash
            content["document"] = {"enforce_acceptance": True}
        if self.accept_passive_liveness is not None:  # omitted for older documents: they keep their hash
            content["liveness"] = {"accept_passive_pass": self.accept_passive_liveness}
        return content

    @property
    def passive_pass_accepted(self) -> bool:
        """Whether a passive liveness "pass" may count as a pass (documents before the choice: yes)."""
        return self.accept_passive_liveness is not False

    @property
    def policy_hash(self) -> str:
        return policy_document_hash(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PolicyDocument:
        """Parse and validate a document (e.g. a tenant's JSON file); unknown keys are errors."""
        try:
            top = {"schema", "name", "version", "weights", "bands", "face_match", "retry", "document", "liveness"}
            _only_keys(data, top, "policy")
            if data.get("schema") != SCHEMA:
                raise InvalidPolicyError("unsupported policy schema", schema=data.get("schema"))
            weights, bands = data["weights"], data["bands"]
            face, retry = data["face_match"], data["retry"]
            _only_keys(bands, {"accept", "review"}, "bands")
            _only_keys(face, {"weak_match_margin", "no_match_action"}, "face_match")
            _only_keys(
                retry,
                {"scrutiny_points_per_retry", "liveness_fail_max_retries",
                 "active_challenge_on_uncertain", "on_retries_exhausted"},
                "retry",
            )
            fail_retries = retry["liveness_fail_max_retries"]
            challenge = retry["active_challenge_on_uncertain"]
            if isinstance(fail_retries, bool) or not isinstance(fail_retries, int):
                raise InvalidPolicyError("liveness_fail_max_retries must be an integer")
            if not isinstance(challenge, bool):
                raise InvalidPolicyError("active_challenge_on_uncertain must be true or false")
            document = data.get("document", {"enforce_acceptance": False})
            _only_keys(document, {"enforce_acceptance"}, "document")
            enforce = document["enforce_acceptance"]
            if not isinstance(enforce, bool):
                raise InvalidPolicyError("document.enforce_acceptance must be true or false")
            accept_passive = _liveness_section(data)
            return cls(
                name=str(data["name"]),
                version=str(data["version"]),
                weights={k: _number(weights, k, 0, 100) for k in weights},
                accept_threshold=_number(bands, "accept", 0, 100),
                review_threshold=_number(bands, "review", 0, 100),
                weak_match_margin=_number(face, "weak_match_margin", 0, 0.99),
                no_match_action=str(face["no_match_action"]),
                scrutiny_points_per_retry=_number(retry, "scrutiny_points_per_retry", 0, 100),
                liveness_fail_max_retries=fail_retries,
                active_challenge_on_uncertain=challenge,
                on_retries_exhausted=str(retry["on_retries_exhausted"]),
                enforce_document_acceptance=enforce,
                accept_passive_liveness=accept_passive,
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise InvalidPolicyError(f"malformed policy document: {exc!r}") from exc


DEFAULT_POLICY = PolicyDocument()

# The built-in defaults that earlier versions activated on their own for tenants that never chose a
# policy (``services.decisions.decider``): version 1 before and after the document-acceptance rule. A tenant
# on one of them by that automatic activation is moved to DEFAULT_POLICY (a new activation event);
# a tenant who activated a document itself keeps it. Frozen by tests/unit/policies.
SUPERSEDED_DEFAULT_HASHES: frozenset[str] = frozenset({
    "9033920bef78c5303faf2c0f64b9bd9f7ee20de4562b5022890e8a39fa8c4b20",  # version 1, first release
    "d4ddbf127ee197b290d0ebde9eebe683b49d4a33b8f386afa55608b16a3d3222",  # version 1 + document acceptance
})
