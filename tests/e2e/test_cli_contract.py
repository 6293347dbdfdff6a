"""The CLI contract later checks rely on: dev's ready line and clean stop, tenants, keys."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ops.local_services import LocalNats, free_port

pytestmark = pytest.mark.e2e

KYCLEDGER = str(Path(sys.executable).parent / "kycledger")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KYCLEDGER, *args], capture_output=True, text=True, timeout=120, check=False)


def test_tenants_and_keys_commands(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    created = _run("tenants", "create", "--name", "Acme Bank", "--data-dir", data, "--json")
    assert created.returncode == 0, created.stderr
    issued = json.loads(created.stdout)
    assert set(issued) >= {"tenant_id", "api_key_id", "api_key_secret"}
    assert issued["role"] == "client" and issued["admin"]["role"] == "admin" and issued["admin"]["member_id"]
    rotated = json.loads(_run("keys", "rotate", "--key-id", issued["api_key_id"], "--data-dir", data).stdout)
    assert rotated["api_key_secret"] != issued["api_key_secret"]
    assert _run("keys", "revoke", "--key-id", issued["api_key_id"], "--reason", "test", "--data-dir", data
                ).returncode == 0
    again = _run("keys", "revoke", "--key-id", issued["api_key_id"], "--reason", "test", "--data-dir", data)
    assert again.returncode == 2 and json.loads(again.stderr)["error"]["code"] == "conflict"
    missing = _run("keys", "rotate", "--key-id", "kyck_nope", "--data-dir", data)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    verified = _run("ledger", "verify", "--data-dir", data)
    # tenant, integration key, first admin and their key; rotation; revocation
    assert verified.returncode == 0 and verified.stdout.startswith("ok: 6 events")


def test_operators_members_and_refused_key_roles(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    tenant = json.loads(_run("tenants", "create", "--name", "Acme", "--data-dir", data, "--json").stdout)
    operator = _run("operators", "create", "--name", "Olga Operator", "--data-dir", data)
    assert operator.returncode == 0, operator.stderr
    assert json.loads(operator.stdout)["tenant_id"] == "platform" and json.loads(operator.stdout)["role"] == "operator"
    member = _run("members", "create", "--tenant", tenant["tenant_id"], "--name", "Riley Reviewer",
                  "--role", "reviewer", "--data-dir", data)
    assert member.returncode == 0 and json.loads(member.stdout)["role"] == "reviewer"
    assert json.loads(member.stdout)["display_name"] == "Riley Reviewer"
    refused = _run("keys", "create", "--tenant", tenant["tenant_id"], "--role", "operator", "--data-dir", data)
    assert refused.returncode == 2 and "kycledger operators create" in refused.stderr
    person = _run("keys", "create", "--tenant", tenant["tenant_id"], "--role", "auditor", "--data-dir", data)
    assert person.returncode == 2 and "kycledger members create" in person.stderr


def test_dev_serves_prints_ready_and_stops_everything_on_sigterm(tmp_path: Path) -> None:
    log_path = tmp_path / "dev.log"
    with log_path.open("w") as log:  # a file, not a pipe: nobody reads the logs while dev runs
        proc = subprocess.Popen([KYCLEDGER, "dev", "--data-dir", str(tmp_path / "d")], stdout=subprocess.PIPE,
                                stderr=log, text=True, env={**os.environ, "KYC_CHECKPOINT_INTERVAL_S": "1"})
    try:
        assert proc.stdout is not None
        line = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not line.startswith("kycledger ready:"):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, log_path.read_text()
        _, _, http_url, nats_url = line.split()
        assert http_url.startswith("http://127.0.0.1:") and nats_url.startswith("nats://127.0.0.1:")
        with urllib.request.urlopen(http_url + "/readyz", timeout=10) as response:
            assert json.loads(response.read()) == {"ready": True, "checks": {"sqlite": True, "nats": True}}
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert children, "dev should run a nats-server child"
        _signed_session_round_trip(http_url, str(tmp_path / "d"))
    finally:
        assert _terminate(proc) == 0
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert list((tmp_path / "d" / "checkpoints").glob("*.note")), "dev signs checkpoints on its schedule"
    _assert_json_access_logs(log_path.read_text())


# The lines MediaPipe's C++ runtime (absl/glog, TensorFlow Lite) writes straight to the stderr
# descriptor when the models load: "W0000 00:00:... file.cc:181] ...", "INFO: Created TensorFlow Lite ...".
NATIVE_LOG_LINE = re.compile(r"^([IWEF]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] "
                             r"|WARNING: Logging before InitGoogle\(\)|INFO: Created TensorFlow Lite )")


def _assert_json_access_logs(text: str) -> None:
    """README: JSON logs, one object a line; access lines name the route template, never ids, values or
    secrets."""
    lines = [line for line in text.splitlines() if line.strip()]
    native = [line for line in lines if NATIVE_LOG_LINE.match(line)]  # MediaPipe's C++ logging (README)
    entries = [json.loads(line) for line in lines if line not in native]
    access = [e for e in entries if e["logger"] == "kycledger.api.access"]
    routes = {(e["method"], e["route"], e["status"]) for e in access}
    assert ("POST", "/v1/sessions", 201) in routes and ("GET", "/v1/sessions/{session_id}", 200) in routes
    assert all(e["trace_id"] and e["duration_ms"] >= 0 for e in access)
    assert "kycs_" not in text and "00000000-0000-0000-0000-000000000000" not in text


def _signed_session_round_trip(url: str, data_dir: str) -> None:
    """A tenant made by the CLI on dev's data dir drives the product routes with signed requests."""
    from api.client import KycClient

    issued = json.loads(_run("tenants", "create", "--name", "Dev", "--plan", "pro", "--data-dir", data_dir,
                             "--json").stdout)
    client = KycClient(url, issued["api_key_id"], issued["api_key_secret"])
    try:
        created = client.post("/v1/sessions", {"checks": ["ocr", "face_match"]})
        assert created.status_code == 201, created.text
        fetched = client.get(f"/v1/sessions/{created.json()['id']}")
        assert fetched.status_code == 200 and fetched.json()["status"] == "pending"
        assert client.get("/v1/sessions/00000000-0000-0000-0000-000000000000").status_code == 404
    finally:
        client.close()


