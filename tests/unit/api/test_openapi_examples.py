"""OpenAPI 3.1, every operation with an example (docs/architecture.md §9): walk the served /openapi.json.

Problem answers (``application/problem+json``) do not count: ``api.openapi.finish_document`` adds
one example to every protected operation's 404, which would make the rule hold trivially. An
operation passes with an example on its request body or on one of its non-problem answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.errors import PROBLEM_JSON
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime

pytestmark = pytest.mark.unit
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    rt = open_runtime(data_dir=Path(tmp_path_factory.mktemp("openapi")))
    try:
        with TestClient(build_api(rt)) as client:
            answer = client.get("/openapi.json")
            assert answer.status_code == 200
            yield answer.json()
    finally:
        rt.close()


def _examples(operation: dict[str, Any]) -> list[Any]:
    media = list((operation.get("requestBody") or {}).get("content", {}).items())
    for answer in operation.get("responses", {}).values():
        media += [(kind, m) for kind, m in (answer.get("content") or {}).items() if kind != PROBLEM_JSON]
    found: list[Any] = [m["example"] for _, m in media if m.get("example") is not None]
    for _, m in media:
        found += [e.get("value") for e in (m.get("examples") or {}).values() if e.get("value") is not None]
    return found


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, item[method]) for path, item in document["paths"].items()
            for method in METHODS if method in item]


def test_document_is_openapi_3_1_with_operations(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    operations = _operations(document)
    assert len(operations) >= 60  # the whole public surface is there, not an empty document
    ids = {op.get("operationId") for _, _, op in operations}
    assert {"createSession", "uploadSessionCapture", "clientLiveStatus", "metrics"} <= ids


def test_every_operation_has_a_request_or_response_example(document: dict[str, Any]) -> None:
    missing = [f"{method} {path} ({op.get('operationId')})" for method, path, op in _operations(document)
               if not _examples(op)]
    assert missing == []


def test_problem_examples_alone_do_not_count() -> None:
    only_problem = {"responses": {"404": {"content": {PROBLEM_JSON: {"example": {"code": "not_found"}}}},
                                  "200": {"content": {"application/json": {"schema": {}}}}}}
    assert _examples(only_problem) == []
    with_body = {"requestBody": {"content": {"application/json": {"examples": {"a": {"value": {"x": 1}}}}}}}
    assert _examples(with_body) == [{"x": 1}]


def test_the_published_document_cites_only_documents_its_reader_has(document: dict[str, Any]) -> None:
    """Summaries and descriptions cite docs/ (requirements/..., docs/targets.md), never the seed
    documents or issue numbers, which a reader of the API does not have."""
    import json
    import re

    text = json.dumps(document, ensure_ascii=False)
    stale = sorted(set(re.findall(r"seed ?0\d\d[^\"]{0,30}|issue \d+", text, flags=re.IGNORECASE)))
    assert stale == []
