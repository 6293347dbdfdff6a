"""The console's review queue and case view in real Chromium, as named people.

A reviewer signs in, finds a face-mismatch case in the queue, sees the document portrait and the
selfie side by side with each check's reasons and models, claims it and decides; a compliance
escalation (a real sanctions list entry) needs two compliance officers: the first one's verdict
waits, the page says who decided first, and the second one decides. Every view, image and action
is a ledger event naming the person.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from api.client import KycClient
from domain.audit import PLATFORM_TENANT, audit_context
from domain.people.console_commands import ConsoleAccounts
from domain.people.totp import code_at
from tests.browser.capture_steps import accessibility_problems
from tests.browser.conftest import Screens, WebStack, open_browser
from tests.e2e.review.support import compliance_case, documented_mismatch, rejected_to_review

pytestmark = pytest.mark.e2e

PASSWORD = "a long passphrase for review 7"


@dataclass
class Person:
    name: str
    login: str
    member_id: str
    totp_secret: str


@dataclass
class Bank:
    tenant_id: str
    mismatch: str
    escalation: str
    documented: str
    riley: Person
    casey: Person
    dana: Person
    rowan: Person


@pytest.fixture(scope="module")
def bank(web_stack: WebStack) -> Iterator[Bank]:
    ledger = web_stack.rt.ledger
    accounts = ConsoleAccounts(ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1), ledger.clock)
    people = []
    with audit_context(PLATFORM_TENANT, "operator:test", "console-review-setup"):
        issued = ledger.create_tenant("Review Bank", "pro")
        for name, role in (("Riley Reviewer", "reviewer"), ("Casey Compliance", "compliance"),
                           ("Dana Compliance", "compliance"), ("Rowan Reviewer", "reviewer")):
            member = ledger.add_member(issued.tenant_id, name, [role])
            login = f"{name.split()[0].lower()}@review.example"
            enrolled = accounts.enrol(issued.tenant_id, member.member_id, login, PASSWORD)
            people.append(Person(name, login, member.member_id, enrolled.totp_secret))
    client = KycClient(web_stack.url, issued.key_id, issued.secret.reveal(), timeout=120)
    try:
        mismatch = rejected_to_review(web_stack, client, issued.tenant_id)  # type: ignore[arg-type]
        escalation = compliance_case(web_stack, client, issued.tenant_id)  # type: ignore[arg-type]
        documented = documented_mismatch(web_stack, client, issued.tenant_id)  # type: ignore[arg-type]
        yield Bank(issued.tenant_id, mismatch, escalation, documented, *people)
    finally:
        client.close()


@pytest.fixture
def contexts() -> Iterator[list[BrowserContext]]:
    """The browsers a test opened (one per person), closed after it."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _browser(contexts: list[BrowserContext], playwright_driver: Playwright, chromium: Path, tmp_path: Path,
             ) -> BrowserContext:
    context = open_browser(playwright_driver, chromium, tmp_path / f"profile-{len(contexts)}",
                           viewport={"width": 1280, "height": 900})
    contexts.append(context)
    return context


def _sign_in(context: BrowserContext, url: str, person: Person) -> Page:
    page = context.new_page()
    page.goto(f"{url}/console")
    page.wait_for_selector("body[data-screen=screen-sign-in]")
    page.fill("#login", person.login)
    page.fill("#password", PASSWORD)
    page.fill("#code", code_at(person.totp_secret, time.time()))
    page.click("#sign-in-button")
    page.wait_for_selector("body[data-screen=screen-home]")
    page.wait_for_selector("body[data-queue-loaded]")
    return page


def _open_case(page: Page, session_id: str) -> None:
    page.click(f"button[data-case='{session_id}']")
    page.wait_for_selector("body[data-screen=screen-case]")


def _events(web_stack: WebStack, session_id: str | None = None, topic: str | None = None) -> list[Any]:
    ledger = web_stack.rt.ledger
    return [ledger.mapper.to_domain_event(n) for n in ledger.recorder.select_notifications(1, 1_000_000)
            if (session_id is None or str(n.originator_id) == session_id) and (topic is None or n.topic == topic)]


