"""A mixed load on both API replicas: instant verifications, session flows and reads, all signed.

Sandbox keys, so every check is the cheap simulated adapter (``ops.sandbox``): the load stresses the
ledger, the queue and the followers, not the models. Each request goes to either replica at random
(a load balancer's view); every answer is recorded with its time, so the checks can tell what was
acknowledged and which 5xx fell outside the kill windows.
"""

from __future__ import annotations

import base64
import io
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image

from api.client import KycClient

CHECKS = ["ocr", "face_match"]
GREY, BLUE = (120, 120, 120), (30, 40, 200)  # sandbox: grey passes, blue is uncertain (manual review)


class _Replicas:
    """The API replicas as a load balancer sees them: one that did not answer is skipped for a moment
    (as a health check would take it out), then tried again."""

    def __init__(self, replicas: list[KycClient], unreachable_until: list[float]) -> None:
        self.replicas = replicas
        self._until = unreachable_until

    def pick(self, rng: random.Random) -> int:
        now = time.monotonic()
        up = [n for n, until in enumerate(self._until) if until <= now]
        return rng.choice(up or list(range(len(self.replicas))))

    def unreachable(self, index: int) -> None:
        self._until[index] = time.monotonic() + 1.0


def jpeg_b64(colour: tuple[int, int, int], size: int = 64) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="JPEG")
    return base64.b64encode(buffer.getvalue()).decode()


@dataclass(frozen=True)
class Answer:
    """One request and what came back (``status`` None: no HTTP answer, e.g. the replica was killed)."""

    op: str
    api: int
    started: float  # time.monotonic()
    ended: float
    status: int | None
    session_id: str | None = None
    content_sha256: str | None = None
    body: dict[str, Any] | None = None
    key_id: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class LoadGenerator:
    """``threads`` clients looping over the operations until ``stop()``."""

    api_urls: list[str]
    keys: list[tuple[str, str]]  # (key id, secret) of sandbox keys, one tenant each
    threads: int = 4
    answers: list[Answer] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)

    def start(self) -> LoadGenerator:
        for n in range(self.threads):
            worker = threading.Thread(target=self._run, args=(random.Random(n),), name=f"load-{n}", daemon=True)  # noqa: S311
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(60)

    def snapshot(self) -> list[Answer]:
        with self._lock:
            return list(self.answers)

    def _run(self, rng: random.Random) -> None:
        http = [httpx.Client(base_url=url, timeout=30.0) for url in self.api_urls]
        unreachable_until = [0.0] * len(http)
        try:
            while not self._stop.is_set():
                key_id, secret = rng.choice(self.keys)  # one tenant for the whole operation
                clients = _Replicas([KycClient(url, key_id, secret, http=h) for url, h in zip(self.api_urls, http,
                                                                                            strict=True)],
                                    unreachable_until)
                roll = rng.random()
                if roll < 0.3:
                    self._instant(clients, rng)
                elif roll < 0.9:
                    self._flow(clients, rng)
                else:
                    self._read(clients, rng)
        finally:
            for client in http:
                client.close()

    def _call(self, op: str, clients: _Replicas, rng: random.Random, method: str, path: str,
              body: Any = None) -> Answer:
        api = clients.pick(rng)
        started = time.monotonic()
        try:
            response = clients.replicas[api].request(method, path, body)
            status: int | None = response.status_code
            payload = response.json() if response.headers.get("content-type", "").startswith(
                ("application/json", "application/problem+json")) else None
        except (httpx.TransportError, ValueError):
            status, payload = None, None
            clients.unreachable(api)
        return Answer(op, api, started, time.monotonic(), status, body=payload if isinstance(payload, dict) else None,
                      key_id=clients.replicas[api].key_id)

    def _keep(self, answer: Answer, session_id: str | None = None, sha: str | None = None) -> Answer:
        kept = Answer(answer.op, answer.api, answer.started, answer.ended, answer.status,
                      session_id or (answer.body or {}).get("id"), sha, answer.body, answer.key_id)
        with self._lock:
            self.answers.append(kept)
        return kept

    def _instant(self, clients: _Replicas, rng: random.Random) -> None:
        selfie = jpeg_b64(BLUE if rng.random() < 0.2 else GREY)
        answer = self._call("instant_verify", clients, rng, "POST", "/v1/identity/verify",
                            {"document_front": jpeg_b64(GREY), "selfie": selfie, "checks": CHECKS})
        self._keep(answer)

    def _flow(self, clients: _Replicas, rng: random.Random) -> None:
        created = self._keep(self._call("create_session", clients, rng, "POST", "/v1/sessions", {"checks": CHECKS}))
        if not created.acknowledged or created.session_id is None:
            return
        sid = created.session_id
        for kind in ("document_front", "selfie"):
            colour = BLUE if kind == "selfie" and rng.random() < 0.2 else GREY
            upload = self._call(f"upload_{kind}", clients, rng, "POST", f"/v1/sessions/{sid}/documents",
                                {"type": kind, "image_base64": jpeg_b64(colour)})
            kept = self._keep(upload, sid, (upload.body or {}).get("content_sha256"))
            if not kept.acknowledged:
                return  # an abandoned flow: a pending session with no checks requested
        self._keep(self._call("complete", clients, rng, "POST", f"/v1/sessions/{sid}/complete"), sid)

    def _read(self, clients: _Replicas, rng: random.Random) -> None:
        key_id = clients.replicas[0].key_id
        with self._lock:  # a session of this key's tenant: another tenant's would be a 404 by design
            known = [a.session_id for a in self.answers[-500:]
                     if a.op == "create_session" and a.acknowledged and a.key_id == key_id]
        if known:
            sid = rng.choice(known)
            self._keep(self._call("get_session", clients, rng, "GET", f"/v1/sessions/{sid}"), sid)
