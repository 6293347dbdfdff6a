"""Schemathesis over every operation of /openapi.json: no input makes a 5xx or breaks the document.

Each operation gets positive and negative cases (deterministic: hypothesis ``derandomize``), signed
with the key of the role its guard admits (api/SIGNING.md, as a client written from the document
alone would sign), or sent with a session's client token on ``/client`` routes. Half the cases use
real ids (sessions with captures, their subject, a webhook endpoint, another tenant and its key), so
the handlers run past "not found". Every answer is checked: never 5xx, status code, content type,
headers and body as documented, invalid input refused, valid input accepted.

Bounded: ``EXAMPLES`` per operation and mode (about 2,700 cases, about 40 s of CPU); the figures
(operations, cases, seconds) are printed with ``-s``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import hypothesis
import hypothesis.errors
import hypothesis.strategies as st
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.openapi import from_dict

from domain.application import IssuedKey
from tests.e2e.api.fuzz_support import (
    BASE_URL,
    CLIENT_TOKEN_HEADER,
    FuzzWorld,
    build_request,
    choose_key,
    open_world,
    security_of,
    send,
    streams,
    substitute,
)

pytestmark = pytest.mark.e2e

# A longer hunt locally: KYC_FUZZ_SCALE=10 runs ten times the examples (same seed, more cases).
SCALE = max(1, int(os.environ.get("KYC_FUZZ_SCALE", "1")))
EXAMPLES = {GenerationMode.POSITIVE: 25 * SCALE, GenerationMode.NEGATIVE: 15 * SCALE}
MIN_OPERATIONS = 70  # the document's operations when this test was written: none may drop out unseen
# 4xx answers the schema cannot predict for valid input: unknown ids, roles, state conflicts, erased
# subjects, a base64 string that is no image (415), semantic rules (e.g. consistency ``from`` <= ``to``),
# quotas.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "410", "415", "422", "429"]}}})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, nats_url: str) -> Iterator[FuzzWorld]:
    w = open_world(Path(tmp_path_factory.mktemp("fuzz")), nats_url)
    try:
        yield w
    finally:
        w.close()


@pytest.fixture(scope="module")
def document(world: FuzzWorld) -> dict[str, Any]:
    doc: dict[str, Any] = world.stack.http.get("/openapi.json").json()
    return doc


def _without_security(doc: dict[str, Any]) -> dict[str, Any]:
    """The document minus its security requirements: the test signs every request itself, so
    schemathesis must not generate (or deliberately break) the HMAC headers."""
    stripped = {**doc, "components": {k: v for k, v in doc.get("components", {}).items() if k != "securitySchemes"}}
    stripped["paths"] = {path: {method: ({k: v for k, v in op.items() if k != "security"} if isinstance(op, dict)
                                         else op) for method, op in item.items()}
                         for path, item in doc["paths"].items()}
    return stripped


def _fuzz(world: FuzzWorld, operation: Any, mode: GenerationMode, key: IssuedKey | None, security: Sequence[str],
          never_real: bool) -> int:
    """Run the operation's cases; raise what schemathesis found. Returns how many cases ran."""
    sent = 0

    @hypothesis.settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck),
                         phases=(hypothesis.Phase.explicit, hypothesis.Phase.generate))
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode), real=st.booleans(), pick=st.integers(0, 7))
    def conforms(case: schemathesis.Case, real: bool, pick: int) -> None:
        nonlocal sent
        token = substitute(case, world, pick) if real and not never_real else None
        kwargs = case.as_transport_kwargs(base_url=BASE_URL)
        if token is not None and "ClientToken" in security:
            kwargs["headers"] = {**(kwargs.get("headers") or {}), CLIENT_TOKEN_HEADER: token}
        sent += 1
        case.validate_response(send(world, build_request(kwargs), key))

    conforms()
    return sent


@pytest.mark.timeout(1800)  # ~2 CPU-minutes; the margin is for a machine shared with other work
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation_conforms_and_never_fails_on_our_side(
        mode: GenerationMode, world: FuzzWorld, document: dict[str, Any]) -> None:
    schema = from_dict(_without_security(document), config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= MIN_OPERATIONS, [op.label for op in operations]
    failures: list[str] = []
    unreachable: list[str] = []
    cases: dict[str, int] = {}
    started, cpu = time.monotonic(), time.process_time()
    for operation in operations:
        described = document["paths"][operation.path][operation.method.lower()]
        security = security_of(described)
        key = choose_key(world, operation.method, operation.path) if "ApiSign" in security else None
        if "ApiSign" in security and key is None:
            unreachable.append(operation.label)
        try:
            cases[operation.label] = _fuzz(world, operation, mode, key, security, streams(described["responses"]))
        except hypothesis.errors.Unsatisfiable:
            # an operation without parameters or body has no invalid input to generate
            assert mode is GenerationMode.NEGATIVE, operation.label
            cases[operation.label] = 0
        except (Exception, BaseExceptionGroup) as failure:  # collect every operation's failure, report them all
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    fuzzed = [label for label, count in cases.items() if count]
    print(f"\nschemathesis {mode}: {len(fuzzed)} of {len(operations)} operations, {sum(cases.values())} cases, "
          f"{elapsed:.0f} s ({cpu:.0f} s CPU)")
    assert not unreachable, f"no key of any role is admitted by {unreachable}: add that role's key in fuzz_support"
    assert not failures, "\n\n".join(failures)
    # every operation was exercised; only operations without inputs have no invalid ones
    empty = [label for label, count in cases.items() if not count]
    assert mode is GenerationMode.NEGATIVE or not empty, empty
    # and an operation without invalid cases is one that takes no input at all
    takes_input = [label for label in empty if (lambda op: op.get("parameters") or op.get("requestBody"))(
        document["paths"][label.split(" ", 1)[1]][label.split(" ", 1)[0].lower()])]
    assert not takes_input, takes_input
