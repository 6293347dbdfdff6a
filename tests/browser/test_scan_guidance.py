"""Live guidance on the scan screen (requirements/capture): too dark, too bright, glare, blur, move closer, or good.

Each fake camera plays the document as held to the camera (``tools.fake_camera``) with one fault
made in it at test time: a dim room, a lamp's reflection, an out-of-focus lens, the document held
too far away. The page's quick checks run in the browser on the live video.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import Playwright

from tests.browser.capture_steps import FACES, PORTRAIT, SPECIMEN, browser, new_session, wait_screen
from tests.browser.conftest import Screens, WebStack
from tools.eval.document_captures import white_page, white_page_glare
from tools.fake_camera import DOCUMENT_SIZE, Image, held_document, read_image, with_portrait, write_y4m

pytestmark = pytest.mark.e2e


def _dim(frame: Image) -> Image:
    return (frame.astype(np.float32) * 0.15).astype(np.uint8)


def _washed(frame: Image) -> Image:
    # Direct sunlight on the page: even the ink comes out light grey.
    return (frame.astype(np.float32) * 0.4 + 150).astype(np.uint8)


def _bright(frame: Image) -> Image:
    # A well-lit light page (mean grey above 200) is no fault: the server reads it, so the page says so.
    return np.clip(frame.astype(np.float32) * 1.25, 0, 255).astype(np.uint8)


def _glare(frame: Image) -> Image:
    # A page in ordinary room light (not the specimen's pure white) with a lamp's reflection on it.
    out = (frame.astype(np.float32) * 0.8).astype(np.uint8)
    h, w = out.shape[:2]
    cv2.ellipse(out, (w // 2, h // 2), (w // 7, h // 9), 0, 0, 360, (255, 255, 255), -1)
    return out


def _document(change: Callable[[Image], Image]) -> Callable[[Image], Image]:
    """The held document with ``change`` made to the page itself (a reflection lies on the page)."""
    return lambda _: held_document(change(with_portrait(read_image(SPECIMEN), read_image(FACES / PORTRAIT))))


def _blur(frame: Image) -> Image:
    return cv2.GaussianBlur(frame, (0, 0), 9)


def _far(frame: Image) -> Image:
    small = cv2.resize(held_document(with_portrait(read_image(SPECIMEN), read_image(FACES / PORTRAIT))),
                       None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
    canvas = np.full_like(frame, (38, 34, 30))
    h, w = small.shape[:2]
    top, left = (frame.shape[0] - h) // 2, (frame.shape[1] - w) // 2
    canvas[top:top + h, left:left + w] = small
    return canvas


FAULTS: dict[str, tuple[Callable[[Image], Image], str]] = {
    "good": (lambda frame: frame, ""), "bright": (_bright, ""), "dim": (_dim, "too_dark"),
    "washed": (_washed, "too_bright"), "glare": (_glare, "glare"),
    # A white page (paper ~229 grey, within 30 of blown out) is fine; a lamp's highlight on it is glare.
    "white_page": (_document(white_page), ""), "glare_on_white_page": (_document(white_page_glare), "glare"),
    "blur": (_blur, "blur"), "far": (_far, "too_far"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_scan_screen_tells_what_is_wrong_with_the_picture(
        fault: str, web_stack: WebStack, live_client: object, playwright_driver: Playwright, chromium: Path,
        tmp_path: Path, screens: Screens) -> None:
    make, expected = FAULTS[fault]
    frame = held_document(with_portrait(read_image(SPECIMEN), read_image(FACES / PORTRAIT)))
    assert frame.shape[1::-1] == DOCUMENT_SIZE
    video = write_y4m(tmp_path / f"{fault}.y4m", make(frame))
    _, token = new_session(live_client, checks=["ocr"], liveness_type="passive")  # type: ignore[arg-type]
    with browser(playwright_driver, chromium, tmp_path, video) as context:
        page = context.new_page()
        page.goto(f"{web_stack.url}/capture/{token}")
        wait_screen(page, "scan")
        page.wait_for_function("() => (document.getElementById('doc-guidance').dataset.problem ?? 'starting')"
                               " !== 'starting'")
        problem = page.evaluate("() => document.getElementById('doc-guidance').dataset.problem")
        message = page.locator("#doc-guidance").inner_text()
        screens.shot(page, f"guidance-{fault}")
    assert problem == expected, message
    assert message.startswith("✓") == (expected == "")  # a symbol and words, not colour alone
