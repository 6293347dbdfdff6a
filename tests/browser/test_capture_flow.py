"""The capture client in headless Chromium with a fake camera, against the real app and real models.

The fake camera plays videos built from ../shared/data (``tests.browser.capture_steps``). The
specimen expired in 2012 and is fictional and the selfie is a photo, so the genuine flow ends in
whatever the real models and the default policy decide for that capture; the test asserts the
screens, the face match of a labelled same-person pair, and that the decision was made and recorded.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, Route

from api.client import KycClient
from tests.browser.capture_steps import (
    NEXT_STEP,
    OUTCOME_BADGE,
    browser,
    new_session,
    queued_uploads,
    recorded_events,
    signals_shown,
    topics,
    wait_screen,
)
from tests.browser.conftest import Screens, WebStack

pytestmark = pytest.mark.e2e


def test_genuine_flow_scan_confirm_selfie_match_and_decision(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, checks=["ocr", "face_match", "liveness"], liveness_type="passive",
                             max_retries=1)
    url = f"{web_stack.url}/capture/{token}"
    # Rear camera: the document. The page holds no secret, only the client token in its URL.
    with browser(playwright_driver, chromium, tmp_path, videos["document"]) as context:
        page = context.new_page()
        page.goto(url)
        wait_screen(page, "scan")
        page.wait_for_function("() => !document.getElementById('doc-guidance').textContent.startsWith('Starting')")
        assert page.locator("#title").inner_text() == "Scan your ID"
        assert page.locator(".frame-doc").is_visible() and page.locator("#privacy").is_visible()
        assert page.locator("#announce").get_attribute("aria-live") == "polite"
        screens.shot(page, "scan-your-id")
        page.locator("#help").press("Enter")  # keyboard operable; records a help request
        expect_help = page.locator("#help-panel")
        expect_help.wait_for(state="visible")
        screens.shot(page, "scan-help")
        page.locator("#capture-doc").click()
        wait_screen(page, "confirm")
        page.wait_for_function("() => !document.getElementById('confirm').disabled", timeout=90_000)
        assert "ERIKSSON" in page.locator("#f-name").inner_text()
        assert page.locator("#f-dob").inner_text() == "1974-08-12"
        assert "MRZ" in page.locator("#f-basis").inner_text()
        screens.shot(page, "confirm-extracted-fields")
        assert queued_uploads(page) == 0  # the document image left the browser once uploaded
    # Front camera (another device, or the same link reopened): the session resumes from the server.
    with browser(playwright_driver, chromium, tmp_path, videos["face"]) as context:
        page = context.new_page()
        page.goto(url)
        wait_screen(page, "confirm")
        page.locator("#confirm").click()
        wait_screen(page, "selfie")
        assert page.locator("#title").inner_text() == "Selfie & Liveness Check"
        assert page.locator(".frame-face").is_visible()
        page.wait_for_function("() => document.getElementById('face-video').videoWidth > 0")
        screens.shot(page, "selfie-oval")
        page.locator("#start-liveness").click()
        wait_screen(page, "result", timeout=120_000)
        page.wait_for_function("() => document.getElementById('badge').dataset.outcome !== undefined")
        assert page.locator("#sandbox-banner").is_hidden()  # a live key: real models, no test-mode banner
        assert page.locator("#selfie-photo").is_visible()  # the selfie preview beside the ID photo
        page.wait_for_function("() => !document.getElementById('user-message').hidden", timeout=60_000)
        screens.shot(page, "selfie-result")
        message = page.locator("#user-message").inner_text()
        assert message and "fraud" not in message.lower()
        # The page shows the decision the ledger recorded: its user message, the outcome (a symbol and a
        # word, never colour alone) and what it allows next; never how a check came out (requirements/pipeline §10).
        outcome = next(e for e in recorded_events(web_stack, sid) if type(e).__name__ == "DecisionMade").outcome
        assert message == outcome["user_message"]
        badge = page.locator("#badge").inner_text()
        assert badge == OUTCOME_BADGE[NEXT_STEP[outcome["route"]]]
        assert signals_shown(page) == []
        assert page.locator("#accept").is_enabled() == (outcome["decision"] == "accepted")
        assert page.locator("#retry").is_enabled() == (outcome["route"] in ("retry", "active_challenge"))
        if outcome["decision"] == "accepted":
            page.locator("#accept").click()
            wait_screen(page, "done")
            screens.shot(page, "done")
        elif outcome["route"] in ("retry", "active_challenge"):  # the policy asked for another attempt
            page.locator("#retry").click()
            wait_screen(page, "scan")
            screens.shot(page, "next-attempt-scan")
        page.wait_for_function("() => document.body.dataset.live === 'live'", timeout=10_000)
        # The server's own status events reach the page over the live stream (SSE, fed from NATS).
        page.wait_for_function("() => document.getElementById('live-log').textContent.includes('decision.made')",
                               timeout=15_000)
        log = page.locator("#live-log").text_content() or ""
        assert "selfie uploaded" in log and "liveness.status.updated" in log
    recorded = topics(web_stack, sid)
    assert recorded.count("DecisionMade") == 1 and "HelpRequested" in recorded
    assert recorded.count("CaptureRecorded") == 2
    print(f"\ngenuine flow: badge {badge!r}, decision {outcome['decision']}/{outcome['route']} "
          f"{outcome['reason_codes']}, user message {message!r}, events {recorded}")
    print("screenshots:", *screens.taken, sep="\n  ")


def test_a_still_photo_held_to_the_camera_fails_liveness_on_every_attempt(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, checks=["liveness"], liveness_type="active", max_retries=1)
    with browser(playwright_driver, chromium, tmp_path, videos["still"]) as context:
        page = context.new_page()
        page.goto(f"{web_stack.url}/capture/{token}")
        for attempt in (1, 2):
            wait_screen(page, "selfie")
            page.wait_for_function("() => document.getElementById('face-video').videoWidth > 0")
            steps = page.locator("#steps li")
            assert steps.count() >= 3  # the server's challenge, step by step, then "look straight"
            screens.shot(page, f"challenge-attempt-{attempt}")
            page.locator("#start-liveness").click()
            page.wait_for_function("() => document.querySelector('#steps li.now') !== null")
            screens.shot(page, f"challenge-step-attempt-{attempt}")
            wait_screen(page, "result", timeout=120_000)
            page.wait_for_function("() => !document.getElementById('user-message').hidden", timeout=60_000)
            # the outcome of the attempt, never the liveness result behind it (requirements/pipeline §10)
            assert page.locator("#badge").inner_text() == OUTCOME_BADGE["retry" if attempt == 1 else "none"]
            assert signals_shown(page) == []
            message = page.locator("#user-message").inner_text()
            assert message and "spoof" not in message.lower() and "fraud" not in message.lower()
            screens.shot(page, f"liveness-failed-attempt-{attempt}")
            if attempt == 1:
                assert page.locator("#retry").is_enabled()
                page.locator("#retry").click()
        # The default policy allows one retry after a failed liveness, then rejects (policies/).
        assert not page.locator("#retry").is_enabled()
        page.locator("#accept").click()
        wait_screen(page, "done")
        assert page.locator("#done-title").inner_text() == "✗ Not verified"
        screens.shot(page, "not-verified")
    recorded = topics(web_stack, sid)
    assert recorded.count("DecisionMade") == 2 and recorded.count("RetryRequested") == 1
    print("screenshots:", *screens.taken, sep="\n  ")


def test_a_network_drop_mid_upload_recovers_without_duplicate_events(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, checks=["ocr"], liveness_type="passive")
    attempts: list[str] = []
    replayed: list[str] = []

    def drop_first_answer(route: Route) -> None:
        attempts.append(route.request.headers.get("idempotency-key", ""))
        if len(attempts) == 1:
            route.fetch(timeout=60_000)  # the server receives and records the upload ...
            route.abort("connectionreset")  # ... and the answer is lost on the way back
        else:
            route.continue_()

    with browser(playwright_driver, chromium, tmp_path, videos["document"]) as context:
        page = context.new_page()
        page.on("console", lambda m: print("console:", m.text))
        page.on("response", lambda r: replayed.append(r.url) if r.headers.get("idempotent-replayed") else None)
        page.route("**/client/sessions/*/captures", drop_first_answer)
        page.goto(f"{web_stack.url}/capture/{token}")
        wait_screen(page, "scan")
        page.wait_for_function("() => !document.getElementById('doc-guidance').textContent.startsWith('Starting')")
        screens.shot(page, "scan-before-drop")
        page.locator("#capture-doc").click()
        wait_screen(page, "confirm", timeout=90_000)
        page.wait_for_function("() => !document.getElementById('retake').disabled || "
                               "!document.getElementById('confirm').disabled", timeout=90_000)
        screens.shot(page, "confirm-after-recovery")
        assert queued_uploads(page) == 0
        # An OCR-only session is decided on the document: the page shows the policy's own message
        # and what it allows next (the white specimen scan is too bright for the quality gate).
        outcome = next(e for e in recorded_events(web_stack, sid) if type(e).__name__ == "DecisionMade").outcome
        assert page.locator("#scan-outcome").inner_text() == f"✗ {outcome['user_message']}"
        assert (outcome["decision"], outcome["route"]) == ("rejected", "retry")
        assert page.locator("#confirm").is_disabled() and page.locator("#retake").is_enabled()
        page.locator("#retake").click()  # continues in the attempt the decision opened
        wait_screen(page, "scan")
    assert len(attempts) >= 2 and len(set(attempts)) == 1  # retried under the same Idempotency-Key
    assert replayed, "the retry was answered from the idempotency store"
    assert topics(web_stack, sid).count("CaptureRecorded") == 1
    print("screenshots:", *screens.taken, sep="\n  ")


def test_an_upload_queued_when_the_page_reloads_is_sent_after_the_reload_exactly_once(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, checks=["ocr", "face_match", "liveness"], liveness_type="passive")
    with browser(playwright_driver, chromium, tmp_path, videos["document"]) as context:
        page = context.new_page()
        page.goto(f"{web_stack.url}/capture/{token}")
        wait_screen(page, "scan")
        page.wait_for_function("() => !document.getElementById('doc-guidance').textContent.startsWith('Starting')")
        page.route("**/client/sessions/*/captures", lambda route: route.abort("internetdisconnected"))
        page.locator("#capture-doc").click()
        deadline = time.monotonic() + 30
        while queued_uploads(page) != 1:  # written to IndexedDB before the first try
            assert time.monotonic() < deadline, "the upload was never queued"
            time.sleep(0.1)
        screens.shot(page, "upload-queued-offline")
        assert topics(web_stack, sid).count("CaptureRecorded") == 0  # nothing reached the server yet
        page.unroute("**/client/sessions/*/captures")
        page.reload()  # the page (and its retrying upload) is gone; the queue in IndexedDB is not
        page.wait_for_function("() => document.getElementById('live-log').textContent"
                               ".includes('1 queued upload(s) sent after reload')", timeout=30_000)
        wait_screen(page, "confirm", timeout=90_000)
        screens.shot(page, "after-reload-confirm")
        assert queued_uploads(page) == 0  # sent, then erased from the browser
    assert topics(web_stack, sid).count("CaptureRecorded") == 1
