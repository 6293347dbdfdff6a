"""People sign in to the console in real Chromium: password and authenticator code, an HttpOnly
SameSite=Strict session cookie, CSRF-protected actions, sign-out; every step a ledger event."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from domain.audit import PLATFORM_TENANT, audit_context
from domain.people.console_commands import ConsoleAccounts
from domain.people.totp import code_at
from tests.browser.capture_steps import accessibility_problems
from tests.browser.conftest import Screens, WebStack, open_browser

pytestmark = pytest.mark.e2e

PASSWORD = "a long passphrase for review 7"


@dataclass
class Person:
    login: str
    member_id: str
    totp_secret: str

    def code(self, ahead_s: float = 0) -> str:
        return code_at(self.totp_secret, time.time() + ahead_s)


@pytest.fixture(scope="module")
def reviewer(web_stack: WebStack) -> Person:
    ledger = web_stack.rt.ledger
    accounts = ConsoleAccounts(ledger, Argon2idPasswordHasher(), ledger.clock)
    with audit_context(PLATFORM_TENANT, "operator:test", "console-setup"):
        tenant = ledger.create_tenant("Console Bank", "pro")
        member = ledger.add_member(tenant.tenant_id, "Riley Reviewer", ["reviewer"])
        enrolment = accounts.enrol(tenant.tenant_id, member.member_id, "riley@console.example", PASSWORD)
    return Person(enrolment.login, member.member_id, enrolment.totp_secret)


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright, chromium: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    context = open_browser(playwright_driver, chromium, tmp_path_factory.mktemp("console-profile"),
                           viewport={"width": 1024, "height": 768})  # a tablet in landscape
    try:
        yield context
    finally:
        context.close()


def _fill(page: Page, login: str, password: str, code: str) -> None:
    page.fill("#login", login)
    page.fill("#password", password)
    page.fill("#code", code)
    page.click("#sign-in-button")


def _people_events(web_stack: WebStack) -> list[Any]:
    ledger = web_stack.rt.ledger
    return [ledger.mapper.to_domain_event(n) for n in ledger.recorder.select_notifications(1, 1_000_000)
            if n.topic.startswith("kycledger.people.")]


def test_a_reviewer_signs_in_with_password_and_code_and_signs_out(
        web_stack: WebStack, browser: BrowserContext, reviewer: Person, screens: Screens) -> None:
    page = browser.new_page()
    response = page.goto(f"{web_stack.url}/console")
    assert response is not None and response.status == 200
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("body[data-screen=screen-sign-in]")
    assert accessibility_problems(page) == []
    screens.shot(page, "console-sign-in")

    _fill(page, reviewer.login, "not the passphrase at all", reviewer.code())
    page.wait_for_selector("#sign-in-error:not(:empty)")
    assert "not accepted" in page.locator("#sign-in-error").inner_text()
    assert accessibility_problems(page) == []
    screens.shot(page, "console-sign-in-refused")

    _fill(page, reviewer.login, PASSWORD, reviewer.code())
    page.wait_for_selector("body[data-screen=screen-home]")
    assert page.locator("#who").inner_text() == "Riley Reviewer"
    assert page.locator("#roles").inner_text() == "reviewer"
    assert accessibility_problems(page) == []
    screens.shot(page, "console-signed-in")

    # The session is an HttpOnly, SameSite=Strict cookie; the page holds no API secret anywhere.
    cookies = [c for c in browser.cookies() if c["name"] == "kyc_console"]
    assert len(cookies) == 1 and cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Strict"
    assert cookies[0]["path"] == "/console"
    assert page.evaluate("() => document.cookie") == ""
    stored = page.evaluate("() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert stored == "[[],[]]"
    assert "kycs_" not in page.content()

    # A state-changing request without the CSRF token, or from another origin, is refused.
    without = page.evaluate("""async () => {
        const r = await fetch('/console/api/sign-out', {method: 'POST'});
        return [r.status, (await r.json()).code]; }""")
    assert without == [403, "csrf_token_invalid"]
    token = page.evaluate("async () => (await (await fetch('/console/api/me')).json()).csrf_token")
    forged = page.request.post(f"{web_stack.url}/console/api/sign-out",
                               headers={"Origin": "http://attacker.example", "X-CSRF-Token": token})
    assert (forged.status, forged.json()["code"]) == (403, "cross_origin_refused")

    page.reload()  # still signed in: the cookie, checked by the server
    page.wait_for_selector("body[data-screen=screen-home]")
    page.click("#sign-out")
    page.wait_for_selector("body[data-screen=screen-sign-in]")
    assert page.request.get(f"{web_stack.url}/console/api/me").status == 401
    screens.shot(page, "console-signed-out")

    events = [e for e in _people_events(web_stack) if e.actor == f"console:{reviewer.member_id}"]
    assert [type(e).__name__ for e in events] == ["SignInRefused", "SignedIn", "SignedOut"]
    assert events[0].reason == "password"
    page.close()


def test_a_stolen_cookie_value_without_the_session_opens_nothing(
        web_stack: WebStack, browser: BrowserContext, reviewer: Person) -> None:
    answer = browser.request.get(f"{web_stack.url}/console/api/me",
                                 headers={"Cookie": "kyc_console=00000000-0000-0000-0000-000000000000.forged"})
    assert (answer.status, answer.json()["code"]) == (401, "console_session_ended")
    signed = browser.request.post(f"{web_stack.url}/console/api/sign-in", data={
        "login": reviewer.login, "password": PASSWORD, "code": reviewer.code(30)})
    assert signed.status == 200
    account, _, token = next(c["value"] for c in browser.cookies() if c["name"] == "kyc_console").partition(".")
    tampered = browser.request.get(f"{web_stack.url}/console/api/me",
                                   headers={"Cookie": f"kyc_console={account}.{token[:-3]}abc"})
    assert tampered.status == 401
    assert browser.request.get(f"{web_stack.url}/console/api/me").status == 200


TARGETS = """() => Array.from(document.querySelectorAll('button, input, select, textarea, a.button'))
    .filter((e) => e.offsetParent !== null && e.type !== 'radio')
    .map((e) => { const r = e.getBoundingClientRect(); return [e.id || e.tagName, r.width, r.height]; })
    .filter(([, w, h]) => w < 24 || h < 24)"""


def test_the_console_is_keyboard_operable_on_a_portrait_tablet_with_only_its_own_scripts(
        web_stack: WebStack, playwright_driver: Playwright, chromium: Path, tmp_path: Path, screens: Screens) -> None:
    ledger = web_stack.rt.ledger
    accounts = ConsoleAccounts(ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1), ledger.clock)
    with audit_context(PLATFORM_TENANT, "operator:test", "console-tablet"):
        tenant = ledger.create_tenant("Tablet Bank", "pro")
        member = ledger.add_member(tenant.tenant_id, "Avery Auditor", ["auditor"])
        person = accounts.enrol(tenant.tenant_id, member.member_id, "avery@tablet.example", PASSWORD)
    context = open_browser(playwright_driver, chromium, tmp_path / "tablet", viewport={"width": 768, "height": 1024})
    try:
        page = context.new_page()
        loaded: list[str] = []
        page.on("request", lambda r: loaded.append(r.url))
        response = page.goto(f"{web_stack.url}/console")
        assert response is not None
        page.wait_for_selector("body[data-screen=screen-sign-in]")
        # Keyboard only: the login field is the first stop, Enter in the code field signs in.
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "login"
        page.keyboard.type(person.login)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Tab")
        page.keyboard.type(code_at(person.totp_secret, time.time()))
        page.keyboard.press("Enter")
        page.wait_for_selector("body[data-screen=screen-home]")
        assert page.evaluate(TARGETS) == []  # WCAG 2.2 target size (minimum): 24 by 24 CSS pixels
        assert accessibility_problems(page) == []
        screens.shot(page, "console-tablet-portrait-auditor")
        for _ in range(40):  # Tab to the sign-out button and press it
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.id") == "sign-out":
                break
        page.keyboard.press("Enter")
        page.wait_for_selector("body[data-screen=screen-sign-in]")
        # Nothing is loaded from another origin, and the policy would refuse it anyway.
        assert loaded and all(url.startswith(web_stack.url) or url.startswith("data:") for url in loaded), loaded
        csp = response.headers["content-security-policy"]
        assert "http" not in csp and "script-src 'self'" in csp
    finally:
        context.close()
