"""Liveness videos through the public API: JSON, client token and multipart; sampled frames reach the pipeline.

Videos are built at test time from a real face photo (../shared/data/faces) by ``cv2.VideoWriter``.
Only the sampled frames are stored (``OpenCvVideoSampler``), as a ``liveness_frames`` capture the active
liveness check reads; the check's recorded result (with model provenance) shows they got there.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from adapters.media import MsgpackLivenessFramesCodec
from api.client import KycClient
from domain.ports.blobs import session_subject_id
from domain.ports.media import FRAMES_MEDIA_TYPE
from ops.product_wiring import blob_store
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, wait_for
from tests.integration.video.support import face_video

pytestmark = pytest.mark.e2e
BOUNDARY = "kycledger-video-boundary"


def _active_session(stack: ApiStack) -> tuple[KycClient, dict[str, Any], str]:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    created = client.post("/v1/sessions", {"checks": ["liveness"], "liveness_type": "active"})
    assert created.status_code == 201, created.text
    return client, created.json(), tenant.tenant_id


def test_json_video_is_sampled_stored_and_judged(stack: ApiStack, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    temp_root = tmp_path / "server-temp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))  # where the video sampler makes its private copy
    made: list[Path] = []

    class Recorded(tempfile.TemporaryDirectory):  # type: ignore[type-arg]
        def __enter__(self) -> str:
            made.append(Path(self.name))
            return super().__enter__()

    monkeypatch.setattr(tempfile, "TemporaryDirectory", Recorded)
    client, session, tenant_id = _active_session(stack)
    sid, nonce = str(session["id"]), session["challenge"]["nonce"]
    video = face_video(tmp_path / "answer.mp4", seconds=3.0, fps=10.0)
    answer = client.post(f"/v1/sessions/{sid}/documents",
                         {"type": "video", "video_base64": base64.b64encode(video).decode(),
                          "challenge_nonce": nonce})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    # every frame of a 10 fps video is kept (sampling keeps one per 80 ms at most: 12.5 per second)
    assert body["type"] == "video" and body["media_type"] == FRAMES_MEDIA_TYPE and body["frames"] == 30
    assert len(made) == 1 and made[0].parent == temp_root  # the private copy was made there ...
    assert list(temp_root.iterdir()) == []  # ... and is gone once the answer is sent
    recorded = stack.rt.ledger.get_session(tenant_id, UUID(sid)).captures[1]
    assert [c["kind"] for c in recorded] == ["liveness_frames"]
    metadata = recorded[0]["metadata"]
    assert metadata["source"] == "video" and metadata["container"] == "mp4" and metadata["decoded_frames"] == 30
    blob = blob_store(stack.rt).get(session_subject_id(tenant_id, UUID(sid)), str(recorded[0]["blob_ref"]))
    stored = MsgpackLivenessFramesCodec().unpack(blob)
    assert stored.nonce == nonce and len(stored.frames) == 30 and stored.offsets_ms == sorted(stored.offsets_ms)
    assert all(frame[:3] == b"\xff\xd8\xff" for frame in stored.frames)
    assert client.post(f"/v1/sessions/{sid}/complete").status_code == 202
    final = wait_for(client, sid)
    liveness = {c["check"]: c for c in final["checks"]}["liveness"]
    assert liveness["models"] and "liveness_frames_missing" not in liveness["reasons"]
    # the model judged the sampled frames: their span is the video's (2.9 s) and one face runs through them
    assert 2500 <= liveness["scores"]["capture_span_ms"] <= 3000
    assert liveness["scores"]["identity_min_cosine"] > 0.8
    assert liveness["outcome"] == "fail"  # a still photo drifting sideways performs no challenge action
    replay = client.post(f"/v1/sessions/{sid}/documents",
                         {"type": "video", "video_base64": base64.b64encode(video).decode(),
                          "challenge_nonce": nonce})
    assert replay.status_code in (409, 422)


def test_refused_videos_have_stable_codes(stack: ApiStack, tmp_path: Path) -> None:
    client, session, _ = _active_session(stack)
    url, nonce = f"/v1/sessions/{session['id']}/documents", session["challenge"]["nonce"]
    jpeg = base64.b64encode((FACES / "obama.jpg").read_bytes()).decode()
    not_video = client.post(url, {"type": "video", "video_base64": jpeg, "challenge_nonce": nonce})
    assert not_video.status_code == 415 and not_video.json()["code"] == "unsupported_video_type"
    long = face_video(tmp_path / "long.webm", seconds=16.0, fps=5.0, size=(64, 64))
    too_long = client.post(url, {"type": "video", "video_base64": base64.b64encode(long).decode(),
                                 "challenge_nonce": nonce})
    assert too_long.status_code == 422 and too_long.json()["code"] == "video_too_long"
    missing = client.post(url, {"type": "video", "challenge_nonce": nonce})
    assert missing.status_code == 422 and missing.json()["code"] == "video_missing"
    assert client.get(f"/v1/sessions/{session['id']}").json()["captures"] == []


def _form(video: bytes, nonce: str) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nvideo\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"challenge_nonce\"\r\n\r\n{nonce}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"answer.webm\"\r\n"
            "Content-Type: video/webm\r\n\r\n").encode() + video + f"\r\n--{BOUNDARY}--\r\n".encode()


def test_client_token_and_multipart_videos(stack: ApiStack, tmp_path: Path) -> None:
    _client, session, _ = _active_session(stack)
    video = face_video(tmp_path / "answer.webm", seconds=2.0, fps=10.0)
    token = {"X-Client-Token": str(session["client_token"])}
    nonce = session["challenge"]["nonce"]
    by_token = stack.http.post(f"/client/sessions/{session['id']}/documents", headers=token,
                               json={"type": "video", "video_base64": base64.b64encode(video).decode(),
                                     "challenge_nonce": nonce})
    assert by_token.status_code == 201, by_token.text
    assert by_token.json()["frames"] == 20
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    client2, session2, _ = _active_session(stack)
    nonce2 = session2["challenge"]["nonce"]
    signed = client2.request("POST", f"/v1/sessions/{session2['id']}/documents/multipart",
                             content=_form(video, nonce2), headers=headers)
    assert signed.status_code == 201, signed.text
    assert signed.json()["type"] == "video" and signed.json()["frames"] == 20
    _client3, session3, _ = _active_session(stack)
    nonce3 = session3["challenge"]["nonce"]
    via_token = stack.http.post(f"/client/sessions/{session3['id']}/documents/multipart",
                                content=_form(b"%PDF-1.7 not a video", nonce3),
                                headers={**headers, "X-Client-Token": str(session3["client_token"])})
    assert via_token.status_code == 415 and via_token.json()["code"] == "unsupported_video_type"
