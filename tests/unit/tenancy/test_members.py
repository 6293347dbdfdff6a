"""People of a tenant and platform operators: roles, names, and the keys a person may hold."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.audit import PLATFORM_TENANT, audit_context
from domain.errors import ConflictError, InvalidArgumentError, NotFoundError
from domain.members import Member
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.settings import Settings

pytestmark = pytest.mark.unit


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[LedgerRuntime]:
    settings = Settings.from_env({"KYC_KEK": base64.b64encode(os.urandom(32)).decode()})
    runtime = open_runtime(data_dir=tmp_path, settings=settings, in_memory=True)
    with audit_context(PLATFORM_TENANT, "operator:test", "req-1"):
        yield runtime
    runtime.close()


@pytest.mark.parametrize("name", ["", "   ", "x" * 121, "Eve\x00", "<b>Eve</b>", "Eve\u202eevE"])
def test_display_names_are_plain_short_text(name: str) -> None:
    with audit_context("ten_x", "operator:test", "r"), pytest.raises(InvalidArgumentError):
        Member.enrol("ten_x", name, ["reviewer"])


def test_operators_exist_at_platform_level_only(rt: LedgerRuntime) -> None:
    tenant = rt.ledger.create_tenant("Acme", "pro")
    with pytest.raises(InvalidArgumentError):
        rt.ledger.add_member(tenant.tenant_id, "Olga", ["operator"])
    with pytest.raises(InvalidArgumentError):
        rt.ledger.add_member(PLATFORM_TENANT, "Rita", ["reviewer"])
    operator = rt.ledger.create_operator("Olga Operator")
    key = rt.ledger.get_api_key(operator.key_id)
    assert key.is_platform_key and key.role == "operator" and operator.member_id is not None
    assert rt.ledger.get_member(PLATFORM_TENANT, operator.member_id).roles == ["operator"]
    for role, hint in (("operator", "operators create"), ("reviewer", "members create"), ("admin", "members create")):
        with pytest.raises(InvalidArgumentError) as refused:
            rt.ledger.create_api_key(tenant.tenant_id, role)
        assert hint in str(refused.value.details["hint"])


def test_a_person_holds_keys_only_for_their_roles_and_only_while_active(rt: LedgerRuntime) -> None:
    tenant = rt.ledger.create_tenant("Acme", "pro")
    riley = rt.ledger.add_member(tenant.tenant_id, "  Riley   Reviewer ", ["reviewer", "agent"])
    assert riley.display_name == "Riley Reviewer" and riley.roles == ["agent", "reviewer"]
    assert rt.ledger.issue_member_key(tenant.tenant_id, riley.member_id, "reviewer").member_id == riley.member_id
    assert rt.ledger.issue_member_key(tenant.tenant_id, riley.member_id, "client").role == "client"  # an agent's
    with pytest.raises(InvalidArgumentError):
        rt.ledger.issue_member_key(tenant.tenant_id, riley.member_id, "admin")
    other = rt.ledger.create_tenant("Other", "pro")
    with pytest.raises(NotFoundError):
        rt.ledger.issue_member_key(other.tenant_id, riley.member_id, "reviewer")  # another tenant's person
    rt.ledger.deactivate_member(tenant.tenant_id, riley.member_id, "left")
    with pytest.raises(InvalidArgumentError):
        rt.ledger.issue_member_key(tenant.tenant_id, riley.member_id, "reviewer")
    with pytest.raises(ConflictError):
        rt.ledger.change_member_roles(tenant.tenant_id, riley.member_id, ["auditor"])
    assert [m.member_id for m in rt.ledger.members(tenant.tenant_id)] == [riley.member_id]
    assert rt.ledger.members(other.tenant_id) == []


def test_opening_a_tenant_records_its_first_admin_with_the_tenant(rt: LedgerRuntime) -> None:
    before = rt.ledger.recorder.max_notification_id() or 0
    opened = rt.ledger.open_tenant("Acme", "pro", "Dana Admin")
    assert rt.ledger.recorder.max_notification_id() - before == 4
    admin = rt.ledger.get_member(opened.integration.tenant_id, str(opened.admin.member_id))
    assert admin.display_name == "Dana Admin" and admin.roles == ["admin"]
    assert rt.ledger.get_api_key(opened.admin.key_id).member_id == admin.member_id
    assert rt.ledger.get_api_key(opened.integration.key_id).member_id is None
