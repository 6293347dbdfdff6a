"""Schemathesis against /openapi.json over the platform's operations, in process, signed requests.

Generated requests (valid and invalid) must never produce a 5xx nor an answer that breaks the
document (status, content type, headers, body schema). The HMAC headers are added per request as a
client written from the document alone would (api/SIGNING.md).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.openapi import from_dict

from api.client import signed_headers
from api.deps import ApiSettings
from domain.application import IssuedKey
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import start_stack

pytestmark = pytest.mark.e2e

PLATFORM_TAGS = "^(operator|ledger|operations)$"
EXAMPLES = 20
# 422 answers semantic rules a schema cannot state (e.g. consistency ``from`` <= ``to``); the
# document lists it on every /v1 operation.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]}}})


def _document_without_security(stack: ApiStack) -> dict[str, Any]:
    """The served document minus its security requirements: ``_send`` signs every request itself,
    so schemathesis must not generate (or deliberately break) the HMAC headers."""
    doc: dict[str, Any] = stack.http.get("/openapi.json").json()
    doc.get("components", {}).pop("securitySchemes", None)
    for item in doc["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    return doc


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiStack, IssuedKey, IssuedKey]]:
    stack = ApiStack.start(Path(tmp_path_factory.mktemp("fuzz")),
                           settings=ApiSettings(rate_limit_per_minute=1_000_000, rate_limit_per_day=10_000_000))
    tenant = stack.new_tenant(plan="enterprise")
    try:
        yield stack, stack.new_operator(), stack.new_key(tenant.tenant_id, "auditor")
    finally:
        stack.close()


@pytest.fixture(scope="module")
def platform_schema(fuzz_stack: tuple[ApiStack, IssuedKey, IssuedKey]) -> Any:
    return from_dict(_document_without_security(fuzz_stack[0]), config=CONFIG).include(tag_regex=PLATFORM_TAGS)


def _send(case: schemathesis.Case, stack: ApiStack, operator: IssuedKey, auditor: IssuedKey) -> Any:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    method = str(kwargs["method"]).upper()
    path = str(kwargs["url"]).removeprefix("http://testserver")
    if kwargs.get("params"):
        path = f"{path}?{urlencode(kwargs['params'], doseq=True)}"
    headers = {str(k): str(v) for k, v in (kwargs.get("headers") or {}).items()}
    if "json" in kwargs and kwargs["json"] is not None:
        body = json.dumps(kwargs["json"]).encode()
        headers["Content-Type"] = "application/json"
    else:
        raw = kwargs.get("data") or kwargs.get("content") or b""
        body = raw.encode() if isinstance(raw, str) else bytes(raw)
    key = auditor if path.startswith("/v1/ledger") else operator
    headers.update(signed_headers(key.key_id, key.secret.reveal(), method, path, body,
                                  timestamp=int(stack.clock.unix()), nonce=secrets.token_hex(8)))
    # Negative cases put non-ASCII text in headers: send it as raw UTF-8 bytes, as a sloppy client would.
    raw_headers = {k: v if v.isascii() else v.encode("utf-8") for k, v in headers.items()}
    return stack.http.request(method, path, content=body, headers=raw_headers)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_platform_operations_conform_to_the_document(
        mode: GenerationMode, fuzz_stack: tuple[ApiStack, IssuedKey, IssuedKey], platform_schema: Any) -> None:
    # schemathesis' pytest fixture loader does not run on pytest 9, so drive hypothesis per operation.
    failures: list[str] = []
    without_inputs: list[str] = []
    operations = [result.ok() for result in platform_schema.get_all_operations()]
    assert len(operations) >= 14  # every platform operation is fuzzed, not an empty selection
    for operation in operations:

        @hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck))
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def conforms(case: schemathesis.Case) -> None:
            case.validate_response(_send(case, *fuzz_stack))

        try:
            conforms()
        except hypothesis.errors.Unsatisfiable:
            # an operation without parameters or body has no invalid input to generate
            assert mode is GenerationMode.NEGATIVE, operation.label
            without_inputs.append(operation.label)
        except Exception as failure:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
    assert len(without_inputs) <= 5, without_inputs  # /healthz, /readyz, /metrics, plans, checkpoints


PRODUCT_TAGS = "^(sessions|audit|erasure|webhooks|tenant admin|manual review)$"
PRODUCT_EXAMPLES = 6  # bounded: the product routes write to the ledger and sign checkpoints


ProductKeys = tuple[ApiStack, dict[str, IssuedKey]]


@pytest.fixture(scope="module")
def product_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductKeys]:
    stack = start_stack(Path(tmp_path_factory.mktemp("fuzz-product")))
    tenant = stack.new_tenant(plan="enterprise")
    try:
        yield stack, {role: stack.new_key(tenant.tenant_id, role)
                      for role in ("client", "auditor", "admin", "compliance")}
    finally:
        stack.close()


def _send_product(case: schemathesis.Case, stack: ApiStack, keys: dict[str, IssuedKey]) -> Any:
    # the same signing as the platform run, with the key of the role each route family is for
    path = str(case.as_transport_kwargs(base_url="http://testserver")["url"]).removeprefix("http://testserver")
    if path.startswith("/v1/audit"):
        role = "auditor"
    elif path.startswith("/v1/reviews"):
        role = "compliance"
    elif path.startswith(("/v1/admin", "/v1/webhooks", "/v1/retention")) or "/legal-hold" in path:
        role = "admin"
    else:
        role = "client"
    return _send(case, stack, keys[role], keys["auditor"])


def test_product_operations_never_fail_on_our_side(product_stack: ProductKeys) -> None:
    """Positive and negative cases over sessions, audit, erasure, webhook, tenant-admin and review
    routes: no 5xx, no answer outside the document (issue 5: extend the schemathesis run to the
    product routes)."""
    stack = product_stack[0]
    schema = from_dict(_document_without_security(stack), config=CONFIG).include(tag_regex=PRODUCT_TAGS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for operation in operations:
            if "multipart" in operation.label:
                continue  # form bodies are covered by tests/e2e/api/test_multipart_upload.py

            @hypothesis.settings(max_examples=PRODUCT_EXAMPLES, deadline=None, derandomize=True, database=None,
                                 suppress_health_check=list(hypothesis.HealthCheck))
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def conforms(case: schemathesis.Case) -> None:
                case.validate_response(_send_product(case, *product_stack))

            try:
                conforms()
            except hypothesis.errors.Unsatisfiable:
                continue
            except Exception as failure:
                failures.append(f"{mode} {operation.label}: {str(failure)[:600]}")
    assert not failures, "\n\n".join(failures)
