"""One trace from ``POST /v1/sessions/{id}/complete`` through the NATS job to the worker's check spans.

A sandbox key drives the real app, the real JetStream queue and the real ML worker (sandbox adapters:
no model loads, outcomes from the images). Asserted: the request's server span, the publish span, the
worker's consumer span, the pipeline span and one span per check share one trace id, in that
parent chain; that trace id is the ``X-Trace-Id`` and the problem+json ``trace_id``; no span carries
the personal data the session extracted.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from adapters.nats.work_queue import SUBJECT
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64, wait_for

pytestmark = pytest.mark.e2e

CHECKS = ["ocr", "data_validation", "face_match", "liveness", "screening"]


def _trace_of(finished: Sequence[ReadableSpan], trace_id: int) -> list[ReadableSpan]:
    return [s for s in finished if s.context is not None and s.context.trace_id == trace_id]


def _wait_for_span(spans: InMemorySpanExporter, trace_id: int, name: str, timeout: float = 15.0) -> ReadableSpan:
    """The worker ends its job span just after the decision is visible: poll briefly for it."""
    deadline = time.monotonic() + timeout
    while True:
        found = [s for s in _trace_of(spans.get_finished_spans(), trace_id) if s.name == name]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no span {name!r} in trace {trace_id:032x}")
        time.sleep(0.1)


def complete_sandbox_session(stack: ApiStack) -> tuple[str, int, dict[str, Any]]:
    """A sandbox session through create, uploads and complete to its decision; (id, trace id, body)."""
    tenant = stack.new_tenant()
    client = stack.client(stack.new_key(tenant.tenant_id, sandbox=True))
    created = client.post("/v1/sessions", {"checks": CHECKS}).json()
    sid = created["id"]
    for kind, path in (("document_front", MRZ_TD3), ("selfie", FACES / "obama.jpg")):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(path)})
        assert answer.status_code == 201, answer.text
    # active liveness (the default): a sandbox recording, 1.6 s at 12.5 frames per second
    frames = client.post(f"/v1/sessions/{sid}/documents", {
        "type": "liveness_frames", "frames_base64": [b64(FACES / "obama.jpg")] * 20,
        "frame_offsets_ms": [80 * i for i in range(20)], "challenge_nonce": created["challenge"]["nonce"]})
    assert frames.status_code == 201, frames.text
    queued = client.post(f"/v1/sessions/{sid}/complete")
    assert queued.status_code == 202, queued.text
    final = wait_for(client, sid, timeout=60)
    assert final["decision"] is not None, final
    return sid, int(queued.headers["x-trace-id"], 16), final


def test_one_trace_spans_request_queue_worker_and_checks(traced_stack: ApiStack, spans: InMemorySpanExporter) -> None:
    _, trace_id, _ = complete_sandbox_session(traced_stack)
    job = _wait_for_span(spans, trace_id, f"process {SUBJECT}")
    in_trace = _trace_of(spans.get_finished_spans(), trace_id)
    by_name = {s.name: s for s in in_trace}
    server = by_name["POST /v1/sessions/{session_id}/complete"]
    assert server.kind is SpanKind.SERVER and server.parent is None  # the caller sent no traceparent
    assert server.attributes is not None and server.attributes["http.response.status_code"] == 202
    publish = by_name[f"publish {SUBJECT}"]
    assert publish.kind is SpanKind.PRODUCER
    assert publish.parent is not None and publish.parent.span_id == server.context.span_id  # type: ignore[union-attr]
    # the consumer span's parent came over NATS in the traceparent header
    assert job.kind is SpanKind.CONSUMER
    assert job.parent is not None and job.parent.is_remote and job.parent.span_id == publish.context.span_id  # type: ignore[union-attr]
    pipeline = by_name["pipeline.process_session"]
    assert pipeline.parent is not None and pipeline.parent.span_id == job.context.span_id  # type: ignore[union-attr]
    checks = [s for s in in_trace if s.name.startswith("check ")]
    assert {str(s.attributes["kyc.check.type"]) for s in checks if s.attributes} >= set(CHECKS)
    for span in checks:
        assert span.parent is not None and span.parent.span_id == pipeline.context.span_id  # type: ignore[union-attr]
        assert span.attributes is not None
        assert span.attributes["kyc.check.outcome"] in ("pass", "uncertain", "fail")
        if span.attributes["kyc.check.type"] in ("ocr", "face_match", "liveness"):
            assert tuple(span.attributes["kyc.model.name"]) == ("sandbox",)  # type: ignore[arg-type]
            assert tuple(span.attributes["kyc.model.version"]) == ("1",)  # type: ignore[arg-type]


def test_spans_carry_no_personal_data(traced_stack: ApiStack, spans: InMemorySpanExporter) -> None:
    sid, trace_id, final = complete_sandbox_session(traced_stack)
    _wait_for_span(spans, trace_id, f"process {SUBJECT}")
    extracted = final["extracted_data"]
    assert isinstance(extracted, dict) and extracted.get("given_names"), final  # something personal was read
    personal = [str(v) for v in extracted.values() if v]
    for span in spans.get_finished_spans():
        assert sid not in span.name  # route templates, never concrete paths (ids go in attributes only)
        for text in [span.name, *(str(v) for v in (span.attributes or {}).values())]:
            for value in personal:
                assert text != value and (len(value) < 4 or value not in text), (span.name, text)


def test_trace_id_is_the_problem_trace_id_and_continues_the_callers(traced_stack: ApiStack,
                                                                     spans: InMemorySpanExporter) -> None:
    client = traced_stack.client(traced_stack.new_tenant())
    caller = "4bf92f3577b34da6a3ce929d0e0e4736"
    missing = client.get("/v1/sessions/00000000-0000-4000-8000-000000000000",
                         headers={"traceparent": f"00-{caller}-00f067aa0ba902b7-01"})
    assert missing.status_code == 404
    assert missing.json()["trace_id"] == caller == missing.headers["x-trace-id"]
    server = [s for s in _trace_of(spans.get_finished_spans(), int(caller, 16)) if s.kind is SpanKind.SERVER]
    assert len(server) == 1 and server[0].parent is not None and server[0].parent.span_id == 0x00F067AA0BA902B7
    fresh = client.get("/v1/sessions/00000000-0000-4000-8000-000000000000")
    fresh_id = int(fresh.json()["trace_id"], 16)
    assert fresh_id != int(caller, 16)
    assert [s.name for s in _trace_of(spans.get_finished_spans(), fresh_id)] == ["GET /v1/sessions/{session_id}"]
