"""Build ``DecisionInputs`` directly for table-driven and property tests of the pure policy."""

from __future__ import annotations

from domain.checks import CheckResult, CheckType, Outcome
from domain.sessions.configuration import LivenessType, SessionConfiguration
from policies.inputs import DecisionInputs
from tests.unit.sessions.support import face, liveness, result

FULL_CHECKS = ("ocr", "face_match", "liveness", "data_validation", "kya")


def inputs(
    *results: CheckResult,
    checks: tuple[str, ...] = FULL_CHECKS,
    retries_used: int = 0,
    max_retries: int = 3,
    threshold: float = 0.65,
    liveness_type: str = "passive",
) -> DecisionInputs:
    config = SessionConfiguration.build(
        checks=checks, max_retries=max_retries, face_match_threshold=threshold, liveness_type=liveness_type
    )
    by_check = {r.check: r for r in results}
    return DecisionInputs(
        configuration=config,
        attempt=retries_used + 1,
        retries_used=retries_used,
        liveness_type=LivenessType(liveness_type),
        results=by_check,
        refs=(),
    )


def all_pass(similarity: float = 0.9, **overrides: CheckResult) -> list[CheckResult]:
    base = {
        CheckType.OCR: result(CheckType.OCR, Outcome.PASS),
        CheckType.FACE_MATCH: face(similarity),
        CheckType.LIVENESS: liveness(Outcome.PASS),
        CheckType.DATA_VALIDATION: result(CheckType.DATA_VALIDATION, Outcome.PASS),
        CheckType.KYA: result(CheckType.KYA, Outcome.PASS),
    }
    for key, value in overrides.items():
        base[CheckType(key)] = value
    return list(base.values())
