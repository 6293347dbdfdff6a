"""The API shows a key's environment whenever it issues or lists one, matching its id's prefix."""

from __future__ import annotations

import pytest

from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e


def test_issued_and_listed_keys_carry_their_environment(stack: ApiStack) -> None:
    operator = stack.client(stack.new_operator())
    opened = operator.post("/v1/operator/tenants", {"name": "Free Co", "plan": "free", "admin_name": "Dana"})
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert body["environment"] == "sandbox" and body["api_key_id"].startswith("kyck_sandbox_")
    assert body["admin"]["environment"] == "live" and body["admin"]["api_key_id"].startswith("kyck_live_")
    admin = stack.client(stack.new_key(stack.new_tenant().tenant_id, "admin"))
    live = admin.post("/v1/admin/keys", {}).json()
    sandbox = admin.post("/v1/admin/keys", {"sandbox": True}).json()
    assert (live["environment"], sandbox["environment"]) == ("live", "sandbox")
    assert live["api_key_id"].startswith("kyck_live_") and sandbox["api_key_id"].startswith("kyck_sandbox_")
    listed = {k["api_key_id"]: k["environment"] for k in admin.get("/v1/admin/keys").json()["keys"]}
    assert listed[sandbox["api_key_id"]] == "sandbox" and listed[live["api_key_id"]] == "live"
