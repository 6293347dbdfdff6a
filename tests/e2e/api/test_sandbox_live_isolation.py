"""Sessions belong to the environment of the key that opened them (sandbox or live).

A live key acting on a sandbox session used to write unmarked (billable-looking) events into a
test session; a sandbox key could read live customers' sessions. Now each environment's sessions
are invisible to the other's keys, exactly as another tenant's are: 404 on every session route.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, b64, start_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("environments")))
    try:
        yield s
    finally:
        s.close()


def test_each_environment_sees_and_drives_only_its_own_sessions(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    live = stack.client(stack.new_key(tenant.tenant_id))
    sandbox = stack.client(stack.new_key(tenant.tenant_id, sandbox=True))
    opened = {name: client.post("/v1/sessions", {"checks": ["face_match", "liveness"]}).json()["id"]
              for name, client in (("live", live), ("sandbox", sandbox))}
    for owner, other, other_name in ((live, sandbox, "sandbox"), (sandbox, live, "live")):
        own_name = "live" if other_name == "sandbox" else "sandbox"
        sid = opened[own_name]
        assert owner.get(f"/v1/sessions/{sid}").status_code == 200
        attempts = [
            other.get(f"/v1/sessions/{sid}"),
            other.post(f"/v1/sessions/{sid}/documents", {"type": "selfie", "image_base64": b64(SELFIE)}),
            other.post(f"/v1/sessions/{sid}/complete", {}),
            other.post(f"/v1/sessions/{sid}/cancel", {"reason": "user_cancelled"}),
            other.post("/kyc/manual-review", {"sessionId": sid, "reason": "persistent_failure"}),
        ]
        assert [a.status_code for a in attempts] == [404] * len(attempts), [a.text for a in attempts]
        assert {a.json()["code"] for a in attempts} == {"not_found"}
        events = stack.rt.ledger.events.get(UUID(sid))
        assert [type(e).__name__ for e in events] == ["Created"]  # nothing written by the other key
    assert live.get(f"/v1/sessions/{opened['live']}").json()["sandbox"] is False
    assert sandbox.get(f"/v1/sessions/{opened['sandbox']}").json()["sandbox"] is True
