"""A document quality failure the person learns of late, after the selfie, in headless Chromium.

The bank's server uploaded the document and the selfie (``POST /v1/sessions/{id}/documents``) and
completed the session; the person opens the capture link afterwards. The document is the ICAO specimen
as a white page in a photo with a lamp's highlight on it (``tools.eval.document_captures``): the quality
gate fails it as glare. The session allows no retry, so the policy sends the case to a reviewer.

"Accept & continue" used to lead to the done screen, and a reload brought back the result screen with
"Accept & continue" again: two screens for one server state, the done one looking like a dead end. Now
an accepted ending stays the done screen, after a reload too, and Accept routes by the server's state.
The same glare captured on the page with no retake left used to leave the scan step with two disabled
buttons; the person now continues and the policy decides.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import cv2
import pytest
from playwright.sync_api import Page, Playwright

from api.client import KycClient
from tests.browser.capture_steps import FACES, PORTRAIT, SAME_PERSON, SPECIMEN, browser, new_session, wait_screen
from tests.browser.conftest import Screens, WebStack
from tools.eval.document_captures import white_page_glare
from tools.fake_camera import Image, held_document, read_image, with_portrait, write_y4m

pytestmark = pytest.mark.e2e


def _jpeg(image: Image) -> str:
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return base64.b64encode(data.tobytes()).decode()


def _decided_by_the_server(client: KycClient, sid: str) -> dict[str, object]:
    document = held_document(white_page_glare(with_portrait(read_image(SPECIMEN), read_image(FACES / PORTRAIT))))
    for kind, image in (("document_front", document), ("selfie", read_image(FACES / SAME_PERSON))):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": _jpeg(image)})
        assert answer.status_code == 201, answer.text
    assert client.post(f"/v1/sessions/{sid}/complete", {}).status_code == 202
    for _ in range(240):
        session = client.get(f"/v1/sessions/{sid}").json()
        if session.get("decision"):
            return dict(session)
        time.sleep(0.5)
    raise AssertionError("no decision")


def _screen(page: Page) -> tuple[str, list[str]]:
    """The screen shown and its enabled, visible buttons."""
    screen, buttons = page.evaluate("""() => [document.body.dataset.screen,
        [...document.querySelectorAll('main > section:not([hidden]) button')]
          .filter((b) => !b.hidden && !b.disabled).map((b) => b.id)]""")
    return str(screen), list(buttons)


def test_accepting_a_late_failure_ends_on_the_done_screen_after_a_reload_too(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, liveness_type="passive", max_retries=0)
    session = _decided_by_the_server(live_client, sid)
    decision = session["decision"]
    assert isinstance(decision, dict) and "quality:reduce_glare" in decision["reasons"]  # the glare, found late
    assert session["status"] == "manual_review"
    with browser(playwright_driver, chromium, tmp_path, videos["face"]) as context:
        page = context.new_page()
        page.goto(f"{web_stack.url}/capture/{token}")
        wait_screen(page, "result")
        assert _screen(page) == ("result", ["accept"])
        screens.shot(page, "late-failure-result")
        page.locator("#accept").click()
        wait_screen(page, "done")
        assert page.locator("#done-title").inner_text() == "⏳ Under review"
        page.reload()
        page.wait_for_function("() => document.body.dataset.screen && document.body.dataset.screen !== 'loading'")
        # Before the fix the reload showed the result screen and its "Accept & continue" again.
        assert _screen(page) == ("done", [])
        assert page.locator("#done-title").inner_text() == "⏳ Under review"
        screens.shot(page, "late-failure-done-after-reload")


def test_a_quality_failure_with_no_retake_left_is_not_a_dead_end(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        tmp_path: Path, screens: Screens) -> None:
    # The same glare, now captured on the page: the scan step says so at once. With no retake left,
    # both buttons used to be disabled, for good (a reload showed the same): the person continues now.
    video = write_y4m(tmp_path / "glare.y4m", held_document(
        white_page_glare(with_portrait(read_image(SPECIMEN), read_image(FACES / PORTRAIT)))))
    _, token = new_session(live_client, liveness_type="passive", max_retries=0)
    with browser(playwright_driver, chromium, tmp_path, video) as context:
        page = context.new_page()
        page.goto(f"{web_stack.url}/capture/{token}")
        wait_screen(page, "scan")
        page.wait_for_function("() => !document.getElementById('doc-guidance').textContent.startsWith('Starting')")
        page.locator("#capture-doc").click()
        wait_screen(page, "confirm")
        page.wait_for_function(
            "() => !document.getElementById('scan-outcome').textContent.startsWith('Reading')", timeout=90_000)
        outcome = page.locator("#scan-outcome").inner_text()
        screens.shot(page, "no-retake-left")
        assert outcome.startswith("✗ There is glare on the document") and "No retake is left" in outcome, outcome
        assert _screen(page) == ("confirm", ["confirm"])
        page.locator("#confirm").click()
        wait_screen(page, "selfie")
