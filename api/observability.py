"""Per-route Prometheus metrics and one structured access-log line per request.

Routes are labelled by their template (``/v1/sessions/{session_id}``), never by the concrete path,
so ids and personal data stay out of label values; unknown paths share one label. Each app has its
own registry, so several apps (tests, workers) never collide.

OpenTelemetry: when a tracer provider is installed (``adapters.telemetry.configure_tracing``
from ``KYC_OTEL_EXPORTER``) every request is a server span, a child of the caller's W3C
``traceparent`` if any. The span's context is handed inward as the request's ``traceparent``, so the
platform middleware's trace id (problem+json ``trace_id``, ``X-Trace-Id``, the audit request id) is the
OpenTelemetry trace id, and a job queued by the handler carries it on to the ML worker. With no
provider the proxy is a no-op and the middleware skips tracing entirely.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("kycledger.api.access")
_PROPAGATOR = TraceContextTextMapPropagator()

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.5, 5.0, 10.0, 30.0)
METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST


class ApiMetrics:
    """The HTTP metrics of one app, plus hooks for routes to count check outcomes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram("kycledger_http_request_duration_seconds", "HTTP request latency by route",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.responses = Counter("kycledger_http_responses_total", "HTTP responses by route and status",
                                 ["method", "route", "status"], registry=self.registry)
        self.checks = Counter("kycledger_check_outcomes_total", "Check outcomes by check type",
                              ["check", "outcome"], registry=self.registry)
        self.check_latency = Histogram("kycledger_check_duration_seconds", "Check latency by check type",
                                       ["check"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.queue_depth = Gauge("kycledger_ml_queue_depth", "ML jobs queued or in progress (JetStream work queue)",
                                 registry=self.registry)

    def observe_check(self, check: str, outcome: str, seconds: float) -> None:
        """One model check ran and was recorded (``check`` and ``outcome`` are enum values); the
        verification pipeline calls this for every check it records (``api.app.create_app`` wires it)."""
        self.checks.labels(check=check, outcome=outcome).inc()
        self.check_latency.labels(check=check).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def route_label(scope: Scope) -> str:
    template = scope.get("path_template")
    return str(template) if template else "unmatched"


def tracing_enabled() -> bool:
    """True once an SDK tracer provider is installed; the default proxy means tracing is off."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def start_server_span(scope: Scope) -> trace.Span:
    """A server span for the request, continuing the caller's ``traceparent``; the scope's headers
    then carry this span's context so the inner layers use its trace id."""
    raw: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
    carrier = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
    method = str(scope.get("method", ""))
    span = trace.get_tracer("kycledger.api").start_span(
        f"{method} request", context=_PROPAGATOR.extract(carrier), kind=SpanKind.SERVER,
        attributes={"http.request.method": method})
    outgoing: dict[str, str] = {}
    _PROPAGATOR.inject(outgoing, context=trace.set_span_in_context(span))
    if outgoing:
        kept = [(k, v) for k, v in raw if k.lower() not in (b"traceparent", b"tracestate")]
        scope["headers"] = kept + [(k.encode("latin-1"), v.encode("latin-1")) for k, v in outgoing.items()]
    return span


def end_server_span(span: trace.Span, method: str, route: str, status: int) -> None:
    # The route template, never the concrete path: ids and personal data stay out of span names.
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
    span.end()


class ObservabilityMiddleware:
    """Times every request, counts its status by route and logs one access line with its trace id."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        span = start_server_span(scope) if tracing_enabled() else None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            if span is None:
                await self.app(scope, receive, send_and_note)
            else:
                with trace.use_span(span, end_on_exit=False):
                    await self.app(scope, receive, send_and_note)
        finally:
            elapsed = time.perf_counter() - started
            method, route = str(scope.get("method", "")), route_label(scope)
            if span is not None:
                end_server_span(span, method, route, status)
            self.metrics.latency.labels(method=method, route=route).observe(elapsed)
            self.metrics.responses.labels(method=method, route=route, status=str(status)).inc()
            state = scope.get("state") or {}
            principal = state.get("principal")
            # The route template, never the raw path or query: ids and values stay out of the log.
            access_log.info("%s %s %s", method, route, status, extra={
                "trace_id": state.get("trace_id"), "status": status, "duration_ms": round(elapsed * 1000, 1),
                "method": method, "route": route, "tenant_id": getattr(principal, "tenant_id", None),
                "key_id": getattr(principal, "key_id", None)})
