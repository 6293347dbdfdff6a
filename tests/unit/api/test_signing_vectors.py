"""The published signing vectors (api/SIGNING.md) are what the server and the reference client compute."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.auth import body_digest, sign, string_to_sign
from api.client import sign_request

pytestmark = pytest.mark.unit

SIGNING_MD = Path(__file__).resolve().parents[3] / "api" / "SIGNING.md"
SECRET = "kycs_example-secret-do-not-use"


def _vectors() -> list[dict[str, str | None]]:
    text = SIGNING_MD.read_text()
    block = text.split("```jsonl\n", 1)[1].split("```", 1)[0]
    return [json.loads(line) for line in block.splitlines() if line.strip()]


def test_doc_publishes_vectors_with_and_without_nonce_and_query() -> None:
    vectors = _vectors()
    assert len(vectors) >= 3
    assert any(v["nonce"] for v in vectors) and any(not v["nonce"] for v in vectors)
    assert any("?" in str(v["path"]) for v in vectors)


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: f"{v['method']} {v['path']}")
def test_server_and_client_reproduce_each_vector(vector: dict[str, str | None]) -> None:
    body = str(vector["body"]).encode()
    ts, method, path, nonce = str(vector["timestamp"]), str(vector["method"]), str(vector["path"]), vector["nonce"]
    assert body_digest(body) == vector["body_sha256"]
    assert sign(SECRET, ts, method, path, body, nonce) == vector["sign"]
    assert sign_request(SECRET, ts, method, path, body, nonce) == vector["sign"]
    expected_lines = 5 if nonce else 4
    assert len(string_to_sign(ts, method, path, body, nonce).split("\n")) == expected_lines


def test_every_part_changes_the_signature() -> None:
    base = ("1700000000", "POST", "/v1/x?a=1", b"{}", None)
    reference = sign(SECRET, *base)
    variants = [("1700000001", "POST", "/v1/x?a=1", b"{}", None), ("1700000000", "PUT", "/v1/x?a=1", b"{}", None),
                ("1700000000", "POST", "/v1/x?a=2", b"{}", None), ("1700000000", "POST", "/v1/x?a=1", b"{ }", None),
                ("1700000000", "POST", "/v1/x?a=1", b"{}", "n1")]
    assert all(sign(SECRET, *v) != reference for v in variants)
    assert sign(SECRET + "x", *base) != reference
