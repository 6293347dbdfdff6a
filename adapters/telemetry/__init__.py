"""OpenTelemetry tracing for the ML side: setup, NATS header propagation, job and check spans."""

from adapters.telemetry.propagation import extract_trace_context, inject_trace_headers
from adapters.telemetry.setup import EXPORTER_ENV, TelemetryConfigError, configure_tracing, tracing_enabled
from adapters.telemetry.spans import OtelPipelineTelemetry, job_span, record_check_span, traced

__all__ = ["EXPORTER_ENV", "OtelPipelineTelemetry", "TelemetryConfigError", "configure_tracing",
           "extract_trace_context", "inject_trace_headers", "job_span", "record_check_span", "traced",
           "tracing_enabled"]
