"""The tenant administrator's console screens in real Chromium: the tenant's people with their roles
and its keys (read-only, never a secret), each look a ledger event naming the administrator; a
reviewer sees neither and is refused by the routes; another tenant's people and keys never show.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Playwright

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from domain.audit import PLATFORM_TENANT, audit_context
from domain.people.console_commands import ConsoleAccounts
from domain.people.totp import code_at
from tests.browser.capture_steps import accessibility_problems
from tests.browser.conftest import Screens, WebStack, open_browser

pytestmark = pytest.mark.e2e

PASSWORD = "a long passphrase for the bank 5"


@dataclass
class Tenant:
    tenant_id: str
    integration_key: str
    admin: tuple[str, str, str]  # (login, member id, TOTP secret)
    reviewer: tuple[str, str, str]
    reviewer_key: str
    secrets: list[str]
    other_key: str


@pytest.fixture(scope="module")
def tenant(web_stack: WebStack) -> Tenant:
    ledger = web_stack.rt.ledger
    accounts = ConsoleAccounts(ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1), ledger.clock)
    with audit_context(PLATFORM_TENANT, "operator:test", "console-admin-setup"):
        issued = ledger.create_tenant("Admin Bank", "pro")
        admin = ledger.add_member(issued.tenant_id, "Alex Admin", ["admin"])
        reviewer = ledger.add_member(issued.tenant_id, "Riley Reviewer", ["reviewer", "compliance"])
        reviewer_key = ledger.issue_member_key(issued.tenant_id, reviewer.member_id, "reviewer", False)
        people = []
        for member, login in ((admin, "alex@admin.example"), (reviewer, "riley@admin.example")):
            enrolled = accounts.enrol(issued.tenant_id, member.member_id, login, PASSWORD)
            people.append((login, member.member_id, enrolled.totp_secret))
        other = ledger.create_tenant("Other Bank", "pro")
    return Tenant(issued.tenant_id, issued.key_id, people[0], people[1], reviewer_key.key_id,
                  [issued.secret.reveal(), reviewer_key.secret.reveal()], other.key_id)


@pytest.fixture
def browser(playwright_driver: Playwright, chromium: Path, tmp_path: Path) -> Iterator[BrowserContext]:
    context = open_browser(playwright_driver, chromium, tmp_path / "profile", viewport={"width": 1024, "height": 768})
    try:
        yield context
    finally:
        context.close()


def _events(web_stack: WebStack, topic: str) -> list[Any]:
    ledger = web_stack.rt.ledger
    return [ledger.mapper.to_domain_event(n) for n in ledger.recorder.select_notifications(1, 1_000_000)
            if n.topic == topic]


def _sign_in(browser: BrowserContext, url: str, person: tuple[str, str, str]) -> Any:
    page = browser.new_page()
    page.goto(f"{url}/console")
    page.wait_for_selector("body[data-screen=screen-sign-in]")
    page.fill("#login", person[0])
    page.fill("#password", PASSWORD)
    page.fill("#code", code_at(person[2], time.time()))
    page.click("#sign-in-button")
    page.wait_for_selector("body[data-screen=screen-home]")
    return page


def test_the_admin_sees_the_tenants_people_and_keys_and_each_look_is_recorded(
        web_stack: WebStack, tenant: Tenant, browser: BrowserContext, screens: Screens) -> None:
    page = _sign_in(browser, web_stack.url, tenant.admin)
    page.wait_for_selector("body[data-admin-loaded]")
    assert page.is_visible("#admin") and not page.is_visible("#queue")
    members = {r.get_attribute("data-member"): r.inner_text() for r in page.locator("#members-body tr").all()}
    assert set(members) == {tenant.admin[1], tenant.reviewer[1]}
    assert "Riley Reviewer" in members[tenant.reviewer[1]] and "compliance, reviewer" in members[tenant.reviewer[1]]
    keys = {r.get_attribute("data-key"): r.inner_text() for r in page.locator("#keys-body tr").all()}
    assert {tenant.integration_key, tenant.reviewer_key} <= set(keys)
    assert tenant.other_key not in keys  # another tenant's keys never show
    assert "integration (servers)" in keys[tenant.integration_key]
    assert "Riley Reviewer" in keys[tenant.reviewer_key] and "live" in keys[tenant.reviewer_key]
    html = page.content()
    assert not any(secret in html for secret in tenant.secrets)  # never a secret
    assert accessibility_problems(page) == []
    screens.shot(page, "console-admin-people-and-keys")
    reads = [(e.resource, e.member_id, e.role) for e in _events(web_stack, "kycledger.audit.AuditAccessRecorded")
             if e.owner_tenant_id == tenant.tenant_id]
    assert ("admin_members", tenant.admin[1], "admin") in reads and ("admin_keys", tenant.admin[1], "admin") in reads


def test_a_reviewer_sees_no_admin_screen_and_the_routes_refuse_them(
        web_stack: WebStack, tenant: Tenant, browser: BrowserContext) -> None:
    page = _sign_in(browser, web_stack.url, tenant.reviewer)
    assert not page.is_visible("#admin")
    answers = page.evaluate("""async () => Promise.all(['members', 'keys'].map(async (what) => {
        const r = await fetch('/console/api/admin/' + what); return [r.status, (await r.json()).code]; }))""")
    assert answers == [[403, "admin_role_required"], [403, "admin_role_required"]]
    signed_out = httpx.get(f"{web_stack.url}/console/api/admin/members")  # no session cookie at all
    assert (signed_out.status_code, signed_out.json()["code"]) == (401, "console_session_ended")
