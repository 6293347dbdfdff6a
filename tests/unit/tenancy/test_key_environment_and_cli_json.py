"""A key's environment is shown when it is issued and in its id's prefix (ids issued before keep working);
every command a script reads accepts --json."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from domain.audit import PLATFORM_TENANT, audit_context
from domain.credentials import KEY_ID_PREFIX, new_secret
from domain.tenancy import ApiKey
from ops.bootstrap import open_runtime
from ops.cli import NO_JSON_OUTPUT, build_parser, leaf_parsers, main

pytestmark = pytest.mark.unit


def test_every_command_but_the_long_running_ones_accepts_json() -> None:
    leaves = leaf_parsers(build_parser())
    assert ("keys", "create") in leaves and len(leaves) >= 25
    for path, parser in leaves.items():
        accepts = any("--json" in a.option_strings for a in parser._actions)
        assert accepts == (path[0] not in NO_JSON_OUTPUT), path


def test_key_ids_name_their_environment_and_old_ids_still_resolve(tmp_path: Path) -> None:
    rt = open_runtime(data_dir=tmp_path, in_memory=True)
    try:
        with audit_context(PLATFORM_TENANT, "operator:test", "req-1"):
            free = rt.ledger.create_tenant("Free Co", "free")
            pro = rt.ledger.create_tenant("Pro Co", "pro")
            sandbox = rt.ledger.create_api_key(pro.tenant_id, "client", True)
            old = ApiKey(key_id=KEY_ID_PREFIX + secrets.token_hex(12), owner_tenant_id=pro.tenant_id, role="client",
                         sandbox=False, secret=new_secret(), member_id=None)
            rt.ledger.save(old)
        assert (free.environment, free.key_id.startswith("kyck_sandbox_")) == ("sandbox", True)
        assert (pro.environment, pro.key_id.startswith("kyck_live_")) == ("live", True)
        assert (sandbox.environment, sandbox.key_id.startswith("kyck_sandbox_")) == ("sandbox", True)
        assert rt.ledger.get_api_key(old.key_id).key_id == old.key_id  # an id without environment
    finally:
        rt.close()


def test_keys_create_takes_json_and_shows_the_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "d")
    assert main(["tenants", "create", "--name", "Acme", "--plan", "free", "--data-dir", data]) == 0
    text = capsys.readouterr().out
    assert "integration key environment sandbox (sandbox: simulated results, never billed)" in text
    tenant_id = text.split()[1]
    assert main(["keys", "create", "--tenant", tenant_id, "--data-dir", data, "--json"]) == 0
    key = json.loads(capsys.readouterr().out)
    assert key["environment"] == "live" and key["api_key_id"].startswith("kyck_live_")
    assert main(["keys", "create", "--tenant", tenant_id, "--sandbox", "--data-dir", data, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["environment"] == "sandbox"
