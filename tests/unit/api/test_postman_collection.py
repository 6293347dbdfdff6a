"""The generated Postman collection holds every signed operation, and its pre-request script signs as
api/SIGNING.md says: it reproduces the published test vectors (run by Node: Playwright's bundled one,
which the test dependencies always install, or the system's)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import playwright
import pytest

from api.client import sign_request
from api.postman.collection import collection, signing_script
from ops.cli.postman import openapi_document
from tests.unit.api.test_signing_vectors import SECRET, _vectors

pytestmark = pytest.mark.unit

HARNESS = Path(__file__).with_name("postman_harness.js")
BUNDLED_NODE = Path(playwright.__file__).parent / "driver" / "node"


def _node() -> str:
    found = str(BUNDLED_NODE) if BUNDLED_NODE.exists() else shutil.which("node")
    assert found, "Node is needed to run the Postman script: install playwright (a test dependency) or nodejs"
    return found


def _run_script(cases: list[dict[str, Any]]) -> list[dict[str, str]]:
    done = subprocess.run([_node(), str(HARNESS)], input=json.dumps({"script": signing_script(), "cases": cases}),
                          capture_output=True, text=True, timeout=60, check=True)
    result: list[dict[str, str]] = json.loads(done.stdout)
    return result


def _case(method: str, url: str, body: str | None, **variables: str) -> dict[str, Any]:
    return {"method": method, "url": url, "body": body, "pathVariables": [],
            "variables": {"baseUrl": "http://127.0.0.1:8000", "apiKeyId": "kyck_live_example",
                          "apiKeySecret": SECRET, **variables}}


def test_the_script_reproduces_every_published_vector() -> None:
    vectors = _vectors()
    cases = [_case(str(v["method"]), "{{baseUrl}}" + str(v["path"]), str(v["body"]) or None,
                   apiTimestamp=str(v["timestamp"]), apiNonce=str(v["nonce"] or "")) for v in vectors]
    for vector, headers in zip(vectors, _run_script(cases), strict=True):
        assert headers["X-API-SIGN"] == vector["sign"]
        assert headers["X-API-TIMESTAMP"] == vector["timestamp"] and headers["X-API-KEY"] == "kyck_live_example"
        assert headers.get("X-API-NONCE") == (vector["nonce"] or None)


def test_the_script_fills_path_variables_and_signs_a_fresh_nonce_by_default() -> None:
    case = _case("GET", "{{baseUrl}}/v1/sessions/:session_id", None, apiTimestamp="1700000000")
    case["pathVariables"] = [{"key": "session_id", "value": "3f2b8c1e-9a4d-4c1b-8e2f-0a1b2c3d4e5f"}]
    first, second = _run_script([case, case])
    nonce = first["X-API-NONCE"]
    assert len(nonce) == 24 and nonce != second["X-API-NONCE"]
    path = "/v1/sessions/3f2b8c1e-9a4d-4c1b-8e2f-0a1b2c3d4e5f"
    expected = sign_request(SECRET, "1700000000", "GET", path, b"", nonce)
    assert first["X-API-SIGN"] == expected


def test_the_collection_has_every_signed_operation_with_its_example_body() -> None:
    doc = openapi_document()
    built = collection(doc)
    requests = {(r["request"]["method"], "/" + "/".join(r["request"]["url"]["path"]))
                for folder in built["item"] for r in folder["item"]}
    expected = {(m.upper(), p.replace("{", ":").replace("}", "")) for p, item in doc["paths"].items()
                if p.startswith(("/v1/", "/kyc/")) for m in item if m in ("get", "post", "put", "patch", "delete")}
    assert requests == expected and len(requests) > 60
    assert built["event"][0]["listen"] == "prerequest"
    assert "\n".join(built["event"][0]["script"]["exec"]) == signing_script().rstrip("\n")
    create = next(r for f in built["item"] for r in f["item"] if r["request"]["url"]["raw"] == "{{baseUrl}}/v1/sessions"
                  and r["request"]["method"] == "POST")
    assert json.loads(create["request"]["body"]["raw"])["checks"]
