"""What the schemathesis run found besides 5xx, fixed and held here.

- Unknown query parameters were ignored, so a typo answered for the default (``?perod=2025-09``
  gave the current month's usage): they are a 400 ``query_parameter_unknown`` on every API route.
- The document let a face-match ``threshold`` be negative (litestar drops ``gt=0`` on an optional
  field); the server refuses it. The document now says ``exclusiveMinimum: 0``.
- ``/client`` routes documented only 200/400/500 (and the 400 in litestar's own shape): their
  problem+json errors are documented; the idempotent capture upload documents its JSON body.
- Image routes answered an undocumented 415 for a base64 string that is no image: every operation
  with a body documents 415.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.errors import PROBLEM_JSON
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import start_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("document")))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def document(stack: ApiStack) -> dict[str, Any]:
    doc: dict[str, Any] = stack.http.get("/openapi.json").json()
    return doc


def test_a_mistyped_query_parameter_is_refused_not_ignored(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    operator = stack.client(stack.new_key(tenant.tenant_id, "operator"))
    usage = f"/v1/operator/tenants/{tenant.tenant_id}/usage"
    typo = operator.get(f"{usage}?perod=2025-09")
    assert typo.status_code == 400 and typo.headers["content-type"].startswith(PROBLEM_JSON)
    assert typo.json()["code"] == "query_parameter_unknown"
    assert typo.json()["details"] == {"unknown": ["perod"], "allowed": ["period"]}
    meant = operator.get(f"{usage}?period=2025-09")
    assert meant.status_code == 200 and meant.json()["period"] == "2025-09"
    client = stack.client(tenant)
    assert client.get("/v1/webhooks?limit=5").json()["code"] == "query_parameter_unknown"


def test_client_routes_refuse_unknown_query_parameters_and_pages_do_not(stack: ApiStack) -> None:
    created = stack.client(stack.new_tenant()).post("/v1/sessions", {}).json()
    token = {"X-Client-Token": created["client_token"]}
    progress = f"/client/sessions/{created['id']}/progress"
    assert stack.http.get(progress, headers=token).status_code == 200
    refused = stack.http.get(f"{progress}?debug=1", headers=token)
    assert refused.status_code == 400 and refused.json()["code"] == "query_parameter_unknown"
    assert stack.http.get("/healthz?probe=lb").status_code == 200  # not an API operation


def test_the_document_states_the_face_match_threshold_the_server_enforces(
        stack: ApiStack, document: dict[str, Any]) -> None:
    threshold = document["components"]["schemas"]["FaceMatch"]["properties"]["threshold"]
    assert threshold["exclusiveMinimum"] == 0 and threshold["maximum"] == 1
    client = stack.client(stack.new_key(stack.new_tenant().tenant_id, "client", sandbox=True))
    refused = client.post("/v1/face/match", {"image_live_base64": "x", "image_reference_base64": "y",
                                             "threshold": -0.5})
    assert refused.status_code == 400 and refused.json()["code"] == "validation_error"


def test_client_routes_document_their_problem_answers_and_bodies(document: dict[str, Any]) -> None:
    upload = document["paths"]["/client/sessions/{session_id}/captures"]["post"]
    body = upload["requestBody"]["content"]["application/json"]["schema"]
    assert body["allOf"] == [{"$ref": "#/components/schemas/CaptureUpload"}] and upload["requestBody"]["required"]
    for path, item in document["paths"].items():
        if not path.startswith("/client/"):
            continue
        for operation in item.values():
            for status in ("400", "401", "404", "409", "410", "422", "429"):
                content = operation["responses"][status]["content"]
                assert list(content) == [PROBLEM_JSON], (path, status)


def test_operations_with_a_body_document_415(stack: ApiStack, document: dict[str, Any]) -> None:
    face_match = document["paths"]["/v1/face/match"]["post"]
    assert list(face_match["responses"]["415"]["content"]) == [PROBLEM_JSON]
    assert "415" not in document["paths"]["/v1/sessions/{session_id}"]["get"]["responses"]
    client = stack.client(stack.new_key(stack.new_tenant().tenant_id, "client", sandbox=True))
    not_an_image = client.post("/v1/face/match", {"image_live_base64": "ZWxzZQ==", "image_reference_base64": "eQ=="})
    assert not_an_image.status_code == 415 and not_an_image.json()["code"] == "unsupported_media_type"
