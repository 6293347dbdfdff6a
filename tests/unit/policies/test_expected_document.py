"""A session's ``country`` and ``document_type`` (requirements/sessions §2-§3) are recorded in its
configuration and judged by the expected-document gate; sessions without them record and replay as before."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.checks import CheckResult, CheckType, Outcome
from domain.documents.country_codes import ALPHA2_TO_ALPHA3, to_alpha3
from domain.sessions.configuration import EXPECTED_DOCUMENT_TYPES, DocumentType, SessionConfiguration
from domain.sessions.errors import InvalidSessionConfigurationError
from policies.document import DEFAULT_POLICY
from policies.evaluate import evaluate
from policies.rules import expected_document_gate
from tests.unit.policies.builders import all_pass, inputs

pytestmark = pytest.mark.unit

CHECKS = ("ocr", "face_match", "liveness", "data_validation", "kya")


def _ocr(document_type: str | None, country: str | None) -> CheckResult:
    details = {k: v for k, v in (("document_type", document_type), ("country", country)) if v is not None}
    return CheckResult(CheckType.OCR, Outcome.PASS, details=details)


def _decide(document_type: str | None, country: str | None, *, expect_country: str | None = None,
            expect_type: str | None = None):  # type: ignore[no-untyped-def]
    base = inputs(*all_pass(ocr=_ocr(document_type, country)))
    config = SessionConfiguration.build(checks=CHECKS, accepted_documents=("passport", "id_card"),
                                        country=expect_country, document_type=expect_type)
    return evaluate(DEFAULT_POLICY, replace(base, configuration=config))


def test_country_codes_map_alpha2_and_keep_alpha3() -> None:
    assert len(ALPHA2_TO_ALPHA3) == 249
    assert (to_alpha3("MA"), to_alpha3("ma"), to_alpha3("MAR"), to_alpha3("D")) == ("MAR", "MAR", "MAR", "DEU")
    assert to_alpha3("QQ") is None and to_alpha3("QQQ") is None


def test_configuration_records_alpha3_and_the_canonical_type() -> None:
    config = SessionConfiguration.build(country="MA", document_type="national_id")
    assert (config.expected_country, config.expected_document_type) == ("MAR", DocumentType.ID_CARD)
    recorded = config.to_dict()
    assert (recorded["country"], recorded["document_type"]) == ("MAR", "id_card")
    assert SessionConfiguration.from_dict(recorded) == config


def test_a_configuration_recorded_before_the_fields_reads_back_unchanged() -> None:
    recorded = SessionConfiguration.build().to_dict()
    assert "country" not in recorded and "document_type" not in recorded  # the recorded form is as before
    config = SessionConfiguration.from_dict(recorded)
    assert config.expected_country is None and config.expected_document_type is None
    assert config.to_dict() == recorded


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"country": "ZZ"}, "ISO 3166"),
    ({"country": "XYZ"}, "ISO 3166"),
    ({"document_type": "library_card"}, "unknown document_type"),
    ({"document_type": "other"}, "unknown document_type"),
    ({"country": "MA", "accepted_countries": ["FRA"]}, "accepted_countries"),
    ({"document_type": "driver_license", "accepted_documents": ["passport"]}, "accepted_documents"),
    ({"country": "MA", "checks": ["liveness"]}, "include ocr"),
])
def test_bad_expectations_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidSessionConfigurationError, match=message):
        SessionConfiguration.build(**kwargs)  # type: ignore[arg-type]


def test_unknown_document_type_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidSessionConfigurationError) as raised:
        SessionConfiguration.build(document_type="banana")
    assert raised.value.details["allowed"] == sorted(EXPECTED_DOCUMENT_TYPES)


@pytest.mark.parametrize(("doc_type", "country", "decision", "code"), [
    ("id_card", "MAR", "accepted", None),
    ("id_card", "FRA", "rejected", "document_country_not_expected"),
    ("passport", "MAR", "rejected", "document_type_not_expected"),
    ("id_card", None, "review", "document_country_unknown"),
])
def test_expected_document_table(doc_type: str, country: str | None, decision: str, code: str | None) -> None:
    outcome = _decide(doc_type, country, expect_country="MA", expect_type="national_id")
    assert outcome.decision.value == decision
    if code is None:
        assert not any("expected" in c for c in outcome.reason_codes)
    else:
        assert code in outcome.reason_codes


def test_a_document_of_another_country_is_retried_with_the_plain_message() -> None:
    outcome = _decide("passport", "FRA", expect_country="MAR")
    assert str(outcome.route) == "retry" and outcome.retry_step == "document_capture"
    assert outcome.user_message.startswith("This type of ID can't be used here")


def test_sessions_expecting_nothing_record_no_expected_document_rule() -> None:
    base = inputs(*all_pass(ocr=_ocr("passport", "FRA")))
    assert expected_document_gate(DEFAULT_POLICY, base) is None
    rules = [r["rule"] for r in evaluate(DEFAULT_POLICY, base).to_record()["rules"]]
    assert "expected_document" not in rules
