"""Sign-in abuse on the console (api/web/console/sign_in_limits.py): a stranger guessing a person's
password from their address is slowed there, backing off, while the person signs in from theirs;
wrong passwords never lock the account; one address spraying many logins is capped; and the whole
deployment takes a bounded number of attempts a minute. Through the real app, each request from
the client address the test names (an ASGI wrapper sets the peer as a proxy-aware server would).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from api.deps import ApiSettings
from api.ports import ApiServices
from api.web.console.sign_in_limits import ALL_PER_MINUTE, client_address
from domain.audit import PLATFORM_TENANT, audit_context
from domain.people.console_commands import ConsoleAccounts
from domain.people.totp import code_at
from ops.api_wiring import build_api
from ops.bootstrap import LedgerRuntime, open_runtime
from tests.e2e.api.helpers import SettableClock

pytestmark = pytest.mark.e2e

LOGIN = "riley@limits.example"
PASSWORD = "a long passphrase for limits 3"


@dataclass
class Console:
    rt: LedgerRuntime
    http: TestClient[Any]
    clock: SettableClock
    totp_secret: str

    def sign_in(self, address: str, login: str = LOGIN, password: str = PASSWORD,
                code: str | None = None) -> Any:
        code = code if code is not None else code_at(self.totp_secret, time.time())
        return self.http.post("/console/api/sign-in", headers={"X-Test-Peer": address},
                              json={"login": login, "password": password, "code": code})


def _peer_from_header(app: Any) -> Any:
    """The app as behind a proxy-aware ASGI server: the peer address comes from the test's header."""
    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            peer = dict(scope["headers"]).get(b"x-test-peer")
            if peer:
                scope = {**scope, "client": (peer.decode(), 40_000)}
        await app(scope, receive, send)
    return wrapped


@pytest.fixture
def console(tmp_path: Any) -> Iterator[Console]:
    rt = open_runtime(data_dir=tmp_path, in_memory=True)
    accounts = ConsoleAccounts(rt.ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1),
                               rt.ledger.clock)
    with audit_context(PLATFORM_TENANT, "operator:test", "limits-setup"):
        tenant = rt.ledger.create_tenant("Limits Bank", "pro")
        member = rt.ledger.add_member(tenant.tenant_id, "Riley Reviewer", ["reviewer"])
        enrolled = accounts.enrol(tenant.tenant_id, member.member_id, LOGIN, PASSWORD)
    start = datetime.fromtimestamp(86_400 * (time.time() // 86_400 + 1) + 1, UTC)  # fixed windows: a day's start
    clock = SettableClock(frozen=start)
    app = build_api(rt, clock=clock, settings=ApiSettings(), services=ApiServices(console=accounts))
    http = TestClient(_peer_from_header(app), raise_server_exceptions=False)
    http.__enter__()
    try:
        yield Console(rt, http, clock, enrolled.totp_secret)
    finally:
        http.__exit__(None, None, None)
        rt.close()


def _limited(answer: Any) -> int:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "sign_in_rate_limited"
    return int(answer.headers["retry-after"])


def test_a_stranger_guessing_from_one_address_is_slowed_and_the_person_signs_in_from_theirs(
        console: Console) -> None:
    for n in range(5):
        answer = console.sign_in("203.0.113.66", password=f"guess {n}")
        assert answer.status_code == 401, answer.text
    assert 0 < _limited(console.sign_in("203.0.113.66", password="guess 5")) <= 60
    assert _limited(console.sign_in("203.0.113.66")) > 0  # even the right password waits there
    person = console.sign_in("198.51.100.7")  # the person, from their own address, is not locked out
    assert person.status_code == 200, person.text


def test_the_wait_grows_with_the_attempts_of_one_login_from_one_address(console: Console) -> None:
    for n in range(5):
        assert console.sign_in("203.0.113.66", password=f"guess {n}").status_code == 401
    assert _limited(console.sign_in("203.0.113.66", password="guess")) <= 60  # a minute's wait
    console.clock.offset += timedelta(seconds=61)  # a new minute: five more, and the quarter hour is full
    for n in range(5):
        assert console.sign_in("203.0.113.66", password=f"guess {5 + n}").status_code == 401
    console.clock.offset += timedelta(seconds=61)
    assert _limited(console.sign_in("203.0.113.66", password="guess")) > 60  # now the quarter hour's wait
    for minute in range(3, 15):  # still waiting minutes later, within the same quarter hour
        console.clock.offset = timedelta(seconds=60 * minute + 1)
        assert console.sign_in("203.0.113.66", password="guess").status_code == 429
    console.clock.offset = timedelta(seconds=15 * 60 + 1)
    assert console.sign_in("203.0.113.66").status_code == 200  # then the right password gets in


def test_fifty_wrong_passwords_from_many_addresses_do_not_lock_the_account(console: Console) -> None:
    for n in range(50):
        assert console.sign_in(f"203.0.113.{n + 1}", password=f"guess {n}").status_code == 401
    assert console.sign_in("198.51.100.7").status_code == 200


def test_one_address_trying_many_logins_is_capped(console: Console) -> None:
    for n in range(30):
        assert console.sign_in("203.0.113.99", login=f"someone{n}@limits.example").status_code == 401
    wait = _limited(console.sign_in("203.0.113.99", login="someone-else@limits.example"))
    assert 0 < wait <= 900
    assert console.sign_in("198.51.100.7").status_code == 200  # other addresses are not affected


def test_the_deployment_takes_a_bounded_number_of_attempts_a_minute(console: Console) -> None:
    for n in range(ALL_PER_MINUTE):  # a botnet: one unknown login per address
        address = f"10.{n // 250}.{n % 250}.1"
        assert console.sign_in(address, login=f"user{n}@limits.example").status_code == 401
    assert 0 < _limited(console.sign_in("198.51.100.7")) <= 60
    console.clock.offset += timedelta(seconds=61)
    assert console.sign_in("198.51.100.7").status_code == 200  # the cap is a minute's, not a lock


def test_ipv6_peers_count_by_their_64_block_and_mapped_ipv4_as_ipv4() -> None:
    assert client_address({"client": ("2001:db8:1:2:aaaa::1", 1)}) == client_address(
        {"client": ("2001:db8:1:2:bbbb::9", 1)}) == "2001:db8:1:2::/64"
    assert client_address({"client": ("2001:db8:1:3::1", 1)}) != client_address({"client": ("2001:db8:1:2::1", 1)})
    assert client_address({"client": ("::ffff:203.0.113.5", 1)}) == "203.0.113.5"
    assert client_address({}) == "unknown"