def test_worker_runs_the_followers_and_stops_on_sigterm(tmp_path: Path) -> None:
    own_nats = LocalNats(tmp_path / "nats").start()  # its relays must not write into the shared server
    proc = subprocess.Popen([KYCLEDGER, "worker", "--data-dir", str(tmp_path / "d"), "--nats", own_nats.url,
                             "--state-dir", str(tmp_path / "state"), "--no-ml"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "KYC_CHECKPOINT_INTERVAL_S": "1"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("kycledger worker running (sqlite, nats://127.0.0.1:"), line
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list((tmp_path / "d" / "checkpoints").glob("*.note")):
            time.sleep(0.2)
        assert list((tmp_path / "d" / "checkpoints").glob("*.note")), "the worker signs checkpoints"
    finally:
        code = _terminate(proc)
        own_nats.stop()
    assert code == 0, proc.stderr.read() if proc.stderr else ""


def _terminate(proc: subprocess.Popen[str], timeout: float = 30) -> int | None:
    """SIGTERM and wait; a process that does not stop in time is killed (never leaked) and None returned."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def test_serve_answers_the_product_routes(tmp_path: Path, nats_url: str) -> None:
    from api.client import KycClient

    data = str(tmp_path / "d")
    issued = json.loads(_run("tenants", "create", "--name", "Served", "--plan", "pro", "--data-dir", data,
                             "--json").stdout)
    port = free_port()
    # Sessions are created and read, never verified: no model warm-up (KYC_WARM_MODELS=0, README
    # "Configuration"); dev above starts with its models warmed.
    proc = subprocess.Popen([KYCLEDGER, "serve", "--data-dir", data, "--port", str(port), "--nats", nats_url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "KYC_LOG_LEVEL": "WARNING", "KYC_WARM_MODELS": "0"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/readyz", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        client = KycClient(url, issued["api_key_id"], issued["api_key_secret"])
        created = client.post("/v1/sessions", {"checks": ["ocr", "face_match"]})
        assert created.status_code == 201, created.text
        session_id = created.json()["id"]
        fetched = client.get(f"/v1/sessions/{session_id}")
        assert fetched.status_code == 200 and fetched.json()["status"] == "pending"
        client.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
