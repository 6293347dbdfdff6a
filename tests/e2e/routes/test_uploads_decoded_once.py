"""Uploads decoded once (docs/targets.md §5): the instant run's checks take the pixels the intake
decoded, a worker's checks decode the stored bytes, and both see the very same arrays; a malformed
upload is a 422 problem with its stable code and nothing is stored.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any
from uuid import UUID

import numpy as np
import pytest

import ml.document.reader
import ml.face.analyzer
from adapters.media import PillowImageSanitizer
from domain.ports.decoded_uploads import handed_over
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, b64, held_specimen, wait_for
from tests.unit.media.jpeg_builders import photo, with_metadata

pytestmark = pytest.mark.e2e

PASSIVE = {"liveness_type": "passive", "checks": ["ocr", "face_match", "liveness", "data_validation"]}
Seen = list[tuple[str, str, bool]]


def record_decodes(monkeypatch: pytest.MonkeyPatch, seen: Seen) -> None:
    """Every image the document reader and the face analyzer decode: its bytes' digest, its pixels'
    digest and whether the pixels were handed over by the intake."""
    def spying(decode: Callable[[bytes], np.ndarray]) -> Callable[[bytes], np.ndarray]:
        def decode_and_record(data: bytes) -> np.ndarray:
            pixels = decode(data)
            seen.append((hashlib.sha256(data).hexdigest(), hashlib.sha256(pixels.tobytes()).hexdigest(),
                         handed_over(data) is not None))
            return pixels
        return decode_and_record

    monkeypatch.setattr(ml.document.reader, "decode_image", spying(ml.document.reader.decode_image))
    monkeypatch.setattr(ml.face.analyzer, "decode_image", spying(ml.face.analyzer.decode_image))


def test_inline_checks_take_the_intake_s_pixels_and_a_worker_decodes_the_same(
        stack: ApiStack, monkeypatch: pytest.MonkeyPatch) -> None:
    client = stack.client(stack.new_tenant())
    body: dict[str, Any] = {"document_front": held_specimen(), "selfie": b64(FACES / "obama2.jpg"), **PASSIVE}
    queued: Seen = []  # first: the worker loads the models if no test did (the instant run has a deadline)
    record_decodes(monkeypatch, queued)
    job = client.post("/v1/kyc/verify", body)
    assert job.status_code == 202, job.text
    assert wait_for(client, job.json()["job_id"], timeout=180)["decision"] is not None
    monkeypatch.undo()
    inline: Seen = []
    record_decodes(monkeypatch, inline)
    answer = client.post("/v1/identity/verify", body)
    assert answer.status_code == 200, answer.text
    assert {c["check"] for c in answer.json()["checks"]} >= {"ocr", "face_match", "liveness"}
    uploads = {hashlib.sha256(PillowImageSanitizer().sanitize(base64.b64decode(body[k]), k).content).hexdigest()
               for k in ("document_front", "selfie")}
    assert {data for data, _, handed in inline if handed} == uploads  # neither decoded again inline
    assert not [data for data, _, handed in inline if data in uploads and not handed]
    assert not any(handed for _, _, handed in queued)  # the worker decoded storage
    # the same arrays: the uploads' and those made from them (the document's portrait crop)
    assert {(data, pixels) for data, pixels, _ in inline} == {(data, pixels) for data, pixels, _ in queued}


def test_the_stored_upload_is_the_picture_without_its_metadata(stack: ApiStack) -> None:
    key = stack.new_tenant()
    client = stack.client(key)
    sid = client.post("/v1/sessions", {}).json()["id"]
    genuine = photo(160, 120)
    upload = base64.b64encode(with_metadata(genuine)).decode()
    answer = client.post(f"/v1/sessions/{sid}/documents", {"type": "selfie", "image_base64": upload})
    assert answer.status_code == 201, answer.text
    capture = stack.rt.ledger.get_session(key.tenant_id, UUID(sid)).captures[1][0]
    from api.controllers.product import product
    from domain.ports.blobs import session_subject_id
    stored = product(stack.app.state.deps).blobs.get(session_subject_id(key.tenant_id, UUID(sid)),
                                                     capture["blob_ref"])
    assert b"Secret" not in stored and stored.endswith(genuine[genuine.index(b"\xff\xda"):])


@pytest.mark.parametrize("damage", ["truncated", "lying length", "data where a marker must be"])
def test_a_malformed_upload_is_a_problem_and_nothing_is_stored(stack: ApiStack, damage: str) -> None:
    key = stack.new_tenant()
    client = stack.client(key)
    sid = client.post("/v1/sessions", {}).json()["id"]
    genuine = with_metadata(photo(160, 120))
    scan = genuine.index(b"\xff\xda")
    broken = {"truncated": genuine[:scan + 200],
              "lying length": genuine[:2] + b"\xff\xe1\xff\xf0Exif\x00\x00SecretCam",
              "data where a marker must be": genuine.replace(b"\xff\xdb", b"SecretCam\xff\xdb", 1)}[damage]
    answer = client.post(f"/v1/sessions/{sid}/documents",
                         {"type": "selfie", "image_base64": base64.b64encode(broken).decode()})
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_image_data")
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["details"] == {"field": "image_base64"}
    assert stack.rt.ledger.get_session(key.tenant_id, UUID(sid)).captures == {}
