"""The offline evidence viewer in a real browser: the JS verifier agrees with
``services.evidence.bundle.verify_bundle``.

A genuine bundle (the served app's own SQLite ledger, decided by the decision worker) verifies in
the page served at ``/evidence`` against the checkpoint key the server publishes (pinned by the
page, shown by fingerprint), and in the same page saved as a local file once the key is pasted;
every tampered copy fails in the browser with exactly the reason the Python verifier gives against
the same pinned key (hash chain, RFC 9162 inclusion proof, Ed25519 checkpoint signature via
WebCrypto, completeness, policy document hash); a forged bundle re-signed with another key is
"signed by an unknown key", never verified.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from adapters.integrity.ed25519_keys import ED25519
from ops.bootstrap import LedgerRuntime
from ops.integrity_wiring import RuntimeEvidence, trusted_public_key
from ops.runners.decision_worker import DecisionWorker
from services.evidence.bundle import build_bundle, verify_bundle, write_bundle
from tests.browser.capture_steps import accessibility_problems
from tests.browser.conftest import Screens, WebStack, open_browser
from tests.integration.decisions.seeding import TENANTS, seed_sessions
from tests.integration.erasure.forgery import resigned
from tools.browser import chromium_version

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bundle(web_stack: WebStack) -> dict[str, Any]:
    rt: LedgerRuntime = web_stack.rt
    ids = seed_sessions(rt, 4)
    DecisionWorker(rt.ledger).run_once()
    return build_bundle(RuntimeEvidence(rt), TENANTS[0], ids[0])


@pytest.fixture(scope="module")
def operator_key(web_stack: WebStack) -> bytes:
    """The key the served app publishes at /.well-known/kycledger-checkpoint-key."""
    return trusted_public_key(web_stack.rt)


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright, chromium: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    context = open_browser(playwright_driver, chromium, tmp_path_factory.mktemp("evidence-profile"),
                           viewport={"width": 1100, "height": 900})
    try:
        yield context
    finally:
        context.close()


def _decision(b: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in b["events"] if e["topic"] == "kycledger.session.DecisionMade")


def _rewrite_decision(b: dict[str, Any]) -> None:
    event = _decision(b)
    state = json.loads(base64.b64decode(event["state"]))
    state["outcome"]["decision"] = "accepted" if state["outcome"]["decision"] != "accepted" else "rejected"
    event["state"] = base64.b64encode(json.dumps(state).encode()).decode()


def _flip_signature(b: dict[str, Any]) -> None:
    note = bytearray(base64.b64decode(b["checkpoint"]))
    note[-10] ^= 0x01  # inside the base64 of the Ed25519 signature
    b["checkpoint"] = base64.b64encode(bytes(note)).decode()


def _grow_checkpoint(b: dict[str, Any]) -> None:
    note = base64.b64decode(b["checkpoint"]).decode()
    origin, size, rest = note.split("\n", 2)
    b["checkpoint"] = base64.b64encode(f"{origin}\n{int(size) + 1}\n{rest}".encode()).decode()


TAMPERS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("decision rewritten", _rewrite_decision, "entry hash mismatch at position"),
    ("topic renamed", lambda b: b["events"][1].__setitem__("topic", "kycledger.session.Cancelled"),
     "entry hash mismatch at position"),
    ("inclusion proof edited", lambda b: b["events"][0]["inclusion_proof"].__setitem__(0, "00" * 32),
     "inclusion proof of position"),
    ("inclusion proof shortened", lambda b: b["events"][2]["inclusion_proof"].pop(), "inclusion proof of position"),
    ("event dropped", lambda b: b["events"].pop(1), "session"),
    ("policy edited", lambda b: next(iter(b["policies"].values()))["bands"].__setitem__("accept", 1.0),
     "the policy document"),
    ("other public key", lambda b: b.__setitem__("public_key", base64.b64encode(bytes(32)).decode()),
     "signed by an unknown key: the bundle names key id"),
    ("signature flipped", _flip_signature, "the checkpoint is not validly signed by the ledger key"),
    ("checkpoint size edited", _grow_checkpoint, "the checkpoint is not validly signed by the ledger key"),
]


def _open_bundle(page: Page, path: Path) -> dict[str, Any]:
    page.evaluate("() => { delete document.body.dataset.verified; window.lastEvidenceReport = null; }")
    page.set_input_files("#bundle-file", str(path))
    return _report(page)


def _report(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.lastEvidenceReport !== null && window.lastEvidenceReport !== undefined",
                           timeout=30_000)
    report: dict[str, Any] = page.evaluate("() => window.lastEvidenceReport")
    return report


def _open_viewer(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-pin-ready=true]", timeout=10_000)


def _paste_key(page: Page, key: bytes) -> None:
    page.evaluate("() => { window.lastEvidenceReport = null; }")
    page.fill("#pin-input", base64.b64encode(key).decode())
    page.click("#pin-button")


def test_a_genuine_bundle_verifies_against_the_published_key_and_as_a_saved_file_with_the_key_pasted(
        web_stack: WebStack, browser: BrowserContext, bundle: dict[str, Any], operator_key: bytes, tmp_path: Path,
        screens: Screens, chromium: Path) -> None:
    path = tmp_path / "bundle.json"
    write_bundle(bundle, path)
    assert verify_bundle(bundle, ED25519, pinned_key=operator_key).ok
    page = browser.new_page()
    response = page.goto(f"{web_stack.url}/evidence")
    assert response is not None and response.status == 200
    assert "script-src 'sha256-" in response.headers["content-security-policy"]
    page.wait_for_selector("body[data-pin-ready=true]", timeout=10_000)
    # The operator's published key is pinned and shown by its fingerprint (the CLI's key id).
    assert page.locator("#pin-fingerprint").inner_text() == hashlib.sha256(operator_key).hexdigest()
    assert "published by this server" in page.locator("#pin-status").inner_text()
    assert accessibility_problems(page) == []
    screens.shot(page, "evidence-empty-key-pinned")
    report = _open_bundle(page, path)
    assert report == {"ok": True, "reason": "", "stage": "done"}, chromium_version(chromium)
    assert page.locator("#verdict").inner_text().startswith("✓ Verified against the pinned key")
    assert page.locator("#checks li[data-result=pass]").count() == 6
    timeline = page.locator("#timeline-body tr")
    assert timeline.count() == len(bundle["events"])
    assert "DecisionMade" in page.locator("#timeline-body").inner_text()
    provenance = page.locator("#decisions").inner_text()
    policy = next(iter(bundle["policies"].values()))
    assert policy["name"] in provenance and next(iter(bundle["policies"])) in provenance
    assert "liveness_gate" in provenance and "score_band" in provenance  # the rule outcomes
    assert accessibility_problems(page) == []
    screens.shot(page, "evidence-genuine-verified")
    # The same page saved as a local file works offline (inline scripts, no server), with no key
    # until the auditor pastes one: until then nothing is verified.
    saved = tmp_path / "evidence.html"
    saved.write_bytes(page.request.get(f"{web_stack.url}/evidence").body())
    offline = browser.new_page()
    _open_viewer(offline, saved.as_uri())
    assert offline.locator("#pin-status").get_attribute("data-pinned") == "false"
    unpinned = _open_bundle(offline, path)
    assert unpinned["ok"] is False and unpinned["stage"] == "key"
    assert unpinned["reason"].startswith("signed by an unknown key: no checkpoint key is pinned")
    assert offline.locator("#verdict").inner_text().startswith("✗ Signed by an unknown key")
    screens.shot(offline, "evidence-saved-file-no-key")
    _paste_key(offline, operator_key)
    assert _report(offline)["ok"] is True  # the opened bundle is verified again under the pasted key
    assert "pasted" in offline.locator("#pin-status").inner_text()
    screens.shot(offline, "evidence-saved-file-verified")
    page.close()
    offline.close()


def test_a_forged_bundle_resigned_with_another_key_is_refused_next_to_the_genuine_one(
        web_stack: WebStack, browser: BrowserContext, bundle: dict[str, Any], operator_key: bytes, tmp_path: Path,
        screens: Screens) -> None:
    genuine, forged, claiming = tmp_path / "genuine.json", tmp_path / "forged.json", tmp_path / "claiming.json"
    write_bundle(bundle, genuine)
    write_bundle(resigned(bundle), forged)
    write_bundle(resigned(bundle, claim_key=operator_key), claiming)
    page = browser.new_page()
    _open_viewer(page, f"{web_stack.url}/evidence")
    assert _open_bundle(page, genuine)["ok"] is True
    screens.shot(page, "evidence-genuine-next-to-forged")
    # The forgery is consistent with the key it carries (the old viewer showed "✓ Verified")...
    assert verify_bundle(json.loads(forged.read_text()), ED25519).ok
    report = _open_bundle(page, forged)
    expected = verify_bundle(json.loads(forged.read_text()), ED25519, pinned_key=operator_key)
    assert report == {"ok": False, "reason": expected.reason, "stage": "key"}
    assert report["reason"].startswith("signed by an unknown key: the bundle names key id")
    verdict = page.locator("#verdict").inner_text()
    assert verdict.startswith("✗ Signed by an unknown key") and "Verified" not in verdict
    assert page.locator("#checks li[data-stage=key][data-result=fail]").count() == 1
    assert page.locator("#checks li[data-result=pass]").count() == 1  # the format only
    assert "did NOT verify" in page.locator("#decisions").inner_text()
    assert accessibility_problems(page) == []
    screens.shot(page, "evidence-forged-unknown-key")
    # ...and naming the operator's key does not help: the checkpoint carries no signature by it.
    claimed = _open_bundle(page, claiming)
    assert claimed["ok"] is False and claimed["stage"] == "signature"
    assert claimed["reason"] == verify_bundle(json.loads(claiming.read_text()), ED25519, pinned_key=operator_key).reason
    screens.shot(page, "evidence-forged-claiming-operator-key")
    page.close()


def test_a_pasted_value_that_is_no_key_is_refused_and_the_pin_kept(
        web_stack: WebStack, browser: BrowserContext, operator_key: bytes, screens: Screens) -> None:
    page = browser.new_page()
    _open_viewer(page, f"{web_stack.url}/evidence")
    page.fill("#pin-input", base64.b64encode(bytes(16)).decode())
    page.click("#pin-button")
    page.wait_for_selector("#pin-input[aria-invalid=true]")
    assert "Not a checkpoint key" in page.locator("#pin-error").inner_text()
    assert page.locator("#pin-fingerprint").inner_text() == hashlib.sha256(operator_key).hexdigest()
    assert accessibility_problems(page) == []
    screens.shot(page, "evidence-pasted-value-refused")
    page.close()


def test_every_tampered_bundle_fails_in_the_browser_with_the_python_verifiers_reason(
        web_stack: WebStack, browser: BrowserContext, bundle: dict[str, Any], operator_key: bytes, tmp_path: Path,
        screens: Screens) -> None:
    page = browser.new_page()
    _open_viewer(page, f"{web_stack.url}/evidence")
    for index, (name, tamper, prefix) in enumerate(TAMPERS):
        edited = copy.deepcopy(bundle)
        tamper(edited)
        expected = verify_bundle(edited, ED25519, pinned_key=operator_key)
        assert not expected.ok and expected.reason.startswith(prefix), (name, expected.reason)
        path = tmp_path / f"tampered-{index}.json"
        write_bundle(edited, path)
        report = _open_bundle(page, path)
        assert report["ok"] is False, name
        assert report["reason"] == expected.reason, name
        assert page.locator("#verdict").inner_text().startswith("✗ "), name
        assert "Verified" not in page.locator("#verdict").inner_text(), name
        assert page.locator("#checks li[data-result=fail]").count() == 1
        assert accessibility_problems(page) == []
        screens.shot(page, f"evidence-tampered-{name.replace(' ', '-')}")
    page.close()
