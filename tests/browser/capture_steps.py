"""Shared steps of the capture-page browser tests: videos, sessions, screens and recorded events.

Videos are built at test time from ../shared/data (``ops.fake_camera``), never committed: the ICAO
"Utopia" TD3 specimen carrying a real face photo (faces/face_recognition/obama.jpg) held to the
rear camera; in front of the front camera the same person's other photo (obama2.jpg, labelled
"same" in faces/pairs.csv) or another person (biden.jpg, labelled "different"); and a printed photo
held to the camera (spoof/silent_face/image_F1.jpg, a real presentation attack).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from playwright.sync_api import BrowserContext, Page, Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from api.client import KycClient
from ops.fake_camera import document_video, face_video, still_photo_video
from tests.browser.conftest import SHARED, WebStack, open_browser

SPECIMEN = SHARED / "mrz" / "images" / "passporteye" / "passport-td3.jpg"
FACES = SHARED / "faces"
STILL_PHOTO = SHARED / "spoof" / "silent_face" / "image_F1.jpg"
PORTRAIT, SAME_PERSON, OTHER_PERSON = "face_recognition/obama.jpg", "face_recognition/obama2.jpg", \
    "face_recognition/biden.jpg"


def labelled_pairs() -> dict[tuple[str, str], bool]:
    with (FACES / "pairs.csv").open() as f:
        return {(r["img_a"], r["img_b"]): r["same"] == "1" for r in csv.DictReader(f)}


def build_videos(folder: Path) -> dict[str, Path]:
    pairs = labelled_pairs()
    assert pairs[(PORTRAIT, SAME_PERSON)] is True and pairs[(PORTRAIT, OTHER_PERSON)] is False
    return {"document": document_video(SPECIMEN, FACES / PORTRAIT, folder / "document.y4m"),
            "face": face_video(FACES / SAME_PERSON, folder / "face.y4m"),
            "other_face": face_video(FACES / OTHER_PERSON, folder / "other-face.y4m"),
            "still": still_photo_video(STILL_PHOTO, folder / "still.y4m")}


def new_session(client: KycClient, **configuration: Any) -> tuple[str, str]:
    answer = client.post("/v1/sessions", configuration)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.json()["client_token"]


def browser(driver: Playwright, chromium: Path, tmp: Path, video: Path) -> BrowserContext:
    """A fresh profile (another device, or the same link reopened) whose camera plays ``video``."""
    profile = tmp / f"profile-{video.stem}-{time.monotonic_ns()}"
    return open_browser(driver, chromium, profile, video, permissions=["camera"])


def wait_screen(page: Page, name: str, timeout: float = 60_000) -> None:
    try:
        page.wait_for_function(f"() => document.body.dataset.screen === '{name}'", timeout=timeout)
    except PlaywrightTimeout:
        state = page.evaluate("() => [document.body.dataset.screen, document.getElementById('alert').textContent]")
        raise AssertionError(f"screen {name!r} not reached: on {state[0]!r}, alert {state[1]!r}") from None


def topics(stack: WebStack, sid: str) -> list[str]:
    return [type(e).TOPIC.rsplit(".", 1)[-1] for e in stack.rt.ledger.events.get(UUID(sid))]


def recorded_events(stack: WebStack, sid: str) -> list[Any]:
    return list(stack.rt.ledger.events.get(UUID(sid)))


def queued_uploads(page: Page) -> int:
    count: int = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('kycledger-capture', 1);
        open.onsuccess = () => { const tx = open.result.transaction('pending-uploads', 'readonly');
          const c = tx.objectStore('pending-uploads').count(); c.onsuccess = () => resolve(c.result); };
        open.onerror = () => resolve(-1); })""")
    return count


def scan_document(page: Page) -> None:
    """On the scan screen: wait for the camera's guidance, capture the front, reach the confirmation."""
    wait_screen(page, "scan")
    page.wait_for_function("() => !document.getElementById('doc-guidance').textContent.startsWith('Starting')")
    page.locator("#capture-doc").click()
    wait_screen(page, "confirm")
    try:
        page.wait_for_function("() => !document.getElementById('confirm').disabled", timeout=90_000)
    except PlaywrightTimeout:
        outcome = page.evaluate("() => [document.getElementById('scan-outcome').textContent, "
                                "document.getElementById('alert').textContent]")
        raise AssertionError(f"the document was not read: {outcome}") from None


def take_selfie(page: Page) -> None:
    """From the confirmation screen: confirm, run the liveness step, wait for the result and its message."""
    wait_screen(page, "confirm")
    page.locator("#confirm").click()
    wait_screen(page, "selfie")
    page.wait_for_function("() => document.getElementById('face-video').videoWidth > 0")
    page.locator("#start-liveness").click()
    wait_screen(page, "result", timeout=120_000)
    page.wait_for_function("() => document.getElementById('badge').dataset.match !== undefined")
    page.wait_for_function("() => !document.getElementById('user-message').hidden", timeout=60_000)


def tenant_client(stack: WebStack, name: str, *, sandbox: bool = False) -> KycClient:
    """A signed API client of a new "pro" tenant; with ``sandbox`` its sandbox key (ops.sandbox)."""
    from domain.audit import PLATFORM_TENANT, audit_context
    with audit_context(PLATFORM_TENANT, "operator:test", "browser-tests"):
        issued = stack.rt.ledger.create_tenant(name, "pro")
        if sandbox:
            issued = stack.rt.ledger.create_api_key(issued.tenant_id, "client", sandbox=True)
    return KycClient(stack.url, issued.key_id, issued.secret.reveal(), timeout=120)


def reviewer_client(stack: WebStack, integration: KycClient, name: str = "Rita Reviewer") -> KycClient:
    """A signed API client of a named reviewer of the integration key's tenant."""
    from domain.audit import PLATFORM_TENANT, audit_context
    tenant_id = stack.rt.ledger.get_api_key(integration.key_id).owner_tenant_id
    with audit_context(PLATFORM_TENANT, "operator:test", "browser-tests"):
        member = stack.rt.ledger.add_member(tenant_id, name, ["reviewer"])
        issued = stack.rt.ledger.issue_member_key(tenant_id, member.member_id, "reviewer")
    return KycClient(stack.url, issued.key_id, issued.secret.reveal(), timeout=120)


# WCAG checks the visible screen can fail (see the script's header).
_AUDIT = (Path(__file__).with_name("a11y_audit.js")).read_text(encoding="utf-8")


def accessibility_problems(page: Page) -> list[str]:
    """What the visible screen does against the WCAG checks above (an empty list when none)."""
    problems: list[str] = page.evaluate(_AUDIT)
    return problems
