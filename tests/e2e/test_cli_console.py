"""``kycledger console enrol``: the password from stdin, the second factor shown once, and the
account signs in afterwards; a weak password is refused with its stable code."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from domain.people.console_commands import ConsoleAccounts
from domain.people.totp import code_at
from ops.bootstrap import open_runtime

pytestmark = pytest.mark.e2e

KYCLEDGER = str(Path(sys.executable).parent / "kycledger")
PASSWORD = "a long passphrase for audits 9"


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([KYCLEDGER, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_enrol_reads_the_password_from_stdin_and_the_person_signs_in(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    tenant = json.loads(_run("tenants", "create", "--name", "Acme", "--data-dir", data, "--json").stdout)
    member = json.loads(_run("members", "create", "--tenant", tenant["tenant_id"], "--name", "Avery Auditor",
                             "--role", "auditor", "--data-dir", data).stdout)
    enrol = ["console", "enrol", "--tenant", tenant["tenant_id"], "--member", member["member_id"],
             "--login", "avery@acme.example", "--data-dir", data]
    weak = _run(*enrol, stdin="short\n")
    assert weak.returncode == 2 and json.loads(weak.stderr)["error"]["code"] == "password_too_weak"
    enrolled = _run(*enrol, stdin=PASSWORD + "\n")
    assert enrolled.returncode == 0, enrolled.stderr
    shown = json.loads(enrolled.stdout)
    assert shown["login"] == "avery@acme.example" and shown["otpauth_uri"].startswith("otpauth://totp/")
    assert PASSWORD not in enrolled.stdout + enrolled.stderr
    rt = open_runtime(data_dir=Path(data))
    try:
        accounts = ConsoleAccounts(rt.ledger, Argon2idPasswordHasher(), rt.ledger.clock)
        person, _ = accounts.sign_in("avery@acme.example", PASSWORD, code_at(shown["totp_secret"], time.time()),
                                     "req-test")
        assert (person.member_id, person.roles) == (member["member_id"], ("auditor",))
    finally:
        rt.close()
