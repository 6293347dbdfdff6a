"""The offline evidence viewer in a real browser: the JS verifier agrees with
``services.evidence.bundle.verify_bundle``.

A genuine bundle (a real SQLite ledger, decided by the decision worker) verifies in the page served
at ``/evidence`` and in the same page saved as a local file; every tampered copy fails in the
browser with exactly the reason the Python verifier gives (hash chain, RFC 9162 inclusion proof,
Ed25519 checkpoint signature via WebCrypto, completeness, policy document hash).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from ops.bootstrap import LedgerRuntime
from ops.integrity_wiring import RuntimeEvidence
from ops.runners.decision_worker import DecisionWorker
from services.evidence.bundle import build_bundle, verify_bundle, write_bundle
from tests.browser.capture_steps import accessibility_problems
from tests.browser.conftest import Screens, WebStack, open_browser
from tests.integration.decisions.seeding import TENANTS, open_ledger_at, seed_sessions
from tools.browser import chromium_version

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    rt: LedgerRuntime = open_ledger_at(tmp_path_factory.mktemp("evidence-ledger"))
    try:
        ids = seed_sessions(rt, 4)
        DecisionWorker(rt.ledger).run_once()
        yield build_bundle(RuntimeEvidence(rt), TENANTS[0], ids[0])
    finally:
        rt.close()


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
     "the checkpoint is not validly signed by the ledger key"),
    ("signature flipped", _flip_signature, "the checkpoint is not validly signed by the ledger key"),
    ("checkpoint size edited", _grow_checkpoint, "the checkpoint is not validly signed by the ledger key"),
]


def _open_bundle(page: Page, path: Path) -> dict[str, Any]:
    page.evaluate("() => { delete document.body.dataset.verified; window.lastEvidenceReport = null; }")
    page.set_input_files("#bundle-file", str(path))
    page.wait_for_function("() => window.lastEvidenceReport !== null && window.lastEvidenceReport !== undefined",
                           timeout=30_000)
    report: dict[str, Any] = page.evaluate("() => window.lastEvidenceReport")
    return report


def test_a_genuine_bundle_verifies_in_the_served_viewer_and_as_a_saved_file(
        web_stack: WebStack, browser: BrowserContext, bundle: dict[str, Any], tmp_path: Path,
        screens: Screens, chromium: Path) -> None:
    path = tmp_path / "bundle.json"
    write_bundle(bundle, path)
    assert verify_bundle(bundle).ok
    page = browser.new_page()
    response = page.goto(f"{web_stack.url}/evidence")
    assert response is not None and response.status == 200
    assert "script-src 'sha256-" in response.headers["content-security-policy"]
    screens.shot(page, "evidence-empty")
    report = _open_bundle(page, path)
    assert report == {"ok": True, "reason": "", "stage": "done"}, chromium_version(chromium)
    assert page.locator("#verdict").inner_text().startswith("✓ Verified")
    assert page.locator("#checks li[data-result=pass]").count() == 5
    timeline = page.locator("#timeline-body tr")
    assert timeline.count() == len(bundle["events"])
    assert "DecisionMade" in page.locator("#timeline-body").inner_text()
    provenance = page.locator("#decisions").inner_text()
    policy = next(iter(bundle["policies"].values()))
    assert policy["name"] in provenance and next(iter(bundle["policies"])) in provenance
    assert "liveness_gate" in provenance and "score_band" in provenance  # the rule outcomes
    assert accessibility_problems(page) == []
    screens.shot(page, "evidence-genuine-verified")
    # The same page saved as a local file works offline (inline scripts, no server).
    saved = tmp_path / "evidence.html"
    saved.write_bytes(page.request.get(f"{web_stack.url}/evidence").body())
    offline = browser.new_page()
    offline.goto(saved.as_uri())
    assert _open_bundle(offline, path)["ok"] is True
    screens.shot(offline, "evidence-saved-file-verified")
    page.close()
    offline.close()


def test_every_tampered_bundle_fails_in_the_browser_with_the_python_verifiers_reason(
        web_stack: WebStack, browser: BrowserContext, bundle: dict[str, Any], tmp_path: Path,
        screens: Screens) -> None:
    page = browser.new_page()
    page.goto(f"{web_stack.url}/evidence")
    for index, (name, tamper, prefix) in enumerate(TAMPERS):
        edited = copy.deepcopy(bundle)
        tamper(edited)
        expected = verify_bundle(edited)
        assert not expected.ok and expected.reason.startswith(prefix), (name, expected.reason)
        path = tmp_path / f"tampered-{index}.json"
        write_bundle(edited, path)
        report = _open_bundle(page, path)
        assert report["ok"] is False, name
        assert report["reason"] == expected.reason, name
        assert page.locator("#verdict").inner_text().startswith("✗ Verification failed")
        assert page.locator("#checks li[data-result=fail]").count() == 1
        assert accessibility_problems(page) == []
        screens.shot(page, f"evidence-tampered-{name.replace(' ', '-')}")
    page.close()
