"""Captures uploaded as multipart/form-data, signed over the raw body, with the JSON route's rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
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
    assert frames.status_code == 400 and frames.json()["code"] == "unknown_value"
    allowed = frames.json()["details"]["allowed"]
    assert "liveness_frames" not in allowed and "video" in allowed
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


def _part(name: str, content: bytes, headers: str = "") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n{headers}\r\n").encode() + content \
        + b"\r\n"


def _body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def test_an_image_part_without_a_filename_is_read_as_the_file(stack: ApiStack) -> None:
    # RFC 7578 makes the filename optional; the form reader once decoded such a part as UTF-8 text (a 500).
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    created = client.post("/v1/sessions", {}).json()
    form = _body(_part("type", b"selfie"), _part("image", SELFIE.read_bytes(), "Content-Type: image/jpeg\r\n"))
    answer = client.request("POST", f"/v1/sessions/{created['id']}/documents/multipart", content=form,
                            headers=HEADERS)
    assert answer.status_code == 201, answer.text
    assert answer.json()["type"] == "selfie" and answer.json()["media_type"] == "image/jpeg"
    session = stack.rt.ledger.get_session(tenant.tenant_id, UUID(created["id"]))
    assert [c["kind"] for c in session.captures[1]] == ["selfie"]
    no_type_header = _body(_part("type", b"document_front"), _part("image", SELFIE.read_bytes()))
    by_client = stack.http.post(f"/client/sessions/{created['id']}/documents/multipart", content=no_type_header,
                                headers={**HEADERS, "X-Client-Token": created["client_token"]})
    assert by_client.status_code == 201, by_client.text


def _problem(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    assert body["code"] == code and body["trace_id"]
    return body


def test_broken_capture_forms_are_4xx_problems(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    url = f"/v1/sessions/{client.post('/v1/sessions', {}).json()['id']}/documents/multipart"
    image = _part("image", SELFIE.read_bytes(), "Content-Type: image/jpeg\r\n")

    def send(content: bytes, headers: dict[str, str] = HEADERS) -> Any:
        return client.request("POST", url, content=content, headers=headers)

    binary_type = _problem(send(_body(_part("type", b"\xff\xfe\x00selfie"), image)), 400, "form_field_not_text")
    assert binary_type["details"] == {"field": "type", "charset": "utf-8"}
    unknown_charset = _part("type", b"selfie", "Content-Type: text/plain; charset=no-such-charset\r\n")
    _problem(send(_body(unknown_charset, image)), 400, "form_field_not_text")
    _problem(send(_body(_part("type", b"selfie"))[:-10]), 400, "multipart_invalid")  # cut off before the end
    _problem(send(b"{}", {"Content-Type": "multipart/form-data"}), 400, "multipart_invalid")  # no boundary
    _problem(send(b'{"type": "selfie"}', {"Content-Type": "application/json"}), 415, "unsupported_media_type")
    too_many = _body(*[_part(f"f{i}", b"x") for i in range(40)])
    _problem(send(too_many), 400, "multipart_invalid")
