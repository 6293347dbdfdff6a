"""Console sign-in for people: password rules, Argon2id hashes and TOTP codes, lockout, sessions that
expire, and every sign-in, refusal, renewal and sign-out a ledger event naming the person."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from domain.audit import PLATFORM_TENANT, audit_context
from domain.errors import ConflictError, InvalidArgumentError
from domain.people.console_account import ConsoleSessionEndedError, SignInRefusedError
from domain.people.console_commands import ConsoleAccounts
from domain.people.passwords import WeakPasswordError
from domain.people.totp import code_at
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.settings import Settings
from tests.unit.sessions.support import Clock

pytestmark = pytest.mark.unit

PASSWORD = "correct horse battery staple"
LOGIN = "riley@bank.example"


@dataclass
class Console:
    rt: LedgerRuntime
    accounts: ConsoleAccounts
    clock: Clock
    tenant_id: str
    member_id: str
    secret: str

    def code(self, offset_s: float = 0) -> str:
        return code_at(self.secret, self.clock().timestamp() + offset_s)

    def notifications(self) -> list[Any]:
        return list(self.rt.ledger.recorder.select_notifications(1, 1_000_000))

    def topics(self) -> list[str]:
        return [n.topic for n in self.notifications() if ".people." in n.topic]

    def stored(self) -> bytes:
        return b"".join(n.state for n in self.notifications())


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    settings = Settings.from_env({"KYC_KEK": base64.b64encode(os.urandom(32)).decode()})
    rt = open_runtime(data_dir=tmp_path, settings=settings, in_memory=True)
    clock = Clock()
    # Real Argon2id with a small memory cost, so the suite stays fast.
    accounts = ConsoleAccounts(rt.ledger, Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1), clock)
    with audit_context(PLATFORM_TENANT, "operator:test", "setup"):
        tenant = rt.ledger.create_tenant("Acme", "pro")
        member = rt.ledger.add_member(tenant.tenant_id, "Riley Reviewer", ["reviewer"])
        enrolment = accounts.enrol(tenant.tenant_id, member.member_id, LOGIN, PASSWORD)
    yield Console(rt, accounts, clock, tenant.tenant_id, member.member_id, enrolment.totp_secret)
    rt.close()


def test_a_person_signs_in_with_password_and_code_and_the_ledger_records_it(console: Console) -> None:
    person, token = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-1")
    assert (person.tenant_id, person.member_id, person.display_name, person.roles) == (
        console.tenant_id, console.member_id, "Riley Reviewer", ("reviewer",))
    assert person.expires_at == console.clock() + timedelta(hours=8)
    assert console.topics() == ["kycledger.people.ConsoleAccountOpened", "kycledger.people.SignedIn"]
    signed_in = console.rt.ledger.mapper.to_domain_event(console.notifications()[-1])
    assert (signed_in.actor, signed_in.tenant_id) == (f"console:{console.member_id}", console.tenant_id)
    stored = console.stored()
    # Only the token's digest is recorded; hash and second-factor secret are sealed.
    assert token.encode() not in stored
    assert b"argon2id" not in stored and console.secret.encode() not in stored
    assert console.accounts.session(person.account_id, token, "req-2").member_id == console.member_id


@pytest.mark.parametrize("wrong", ["password", "code", "login"])
def test_any_wrong_part_is_refused_with_the_same_answer_and_recorded(console: Console, wrong: str) -> None:
    login = "nobody@bank.example" if wrong == "login" else LOGIN
    password = "not the password at all" if wrong == "password" else PASSWORD
    code = console.code(-120) if wrong == "code" else console.code()
    with pytest.raises(SignInRefusedError) as refused:
        console.accounts.sign_in(login, password, code, "req-1")
    assert refused.value.message == "login, password or code not accepted"
    expected = [] if wrong == "login" else ["kycledger.people.SignInRefused"]
    assert console.topics()[1:] == expected


def test_a_code_used_once_is_refused_the_second_time(console: Console) -> None:
    code = console.code()
    console.accounts.sign_in(LOGIN, PASSWORD, code, "req-1")
    with pytest.raises(SignInRefusedError):
        console.accounts.sign_in(LOGIN, PASSWORD, code, "req-2")


def test_five_wrong_codes_after_the_right_password_lock_the_account_for_fifteen_minutes(console: Console) -> None:
    for attempt in range(5):
        with pytest.raises(SignInRefusedError):
            console.accounts.sign_in(LOGIN, PASSWORD, console.code(-120 - 30 * attempt), f"req-{attempt}")
    with pytest.raises(SignInRefusedError):  # the right password and code, while locked
        console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-locked")
    console.clock.advance(15 * 60 + 1)
    person, _ = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-after")
    assert person.member_id == console.member_id


def test_a_stranger_sending_wrong_passwords_cannot_lock_the_person_out(console: Console) -> None:
    for attempt in range(50):  # ten times the code lock's threshold, without the password
        with pytest.raises(SignInRefusedError):
            console.accounts.sign_in(LOGIN, f"guessed password {attempt}", console.code(), f"req-{attempt}")
    person, _ = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-person")
    assert person.member_id == console.member_id
    refused = [e for e in console.rt.ledger.events.get(person.account_id)
               if type(e).__name__ == "SignInRefused"]
    assert len(refused) == 50 and {e.reason for e in refused} == {"password"}  # each one on the record
    assert all(e.locked_until is None for e in refused)


def test_a_session_ends_after_thirty_idle_minutes(console: Console) -> None:
    person, token = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-1")
    console.clock.advance(29 * 60)
    console.accounts.session(person.account_id, token, "req-2")  # activity keeps it alive
    console.clock.advance(29 * 60)
    console.accounts.session(person.account_id, token, "req-3")
    console.clock.advance(31 * 60)
    with pytest.raises(ConsoleSessionEndedError):
        console.accounts.session(person.account_id, token, "req-4")


def test_a_session_ends_eight_hours_after_sign_in_whatever_the_activity(console: Console) -> None:
    person, token = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-1")
    for minute in range(20, 8 * 60, 20):  # every 20 minutes up to 7 h 40
        console.clock.advance(20 * 60)
        console.accounts.session(person.account_id, token, f"req-{minute}")
    console.clock.advance(20 * 60)
    with pytest.raises(ConsoleSessionEndedError):
        console.accounts.session(person.account_id, token, "req-late")
    renewals = console.topics().count("kycledger.people.SessionRenewed")
    assert 0 < renewals <= 8 * 60 // 5  # recorded at most every five minutes


def test_activity_is_recorded_at_most_every_five_minutes(console: Console) -> None:
    person, token = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-1")
    for second in range(0, 290, 10):
        console.clock.advance(10)
        console.accounts.session(person.account_id, token, f"req-{second}")
    assert console.topics().count("kycledger.people.SessionRenewed") == 0
    console.clock.advance(20)
    console.accounts.session(person.account_id, token, "req-5min")
    assert console.topics().count("kycledger.people.SessionRenewed") == 1


def test_sign_out_and_deactivation_end_the_session_and_a_forged_token_opens_nothing(console: Console) -> None:
    person, token = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-1")
    with pytest.raises(ConsoleSessionEndedError):
        console.accounts.session(person.account_id, token[:-2] + "xx", "req-forged")
    console.accounts.sign_out(person.account_id, token, "req-2")
    with pytest.raises(ConsoleSessionEndedError):
        console.accounts.session(person.account_id, token, "req-3")
    console.clock.advance(31)
    again, second = console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-4")
    with audit_context(console.tenant_id, "key:admin", "req-5"):
        console.rt.ledger.deactivate_member(console.tenant_id, console.member_id, "left the bank")
    with pytest.raises(ConsoleSessionEndedError):
        console.accounts.session(again.account_id, second, "req-6")
    assert console.topics()[-1] == "kycledger.people.SignedOut"
    console.clock.advance(31)
    with pytest.raises(SignInRefusedError):
        console.accounts.sign_in(LOGIN, PASSWORD, console.code(), "req-7")


@pytest.mark.parametrize(("password", "rule"), [
    ("short pass", "at least 12"), ("x" * 129, "at most 128"), ("password1234", "most common"),
    ("aaaabbbbaaaabbbb", "most common"), ("samuel-is-my-name-2026", "login or the person's name"),
    ("my reviewer password", "login or the person's name"),
])
def test_weak_passwords_are_refused_at_enrolment(console: Console, password: str, rule: str) -> None:
    with audit_context(PLATFORM_TENANT, "operator:test", "setup"):
        member = console.rt.ledger.add_member(console.tenant_id, "Samuel Reviewer", ["reviewer"])
        with pytest.raises(WeakPasswordError, match=rule):
            console.accounts.enrol(console.tenant_id, member.member_id, "samuel@bank.example", password)


def test_logins_are_unique_and_only_console_roles_enrol(console: Console) -> None:
    with audit_context(PLATFORM_TENANT, "operator:test", "setup"):
        auditor = console.rt.ledger.add_member(console.tenant_id, "Avery Auditor", ["auditor"])
        agent = console.rt.ledger.add_member(console.tenant_id, "Ada Agent", ["agent"])
        with pytest.raises(ConflictError):
            console.accounts.enrol(console.tenant_id, auditor.member_id, LOGIN.upper(), PASSWORD)
        with pytest.raises(InvalidArgumentError):
            console.accounts.enrol(console.tenant_id, agent.member_id, "ada@bank.example", PASSWORD)
        enrolled = console.accounts.enrol(console.tenant_id, auditor.member_id, "avery@bank.example", PASSWORD)
    assert enrolled.otpauth_uri.startswith("otpauth://totp/kycledger:avery%40bank.example?secret=")


def test_the_hash_is_argon2id_salted_and_verifies_only_its_password() -> None:
    hasher = Argon2idPasswordHasher(memory_kib=1024, iterations=1, lanes=1)
    first, second = hasher.hash(PASSWORD), hasher.hash(PASSWORD)
    assert first.startswith("$argon2id$v=19$m=1024,t=1,p=1$") and first != second  # salted
    assert hasher.verify(first, PASSWORD) and hasher.verify(second, PASSWORD)
    assert not hasher.verify(first, PASSWORD + " ") and not hasher.verify("$argon2id$garbage", PASSWORD)
    assert Argon2idPasswordHasher().hash("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # the default


