"""Real session answers fit the documented SessionView, enums included, so the OpenAPI document never
promises a value the server does not send."""

from __future__ import annotations

import msgspec
import pytest

from api.schemas.session_view import SessionView
from domain.vocabulary import is_reason_code
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64

pytestmark = pytest.mark.e2e


def test_a_decided_session_fits_the_documented_view(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    answer = client.post("/v1/identity/verify", {"document_front": b64(MRZ_TD3), "selfie": b64(FACES / "obama.jpg"),
                                                 "checks": ["ocr", "face_match", "liveness", "screening"],
                                                 "liveness_type": "passive"})
    assert answer.status_code == 200, answer.text
    shown = client.get(f"/v1/sessions/{answer.json()['id']}")
    view = msgspec.convert(shown.json(), SessionView)
    assert view.decision is not None and view.decision.decided_by == "policy" and view.decision.reasons
    assert all(is_reason_code(code) for d in view.decision_history for code in d.reasons)
    assert {c.check for c in view.checks} >= {"ocr", "face_match", "liveness", "screening", "quality"}
