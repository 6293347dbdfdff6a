"""``kycledger serve --workers 2``: limits and replay protection hold across worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.client import KycClient, signed_headers
from domain.application import IssuedKey
from domain.audit import PLATFORM_TENANT, audit_context
from ops.bootstrap import open_runtime
from ops.local_services import free_port

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, IssuedKey]]:
    data_dir = tmp_path_factory.mktemp("serve")
    rt = open_runtime(data_dir=data_dir)
    with audit_context(PLATFORM_TENANT, "operator:test", "setup"):
        key = rt.ledger.create_tenant("Served", "pro")
    rt.close()
    port = free_port()
    # No test here verifies anything: both workers start without warming the models (KYC_WARM_MODELS=0,
    # README "Configuration"); the warm-up has its own tests (tests/*/resilience/test_*warmup*).
    env = {**os.environ, "KYC_RATE_LIMIT_PER_MINUTE": "5", "KYC_LOG_LEVEL": "WARNING", "KYC_WARM_MODELS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "ops.cli", "serve", "--data-dir", str(data_dir), "--port",
                             str(port), "--workers", "2"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("kycledger serve did not become ready")
        yield url, key
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_rate_limit_is_shared_by_workers(served: tuple[str, IssuedKey]) -> None:
    url, key = served
    statuses = []
    for _ in range(12):  # a new connection each time, so both workers answer
        http = httpx.Client(base_url=url, headers={"Connection": "close"})
        client = KycClient(url, key.key_id, key.secret.reveal(), http=http)
        statuses.append(client.get("/v1/operator/plans").status_code)
        http.close()
    assert statuses.count(403) == 5  # authenticated, counted, then refused by role (a client key)
    assert statuses.count(429) == 7


def test_replay_is_refused_by_the_other_worker(served: tuple[str, IssuedKey]) -> None:
    url, key = served
    headers = signed_headers(key.key_id, key.secret.reveal(), "GET", "/v1/ledger/checkpoints", b"")
    answers = [httpx.get(f"{url}/v1/ledger/checkpoints", headers={**headers, "Connection": "close"}).status_code
               for _ in range(4)]
    assert answers[0] in (403, 429) and answers[1:] == [401, 401, 401]


def test_serve_answers_with_security_headers_and_without_docs_or_open_metrics(served: tuple[str, IssuedKey]) -> None:
    url = served[0]
    for path in ("/healthz", "/openapi.json", "/v1/sessions/unknown", "/nothing-here"):
        answer = httpx.get(f"{url}{path}", headers={"Connection": "close"})
        assert answer.headers["x-content-type-options"] == "nosniff", path
        assert answer.headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], path
        assert answer.headers["cache-control"] == "no-store", path
    assert httpx.get(f"{url}/docs").status_code == 404  # off unless KYC_API_DOCS=1
    assert httpx.get(f"{url}/metrics").status_code == 404  # off unless KYC_METRICS_TOKEN is set
