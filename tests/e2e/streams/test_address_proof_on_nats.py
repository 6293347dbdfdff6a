"""An address-proof session seen on NATS: the check and the decision arrive as codes, never as the
holder's name or address (docs/architecture.md §5: nothing personal in NATS subjects or payloads)."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from projections.status_events import CHECK_STATUS, DECISION_MADE
from tests.e2e.routes.support import MRZ_TD3, b64, wait_for
from tests.e2e.streams.conftest import StreamsStack
from tests.e2e.streams.test_api_session_on_nats import JetStreamWatcher
from tests.integration.address_proof.letters import Letter, render_letter, save

pytestmark = pytest.mark.e2e


def test_address_proof_status_and_decision_on_nats_carry_no_personal_data(streams_stack: StreamsStack,
                                                                          tmp_path: Path) -> None:
    stack = streams_stack.api
    key = stack.new_tenant()
    client = stack.client(key)
    sid = client.post("/v1/sessions", {"checks": ["ocr"], "require_address_proof": True}).json()["id"]
    issued = datetime.now(UTC).date() - timedelta(days=5)
    bill = save(tmp_path, "bill.png", render_letter(Letter(holder="Anna Maria Eriksson", issued=issued,
                                                           address=("14 Willow Street", "Manchester", "M1 4BT"))))
    watcher = JetStreamWatcher(streams_stack.nats_url, key.tenant_id, sid).start()
    try:
        for kind, content in (("document_front", b64(MRZ_TD3)),
                              ("address_proof", base64.b64encode(bill.read_bytes()).decode())):
            answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": content})
            assert answer.status_code == 201, answer.text
        assert client.post(f"/v1/sessions/{sid}/complete").status_code == 202
        final = wait_for(client, sid)
        assert final["decision"] is not None, final
        assert watcher.decided.wait(60), "no decision on NATS"
        for _ in range(100):  # the tenant stream gets the decision right after the session stream
            if watcher.decisions:
                break
            threading.Event().wait(0.1)
    finally:
        watcher.stop()
    assert watcher.error is None, watcher.error

    completed = [p for _, p, _ in watcher.sessions if p.get("check") == "address_proof" and p["status"] == "completed"]
    assert [(p["event"], p["outcome"], p["reason_codes"]) for p in completed] == [(CHECK_STATUS, "pass", [])]
    assert any(p["event"] == DECISION_MADE for _, p, _ in watcher.sessions)
    personal = [final["extracted_data"][k] for k in ("surname", "given_names", "address_proof_address")]
    personal += ["Willow", "M1 4BT", "Manchester", issued.isoformat()]
    for subject, _, raw in watcher.sessions + watcher.decisions:
        text = (subject + raw.decode()).upper()
        assert not [value for value in personal if value.upper() in text], subject
