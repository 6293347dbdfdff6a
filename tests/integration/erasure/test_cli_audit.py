"""``kycledger audit ...`` end to end on an embedded ledger: bundle, erase, verify-receipt, sweep, rebuild."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.personal_data import PersonalData
from ops.cli import main
from tests.integration.decisions.seeding import KEK, open_ledger_at
from tests.unit.projections.support import PII_NAME, verified_session

pytestmark = pytest.mark.integration
TENANT = "ten_cli_audit"


def test_audit_commands_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KYC_KEK", KEK)
    data = tmp_path / "data"
    rt = open_ledger_at(data)
    sid = verified_session(rt.ledger, TENANT, subject="subj_cli")
    rt.close()
    where = ["--data-dir", str(data)]
    capsys.readouterr()

    assert main(["audit", "bundle", "--tenant", TENANT, "--session", str(sid), "--out",
                 str(tmp_path / "b.json"), *where]) == 0
    assert main(["ledger", "verify", "--bundle", str(tmp_path / "b.json")]) == 0
    assert main(["audit", "rebuild-read-models", *where]) == 0
    capsys.readouterr()

    assert main(["audit", "erase", "--tenant", TENANT, "--session", str(sid), "--reason", "gdpr_art17", *where]) == 0
    receipts = json.loads(capsys.readouterr().out)
    assert {r["subject_id"] for r in receipts} == {"subj_cli", f"{TENANT}:session:{sid}"}
    assert all(r["status"] == "erased" for r in receipts) and PII_NAME not in json.dumps(receipts)
    (tmp_path / "r.json").write_text(json.dumps(receipts[0]))
    assert main(["audit", "verify-receipt", str(tmp_path / "r.json")]) == 0
    receipts[0]["key_id"] = "sdk_other"
    (tmp_path / "r2.json").write_text(json.dumps(receipts[0]))
    assert main(["audit", "verify-receipt", str(tmp_path / "r2.json")]) == 1
    assert main(["audit", "sweep", *where]) == 0
    assert main(["ledger", "verify", *where]) == 0
    out = capsys.readouterr().out
    assert "FAILED: the receipt's key id differs from the recorded one" in out
    rt = open_ledger_at(data)
    try:
        event = next(e for e in rt.ledger.events.get(sid) if type(e).__name__ == "DocumentDataExtracted")
        assert isinstance(event.fields["full_name"], PersonalData) and event.fields["full_name"].is_erased
    finally:
        rt.close()
