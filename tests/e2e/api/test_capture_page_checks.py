"""Capture-page routes: check runs refused before the step's capture exists, the progress they
report, and the cross-device hand-off QR code.

Running the document or face checks before the capture is uploaded used to record a failed check
("document_missing") that the attempt could not take back; it is now a 409 that records nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, b64, start_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("capture-checks")))
    try:
        yield s
    finally:
        s.close()


def _open(stack: ApiStack, sandbox: bool) -> tuple[str, str, dict[str, str]]:
    tenant = stack.new_tenant()
    key = stack.new_key(tenant.tenant_id, sandbox=sandbox)
    created = stack.client(key).post("/v1/sessions", {"checks": ["face_match", "liveness"]}).json()
    return tenant.tenant_id, created["id"], {"X-Client-Token": created["client_token"]}


@pytest.mark.parametrize("step", ["document", "face"])
def test_checks_before_the_capture_are_refused_and_record_nothing(stack: ApiStack, step: str) -> None:
    tenant_id, sid, token = _open(stack, sandbox=False)
    answer = stack.http.post(f"/client/sessions/{sid}/checks/{step}", headers=token)
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "capture_missing"
    assert answer.json()["details"] == {"step": step, "attempt": 1}
    events = stack.rt.ledger.session_events(tenant_id, UUID(sid))
    assert [type(e).__name__ for e in events] == ["Created"]


def test_progress_says_sandbox_and_counts_failed_attempts(stack: ApiStack, tmp_path: Path) -> None:
    for sandbox in (True, False):
        _, sid, token = _open(stack, sandbox=sandbox)
        progress = stack.http.get(f"/client/sessions/{sid}/progress", headers=token).json()
        assert progress["sandbox"] is sandbox and progress["failed_attempts"] == 0
    # A sandbox face capture in red asks for a failed liveness (ops.sandbox): one failed attempt.
    _, sid, token = _open(stack, sandbox=True)
    red = _red_jpeg(tmp_path / "red.jpg")
    for kind, image in (("document_front", SELFIE), ("selfie", red)):
        answer = stack.http.post(f"/client/sessions/{sid}/captures", headers=token,
                                 json={"type": kind, "image_base64": b64(image)})
        assert answer.status_code == 201, answer.text
    ran = stack.http.post(f"/client/sessions/{sid}/checks/face", headers=token)
    assert ran.status_code == 200, ran.text
    assert ran.json()["decision"]["decision"] != "accepted"
    assert ran.json()["failed_attempts"] == 1


def _red_jpeg(path: Path) -> Path:
    from PIL import Image
    Image.new("RGB", (320, 240), (210, 30, 30)).save(path, "JPEG")
    return path


def test_the_handoff_qr_code_is_served_to_the_token_holder_of_a_pending_session(stack: ApiStack) -> None:
    _, sid, token = _open(stack, sandbox=False)
    answer = stack.http.get(f"/client/sessions/{sid}/handoff.svg", headers=token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.headers["cache-control"] == "no-store"  # it carries the client token
    assert answer.text.startswith("<svg") and "continue on your phone" in answer.text
    assert stack.http.get(f"/client/sessions/{sid}/handoff.svg").status_code == 401
    other = _open(stack, sandbox=False)[2]
    assert stack.http.get(f"/client/sessions/{sid}/handoff.svg", headers=other).status_code == 401
    review = stack.http.post(f"/client/sessions/{sid}/manual-review", headers=token, json={})
    assert review.status_code == 200 and review.json()["status"] == "manual_review"
    closed = stack.http.get(f"/client/sessions/{sid}/handoff.svg", headers=token)
    assert closed.status_code == 409 and closed.json()["code"] == "session_not_pending"
