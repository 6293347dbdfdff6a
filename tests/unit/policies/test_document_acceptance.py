"""The session's accepted documents and countries (requirements/pipeline §1) gate the decision."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.checks import CheckResult, CheckType, Outcome
from domain.sessions.configuration import SessionConfiguration
from policies.document import DEFAULT_POLICY, PolicyDocument
from policies.document import policy_document_hash as document_hash
from policies.evaluate import evaluate
from policies.messages import USER_MESSAGES
from tests.unit.policies.builders import all_pass, inputs

pytestmark = pytest.mark.unit


def _ocr(document_type: str | None, country: str | None) -> CheckResult:
    details: dict[str, object] = {}
    if document_type is not None:
        details["document_type"] = document_type
    if country is not None:
        details["country"] = country
    return CheckResult(CheckType.OCR, Outcome.PASS, details=details)


def _decide(document_type: str | None, country: str | None, *, documents: tuple[str, ...] = ("passport",),
            countries: tuple[str, ...] = (), policy: PolicyDocument = DEFAULT_POLICY):  # type: ignore[no-untyped-def]
    base = inputs(*all_pass(ocr=_ocr(document_type, country)))
    config = SessionConfiguration.build(checks=tuple(str(c) for c in base.configuration.checks),
                                        accepted_documents=documents, accepted_countries=countries)
    return evaluate(policy, replace(base, configuration=config))


@pytest.mark.parametrize(
    ("document_type", "country", "documents", "countries", "decision", "code"),
    [
        ("passport", "FRA", ("passport",), (), "accepted", None),
        ("passport", "FRA", ("passport",), ("FRA", "DEU"), "accepted", None),
        ("driver_license", "USA", ("passport", "id_card"), (), "rejected", "document_type_not_accepted"),
        ("passport", "UTO", ("passport",), ("FRA",), "rejected", "document_country_not_accepted"),
        ("passport", None, ("passport",), ("FRA",), "review", "document_country_unknown"),
        (None, "FRA", ("passport",), ("FRA",), "accepted", None),  # type not read: other gates judge it
    ],
)
def test_acceptance_table(document_type: str | None, country: str | None, documents: tuple[str, ...],
                          countries: tuple[str, ...], decision: str, code: str | None) -> None:
    outcome = _decide(document_type, country, documents=documents, countries=countries)
    assert outcome.decision.value == decision
    if code is None:
        assert not any(c.startswith("document_") and "accepted" in c for c in outcome.reason_codes)
    else:
        assert code in outcome.reason_codes


def test_a_refused_document_asks_for_another_with_a_plain_message() -> None:
    outcome = _decide("driver_license", "USA", documents=("passport",))
    assert str(outcome.route) == "retry" and outcome.retry_step == "document_capture"
    assert outcome.user_message_code == "document_not_accepted"
    assert "spoof" not in USER_MESSAGES["document_not_accepted"].lower()


def test_policies_written_before_the_rule_do_not_enforce_it_and_keep_their_hash() -> None:
    legacy = {k: v for k, v in DEFAULT_POLICY.to_dict().items() if k != "document"}
    parsed = PolicyDocument.from_dict(legacy)
    assert parsed.enforce_document_acceptance is False
    assert parsed.to_dict() == legacy and parsed.policy_hash == document_hash(legacy)
    assert _decide("driver_license", "USA", documents=("passport",), policy=parsed).decision.value == "accepted"
    assert DEFAULT_POLICY.to_dict()["document"] == {"enforce_acceptance": True}


def test_the_section_is_validated() -> None:
    from domain.sessions.errors import InvalidPolicyError

    bad = {**DEFAULT_POLICY.to_dict(), "document": {"enforce_acceptance": "yes"}}
    with pytest.raises(InvalidPolicyError):
        PolicyDocument.from_dict(bad)
    with pytest.raises(InvalidPolicyError):
        PolicyDocument.from_dict({**DEFAULT_POLICY.to_dict(), "document": {"other": True}})
