"""A face mismatch on the capture page: the person is told to retake the selfie, and only the selfie.

Real models in headless Chromium. The shared data holds no unexpired document, so this module's app
reads documents on 2011-06-01, while the ICAO specimen (expiry 2012-04-15) was valid: the face is the
only thing wrong with the first attempt. The rear camera shows the specimen carrying Obama's photo; the
front camera first shows Biden (faces/pairs.csv: "different"), then Obama's other photo ("same").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from api.client import KycClient
from tests.browser.capture_steps import (
    NEXT_STEP,
    OUTCOME_BADGE,
    accessibility_problems,
    browser,
    new_session,
    recorded_events,
    scan_document,
    signals_shown,
    take_selfie,
    tenant_client,
    wait_screen,
)
from tests.browser.conftest import Screens, WebStack, running_web_stack

pytestmark = pytest.mark.e2e

# requirements/pipeline §10
MISMATCH = "We couldn't verify your identity. Please ensure the selfie matches your ID photo."


@pytest.fixture(scope="module")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    with running_web_stack(tmp_path_factory, today=date(2011, 6, 1)) as stack:
        yield stack


@pytest.fixture(scope="module")
def live_client(web_stack: WebStack) -> Iterator[KycClient]:
    """A tenant whose policy counts a passive liveness pass: liveness is not this test's subject, the face is."""
    client = tenant_client(web_stack, "Retry Test Tenant", accept_passive=True)
    yield client
    client.close()


def test_a_face_mismatch_asks_for_a_new_selfie_and_keeps_the_scanned_document(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, liveness_type="passive")  # the default checks
    url = f"{web_stack.url}/capture/{token}"
    with browser(playwright_driver, chromium, tmp_path, videos["document_in_daylight"]) as context:
        page = context.new_page()
        page.goto(url)
        scan_document(page)
    with browser(playwright_driver, chromium, tmp_path, videos["other_face"]) as context:
        page = context.new_page()
        page.goto(url)
        take_selfie(page)
        assert page.locator("#badge").inner_text() == OUTCOME_BADGE["retry"]
        assert page.locator("#user-message").inner_text() == MISMATCH  # what to do, not the score behind it
        assert signals_shown(page) == [] and page.locator("#manual-review").is_hidden()
        assert accessibility_problems(page) == []
        screens.shot(page, "mismatch-retry-the-selfie")
    with browser(playwright_driver, chromium, tmp_path, videos["face"]) as context:
        page = context.new_page()
        page.goto(url)  # the link reopened shows the result; Retry goes straight to the selfie
        wait_screen(page, "result")
        page.locator("#retry").click()
        wait_screen(page, "selfie")  # no scan and no confirmation: the document is kept
        screens.shot(page, "selfie-again")
        page.wait_for_function("() => document.getElementById('face-video').videoWidth > 0")
        page.locator("#start-liveness").click()
        wait_screen(page, "result", timeout=120_000)
        page.wait_for_function("() => document.getElementById('badge').dataset.outcome !== 'checking'",
                               timeout=60_000)
        decisions = [e.outcome for e in recorded_events(web_stack, sid) if type(e).__name__ == "DecisionMade"]
        assert len(decisions) == 2 and "face_match_none" not in decisions[1]["reason_codes"]
        assert page.locator("#badge").inner_text() == OUTCOME_BADGE[NEXT_STEP[decisions[1]["route"]]]
        assert signals_shown(page) == []
        screens.shot(page, "second-attempt-result")
    events = recorded_events(web_stack, sid)
    scans = [e for e in events if type(e).__name__ == "CaptureRecorded" and e.kind == "document_front"]
    kept = [e for e in events if type(e).__name__ == "CaptureCarriedOver"]
    print(f"\nsecond attempt: {decisions[1]['decision']}/{decisions[1]['route']} {decisions[1]['reason_codes']}")
    # one scan, kept for attempt 2 (and for attempt 3 when attempt 2's decision asks for the selfie or
    # liveness again)
    assert len(scans) == 1 and (kept[0].attempt, kept[0].kind) == (2, "document_front")
    assert {k.content_sha256 for k in kept} == {scans[0].content_sha256}
    print("screenshots:", *screens.taken, sep="\n  ")
