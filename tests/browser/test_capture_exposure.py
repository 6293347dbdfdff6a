"""Exposure on the capture page: a well-lit, light passport page is read and accepted at the scan step,
and a capture the server's quality gate fails is shown as failed at the scan step, with what to do and
a Retake that leads back to the camera - not after the selfie.

The specimen scan is white paper (mean grey above 220): it stands for the bright passport page. The
washed-out page is the same specimen in direct light (even its ink light grey), still readable. The
glare case is the specimen as a white page in a photo (paper about 229 grey, not blown out) with a
lamp's specular highlight on it: the page's quick check and the server's gate both call it glare.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Playwright

from tests.browser.capture_steps import FACES, PORTRAIT, SPECIMEN, browser, new_session, wait_screen
from tests.browser.conftest import Screens, WebStack
from tools.eval.document_captures import white_page_glare
from tools.fake_camera import Image, held_document, read_image, with_portrait, write_y4m

pytestmark = pytest.mark.e2e


def _washed(frame: Image) -> Image:
    return (frame.astype(np.float32) * 0.45 + 140).astype(np.uint8)


def _scan(page: object) -> tuple[str, bool, bool]:
    """Capture the front on the scan screen; (the outcome message, confirm enabled, retake enabled)."""
    wait_screen(page, "scan")  # type: ignore[arg-type]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.getElementById('doc-guidance').textContent.startsWith('Starting')")
    page.locator("#capture-doc").click()  # type: ignore[attr-defined]
    wait_screen(page, "confirm")  # type: ignore[arg-type]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.getElementById('scan-outcome').textContent.startsWith('Reading')", timeout=90_000)
    return page.evaluate(  # type: ignore[attr-defined,no-any-return]
        "() => [document.getElementById('scan-outcome').textContent, !document.getElementById('confirm').disabled,"
        " !document.getElementById('retake').disabled]")


@pytest.mark.parametrize("light", ["bright", "washed_out", "glare_on_white_page"])
def test_the_scan_step_shows_what_the_quality_gate_says(
        light: str, web_stack: WebStack, live_client: object, playwright_driver: Playwright, chromium: Path,
        tmp_path: Path, screens: Screens) -> None:
    page_image = with_portrait(read_image(SPECIMEN), read_image(FACES / PORTRAIT))
    assert float(page_image.mean()) > 200  # a light page: the old mean-grey rule failed it
    frame = held_document(page_image)
    frame = {"bright": frame, "washed_out": _washed(frame),
             "glare_on_white_page": held_document(white_page_glare(page_image))}[light]
    video = write_y4m(tmp_path / f"{light}.y4m", frame)
    _, token = new_session(live_client, liveness_type="passive")  # type: ignore[arg-type]  # face checks follow
    with browser(playwright_driver, chromium, tmp_path, video) as context:
        page = context.new_page()
        page.goto(f"{web_stack.url}/capture/{token}")
        wait_screen(page, "scan")
        page.wait_for_function("() => (document.getElementById('doc-guidance').dataset.problem ?? 'starting')"
                               " !== 'starting'")
        quick_check = page.evaluate("() => document.getElementById('doc-guidance').dataset.problem")
        message, confirm, retake = _scan(page)
        screens.shot(page, f"scan-{light}")
        if light == "bright":
            assert quick_check == "" and message.startswith("✓") and confirm, message
            return
        expected = {"washed_out": ("too_bright", "✗ The picture is too bright"),
                    "glare_on_white_page": ("glare", "✗ There is glare on the document")}[light]
        assert quick_check == expected[0]  # the page's quick check and the server agree
        assert message.startswith(expected[1]) and not confirm and retake, message
        page.locator("#retake").click()
        wait_screen(page, "scan")
        assert not page.locator("#capture-doc").is_disabled()
