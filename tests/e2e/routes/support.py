"""Shared data paths and helpers for the product route tests (real images from ../shared/data)."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

from api.client import KycClient
from api.controllers.mobile import MobileController
from api.controllers.modules import ModuleController
from api.controllers.review import ReviewController
from api.controllers.sessions import ClientSessionController, SessionController
from api.controllers.verify import VerifyController

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
