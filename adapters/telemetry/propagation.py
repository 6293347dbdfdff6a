"""W3C trace context in NATS message headers: ``traceparent`` (and ``tracestate``) ride beside
``Nats-Msg-Id`` so a job's worker spans join the trace of the request that queued it.

Only the trace context goes into headers, never baggage with personal data: jobs carry ids only
(docs/architecture.md §5).
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from adapters.telemetry.setup import tracing_enabled

_PROPAGATOR = TraceContextTextMapPropagator()


def inject_trace_headers(headers: dict[str, str], context: Context | None = None) -> dict[str, str]:
    """Add the current (or given) span's ``traceparent`` to ``headers``; unchanged when tracing is off."""
    if tracing_enabled():
        _PROPAGATOR.inject(headers, context=context)
    return headers


def extract_trace_context(headers: Mapping[str, str] | None) -> Context | None:
    """The remote parent a message's headers carry; ``None`` without one (or with tracing off)."""
    if not headers or not tracing_enabled():
        return None
    context = _PROPAGATOR.extract(dict(headers))
    return context or None
