"""Per-check Prometheus metrics from the pipeline, the sandbox flag on a sandbox session's events, and
the X-Client-Token security scheme in the OpenAPI document (docs/architecture.md §9)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from api.controllers.product import product
from api.deps import ApiSettings
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import captured_session, start_stack

SCRAPE = "scrape-token-" + "x" * 32

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("metrics")),
                    ApiSettings(rate_limit_per_minute=100_000, rate_limit_per_day=1_000_000, metrics_token=SCRAPE))
    try:
        yield s
    finally:
        s.close()


def _sample(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in metrics.splitlines():
        if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{wanted}}} not exposed")


def test_each_recorded_check_is_counted_and_timed_and_sandbox_events_say_so(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    sandbox_key = stack.new_key(tenant.tenant_id, sandbox=True)
    client = stack.client(sandbox_key)
    sid = captured_session(client, checks=["face_match", "liveness"])
    completed = client.post(f"/v1/sessions/{sid}/complete")  # no queue here: recorded, then run in process
    assert completed.status_code == 202 and completed.json()["job_status"] == "accepted"
    pipeline = product(stack.app.state.deps).pipeline
    recorded = pipeline.process_session(tenant.tenant_id, UUID(sid), sandbox=True)
    # the face match reads the document, so the session also validates it (data_validation)
    assert sorted(recorded) == ["data_validation", "face_match", "liveness", "quality"]
    metrics = stack.http.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE}"}).text
    outcomes = {c["check"]: c["outcome"] for c in client.get(f"/v1/sessions/{sid}").json()["checks"]}
    for check in ("data_validation", "face_match", "liveness", "quality"):
        assert _sample(metrics, "kycledger_check_outcomes_total", check=check, outcome=outcomes[check]) == 1.0
        assert _sample(metrics, "kycledger_check_duration_seconds_count", check=check) == 1.0
    events = stack.rt.ledger.session_events(tenant.tenant_id, UUID(sid))
    assert events and all(e.actor.endswith(":sandbox") for e in events)  # type: ignore[attr-defined]
    live = stack.client(tenant)
    live_sid = captured_session(live)
    live_events = stack.rt.ledger.session_events(tenant.tenant_id, UUID(live_sid))
    assert not any(e.actor.endswith(":sandbox") for e in live_events)  # type: ignore[attr-defined]


def test_client_routes_declare_the_client_token_scheme(stack: ApiStack) -> None:
    doc = stack.http.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["ClientToken"]["name"] == "X-Client-Token"
    client_ops = [op for path, item in doc["paths"].items() if path.startswith("/client/")
                  for op in item.values() if isinstance(op, dict) and "responses" in op]
    assert client_ops and all(op["security"] == [{"ClientToken": []}] for op in client_ops)
    signed = doc["paths"]["/v1/sessions/{session_id}"]["get"]["security"]
    assert signed == [{"ApiKey": [], "ApiTimestamp": [], "ApiSign": []}]
