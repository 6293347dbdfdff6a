"""Shared steps of the capture-page browser tests: videos, sessions, screens and recorded events.

Videos are built at test time from ../shared/data (``tools.fake_camera``), never committed: the ICAO
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

import cv2
from playwright.sync_api import BrowserContext, Page, Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from api.client import KycClient
from tests.browser.conftest import SHARED, WebStack, open_browser
from tools.fake_camera import (
    document_video,
    face_video,
    held_document,
    read_image,
    still_photo_video,
    with_portrait,
    write_y4m,
)

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
    in_daylight = cv2.convertScaleAbs(with_portrait(read_image(SPECIMEN), read_image(FACES / PORTRAIT)), alpha=0.8)
    return {"document": document_video(SPECIMEN, FACES / PORTRAIT, folder / "document.y4m"),
            # the same document in softer light: the white specimen scan is too bright for the quality gate
            "document_in_daylight": write_y4m(folder / "document-daylight.y4m", held_document(in_daylight)),
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
    page.wait_for_function("() => document.getElementById('badge').dataset.outcome !== undefined")
    page.wait_for_function("() => !document.getElementById('user-message').hidden", timeout=60_000)


# The result screen's badge for each next step of the decision (api.outcome_view.NEXT_STEP).
OUTCOME_BADGE = {"done": "✓ Verified", "retry": "↻ Please try again", "wait": "⏳ Under review",
                 "none": "✗ Not verified"}
NEXT_STEP = {"auto_approve": "done", "retry": "retry", "active_challenge": "retry", "manual_review": "wait",
             "compliance_escalation": "wait", "reject": "none"}
# What the result screen showed before it showed outcomes only, and other words that would tell the person
# how a check came out (requirements/pipeline §10 "Never reveal fraud details").
SIGNAL_WORDS = ("Match", "Mismatch", "Liveness", "passed", "similar", "score", "spoof", "fraud", "screening",
                "compliance")


def signals_shown(page: Page) -> list[str]:
    """The per-check words the result screen shows the person (an empty list when none)."""
    shown = page.locator("#screen-result").inner_text()
    return [word for word in SIGNAL_WORDS if word in shown]


def tenant_client(stack: WebStack, name: str, *, sandbox: bool = False, accept_passive: bool = False) -> KycClient:
    """A signed API client of a new "pro" tenant; with ``sandbox`` its sandbox key (ops.sandbox); with
    ``accept_passive`` the tenant's policy opts in to accepting a passive liveness pass."""
    from domain.audit import PLATFORM_TENANT, audit_context
    from policies.document import PolicyDocument
    with audit_context(PLATFORM_TENANT, "operator:test", "browser-tests"):
        issued = stack.rt.ledger.create_tenant(name, "pro")
        if accept_passive:
            opted = PolicyDocument(name="browser-accepts-passive", accept_passive_liveness=True)
            with audit_context(issued.tenant_id, "operator:test", "browser-tests"):
                stack.rt.ledger.activate_policy(issued.tenant_id, opted.to_dict(), opted.policy_hash)
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
