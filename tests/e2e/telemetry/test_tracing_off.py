"""Tracing is optional: no exporter configured -> no provider, no span, the app works unchanged.

The untraced run happens in a fresh interpreter (``untraced_flow.py``) because OpenTelemetry allows
one global tracer provider per process and this test session installs one for the traced tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export import ConsoleSpanExporter

from adapters.telemetry import TelemetryConfigError
from adapters.telemetry.setup import OTLP_PACKAGE, exporter_from

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]


def test_without_an_exporter_a_session_completes_through_the_queue_with_no_span() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KYC_OTEL", "OTEL_"))}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run([sys.executable, str(Path(__file__).with_name("untraced_flow.py"))],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["provider_when_off"] == "None" and seen["enabled_when_off"] is False
    assert seen["status"] != "pending" and seen["decision"]["decision"] in ("accepted", "rejected", "review")
    assert len(seen["trace_id"]) == 32 and int(seen["trace_id"], 16) != 0  # X-Trace-Id as before
    # and KYC_OTEL_EXPORTER=console turns it on, under the configured service name
    assert seen["console_provider"] == "TracerProvider" and seen["enabled_after_console"] is True
    assert seen["service"] == "kycledger-test"


@pytest.mark.parametrize("setting", ["", "none", "  off "])
def test_off_settings_name_no_exporter(setting: str) -> None:
    assert exporter_from(setting) is None


def test_console_setting_names_the_console_exporter() -> None:
    assert isinstance(exporter_from("console"), ConsoleSpanExporter)


def test_otlp_without_its_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail as if the optional package were not installed
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.http.trace_exporter", None)
    for setting in ("otlp", "http://127.0.0.1:4318/v1/traces"):
        with pytest.raises(TelemetryConfigError, match=OTLP_PACKAGE) as raised:
            exporter_from(setting)
        assert raised.value.code == "telemetry_misconfigured"


def test_an_unknown_exporter_is_refused() -> None:
    with pytest.raises(TelemetryConfigError, match="expected none, console, otlp"):
        exporter_from("jaeger")
