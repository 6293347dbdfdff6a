"""Tracer setup: OpenTelemetry is off unless ``KYC_OTEL_EXPORTER`` asks for an exporter.

With no exporter configured no SDK provider is installed: ``opentelemetry.trace`` keeps its no-op
proxy and every instrumented place checks ``tracing_enabled()`` first, so an untraced deployment pays
one global lookup per request or job. ``KYC_OTEL_EXPORTER``:

- unset, ``""`` or ``none``: off;
- ``console``: spans printed as JSON on stdout (local debugging);
- ``otlp`` or an ``http(s)://`` URL: OTLP over HTTP (the URL, else ``OTEL_EXPORTER_OTLP_ENDPOINT``);
  needs ``opentelemetry-exporter-otlp-proto-http``, an optional package, and says so when missing.

``KYC_OTEL_SERVICE_NAME`` names the process (``kycledger-api``, ``kycledger-ml-worker``; default
``kycledger``). Span attributes never carry personal data: ids, enum values and model names only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from domain.errors import DomainError

EXPORTER_ENV = "KYC_OTEL_EXPORTER"
SERVICE_ENV = "KYC_OTEL_SERVICE_NAME"
DEFAULT_SERVICE = "kycledger"
OTLP_PACKAGE = "opentelemetry-exporter-otlp-proto-http"


class TelemetryConfigError(DomainError):
    """``KYC_OTEL_EXPORTER`` names an exporter this installation cannot provide."""

    code = "telemetry_misconfigured"


def tracing_enabled() -> bool:
    """True once a real (SDK) tracer provider is installed; the no-op proxy means off."""
    provider = trace.get_tracer_provider()
    return not isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def exporter_from(setting: str) -> SpanExporter | None:
    """The span exporter a ``KYC_OTEL_EXPORTER`` value names; ``None`` for off."""
    value = setting.strip()
    if value.lower() in ("", "none", "off"):
        return None
    if value.lower() == "console":
        return ConsoleSpanExporter()
    if value.lower() == "otlp" or value.startswith(("http://", "https://")):
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError as exc:
            raise TelemetryConfigError(
                f"{EXPORTER_ENV}={value} needs the OTLP exporter: pip install {OTLP_PACKAGE}") from exc
        exporter: SpanExporter = OTLPSpanExporter(endpoint=value) if value.lower() != "otlp" else OTLPSpanExporter()
        return exporter
    raise TelemetryConfigError(f"{EXPORTER_ENV}={value!r}: expected none, console, otlp or an http(s) URL")


def configure_tracing(env: Mapping[str, str] | None = None) -> TracerProvider | None:
    """Install the global tracer provider the environment asks for; ``None`` (no-op) when off.

    Call once per process at start-up (API server, ML worker). A provider already installed (by an
    earlier call or by a test) is kept: OpenTelemetry allows one global provider per process.
    """
    values = os.environ if env is None else env
    exporter = exporter_from(values.get(EXPORTER_ENV, ""))
    if exporter is None:
        return None
    if tracing_enabled():
        current = trace.get_tracer_provider()
        return current if isinstance(current, TracerProvider) else None
    provider = TracerProvider(resource=Resource.create(
        {"service.name": values.get(SERVICE_ENV, "") or DEFAULT_SERVICE}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider
