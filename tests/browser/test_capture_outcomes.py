"""The capture page's other endings in headless Chromium: accepted (sandbox) and manual review.

- Accepted: the shared data holds no unexpired document and no video of a live person, so the real
  models cannot honestly accept a case here (see the genuine flow in ``test_capture_flow``). A
  sandbox key drives the accepted screens instead: its results are the documented simulated ones
  (``ops.sandbox``), marked in every event, and the page shows a test-mode banner throughout.
- Manual review: the real models, with the document's portrait (obama.jpg) and another person in
  front of the camera (biden.jpg, labelled "different" in faces/pairs.csv). After two failed
  attempts on two devices the page offers "Request manual review" (requirements/capture §1), counted by the
  server, and the case goes to the review queue.
- Proof of address (requirements/pipeline §1 ``require_address_proof``): its own step between the ID and the selfie,
  a bill rendered at test time in the ID holder's name, read by the real OCR.
- Hand-off: a computer without a camera shows a QR code of the link (requirements/capture §1 "mobile ↔ web");
  the code, read back with zxing-cpp from the page's pixels, opens the same session on a phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp
from playwright.sync_api import Playwright

from api.client import KycClient
from tests.browser.capture_steps import (
    NEXT_STEP,
    OUTCOME_BADGE,
    accessibility_problems,
    browser,
    new_session,
    recorded_events,
    reviewer_client,
    scan_document,
    signals_shown,
    take_selfie,
    tenant_client,
    topics,
    wait_screen,
)
from tests.browser.conftest import Screens, WebStack, open_browser
from tests.integration.address_proof.letters import Letter, render_letter

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox_client(web_stack: WebStack) -> Iterator[KycClient]:
    client = tenant_client(web_stack, "Browser Sandbox Tenant", sandbox=True)
    yield client
    client.close()


def test_sandbox_session_reaches_verified_with_the_test_mode_banner(
        web_stack: WebStack, sandbox_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    # Active liveness (the default): the page runs the server's challenge; the sandbox judges its recording.
    sid, token = new_session(sandbox_client, checks=["ocr", "face_match", "liveness"], liveness_type="active")
    url = f"{web_stack.url}/capture/{token}"
    with browser(playwright_driver, chromium, tmp_path, videos["document"]) as context:
        page = context.new_page()
        page.goto(url)
        wait_screen(page, "scan")
        assert page.locator("#sandbox-banner").is_visible()
        assert "not an identity verification" in page.locator("#sandbox-banner").inner_text()
        assert accessibility_problems(page) == []
        scan_document(page)
        assert page.locator("#f-name").inner_text() == "TEST PERSON SANDBOX"  # ops.sandbox.SANDBOX_PERSONA
        assert accessibility_problems(page) == []
        screens.shot(page, "sandbox-confirm")
    with browser(playwright_driver, chromium, tmp_path, videos["face"]) as context:
        page = context.new_page()
        page.goto(url)
        take_selfie(page)
        assert page.locator("#badge").inner_text() == "✓ Verified"  # the outcome, not the checks behind it
        assert signals_shown(page) == []
        assert page.locator("#sandbox-banner").is_visible()
        assert page.locator("#accept").is_enabled() and page.locator("#retry").is_disabled()
        assert page.locator("#manual-review").is_hidden()
        assert accessibility_problems(page) == []
        screens.shot(page, "sandbox-result")
        page.locator("#accept").click()
        wait_screen(page, "done")
        assert page.locator("#done-title").inner_text() == "✓ Verified"
        assert page.locator("body").get_attribute("data-status") == "verified"
        assert accessibility_problems(page) == []
        screens.shot(page, "sandbox-verified")
    events = recorded_events(web_stack, sid)
    decisions = [e.outcome for e in events if type(e).__name__ == "DecisionMade"]  # type: ignore[attr-defined]
    assert [(d["decision"], d["route"]) for d in decisions] == [("accepted", "auto_approve")]
    assert all(str(e.actor).endswith(":sandbox") for e in events)  # every event marked
    print("screenshots:", *screens.taken, sep="\n  ")


def test_after_repeated_failure_the_person_can_request_manual_review(
        web_stack: WebStack, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    # The story is the repeated face mismatch: this tenant's policy accepts passive liveness (an explicit
    # opt-in), so a passive pass does not turn each attempt into an active challenge.
    live_client = tenant_client(web_stack, "Passive Liveness Tenant", accept_passive=True)
    sid, token = new_session(live_client, checks=["ocr", "face_match", "liveness"], liveness_type="passive",
                             max_retries=3)
    url = f"{web_stack.url}/capture/{token}"
    for attempt in (1, 2):
        # Each attempt on two devices (fresh browser profiles): the document, then the face.
        with browser(playwright_driver, chromium, tmp_path, videos["document"]) as context:
            page = context.new_page()
            page.goto(url)
            if attempt == 2:  # the link reopened shows the last result first; Retry starts attempt 2
                wait_screen(page, "result")
                page.locator("#retry").click()
            scan_document(page)
        with browser(playwright_driver, chromium, tmp_path, videos["other_face"]) as context:
            page = context.new_page()
            page.goto(url)
            take_selfie(page)
            # not "✗ Mismatch" (requirements/pipeline §10)
            assert page.locator("#badge").inner_text() == "↻ Please try again"
            assert signals_shown(page) == []
            decided = [e.outcome for e in recorded_events(web_stack, sid) if type(e).__name__ == "DecisionMade"]
            assert page.locator("#user-message").inner_text() == decided[-1]["user_message"]
            assert page.locator("#retry").is_enabled()  # retries remain ...
            screens.shot(page, f"mismatch-attempt-{attempt}")
            review = page.locator("#manual-review")
            if attempt == 1:
                assert review.is_hidden()  # ... and one failure is not yet "repeated"
                refused = page.evaluate("""async (sid) => (await fetch(`/client/sessions/${sid}/manual-review`, {
                    method: "POST", headers: {"X-Client-Token": decodeURIComponent(location.pathname.split(
                    "/capture/")[1]), "Content-Type": "application/json"}, body: "{}"})).status""", sid)
                assert refused == 409  # enforced by the server, not only hidden by the page
                continue
            assert review.is_visible()  # a second failed attempt: the person may ask for a human
            assert accessibility_problems(page) == []
            review.press("Enter")  # keyboard operable
            wait_screen(page, "done")
            assert page.locator("#done-title").inner_text() == "⏳ Under review"
            assert page.locator("body").get_attribute("data-status") == "manual_review"
            screens.shot(page, "under-review")
    names = topics(web_stack, sid)
    assert names.count("DecisionMade") == 2 and names[-1] == "ManualReviewRequested"
    reviewer = reviewer_client(web_stack, live_client)
    queue = reviewer.get("/v1/reviews")
    assert queue.status_code == 200
    assert [c["id"] for c in queue.json()["cases"]] == [sid]  # waiting for a reviewer
    assert live_client.get("/v1/reviews").status_code == 403  # the integration key does not review
    # A reviewer decides (the policy never rejected this case: one reviewer suffices); the page, opened
    # again, tells the reviewer's outcome (one story after a reviewer decides).
    assert reviewer.post(f"/v1/reviews/{sid}/claim").status_code == 200
    decided = reviewer.post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "same_person"})
    assert decided.json()["decided"] is True, decided.text
    with browser(playwright_driver, chromium, tmp_path, videos["document"]) as context:
        page = context.new_page()
        page.goto(url)
        wait_screen(page, "done")
        assert page.locator("#done-title").inner_text() == "✓ Verified"
        assert page.locator("#done-message").inner_text() == "Your identity has been verified."
        screens.shot(page, "verified-by-reviewer")
    print("screenshots:", *screens.taken, sep="\n  ")


def test_without_a_camera_the_page_hands_off_to_a_phone_by_qr_code(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, checks=["ocr", "face_match", "liveness"], liveness_type="passive")
    url = f"{web_stack.url}/capture/{token}"
    laptop = open_browser(playwright_driver, chromium, tmp_path / "profile-no-camera")  # no camera at all
    with laptop:
        page = laptop.new_page()
        page.goto(url)
        wait_screen(page, "scan")
        page.wait_for_function("() => document.getElementById('handoff').open")  # opened by the camera failure
        qr = page.locator("#handoff-qr")
        qr.wait_for(state="visible")
        page.wait_for_function("() => document.getElementById('handoff-qr').naturalWidth > 0")
        assert "camera" in page.locator("#alert").inner_text()
        assert page.locator("#doc-guidance").inner_text() == "✗ No camera available"
        assert page.locator("#capture-doc").is_disabled()  # nothing to capture from
        screens.shot(page, "no-camera-handoff")
        decoded = zxingcpp.read_barcodes(cv2.imdecode(np.frombuffer(qr.screenshot(), np.uint8), cv2.IMREAD_COLOR))
        assert [(d.format, d.text) for d in decoded] == [(zxingcpp.BarcodeFormat.QRCode, url)]
        with browser(playwright_driver, chromium, tmp_path, videos["document"]) as phone:  # the phone scans it
            on_phone = phone.new_page()
            on_phone.goto(decoded[0].text)
            scan_document(on_phone)
            assert "ERIKSSON" in on_phone.locator("#f-name").inner_text()
            screens.shot(on_phone, "phone-continues")
        with browser(playwright_driver, chromium, tmp_path, videos["face"]) as phone:  # and takes the selfie
            on_phone = phone.new_page()
            on_phone.goto(url)
            take_selfie(on_phone)
        # The computer followed along live and shows the outcome the phone reached.
        wait_screen(page, "result", timeout=30_000)
        outcome = [e.outcome for e in recorded_events(web_stack, sid) if type(e).__name__ == "DecisionMade"][-1]
        assert page.locator("#badge").inner_text() == OUTCOME_BADGE[NEXT_STEP[outcome["route"]]]
        log = page.locator("#live-log").text_content() or ""
        assert "scan.status.updated" in log and "decision.made" in log  # the server's events, live
        screens.shot(page, "computer-shows-outcome")
    print("screenshots:", *screens.taken, sep="\n  ")


def test_a_session_requiring_proof_of_address_asks_for_it_between_id_and_selfie(
        web_stack: WebStack, live_client: KycClient, playwright_driver: Playwright, chromium: Path,
        videos: dict[str, Path], tmp_path: Path, screens: Screens) -> None:
    sid, token = new_session(live_client, checks=["ocr", "face_match", "liveness"], liveness_type="passive",
                             require_address_proof=True)
    url = f"{web_stack.url}/capture/{token}"
    bill = tmp_path / "bill.png"  # rendered now (the shared data has no address documents), never committed
    bill.write_bytes(render_letter(Letter(holder="Ms Anna Maria Eriksson",
                                          address=("14 Willow Street", "Manchester M1 4BT"),
                                          issued=date.today() - timedelta(days=20))))
    with browser(playwright_driver, chromium, tmp_path, videos["document"]) as context:
        page = context.new_page()
        page.goto(url)
        wait_screen(page, "scan")
        steps = page.locator(".stepper li:not([hidden])").all_inner_texts()
        assert steps == ["1 Scan your ID", "2 Proof of address", "3 Selfie & Liveness", "4 Result"]
        scan_document(page)
        page.locator("#confirm").click()
        wait_screen(page, "address")
        assert page.locator("#address-send").is_disabled()
        assert accessibility_problems(page) == []
        page.locator("#address-file").set_input_files(str(bill))
        screens.shot(page, "proof-of-address")
        page.locator("#address-send").click()
        wait_screen(page, "selfie", timeout=90_000)  # uploaded and read: on to the selfie
        assert page.locator("#address-file").input_value() == ""  # nothing of it kept in the page
    with browser(playwright_driver, chromium, tmp_path, videos["face"]) as context:
        page = context.new_page()
        page.goto(url)
        take_selfie(page)
        screens.shot(page, "result-with-address")
    events = recorded_events(web_stack, sid)
    address = [e.result for e in events if type(e).__name__ == "CheckCompleted"  # type: ignore[attr-defined]
               and e.result["check"] == "address_proof"]  # type: ignore[attr-defined]
    assert [a["outcome"] for a in address] == ["pass"], address
    decision = next(e.outcome for e in events if type(e).__name__ == "DecisionMade")  # type: ignore[attr-defined]
    gate = next(r for r in decision["rules"] if r["rule"] == "address_proof_gate")
    assert gate["triggered"] is False and gate["detail"] == "address proof matches the holder"
    print("screenshots:", *screens.taken, sep="\n  ")
