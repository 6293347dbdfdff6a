"""Shared data paths and helpers for the product route tests (real images from ../shared/data)."""

from __future__ import annotations

import base64
import functools
import time
from pathlib import Path
from typing import Any

import cv2

from api.client import KycClient
from api.controllers.client_sessions import ClientSessionController
from api.controllers.mobile import MobileController
from api.controllers.modules import ModuleController
from api.controllers.review import ReviewController
from api.controllers.sessions import SessionController
from api.controllers.verify import VerifyController
from tools.fake_camera import held_document, read_image, with_portrait

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
FACES = DATA / "faces" / "face_recognition"
MRZ_TD3 = DATA / "mrz" / "images" / "passporteye" / "passport-td3.jpg"
SANCTIONS = DATA / "sanctions"
PRODUCT_CONTROLLERS: tuple[Any, ...] = (SessionController, ClientSessionController, VerifyController,
                                        ModuleController, MobileController, ReviewController)


def b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def wait_for(client: KycClient, session_id: str, timeout: float = 90.0) -> dict[str, Any]:
    """Poll the session until it has a decision or leaves pending."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/v1/sessions/{session_id}").json()
        if body.get("decision") is not None or body.get("status") != "pending":
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"session {session_id} still pending: {body}")
        time.sleep(0.3)


@functools.lru_cache(maxsize=4)
def held_specimen(portrait: str = "obama.jpg") -> str:
    """A photo of the ICAO TD3 specimen passport (expired 2012-04-15) carrying a real face photo
    (``portrait``), lying on a desk in ordinary light, as base64 JPEG.

    Built from ../shared/data at test time (``tools.fake_camera``, as the browser tests' camera); dimmed to
    80 % because the white specimen scan is brighter than the quality gate allows (requirements/pipeline §3).
    The person in ``portrait`` has other photos in faces/face_recognition, so a selfie can match it.
    """
    document = cv2.convertScaleAbs(with_portrait(read_image(MRZ_TD3), read_image(FACES / portrait)), alpha=0.8)
    ok, encoded = cv2.imencode(".jpg", held_document(document), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return base64.b64encode(encoded.tobytes()).decode()
