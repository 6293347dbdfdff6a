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

from api.deps import ApiSettings
from domain.audit import audit_context
from domain.sessions.guards import MAX_CAPTURES_PER_KIND
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, b64, start_stack

pytestmark = pytest.mark.e2e

OTHER_FACE = SELFIE.with_name("obama2.jpg")


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
    assert ran.json()["decision"]["next_step"] != "done"
    assert ran.json()["failed_attempts"] == 1


def _red_jpeg(path: Path) -> Path:
    from PIL import Image
    Image.new("RGB", (320, 240), (210, 30, 30)).save(path, "JPEG")
    return path


def test_the_handoff_qr_code_is_served_to_the_token_holder_of_a_pending_session(stack: ApiStack) -> None:
    tenant_id, sid, token = _open(stack, sandbox=False)
    answer = stack.http.get(f"/client/sessions/{sid}/handoff.svg", headers=token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.headers["cache-control"] == "no-store"  # it carries the client token
    assert answer.text.startswith("<svg") and "continue on your phone" in answer.text
    assert stack.http.get(f"/client/sessions/{sid}/handoff.svg").status_code == 401
    other = _open(stack, sandbox=False)[2]
    assert stack.http.get(f"/client/sessions/{sid}/handoff.svg", headers=other).status_code == 401
    review = stack.http.post(f"/client/sessions/{sid}/manual-review", headers=token, json={})
    assert review.status_code == 409 and review.json()["code"] == "manual_review_not_available"  # a new session
    with audit_context(tenant_id, "key:bank", "req-review"):  # the bank's server may send it to review
        stack.rt.ledger.request_manual_review(tenant_id, UUID(sid), "bank_request")
    closed = stack.http.get(f"/client/sessions/{sid}/handoff.svg", headers=token)
    assert closed.status_code == 409 and closed.json()["code"] == "session_not_pending"


def test_a_capture_beyond_the_attempts_limit_is_refused_before_anything_is_stored(stack: ApiStack) -> None:
    tenant_id, sid, token = _open(stack, sandbox=False)
    blobs = stack.rt.data_dir / "blobs"  # type: ignore[operator]
    before = sum(1 for p in blobs.rglob("*") if p.is_file())
    uploads = [SELFIE] * MAX_CAPTURES_PER_KIND + [OTHER_FACE]  # the refused one has content of its own
    answers = [stack.http.post(f"/client/sessions/{sid}/captures", headers=token,
                               json={"type": "selfie", "image_base64": b64(path)}) for path in uploads]
    assert [a.status_code for a in answers] == [201] * MAX_CAPTURES_PER_KIND + [409]
    assert answers[-1].json()["code"] == "capture_limit_reached"
    recorded = stack.rt.ledger.get_session(tenant_id, UUID(sid)).captures[1]
    assert len(recorded) == MAX_CAPTURES_PER_KIND  # the refused one was not recorded
    assert answers[-1].json()["details"] == {"kind": "selfie", "limit": MAX_CAPTURES_PER_KIND}
    after = sum(1 for p in blobs.rglob("*") if p.is_file())
    assert after - before == 1  # the five identical selfies share one content-addressed blob; nothing else


def test_client_token_routes_are_rate_limited_per_session(tmp_path: Path) -> None:
    limited = start_stack(tmp_path, ApiSettings(rate_limit_per_minute=1_000, client_rate_limit_per_minute=3))
    try:
        first, second = (limited.client(limited.new_tenant()).post("/v1/sessions", {"checks": ["liveness"]}).json()
                         for _ in range(2))
        calls = [limited.http.get(f"/client/sessions/{first['id']}/progress",
                                  headers={"X-Client-Token": first["client_token"]}) for _ in range(4)]
        assert [c.status_code for c in calls] == [200, 200, 200, 429]
        assert calls[-1].json()["code"] == "rate_limited" and int(calls[-1].headers["retry-after"]) > 0
        other = limited.http.get(f"/client/sessions/{second['id']}/progress",
                                 headers={"X-Client-Token": second["client_token"]})
        assert other.status_code == 200  # another session has its own budget
    finally:
        limited.close()
