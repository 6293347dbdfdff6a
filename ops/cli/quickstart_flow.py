"""``kycledger quickstart``: the integrator's first verification, end to end, printed step by step.

On the embedded default it starts ``kycledger dev`` (or uses ``--url`` of one already running on the
same ``--data-dir``), opens a tenant on the Free plan (its first key is a sandbox key: simulated
results from ``ops.sandbox``'s magic inputs, never billed), and drives one session with the reference
client ``api.client.KycClient``, which signs every request as api/SIGNING.md says: create the session,
upload the sample document, the sample selfie and the frames answering the liveness challenge, complete,
then poll until the decision. It prints each request and each answer (long base64 values shortened).
Exit 0 when the session is verified.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image

from api.client import KycClient
from domain.application import IssuedKey
from ops.bootstrap import open_runtime
from ops.cli.common import operator_context
from ops.cli.quickstart_samples import sample_document, sample_selfie
from ops.local_services import free_port

FRAME_COUNT, FRAME_STEP_MS = 20, 100  # 2 s at 10 frames per second: the recording rules of README
POLL_SECONDS = 60
Printer = Callable[[str], None]


def _short(value: Any) -> Any:
    """``value`` with base64 payloads cut to a readable length (for printing only)."""
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short(v) for v in value[:3]] + ([f"... {len(value) - 3} more"] if len(value) > 3 else [])
    if isinstance(value, str) and len(value) > 80:
        return value[:40] + f"...({len(value)} characters)"
    return value


class Narrator:
    """Sends requests with the reference client and prints each request and answer."""

    def __init__(self, client: KycClient, say: Printer) -> None:
        self.client, self.say = client, say

    def call(self, method: str, path: str, body: Any = None, expect: int | None = None) -> dict[str, Any]:
        self.say(f"> {method} {path}" + (f" {json.dumps(_short(body))}" if body is not None else ""))
        answer = self.client.request(method, path, body)
        shown = answer.json() if answer.content else None
        self.say(f"< {answer.status_code} {json.dumps(_short(shown))}")
        if expect is not None and answer.status_code != expect:
            raise QuickstartError(f"{method} {path} answered {answer.status_code}, expected {expect}")
        return shown if isinstance(shown, dict) else {}


class QuickstartError(Exception):
    """A step did not answer as the quickstart expects; the message says which."""


def open_sandbox_tenant(data_dir: Path, name: str) -> IssuedKey:
    """A Free-plan tenant on ``data_dir``; its first integration key is a sandbox key."""
    rt = open_runtime(data_dir=data_dir)
    try:
        with operator_context("quickstart"):
            return rt.ledger.open_tenant(name, "free", "Quickstart Admin").integration
    finally:
        rt.close()


@contextmanager
def embedded_stack(data_dir: Path, say: Printer) -> Iterator[str]:
    """``kycledger dev`` on a free port for the duration; yields its URL (its logs go to a file)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "quickstart-dev.log"
    with log_path.open("a") as log:
        command = [sys.executable, "-m", "ops.cli", "dev", "--json", "--data-dir", str(data_dir),
                   "--port", str(free_port())]
        # Its one session is a sandbox session (simulated results) and it stops with the quickstart: no
        # real model ever runs in it, so it starts without warming them (KYC_WARM_MODELS, README).
        env = {**os.environ, "KYC_WARM_MODELS": "0"}
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, env=env)  # noqa: S603 - our own CLI
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise QuickstartError(f"kycledger dev did not start; see {log_path}")
        ready = json.loads(line)
        say(f"# kycledger dev is serving {ready['api']} (NATS {ready['nats']}, data in {data_dir}, logs in {log_path})")
        yield str(ready["api"])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _frames(selfie: bytes) -> list[str]:
    """The frames of the liveness answer: the sample portrait as small JPEGs, one per 100 ms."""
    with Image.open(io.BytesIO(selfie)) as picture:
        small = picture.convert("RGB").resize((240, 320))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85)
    return [base64.b64encode(out.getvalue()).decode()] * FRAME_COUNT


def verify_sample(narrator: Narrator, say: Printer) -> dict[str, Any]:
    """One session with the sample captures, from creation to the decision; returns the final session."""
    document, selfie = sample_document(), sample_selfie()
    created = narrator.call("POST", "/v1/sessions", {"checks": ["ocr", "face_match", "liveness"],
                                                     "reference": "quickstart-1"}, expect=201)
    sid, challenge = created["id"], created["challenge"]
    say(f"# the session asks for these actions, in order, in one clip: {', '.join(challenge['actions'])}")
    for kind, image in (("document_front", document), ("selfie", selfie)):
        narrator.call("POST", f"/v1/sessions/{sid}/documents",
                      {"type": kind, "image_base64": base64.b64encode(image).decode()}, expect=201)
    narrator.call("POST", f"/v1/sessions/{sid}/documents", {
        "type": "liveness_frames", "frames_base64": _frames(selfie),
        "frame_offsets_ms": [i * FRAME_STEP_MS for i in range(FRAME_COUNT)],
        "challenge_nonce": challenge["nonce"]}, expect=201)
    narrator.call("POST", f"/v1/sessions/{sid}/complete", expect=202)
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        answer = narrator.client.get(f"/v1/sessions/{sid}")
        session: dict[str, Any] = answer.json()
        if session.get("decision") is not None or session.get("status") != "pending":
            break
        if time.monotonic() > deadline:
            raise QuickstartError(f"session {sid} is still pending after {POLL_SECONDS} s")
        time.sleep(0.5)
    narrator.call("GET", f"/v1/sessions/{sid}")
    return session


def run_quickstart(data_dir: Path, url: str | None, say: Printer = print) -> int:
    """The whole quickstart; 0 when the sample session is verified."""
    issued = open_sandbox_tenant(data_dir, "Quickstart Bank")
    say(f"# tenant {issued.tenant_id}, integration key {issued.key_id} ({issued.environment}: simulated results, "
        "never billed); its secret signs every request below (api/SIGNING.md)")
    with embedded_stack(data_dir, say) if url is None else _given(url) as base_url:
        client = KycClient(base_url, issued.key_id, issued.secret.reveal())
        try:
            session = verify_sample(Narrator(client, say), say)
        finally:
            client.close()
    decision = session.get("decision") or {}
    say(f"# decision: {decision.get('decision')} (route {decision.get('route')}), status {session.get('status')}")
    return 0 if session.get("status") == "verified" else 1


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url.rstrip("/")
