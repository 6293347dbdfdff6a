"""A whole kycledger in one process on a PostgreSQL and a NATS the test can crash and start again.

The API (through the real app and signed requests), the ML worker, and every follower that
``kycledger worker`` runs, against a ``RestartablePostgres`` and a ``LocalNats`` of the test's own.
Sessions use sandbox keys (``ops.sandbox``: no model runs) and the checks ``ocr`` and ``face_match``.
"""

from __future__ import annotations

import base64
import contextlib
import io
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image

from adapters.integrity.ed25519_keys import generate_private_key_file
from api.client import KycClient
from api.deps import ApiSettings
from domain.application import IssuedKey
from domain.audit import PLATFORM_TENANT, audit_context
from ops.api_wiring import build_api
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.local_services import LocalNats, RestartablePostgres, create_database
from ops.product_wiring import build_pipeline, product_services
from ops.readiness import readiness_probe
from ops.runners.ml_worker import MlWorkerHandle, start_ml_worker
from ops.settings import Settings
from ops.stack import start_followers
from services.verification.pipeline import VerificationPipeline
from tests.integration.decisions.seeding import KEK
from tests.scratch import private_dir as scratch_dir

CHECKS = ["ocr", "face_match"]


def jpeg_b64(colour: tuple[int, int, int] = (120, 120, 120)) -> str:
    """A small picture; grey reads as ``pass`` in the sandbox (ops.sandbox magic inputs)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, format="JPEG")
    return base64.b64encode(buffer.getvalue()).decode()


def private_dir(prefix: str) -> Path:
    """A fresh directory outside pytest's base temp (pytest keeps that 0700, and PostgreSQL runs as
    its own user when the tests run as root), in memory when there is room (``tests.scratch``)."""
    return scratch_dir(prefix, in_memory=True)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> float:
    """Seconds it took ``condition`` to hold; AssertionError after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


@dataclass
class Cluster:
    """PostgreSQL, NATS, the API app, the ML worker and the followers, all restartable by the test."""

    root: Path
    pg: RestartablePostgres
    nats: LocalNats
    rt: LedgerRuntime
    app: Litestar
    http: TestClient[Litestar]
    stack: contextlib.ExitStack
    pipeline: VerificationPipeline
    ml_worker: MlWorkerHandle | None = None
    tenant_id: str = ""  # the tenant of the last sandbox_client()

    @classmethod
    def start(cls, root: Path, **env: str) -> Cluster:
        pg = RestartablePostgres(root / "pg").start()
        nats = LocalNats(root / "nats").start()
        key_file = root / "checkpoint.pem"
        generate_private_key_file(key_file)
        settings = Settings.from_env({"KYC_KEK": KEK, "KYC_CHECKPOINT_KEY_FILE": str(key_file),
                                      "KYC_CHECKPOINT_INTERVAL_S": "1", **env})
        rt = open_runtime(data_dir=root / "data", db_url=create_database(pg.dsn), settings=settings)
        stack = contextlib.ExitStack()
        stack.callback(rt.close)
        pipeline = build_pipeline(rt)
        api_settings = ApiSettings(rate_limit_per_minute=100_000, instant_timeout_s=settings.instant_timeout_s)
        app = build_api(rt, readiness=readiness_probe(rt, nats.url), settings=api_settings,
                        services=product_services(rt, pipeline, nats.url, allow_private_webhooks=True))
        http = TestClient(app, raise_server_exceptions=False, timeout=60)
        http.__enter__()
        stack.callback(http.__exit__, None, None, None)
        start_followers(rt, nats.url, root / "state", stack, allow_private_webhooks=True)
        cluster = cls(root, pg, nats, rt, app, http, stack, pipeline)
        cluster.start_ml_worker()
        return cluster

    def start_ml_worker(self) -> None:
        self.ml_worker = start_ml_worker(self.rt, self.nats.url, pipeline=self.pipeline)

    def stop_ml_worker(self) -> None:
        if self.ml_worker is not None:
            self.ml_worker.stop()
            self.ml_worker = None

    def close(self) -> None:
        try:
            self.stop_ml_worker()
            self.stack.close()
        finally:
            self.nats.stop()
            self.pg.remove()
            shutil.rmtree(self.root, ignore_errors=True)

    def sandbox_client(self) -> KycClient:
        with audit_context(PLATFORM_TENANT, "operator:test", "test-setup"):
            tenant = self.rt.ledger.create_tenant("Resilience", "enterprise")
            key: IssuedKey = self.rt.ledger.create_api_key(tenant.tenant_id, "client", True)
        self.tenant_id = tenant.tenant_id
        return KycClient("http://testserver", key.key_id, key.secret.reveal(), http=self.http)

    def admin_client(self, tenant_id: str) -> KycClient:
        """The tenant administrator's key (webhooks are the admin's)."""
        with audit_context(PLATFORM_TENANT, "operator:test", "test-setup"):
            member = self.rt.ledger.add_member(tenant_id, "Resilience Admin", ["admin"])
            key: IssuedKey = self.rt.ledger.issue_member_key(tenant_id, member.member_id, "admin", True)
        return KycClient("http://testserver", key.key_id, key.secret.reveal(), http=self.http)

    def open_session(self, client: KycClient) -> str:
        """A sandbox session with its captures uploaded, not completed yet."""
        created = client.post("/v1/sessions", {"checks": CHECKS})
        assert created.status_code == 201, created.text
        sid = str(created.json()["id"])
        for kind in ("document_front", "selfie"):
            answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": jpeg_b64()})
            assert answer.status_code == 201, answer.text
        return sid

    def decided(self, client: KycClient, sid: str) -> bool:
        answer = client.get(f"/v1/sessions/{sid}")
        return answer.status_code == 200 and answer.json().get("decision") is not None

    def tip(self) -> int:
        return int(self.rt.ledger.recorder.max_notification_id() or 0)

    def positions(self) -> dict[str, Any]:
        """Every follower's saved position (read-model store rows and the decision worker's file)."""
        import psycopg

        assert self.rt.settings.db_url is not None
        with psycopg.connect(self.rt.settings.db_url) as conn:
            rows = dict(conn.execute("SELECT projection, notification_id FROM rm_tracking").fetchall())
        decision_file = self.root / "state" / "decision-worker.position"
        rows["decision_worker"] = int(decision_file.read_text() or 0) if decision_file.exists() else 0
        return rows
