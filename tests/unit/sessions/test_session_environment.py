"""A session's environment (sandbox or live) comes from its Created actor and is read once."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from domain.audit import audit_context
from domain.sessions import SessionConfiguration
from tests.unit.sessions.support import SessionTestLedger

pytestmark = pytest.mark.unit


def test_the_environment_is_the_openers_and_is_read_from_the_log_once(monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = SessionTestLedger()
    config = SessionConfiguration.build(checks=["liveness"])
    with audit_context("ten_a", "key:kyck_1:sandbox", "r1"):
        sandbox = ledger.create_session("ten_a", config)
    with audit_context("ten_a", "key:kyck_2", "r2"):
        live = ledger.create_session("ten_a", config)
    reads: list[Any] = []
    original = ledger.events.get
    monkeypatch.setattr(ledger.events, "get", lambda *a, **k: reads.append(a) or original(*a, **k))
    assert [ledger.session_environment(s) for s in (sandbox, live, sandbox, live)] == ["sandbox", "live"] * 2
    assert len(reads) == 2  # one read per session, then remembered
    assert ledger.session_environment(uuid4()) == "live" and len(reads) == 3  # unknown: not remembered
    ledger.session_environment(uuid4())
    assert len(reads) == 4
