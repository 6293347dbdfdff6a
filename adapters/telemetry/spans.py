"""The spans of the ML side: one per queued job (consumer) and one per recorded check.

Attributes are ids, enum values and model provenance only: never a name, a birth date, a document
number or an image (docs/architecture.md §5; ``domain.checks.CheckResult`` is PII-free by rule,
but only its type, outcome, reason codes and model names are copied, not its details).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind

from adapters.telemetry.setup import tracing_enabled
from domain.checks import CheckResult

TRACER_NAME = "kycledger"


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def traced(name: str, attributes: dict[str, Any] | None = None, kind: SpanKind = SpanKind.INTERNAL,
           context: Context | None = None) -> Any:
    """A current span around a block when tracing is on; a free no-op context otherwise."""
    if not tracing_enabled():
        return nullcontext()
    return tracer().start_as_current_span(name, context=context, kind=kind, attributes=attributes)


@contextmanager
def job_span(subject: str, job_id: str, attempt: int, sandbox: bool, parent: Context | None) -> Iterator[None]:
    """The worker's span for one job, a child of the span that queued it (``parent`` from headers)."""
    attributes = {"messaging.system": "nats", "messaging.destination.name": subject,
                  "messaging.operation.type": "process", "messaging.message.id": job_id,
                  "kyc.attempt": attempt, "kyc.sandbox": sandbox}
    with traced(f"process {subject}", attributes, SpanKind.CONSUMER, parent):
        yield


class OtelPipelineTelemetry:
    """The verification pipeline's ``PipelineTelemetry`` (``services.verification.ports``) on OpenTelemetry."""

    def span(self, name: str, attributes: dict[str, str | bool | int]) -> Any:
        return traced(name, dict(attributes))

    def record_check(self, result: CheckResult, seconds: float, ended_ns: int) -> None:
        record_check_span(result, seconds, ended_ns)


def check_attributes(result: CheckResult) -> dict[str, Any]:
    attributes: dict[str, Any] = {"kyc.check.type": str(result.check), "kyc.check.outcome": str(result.outcome)}
    if result.reasons:
        attributes["kyc.check.reasons"] = [str(r) for r in result.reasons]
    if result.models:
        attributes["kyc.model.name"] = [m.name for m in result.models]
        attributes["kyc.model.version"] = [m.version for m in result.models]
    return attributes


def record_check_span(result: CheckResult, seconds: float, ended_ns: int | None = None) -> None:
    """One span for a recorded check, lasting the ``seconds`` the pipeline measured for it.

    The pipeline runs some checks together (one document read yields five results; liveness runs
    beside it), so a check's span is placed to end at ``ended_ns`` with its measured duration rather
    than wrapping code that does not belong to one check alone.
    """
    if not tracing_enabled():
        return
    end = ended_ns if ended_ns is not None else time.time_ns()
    start = end - max(0, int(seconds * 1e9))
    span = tracer().start_span(f"check {result.check}", start_time=start, attributes=check_attributes(result))
    span.end(end_time=end)