def _images_loaded(page: Page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('#faces img'))
        .filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.dataset.kind)""")


def test_a_reviewer_claims_a_face_mismatch_case_sees_both_faces_and_decides(
        web_stack: WebStack, bank: Bank, contexts: list[BrowserContext], playwright_driver: Playwright,
        chromium: Path, tmp_path: Path, screens: Screens) -> None:
    page = _sign_in(_browser(contexts, playwright_driver, chromium, tmp_path), web_stack.url, bank.riley)
    rows = page.locator("#queue-body tr")
    assert page.locator(f"tr[data-case-row='{bank.mismatch}']").count() == 1
    assert rows.count() >= 1 and "face_match_none" in page.locator(f"tr[data-case-row='{bank.mismatch}']").inner_text()
    assert accessibility_problems(page) == []
    screens.shot(page, "console-queue")
    page.select_option("#filter-queue", "compliance")
    page.click("#queue-filters button[type=submit]")
    page.wait_for_function("() => document.body.dataset.queueLoaded !== undefined")
    page.wait_for_selector(f"tr[data-case-row='{bank.mismatch}']", state="detached")
    page.select_option("#filter-queue", "")
    score = web_stack.rt.ledger.get_session(bank.tenant_id, UUID(bank.mismatch)).decisions[1]["outcome"]["score"]
    page.fill("#filter-risk", str(math.floor(score) - 1))  # "score at most N": the mismatch is above it
    page.click("#queue-filters button[type=submit]")
    page.wait_for_selector(f"tr[data-case-row='{bank.mismatch}']", state="detached")
    page.fill("#filter-risk", str(math.ceil(score)))
    page.select_option("#filter-route", "manual_review")
    page.click("#queue-filters button[type=submit]")
    page.wait_for_selector(f"tr[data-case-row='{bank.mismatch}']")
    assert page.locator(f"tr[data-case-row='{bank.escalation}']").count() == 0  # a compliance escalation

    _open_case(page, bank.mismatch)
    page.wait_for_function("() => Array.from(document.querySelectorAll('#faces img')).every((i) => i.complete)")
    assert sorted(_images_loaded(page)) == ["document_front", "document_portrait", "selfie"]
    assert page.locator("#frames img").count() == 2  # the liveness answer's frames
    selfie = page.get_attribute("#faces img[data-kind=selfie]", "src")
    assert selfie is not None and selfie.startswith("/console/api/cases/")
    image = page.request.get(f"{web_stack.url}{selfie}")
    assert image.status == 200 and image.headers["cache-control"] == "no-store"  # images are never cached
    checks = page.locator("#checks-body").inner_text()
    assert "face_match" in checks and "face_mismatch" in checks and "test-model 1" in checks
    assert "similarity 0.12" in checks
    assert "rejected via manual_review" in page.locator("#policy").inner_text()
    assert accessibility_problems(page) == []
    screens.shot(page, "console-case-before-claim")

    page.click("#claim")
    page.wait_for_selector("body[data-case-state=claimed]")
    page.click("#release")  # given back to the queue, then taken again
    page.wait_for_selector("body[data-case-state=open]")
    assert page.locator("#decide-result").inner_text() == "Released: the case is back in the queue."
    page.click("#claim")
    page.wait_for_selector("body[data-case-state=claimed]")
    page.check("input[name=decision][value=rejected]")
    page.select_option("#reason", "face_mismatch")
    page.fill("#note", "Selfie shows another person than the passport portrait.")
    page.click("#decide")
    page.wait_for_selector("body[data-case-state=decided]")
    assert page.locator("#decide-result").inner_text() == "Decision recorded: failed."
    assert "note by Riley Reviewer: Selfie shows another person" in page.locator("#timeline").inner_text()
    assert accessibility_problems(page) == []
    screens.shot(page, "console-case-decided")

    events = _events(web_stack, bank.mismatch)
    me = f"console:{bank.riley.member_id}"
    actions = [(type(e).__name__, e.actor) for e in events
               if type(e).__name__ in ("ReviewClaimed", "ReviewReleased", "ReviewNoted", "ReviewDecided")]
    assert actions == [("ReviewClaimed", me), ("ReviewReleased", me), ("ReviewClaimed", me), ("ReviewNoted", me),
                       ("ReviewDecided", me)]
    decided = next(e for e in events if type(e).__name__ == "ReviewDecided")
    assert (decided.reviewer, decided.reviewer_name, decided.reason) == (bank.riley.member_id, "Riley Reviewer",
                                                                         "face_mismatch")
    reads = [(e.resource, e.member_id) for e in _events(web_stack, topic="kycledger.audit.AuditAccessRecorded")
             if e.scope.startswith(bank.mismatch)]
    assert ("review_evidence", bank.riley.member_id) in reads
    assert {r for r, m in reads if m == bank.riley.member_id} == {"review_evidence", "review_capture",
                                                                  "review_portrait"}


def test_a_compliance_escalation_needs_a_second_compliance_officer(
        web_stack: WebStack, bank: Bank, contexts: list[BrowserContext], playwright_driver: Playwright,
        chromium: Path, tmp_path: Path, screens: Screens) -> None:
    first = _sign_in(_browser(contexts, playwright_driver, chromium, tmp_path), web_stack.url, bank.casey)
    _open_case(first, bank.escalation)
    hits = first.locator("#hits").inner_text()
    assert "hit" in hits and "0.97" in hits  # beside the list entry's names
    first.click("#claim")
    first.wait_for_selector("body[data-case-state=claimed]")
    first.check("input[name=decision][value=accepted]")
    first.select_option("#reason", "false_positive")
    first.click("#decide")
    first.wait_for_function("() => document.getElementById('decide-result').textContent.includes('second reviewer')")
    assert "Casey Compliance decided first" in first.locator("#case-state").inner_text()
    screens.shot(first, "console-four-eyes-first-verdict")
    # The first officer cannot be the second pair of eyes.
    again = first.evaluate(f"""async () => {{
        const me = await (await fetch('/console/api/me')).json();
        const r = await fetch('/console/api/cases/{bank.escalation}/claim',
            {{method: 'POST', headers: {{'X-CSRF-Token': me.csrf_token}}}});
        return [r.status, (await r.json()).code]; }}""")
    assert again == [403, "second_reviewer_required"]

    second = _sign_in(_browser(contexts, playwright_driver, chromium, tmp_path), web_stack.url, bank.dana)
    waiting = second.locator(f"tr[data-case-row='{bank.escalation}']").inner_text()
    assert "waits for a second reviewer" in waiting and "Casey Compliance" in waiting
    assert accessibility_problems(second) == []
    screens.shot(second, "console-queue-four-eyes-waiting")
    _open_case(second, bank.escalation)
    assert "a second, different reviewer must agree" in second.locator("#case-state").inner_text()
    second.click("#claim")
    second.wait_for_selector("body[data-case-state=claimed]")
    second.check("input[name=decision][value=accepted]")
    second.select_option("#reason", "false_positive")
    second.click("#decide")
    second.wait_for_selector("body[data-case-state=decided]")
    assert second.locator("#decide-result").inner_text() == "Decision recorded: verified."
    assert accessibility_problems(second) == []
    screens.shot(second, "console-four-eyes-decided")
    decided = next(e for e in _events(web_stack, bank.escalation) if type(e).__name__ == "ReviewDecided")
    assert [a["id"] for a in decided.approvals] == [bank.casey.member_id, bank.dana.member_id]


def test_the_case_shows_the_document_portrait_beside_the_selfie_and_each_field_against_the_mrz(
        web_stack: WebStack, bank: Bank, contexts: list[BrowserContext], playwright_driver: Playwright,
        chromium: Path, tmp_path: Path, screens: Screens) -> None:
    page = _sign_in(_browser(contexts, playwright_driver, chromium, tmp_path), web_stack.url, bank.rowan)
    _open_case(page, bank.documented)
    page.wait_for_function("() => Array.from(document.querySelectorAll('#faces img')).every((i) => i.complete)")
    assert sorted(_images_loaded(page)) == ["document_front", "document_portrait", "selfie"]
    kinds = page.evaluate("() => Array.from(document.querySelectorAll('#faces img')).map((i) => i.dataset.kind)")
    assert kinds[:2] == ["document_portrait", "selfie"]  # the two faces the match compared, side by side
    sizes = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('#faces img'))
        .map((i) => [i.dataset.kind, i.naturalWidth * i.naturalHeight]))""")
    assert 0 < sizes["document_portrait"] < sizes["document_front"]  # a crop of the front, not the front
    src = page.get_attribute("#faces img[data-kind=document_portrait]", "src")
    assert src == f"/console/api/cases/{bank.documented}/portrait/1"
    image = page.request.get(f"{web_stack.url}{src}")
    assert image.status == 200 and image.headers["cache-control"] == "no-store"
    assert image.headers["content-type"].startswith("image/jpeg")

    def row(field: str) -> list[str]:
        return [c.strip() for c in page.locator(f"#fields-body tr[data-field={field}] td").all_inner_texts()]

    assert row("surname") == ["surname", "OBAMA", "MRZ", "printed text: agrees", "agrees"]
    assert row("document_number") == ["document_number", "L898902C3", "MRZ",
                                      "printed text: agrees; MRZ check digit: agrees", "agrees"]
    assert row("given_names")[2:] == ["MRZ", "none", "not compared"]
    assert page.locator("#fields-body tr[data-field=mrz]").count() == 0  # the raw zone repeats the fields
    assert accessibility_problems(page) == []
    screens.shot(page, "console-case-portrait-and-fields")
    reads = [(e.resource, e.scope) for e in _events(web_stack, topic="kycledger.audit.AuditAccessRecorded")
             if e.member_id == bank.rowan.member_id]
    assert ("review_portrait", f"{bank.documented}/1") in reads


def test_another_tenants_reviewer_gets_no_portrait(web_stack: WebStack, bank: Bank) -> None:
    ledger = web_stack.rt.ledger
    accounts = ConsoleAccounts(ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1), ledger.clock)
    with audit_context(PLATFORM_TENANT, "operator:test", "console-review-other"):
        other = ledger.create_tenant("Other Bank", "pro")
        member = ledger.add_member(other.tenant_id, "Olive Other", ["reviewer"])
        enrolled = accounts.enrol(other.tenant_id, member.member_id, "olive@other.example", PASSWORD)
    with httpx.Client(base_url=web_stack.url) as http:
        signed = http.post("/console/api/sign-in", json={
            "login": "olive@other.example", "password": PASSWORD, "code": code_at(enrolled.totp_secret, time.time())})
        assert signed.status_code == 200, signed.text
        answer = http.get(f"/console/api/cases/{bank.documented}/portrait/1")
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
        assert "image" not in answer.headers.get("content-type", "")
