"""A tenant's NATS user in the ledger: issuance, rotation with overlap, and the revocations it calls for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.nats.jwt import USER, NKey
from domain.audit import audit_context
from domain.errors import InvalidArgumentError
from domain.nats_access import MAX_ROTATION_OVERLAP, TenantNatsUser, nats_user_uuid, revocations

pytestmark = pytest.mark.unit
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _key() -> str:
    return NKey.generate(USER).public_key


def _user(tenant: str = "ten_a") -> tuple[TenantNatsUser, str]:
    key = _key()
    with audit_context(tenant, "client:test", "req-1"):
        return TenantNatsUser(owner_tenant_id=tenant, public_key=key), key


def test_the_id_is_one_per_tenant_and_only_the_public_key_is_recorded() -> None:
    user, key = _user()
    assert user.id == nats_user_uuid("ten_a") != nats_user_uuid("ten_b")
    created = user.collect_events()[0]
    assert created.public_key == key and created.owner_tenant_id == "ten_a"
    assert not any("seed" in name for name in vars(created))


def test_a_rotated_out_key_is_revoked_once_its_overlap_is_over() -> None:
    user, first = _user()
    second = _key()
    with audit_context("ten_a", "client:test", "req-2"):
        user.rotate(second, T0, timedelta(minutes=10))
    assert user.public_key == second
    assert user.keys_in_force(T0 + timedelta(minutes=5)) == [second, first]
    assert revocations([user], {}, T0 + timedelta(minutes=5)) == {}
    assert user.previous_valid_until(T0) == T0 + timedelta(minutes=10)
    after = T0 + timedelta(minutes=10)
    assert revocations([user], {}, after) == {first: int(after.timestamp())}
    assert user.previous_valid_until(after) is None


def test_a_second_rotation_ends_an_earlier_overlap_at_once() -> None:
    user, first = _user()
    second, third = _key(), _key()
    with audit_context("ten_a", "client:test", "req-2"):
        user.rotate(second, T0, timedelta(days=1))
        user.rotate(third, T0 + timedelta(hours=1), timedelta(0))
    moment = T0 + timedelta(hours=1)
    assert revocations([user], {}, moment) == {first: int(moment.timestamp()), second: int(moment.timestamp())}
    assert user.keys_in_force(moment) == [third]


def test_rotation_refuses_a_reused_key_a_malformed_key_and_a_long_overlap() -> None:
    user, first = _user()
    with audit_context("ten_a", "client:test", "req-2"):
        for bad_key in (first, "UNOTAKEY", "A" + first[1:]):
            with pytest.raises(InvalidArgumentError):
                user.rotate(bad_key, T0, timedelta(0))
        with pytest.raises(InvalidArgumentError):
            user.rotate(_key(), T0, MAX_ROTATION_OVERLAP + timedelta(seconds=1))
        with pytest.raises(InvalidArgumentError):
            user.rotate(_key(), T0, timedelta(seconds=-1))
        with pytest.raises(InvalidArgumentError):
            user.rotate(_key(), T0.replace(tzinfo=None), timedelta(0))


def test_every_key_of_a_suspended_tenant_is_revoked_and_nobody_elses() -> None:
    user, first = _user("ten_a")
    other, other_key = _user("ten_b")
    second = _key()
    with audit_context("ten_a", "client:test", "req-2"):
        user.rotate(second, T0, timedelta(hours=1))
    since = T0 + timedelta(minutes=1)
    revoked = revocations([user, other], {"ten_a": since}, T0 + timedelta(minutes=2))
    assert revoked == {first: int(since.timestamp()), second: int(since.timestamp())}
    assert other_key not in revoked
