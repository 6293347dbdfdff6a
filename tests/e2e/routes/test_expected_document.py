"""``country`` and ``document_type`` of requirements/sessions §2-§3 on the real routes: recorded, judged
against the real document reading, and refused with a stable code when they are not valid."""

from __future__ import annotations

import pytest

from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64

pytestmark = pytest.mark.e2e


def test_a_document_from_another_country_than_expected_is_refused(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    body = {"document_front": b64(MRZ_TD3), "selfie": b64(FACES / "obama.jpg"), "checks": ["ocr", "liveness"],
            "liveness_type": "passive", "country": "MA", "document_type": "passport"}
    answer = client.post("/v1/identity/verify", body)
    assert answer.status_code == 200, answer.text
    decision = answer.json()["decision"]  # the specimen passport is issued by UTO, not Morocco
    assert decision["decision"] == "rejected" and "document_country_not_expected" in decision["reasons"]
    same = client.post("/v1/identity/verify", {**body, "country": "UTO"}).json()["decision"]
    assert "document_country_not_expected" not in same["reasons"]
    assert "document_type_not_expected" not in same["reasons"]


@pytest.mark.parametrize(("field", "value", "status", "code"), [
    ("country", "ZZ", 422, "invalid_session_configuration"),
    ("country", "Morocco", 400, "validation_error"),
    ("document_type", "banana", 400, "unknown_value"),
])
def test_invalid_expectations_are_refused(stack: ApiStack, field: str, value: str, status: int, code: str) -> None:
    client = stack.client(stack.new_tenant())
    answer = client.post("/v1/sessions", {field: value})
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code
