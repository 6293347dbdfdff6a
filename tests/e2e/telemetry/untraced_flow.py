"""Run in a fresh interpreter by ``test_tracing_off.py``: the app with no exporter configured.

No tracer provider is installed, and the proxy tracer is made to explode if anything starts a span:
a sandbox session still goes through create -> uploads -> complete -> NATS -> ML worker -> decision,
with its X-Trace-Id as before. Prints one JSON object with what it saw.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from opentelemetry import trace

from adapters.telemetry import configure_tracing, tracing_enabled


def _no_spans(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a span was started with tracing off")


def main() -> None:
    provider = configure_tracing({"KYC_OTEL_EXPORTER": ""})
    trace.ProxyTracer.start_span = _no_spans  # type: ignore[method-assign]
    trace.ProxyTracer.start_as_current_span = _no_spans  # type: ignore[method-assign]
    from tests.e2e.telemetry.conftest import open_stack
    from tests.e2e.telemetry.test_trace_spans_queue import complete_sandbox_session

    with tempfile.TemporaryDirectory() as tmp, open_stack(Path(tmp)) as stack:
        sid, trace_id, final = complete_sandbox_session(stack)
    after_off = tracing_enabled()
    console = configure_tracing({"KYC_OTEL_EXPORTER": "console", "KYC_OTEL_SERVICE_NAME": "kycledger-test"})
    json.dump({"provider_when_off": repr(provider), "enabled_when_off": after_off, "session": sid,
               "trace_id": f"{trace_id:032x}", "decision": final["decision"], "status": final["status"],
               "console_provider": type(console).__name__, "enabled_after_console": tracing_enabled(),
               "service": console.resource.attributes.get("service.name") if console else None}, sys.stdout)


if __name__ == "__main__":
    main()
