"""Captures uploaded as multipart/form-data, signed over the raw body, with the JSON route's rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, start_stack

pytestmark = pytest.mark.e2e
BOUNDARY = "kycledger-test-boundary"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("multipart")))
    try:
        yield s
    finally:
        s.close()


def _form(kind: str, image: bytes, media_type: str = "image/jpeg") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n{kind}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"capture\"\r\n"
            f"Content-Type: {media_type}\r\n\r\n").encode() + image + f"\r\n--{BOUNDARY}--\r\n".encode()


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_multipart_capture_is_sanitized_stored_and_recorded(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    sid = client.post("/v1/sessions", {}).json()["id"]
    url = f"/v1/sessions/{sid}/documents/multipart"
    answer = client.request("POST", url, content=_form("selfie", SELFIE.read_bytes()), headers=HEADERS)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["type"] == "selfie" and body["media_type"] == "image/jpeg" and len(body["content_sha256"]) == 64
    session = stack.rt.ledger.get_session(tenant.tenant_id, UUID(sid))
    assert [c["kind"] for c in session.captures[1]] == ["selfie"]
    assert client.get(f"/v1/sessions/{sid}").json()["captures"] == ["selfie"]


def test_multipart_refuses_what_json_refuses(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    sid = client.post("/v1/sessions", {}).json()["id"]
    url = f"/v1/sessions/{sid}/documents/multipart"
    not_image = client.request("POST", url, content=_form("selfie", b"%PDF-1.7 not an image"), headers=HEADERS)
    assert not_image.status_code == 415 and not_image.json()["code"] == "unsupported_media_type"
    frames = client.request("POST", url, content=_form("liveness_frames", SELFIE.read_bytes()), headers=HEADERS)
    assert frames.status_code == 422 and frames.json()["code"] == "capture_type_invalid"
    intruder = stack.client(stack.new_tenant())
    hidden = intruder.request("POST", url, content=_form("selfie", SELFIE.read_bytes()), headers=HEADERS)
    assert hidden.status_code == 404


def test_client_token_multipart_upload(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    created = client.post("/v1/sessions", {}).json()
    url = f"/client/sessions/{created['id']}/documents/multipart"
    answer = stack.http.post(url, content=_form("document_front", SELFIE.read_bytes()),
                             headers={**HEADERS, "X-Client-Token": created["client_token"]})
    assert answer.status_code == 201, answer.text
    refused = stack.http.post(url, content=_form("document_front", SELFIE.read_bytes()), headers=HEADERS)
    assert refused.status_code == 401
