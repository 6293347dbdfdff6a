"""Liveness frames are capped at intake (domain.ports.media ``LIVENESS_FRAME_MAX_SIDE``, docs/targets.md §5):
through the public API a large frame is stored with its longer side at the cap, a webcam-sized frame is
stored as sent (re-encoded, same size), and the selfie of the same session keeps its full size. The
stored frames are what the liveness check reads, inline or on a worker.
"""

from __future__ import annotations

import base64
import io
from uuid import UUID

import pytest
from PIL import Image

from adapters.media import MsgpackLivenessFramesCodec
from domain.ports.blobs import session_subject_id
from domain.ports.media import LIVENESS_FRAME_MAX_SIDE
from ops.product_wiring import blob_store
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import DATA, FACES
from tools.eval.liveness_sets import clip_frames

pytestmark = pytest.mark.e2e


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as image:
        return image.size


def test_a_large_frame_is_stored_capped_and_a_webcam_frame_and_the_selfie_keep_their_size(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    created = client.post("/v1/sessions", {"checks": ["liveness"], "liveness_type": "active"}).json()
    sid, url = created["id"], f"/v1/sessions/{created['id']}/documents"
    large = (FACES / "obama3.jpg").read_bytes()  # 1434 x 2333: a phone photo
    webcam = clip_frames(DATA / "liveness-video" / "cap13_edit2.mp4", 1000, 1080)[0]  # 400 x 300
    assert _size(large) == (1434, 2333) and _size(webcam) == (400, 300)
    assert client.post(url, {"type": "selfie", "image_base64": _b64(large)}).status_code == 201
    uploaded = client.post(url, {"type": "liveness_frames", "frames_base64": [_b64(large), _b64(webcam)],
                                 "frame_offsets_ms": [0, 80], "challenge_nonce": created["challenge"]["nonce"]})
    assert uploaded.status_code == 201, uploaded.text
    captures = {c["kind"]: c for c in stack.rt.ledger.get_session(tenant.tenant_id, UUID(sid)).captures[1]}
    blobs, subject = blob_store(stack.rt), session_subject_id(tenant.tenant_id, UUID(sid))
    frames = MsgpackLivenessFramesCodec().unpack(blobs.get(subject, str(captures["liveness_frames"]["blob_ref"])))
    assert [_size(f) for f in frames.frames] == [(787, LIVENESS_FRAME_MAX_SIDE), (400, 300)]
    assert _size(blobs.get(subject, str(captures["selfie"]["blob_ref"]))) == (1434, 2333)
