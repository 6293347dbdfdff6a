"""Every event of a sandbox session carries the sandbox marker (docs/architecture.md §9), whoever writes it.

A sandbox key opens the session; the capture page then uploads, runs the face checks (sandbox
adapters, ``ops.sandbox``) and asks for help with the client token; the in-process decision
(``DecisionWorker.consider``) records ``DecisionMade``. Every event, the decision included, must
name a ``:sandbox`` actor; the same flow from a live key must name none.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from domain.application import IssuedKey
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, b64, start_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("sandbox-marking")))
    try:
        yield s
    finally:
        s.close()


def _capture_page_flow(stack: ApiStack, key: IssuedKey) -> list[object]:
    created = stack.client(key).post("/v1/sessions", {"checks": ["face_match", "liveness"]}).json()
    sid, token = created["id"], {"X-Client-Token": created["client_token"]}
    for kind in ("document_front", "selfie"):
        answer = stack.http.post(f"/client/sessions/{sid}/captures", headers=token,
                                 json={"type": kind, "image_base64": b64(SELFIE)})
        assert answer.status_code == 201, answer.text
    help_answer = stack.http.post(f"/client/sessions/{sid}/help", headers=token,
                                  json={"step": "face", "topic": "camera"})
    assert help_answer.status_code == 200, help_answer.text
    checks = stack.http.post(f"/client/sessions/{sid}/checks/face", headers=token)
    assert checks.status_code == 200, checks.text
    assert checks.json()["decision"] is not None
    return list(stack.rt.ledger.session_events(key.tenant_id, UUID(sid)))


def test_every_event_of_a_sandbox_session_is_marked(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    events = _capture_page_flow(stack, stack.new_key(tenant.tenant_id, sandbox=True))
    topics = {type(e).TOPIC for e in events}  # type: ignore[attr-defined]
    assert {"kycledger.session.CaptureRecorded", "kycledger.session.CheckCompleted",
            "kycledger.session.DecisionMade"} <= topics
    unmarked = [(type(e).TOPIC, e.actor) for e in events  # type: ignore[attr-defined]
                if not e.actor.endswith(":sandbox")]  # type: ignore[attr-defined]
    assert unmarked == []


def test_a_live_session_has_no_sandbox_marker(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    events = _capture_page_flow(stack, tenant)
    assert not any(e.actor.endswith(":sandbox") for e in events)  # type: ignore[attr-defined]
