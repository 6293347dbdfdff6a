"""Standalone modules (requirements/platform §8 shapes), upload guards, EXIF stripping, isolation, sandbox."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from uuid import UUID

import pytest
from PIL import Image

from api.controllers.product import product
from domain.ports.blobs import session_subject_id
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64

pytestmark = pytest.mark.e2e

TD3_MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def jpeg_b64(color: tuple[int, int, int], exif_make: str | None = None) -> str:
    out = io.BytesIO()
    image = Image.new("RGB", (128, 128), color)
    if exif_make:
        exif = Image.Exif()
        exif[0x010F] = exif_make
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return base64.b64encode(out.getvalue()).decode()


def bomb_b64() -> str:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


def test_face_match_same_and_different_person(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    same = client.post("/v1/face/match", {"image_live_base64": b64(FACES / "obama.jpg"),
                                          "image_reference_base64": b64(FACES / "obama2.jpg")})
    assert same.status_code == 200, same.text
    assert same.json()["match"] is True and same.json()["usage"] == {"module": "face_match", "billed": True}
    other = client.post("/v1/face/match", {"image_live_base64": b64(FACES / "obama.jpg"),
                                           "image_reference_base64": b64(FACES / "biden.jpg"), "threshold": 0.75})
    assert other.json()["match"] is False and other.json()["threshold"] == 0.75
    assert set(same.json()) >= {"match", "similarity", "threshold", "models", "processing_ms"}


def test_liveness_ocr_validate_and_kya_modules(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    live = client.post("/v1/liveness/analyze", {"image_live_base64": b64(FACES / "obama.jpg"),
                                                "hints": {"blink": True}})
    assert live.status_code == 200, live.text
    assert set(live.json()) >= {"is_live", "spoof_type", "confidence", "hints", "processing_ms", "usage"}
    assert live.json()["confidence"] <= 0.6  # passive signals are weak evidence (ml/liveness/passive.py)
    ocr = client.post("/v1/document/ocr", {"image_front_base64": b64(MRZ_TD3)})
    assert ocr.status_code == 200, ocr.text
    assert ocr.json()["detected"]["type"] == "passport"
    assert ocr.json()["fields"]["surname"] == "ERIKSSON"
    valid = client.post("/v1/document/validate", {"mrz": TD3_MRZ})
    assert valid.status_code == 200, valid.text
    checks = {c["name"]: c["status"] for c in valid.json()["checks"]}
    assert checks["not_expired"] == "fail"  # the specimen expired on 2012-04-15
    assert valid.json()["document_valid"] is False
    from_ocr = client.post("/v1/document/validate", {"ocr_result": ocr.json()})
    assert from_ocr.status_code == 200 and from_ocr.json()["checks"] == valid.json()["checks"]
    kya = client.post("/v1/kya/check", {"phone": "+33612345678", "country": "FR"})
    assert kya.status_code == 200, kya.text
    assert kya.json()["signals"]["phone_format"]["status"] == "pass"
    assert client.post("/v1/kya/check", {}).json()["code"] == "kya_request_invalid"


def test_upload_guards_by_content_size_and_pixels(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    sid = client.post("/v1/sessions", {}).json()["id"]
    url = f"/v1/sessions/{sid}/documents"
    gif = base64.b64encode(b"GIF89a" + b"\x00" * 64).decode()
    assert client.post(url, {"type": "selfie", "image_base64": gif}).json()["code"] == "unsupported_media_type"
    assert client.post(url, {"type": "selfie", "image_base64": gif}).status_code == 415
    big = client.post(url, {"type": "selfie", "image_base64": "A" * (15 * 1024 * 1024)})
    assert (big.status_code, big.json()["code"]) == (413, "media_too_large")
    bomb = client.post(url, {"type": "selfie", "image_base64": bomb_b64()})
    assert (bomb.status_code, bomb.json()["code"]) == (422, "image_dimensions_invalid")
    garbage = client.post(url, {"type": "selfie", "image_base64": "%%%"})
    assert (garbage.status_code, garbage.json()["code"]) == (422, "invalid_image_data")


def test_exif_is_stripped_before_storage(stack: ApiStack) -> None:
    key = stack.new_tenant()
    client = stack.client(key)
    sid = client.post("/v1/sessions", {}).json()["id"]
    answer = client.post(f"/v1/sessions/{sid}/documents",
                         {"type": "selfie", "image_base64": jpeg_b64((10, 200, 10), exif_make="LeakyCam")})
    assert answer.status_code == 201, answer.text
    session = stack.rt.ledger.get_session(key.tenant_id, UUID(sid))
    capture = session.captures[1][0]
    stored = product(stack.app.state.deps).blobs.get(session_subject_id(key.tenant_id, UUID(sid)),
                                                     capture["blob_ref"])
    assert stored[:3] == b"\xff\xd8\xff" and b"LeakyCam" not in stored and b"Exif" not in stored


def test_another_tenants_session_is_not_found_on_every_route(stack: ApiStack) -> None:
    owner, intruder = stack.client(stack.new_tenant()), stack.client(stack.new_tenant())
    sid = owner.post("/v1/sessions", {}).json()["id"]
    attempts = [intruder.get(f"/v1/sessions/{sid}"), intruder.get(f"/v1/kyc/verify/{sid}"),
                intruder.post(f"/v1/sessions/{sid}/complete"), intruder.post(f"/v1/sessions/{sid}/cancel", {}),
                intruder.post(f"/v1/sessions/{sid}/documents", {"type": "selfie",
                                                                  "image_base64": jpeg_b64((9, 9, 9))})]
    assert [a.status_code for a in attempts] == [404] * len(attempts)
    assert all(a.json()["code"] == "not_found" for a in attempts)
    assert owner.get(f"/v1/sessions/{sid}").status_code == 200


def test_client_token_authorises_only_its_session(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    first, second = client.post("/v1/sessions", {}).json(), client.post("/v1/sessions", {}).json()
    headers = {"X-Client-Token": first["client_token"]}
    upload = {"type": "selfie", "image_base64": jpeg_b64((90, 90, 90))}
    ok = stack.http.post(f"/client/sessions/{first['id']}/documents", json=upload, headers=headers)
    assert ok.status_code == 201, ok.text
    status = stack.http.get(f"/client/sessions/{first['id']}", headers=headers).json()
    assert status["captures"] == ["selfie"] and "extracted_data" not in status
    refused = stack.http.get(f"/client/sessions/{second['id']}", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (401, "client_token_invalid")
    assert stack.http.get(f"/client/sessions/{first['id']}").status_code == 401


def test_sandbox_key_gets_labelled_deterministic_outcomes_and_is_not_billed(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    sandbox = stack.client(stack.new_key(tenant.tenant_id, sandbox=True))
    red, green = jpeg_b64((220, 20, 20)), jpeg_b64((20, 200, 20))
    failing = sandbox.post("/v1/face/match", {"image_live_base64": red, "image_reference_base64": green})
    passing = sandbox.post("/v1/face/match", {"image_live_base64": green, "image_reference_base64": green})
    assert failing.json()["match"] is False and passing.json()["match"] is True
    assert failing.json()["sandbox"] is True and failing.json()["usage"]["billed"] is False
    assert passing.json()["models"][0]["name"] == "sandbox"
    # Active liveness is the default: a challenge first, then a 2 s recording at 12.5 frames per second.
    issued = sandbox.post("/v1/liveness/challenges", {"checks": ["ocr", "face_match", "liveness"],
                                                      "reference": "sandbox-person"}).json()
    verify = sandbox.post("/v1/identity/verify", {
        "document_front": green, "selfie": green, "challenge_id": issued["challenge_id"],
        "challenge_nonce": issued["challenge"]["nonce"], "frames_base64": [green] * 25,
        "frame_offsets_ms": [80 * i for i in range(25)]})
    assert verify.status_code == 200, verify.text
    assert all(c["sandbox"] for c in verify.json()["checks"])
    assert verify.json()["decision"]["decision"] == "accepted"
    # A passive pass (one photo) is uncertain under the default policy: an active challenge follows.
    passive = sandbox.post("/v1/identity/verify", {"document_front": green, "selfie": green,
                                                   "liveness_type": "passive"}).json()["decision"]
    assert (passive["decision"], passive["route"]) == ("review", "active_challenge")
