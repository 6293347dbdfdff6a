"""The console's audit view in real Chromium: an auditor finds the reviewed case by route and by
reviewer, reads its proven timeline, replays it and asks what another policy would have decided,
downloads the evidence bundle and verifies it against the pinned checkpoint key, and sees the
access log of who looked at the session; each of those reads is itself recorded."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from adapters.integrity.ed25519_keys import ED25519
from api.client import KycClient
from domain.audit import PLATFORM_TENANT, audit_context
from domain.people.console_commands import ConsoleAccounts
from domain.people.totp import code_at
from domain.sessions.review import Reviewer
from ops.integrity_wiring import trusted_public_key
from policies.document import PolicyDocument
from policies.replay import what_if_session
from services.evidence.bundle import verify_bundle
from tests.browser.capture_steps import accessibility_problems
from tests.browser.conftest import Screens, WebStack, open_browser
from tests.e2e.review.support import operations_case

pytestmark = pytest.mark.e2e

PASSWORD = "a long passphrase for audits 9"


@dataclass
class Audited:
    reviewed: str
    reviewer_id: str
    auditor_login: str
    auditor_secret: str


@pytest.fixture(scope="module")
def audited(web_stack: WebStack) -> Iterator[Audited]:
    ledger = web_stack.rt.ledger
    accounts = ConsoleAccounts(ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1), ledger.clock)
    with audit_context(PLATFORM_TENANT, "operator:test", "console-audit-setup"):
        issued = ledger.create_tenant("Audited Bank", "pro")
        reviewer = ledger.add_member(issued.tenant_id, "Riley Reviewer", ["reviewer"])
        auditor = ledger.add_member(issued.tenant_id, "Avery Auditor", ["auditor"])
        enrolled = accounts.enrol(issued.tenant_id, auditor.member_id, "avery@audited.example", PASSWORD)
    client = KycClient(web_stack.url, issued.key_id, issued.secret.reveal(), timeout=120)
    try:
        sid = operations_case(web_stack, client, issued.tenant_id)  # type: ignore[arg-type]
        person = Reviewer(reviewer.member_id, "Riley Reviewer", compliance=False, credential="console:test")
        with audit_context(issued.tenant_id, f"console:{reviewer.member_id}", "review"):
            ledger.claim_review(issued.tenant_id, UUID(sid), person)
            assert ledger.decide_review(issued.tenant_id, UUID(sid), person, "accepted", "documents_verified")
        yield Audited(sid, reviewer.member_id, enrolled.login, enrolled.totp_secret)
    finally:
        client.close()


@pytest.fixture
def browser(playwright_driver: Playwright, chromium: Path, tmp_path: Path) -> Iterator[BrowserContext]:
    context = open_browser(playwright_driver, chromium, tmp_path / "profile", viewport={"width": 1280, "height": 900},
                           accept_downloads=True)
    try:
        yield context
    finally:
        context.close()


def _sign_in(context: BrowserContext, url: str, login: str, secret: str) -> Page:
    page = context.new_page()
    page.goto(f"{url}/console")
    page.wait_for_selector("body[data-screen=screen-sign-in]")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.fill("#code", code_at(secret, time.time()))
    page.click("#sign-in-button")
    page.wait_for_selector("body[data-screen=screen-home]")
    return page


def _search(page: Page, **fields: str) -> list[str]:
    page.evaluate("() => { delete document.body.dataset.searched; }")
    for name in ("status", "route", "reviewer"):
        selector = f"#search-{name}"
        if name == "reviewer":
            page.fill(selector, fields.get(name, ""))
        else:
            page.select_option(selector, fields.get(name, ""))
    page.click("#audit-search button[type=submit]")
    page.wait_for_selector("body[data-searched]")
    rows: list[str] = page.evaluate(
        "() => Array.from(document.querySelectorAll('#search-body tr')).map((r) => r.dataset.sessionRow)")
    return rows


def test_an_auditor_finds_replays_downloads_and_verifies_a_case_and_sees_who_looked(
        web_stack: WebStack, audited: Audited, browser: BrowserContext, tmp_path: Path, screens: Screens) -> None:
    page = _sign_in(browser, web_stack.url, audited.auditor_login, audited.auditor_secret)
    assert page.locator("#queue").is_hidden() and page.locator("#audit").is_visible()  # an auditor only reads
    assert _search(page, route="manual_review") == [audited.reviewed]
    assert _search(page, reviewer=audited.reviewer_id) == [audited.reviewed]
    assert _search(page, status="pending") == []
    assert _search(page) == [audited.reviewed]
    assert "reviewer: accepted" in page.locator(f"tr[data-session-row='{audited.reviewed}']").inner_text()
    assert accessibility_problems(page) == []
    screens.shot(page, "console-audit-search")

    page.click(f"button[data-audit='{audited.reviewed}']")
    page.wait_for_selector("body[data-screen=screen-audit]")
    events = list(web_stack.rt.ledger.events.get(UUID(audited.reviewed)))
    assert page.locator("#audit-timeline tr").count() == len(events)
    timeline = page.locator("#audit-timeline").inner_text()
    assert "ReviewDecided" in timeline and "DecisionMade" in timeline and "hashes" in timeline
    assert "signed checkpoint of size" in page.locator("#audit-checkpoint").inner_text()

    page.click("#replay")
    page.wait_for_function("() => document.getElementById('replay-result').textContent !== ''")
    assert page.locator("#replay-result").inner_text().startswith("Reproduced exactly: 1 decision(s)")

    policy = json.loads(page.locator("#what-if-policy").input_value())
    stricter = copy.deepcopy(policy)
    stricter["name"] = "stricter"
    stricter["bands"] = {**stricter["bands"], "accept": 99.0, "review": 98.0}
    expected = what_if_session(events, PolicyDocument.from_dict(stricter))
    page.fill("#what-if-policy", json.dumps(stricter))
    page.click("#what-if")
    page.wait_for_function("() => document.getElementById('what-if-result').textContent !== ''")
    shown = page.locator("#what-if-result").inner_text()
    assert f"under this policy {expected[0].proposed['decision']}" in shown
    assert ("— changed" in shown) is expected[0].changed
    assert accessibility_problems(page) == []
    screens.shot(page, "console-audit-session")

    with page.expect_download() as download:
        page.click("#bundle-link")
    path = tmp_path / "bundle.json"
    download.value.save_as(str(path))
    bundle = json.loads(path.read_text())
    assert verify_bundle(bundle, ED25519, pinned_key=trusted_public_key(web_stack.rt)).ok
    viewer = browser.new_page()
    viewer.goto(f"{web_stack.url}/evidence")
    viewer.wait_for_selector("body[data-pin-ready=true]")
    viewer.set_input_files("#bundle-file", str(path))
    viewer.wait_for_function("() => window.lastEvidenceReport")
    assert viewer.evaluate("() => window.lastEvidenceReport.ok") is True
    assert viewer.locator("#verdict").inner_text().startswith("✓ Verified against the pinned key")
    screens.shot(viewer, "console-audit-bundle-verified")

    page.click("#audit-back")
    page.click(f"button[data-audit='{audited.reviewed}']")  # again: the log now shows the reads above
    page.wait_for_selector("body[data-screen=screen-audit]")
    log = page.locator("#access-log").inner_text()
    for resource in ("session_audit", "session_replay", "session_what_if", "session_bundle", "session_access_log"):
        assert resource in log, resource
    assert "Avery Auditor" in log
    assert accessibility_problems(page) == []
    screens.shot(page, "console-audit-access-log")


def test_the_audit_routes_refuse_a_person_without_the_auditor_role(
        web_stack: WebStack, audited: Audited, browser: BrowserContext) -> None:
    ledger = web_stack.rt.ledger
    accounts = ConsoleAccounts(ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1), ledger.clock)
    session: Any = ledger.repository.get(UUID(audited.reviewed))
    with audit_context(PLATFORM_TENANT, "operator:test", "console-audit-reviewer"):
        enrolled = accounts.enrol(session.tenant, audited.reviewer_id, "riley@audited.example", PASSWORD)
    page = _sign_in(browser, web_stack.url, enrolled.login, enrolled.totp_secret)
    assert page.locator("#audit").is_hidden()
    answer = page.request.get(f"{web_stack.url}/console/api/audit/sessions")
    assert (answer.status, answer.json()["code"]) == (403, "auditor_role_required")
