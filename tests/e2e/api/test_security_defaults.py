"""Production defaults a security review passes: headers on every answer, /docs off by default and
served from this server only when enabled, /metrics behind a scrape token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.deps import ApiSettings
from api.security_headers import API_CSP
from tests.e2e.api.helpers import ApiStack
from tests.e2e.api.probe_routes import ProbeController
from tests.e2e.audit.support import start_stack

pytestmark = pytest.mark.e2e
TOKEN = "t" * 48


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("defaults")))
    try:
        yield s
    finally:
        s.close()


def _secure(headers: object, path: str, cache: str = "no-store") -> None:
    h = headers  # httpx.Headers
    assert h["x-content-type-options"] == "nosniff", path  # type: ignore[index]
    assert h["x-frame-options"] == "DENY", path  # type: ignore[index]
    assert "frame-ancestors 'none'" in h["content-security-policy"], path  # type: ignore[index]
    assert h["cache-control"] == cache, path  # type: ignore[index]
    assert h["referrer-policy"] == "no-referrer", path  # type: ignore[index]


def test_every_kind_of_answer_carries_the_security_headers(product: ApiStack) -> None:
    tenant = product.new_tenant()
    client = product.client(tenant)
    created = client.post("/v1/sessions", {"checks": ["face_match", "liveness"], "reference": "crm-1"},
                          idempotency_key="once")
    assert created.status_code == 201
    answers = {
        "json with personal data": client.get(f"/v1/sessions/{created.json()['id']}"),
        "idempotent replay": client.post("/v1/sessions", {"checks": ["face_match", "liveness"],
                                                          "reference": "crm-1"}, idempotency_key="once"),
        "problem from the middleware": product.http.get("/v1/sessions/x"),
        "problem from a guard": client.get("/v1/operator/plans"),
        "unmatched route": product.http.get("/no/such/route"),
        "health": product.http.get("/healthz"),
        "openapi": product.http.get("/openapi.json"),
        "capture progress (client token)": product.http.get(
            f"/client/sessions/{created.json()['id']}/progress",
            headers={"X-Client-Token": created.json()["client_token"]}),
    }
    for what, answer in answers.items():
        _secure(answer.headers, what)
    assert answers["idempotent replay"].headers.get("idempotent-replayed") == "true"
    assert answers["json with personal data"].headers["content-security-policy"] == API_CSP
    # Pages keep their own strict policy (which still lets them work: see tests/browser).
    page = product.http.get(f"/capture/{created.json()['client_token']}")
    _secure(page.headers, "capture page")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    viewer = product.http.get("/evidence")
    _secure(viewer.headers, "evidence viewer")
    # It reaches its own origin only, for the published checkpoint key it pins (api/web/checkpoint_key.py).
    assert "connect-src 'self'" in viewer.headers["content-security-policy"]
    asset = product.http.get("/web/static/capture.js")
    _secure(asset.headers, "static asset", cache="no-cache")


def test_docs_are_off_by_default_and_metrics_need_their_token(tmp_path: Path) -> None:
    default = ApiStack.start(tmp_path / "default", in_memory=True)
    try:
        assert default.http.get("/docs").status_code == 404
        assert default.http.get("/openapi.json").status_code == 200  # the document itself stays public
        metrics = default.http.get("/metrics")
        assert metrics.status_code == 404 and "KYC_METRICS_TOKEN" in metrics.json()["message"]
    finally:
        default.close()
    scraped = ApiStack.start(tmp_path / "scraped", in_memory=True, extra_handlers=[ProbeController],
                             settings=ApiSettings(metrics_token=TOKEN))
    try:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            refused = scraped.http.get("/metrics", headers=headers)
            assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
        ok = scraped.http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and "kycledger_http_responses_total" in ok.text
    finally:
        scraped.close()


def test_enabled_docs_load_no_script_from_another_host(tmp_path: Path) -> None:
    stack = ApiStack.start(tmp_path, in_memory=True, settings=ApiSettings(docs_enabled=True))
    try:
        page = stack.http.get("/docs")
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "http" not in csp
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
        for source in sources:
            asset = stack.http.get(source)
            assert asset.status_code == 200 and asset.content, source
            assert asset.headers["x-content-type-options"] == "nosniff"
        assert "SwaggerUIBundle" in stack.http.get("/docs/assets/swagger-ui-bundle.js").text
        assert stack.http.get("/docs/assets/..%2Fetc%2Fpasswd").status_code == 404
    finally:
        stack.close()
