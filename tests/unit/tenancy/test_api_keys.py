"""API keys: shown once, sealed at rest, rotated with an overlap, revoked for good."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.audit import audit_context
from domain.errors import ApiKeyRevokedError, AuditContextMissingError, InvalidArgumentError, NotFoundError
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.settings import Settings

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[LedgerRuntime]:
    settings = Settings.from_env({"KYC_KEK": base64.b64encode(os.urandom(32)).decode()})
    runtime = open_runtime(data_dir=tmp_path, settings=settings, in_memory=True)
    runtime.ledger.clock = Clock()
    with audit_context("platform", "operator:test", "req-1"):
        yield runtime
    runtime.close()


def test_secret_is_sealed_in_the_stored_event(rt: LedgerRuntime) -> None:
    issued = rt.ledger.create_tenant("Acme", "pro")
    states = b"".join(n.state for n in rt.ledger.notification_log.select(start=1, limit=10))
    assert issued.secret.reveal().encode() not in states
    assert rt.ledger.get_api_key(issued.key_id).secret.reveal() == issued.secret.reveal()
    assert issued.secret.reveal() not in repr(rt.ledger.get_api_key(issued.key_id).__dict__)


def test_rotation_keeps_the_old_secret_only_during_the_overlap(rt: LedgerRuntime) -> None:
    clock: Clock = rt.ledger.clock  # type: ignore[assignment]
    issued = rt.ledger.create_tenant("Acme", "pro")
    rotated = rt.ledger.rotate_api_key(issued.key_id, overlap=timedelta(hours=1))
    key = rt.ledger.get_api_key(issued.key_id)
    valid = [s.reveal() for s in key.valid_secrets(clock.now)]
    assert valid == [rotated.secret.reveal(), issued.secret.reveal()]
    later = [s.reveal() for s in key.valid_secrets(clock.now + timedelta(hours=1))]
    assert later == [rotated.secret.reveal()]


def test_revoked_keys_have_no_valid_secret_and_cannot_rotate(rt: LedgerRuntime) -> None:
    issued = rt.ledger.create_tenant("Acme", "pro")
    rt.ledger.revoke_api_key(issued.key_id, reason="leaked")
    key = rt.ledger.get_api_key(issued.key_id)
    assert key.valid_secrets(rt.ledger.clock()) == []
    with pytest.raises(ApiKeyRevokedError):
        rt.ledger.rotate_api_key(issued.key_id)


def test_bad_input_is_a_domain_error(rt: LedgerRuntime) -> None:
    with pytest.raises(InvalidArgumentError):
        rt.ledger.create_tenant("  ", "pro")
    with pytest.raises(InvalidArgumentError):
        rt.ledger.create_tenant("Acme", "platinum")
    with pytest.raises(NotFoundError):
        rt.ledger.get_api_key("kyck_doesnotexist")
    with pytest.raises(NotFoundError):
        rt.ledger.create_api_key("ten_missing", "client")
    issued = rt.ledger.create_tenant("Acme", "pro")
    with pytest.raises(InvalidArgumentError):
        rt.ledger.create_api_key(issued.tenant_id, "superuser")
    with pytest.raises(InvalidArgumentError):
        rt.ledger.rotate_api_key(issued.key_id, overlap=timedelta(days=365))


def test_every_event_carries_tenant_actor_and_request(rt: LedgerRuntime) -> None:
    rt.ledger.create_tenant("Acme", "free")
    for notification in rt.ledger.notification_log.select(start=1, limit=10):
        assert b'"tenant_id":"platform"' in notification.state
        assert b'"actor":"operator:test"' in notification.state
        assert b'"request_id":"req-1"' in notification.state


def test_commands_outside_an_audit_context_are_refused(tmp_path: Path) -> None:
    settings = Settings.from_env({"KYC_KEK": base64.b64encode(os.urandom(32)).decode()})
    runtime = open_runtime(data_dir=tmp_path, settings=settings, in_memory=True)
    with pytest.raises(AuditContextMissingError):
        runtime.ledger.create_tenant("Acme", "pro")
