"""The production shape on one machine, with a kill switch on every part.

A ``RestartablePostgres``, a ``nats-server`` with JetStream, two ``kycledger serve`` processes and two
``kycledger worker`` processes, all started by us (we end only the processes we started, by pid).
``kill(name)`` is ``kill -9``; ``start(name)`` brings the part back on the same port, data
directory and state directory, and returns once it is ready.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import psycopg

from adapters.integrity.ed25519_keys import generate_private_key_file
from ops.local_services import LocalNats, RestartablePostgres, create_database, free_port

REPO = Path(__file__).resolve().parents[3]
API_NAMES = ("api-1", "api-2")
WORKER_NAMES = ("worker-1", "worker-2")
DEPENDENCY_NAMES = ("postgres", "nats")


@dataclass
class Child:
    """One ``kycledger`` process of ours: its command, its log file and, while it runs, its Popen."""

    name: str
    command: list[str]
    log_path: Path
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None
    _log_offset: int = 0  # where this run's output starts in the log file

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class FaultCluster:
    """Everything under ``root``; ``env`` is what every child process and our own runtime read."""

    root: Path
    grace_s: float = 5.0
    instant_timeout_s: float = 2.0
    db_timeout_s: int = 3
    warm_models: bool = True  # False: KYC_WARM_MODELS=0, for a sandbox-only load (README "Configuration")
    pg: RestartablePostgres = field(init=False)
    nats: LocalNats = field(init=False)
    db_url: str = field(init=False, default="")
    env: dict[str, str] = field(init=False, default_factory=dict)
    children: dict[str, Child] = field(init=False, default_factory=dict)

    def start_all(self) -> FaultCluster:
        self.root.mkdir(parents=True, exist_ok=True)
        self.pg = RestartablePostgres(self.root / "pg").start()
        self.db_url = create_database(self.pg.dsn)
        self.nats = LocalNats(self.root / "nats").start()
        key_file = self.root / "checkpoint-ed25519.pem"
        generate_private_key_file(key_file)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KYC_")},
            "PYTHONPATH": str(REPO), "KYC_DB_URL": self.db_url, "KYC_DATA_DIR": str(self.root / "data"),
            "KYC_KEK": base64.b64encode(os.urandom(32)).decode(), "KYC_CHECKPOINT_KEY_FILE": str(key_file),
            "KYC_CHECKPOINT_SINK_DIR": str(self.root / "sink"), "KYC_CHECKPOINT_INTERVAL_S": "2",
            "KYC_NATS_URL": self.nats.url, "KYC_OUTBOX_GRACE_S": str(self.grace_s),
            "KYC_INSTANT_TIMEOUT_S": str(self.instant_timeout_s), "KYC_DB_TIMEOUT_S": str(self.db_timeout_s),
            "KYC_RATE_LIMIT_PER_MINUTE": "1000000", "KYC_RATE_LIMIT_PER_DAY": "100000000",
            "KYC_LOG_LEVEL": "WARNING", "KYC_WARM_MODELS": "1" if self.warm_models else "0",
        }
        (self.root / "logs").mkdir(exist_ok=True)
        for name in API_NAMES:
            port = free_port()
            self.children[name] = Child(name, [sys.executable, "-m", "ops.cli", "serve", "--db", self.db_url,
                                               "--port", str(port), "--nats", self.nats.url],
                                        self.root / "logs" / f"{name}.log", port)
        for name in WORKER_NAMES:
            self.children[name] = Child(name, [sys.executable, "-m", "ops.cli", "worker", "--db", self.db_url,
                                               "--nats", self.nats.url, "--state-dir", str(self.root / name)],
                                        self.root / "logs" / f"{name}.log")
        for name in (*API_NAMES, *WORKER_NAMES):
            self.start(name)
        return self

    # ------------------------------------------------------------------ one part at a time
    def kill(self, name: str) -> None:
        """``kill -9`` the part: no shutdown hook runs, connections drop mid-request."""
        if name == "postgres":
            self.pg.crash()
        elif name == "nats":
            assert self.nats.process is not None
            self.nats.process.send_signal(signal.SIGKILL)
            self.nats.process.wait()
            self.nats.process = None
        else:
            child = self.children[name]
            assert child.process is not None
            child.process.send_signal(signal.SIGKILL)
            child.process.wait()
            child.process = None

    def start(self, name: str, timeout: float = 120.0) -> None:
        """Start the part again in place and wait until it is ready."""
        if name == "postgres":
            self.pg.start()
        elif name == "nats":
            self.nats.start()  # same port and JetStream store
        else:
            child = self.children[name]
            if child._log is not None:
                child._log.close()
            child._log = open(child.log_path, "ab")  # noqa: SIM115 - kept open while the child runs
            child._log_offset = child.log_path.stat().st_size
            child.process = subprocess.Popen(child.command, cwd=REPO, env=self.env, stdout=child._log,  # noqa: S603
                                             stderr=subprocess.STDOUT)
            self._wait_ready(child, timeout)

    def _wait_ready(self, child: Child, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert child.process is not None
            if child.process.poll() is not None:
                raise RuntimeError(f"{child.name} exited with {child.process.returncode}; see {child.log_path}")
            if child.port is not None:
                try:
                    if httpx.get(f"{child.url}/readyz", timeout=3).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
            elif b"kycledger worker running" in child.log_path.read_bytes()[child._log_offset:]:
                return
            time.sleep(0.2)
        raise TimeoutError(f"{child.name} not ready after {timeout:.0f} s; see {child.log_path}")

    def api_urls(self) -> list[str]:
        return [self.children[name].url for name in API_NAMES]

    # ------------------------------------------------------------------ followers
    def positions(self) -> dict[str, int]:
        """Every follower's saved position: the shared rows of the read-model store and each worker's
        decision-worker file (one per worker: both follow the whole log)."""
        positions: dict[str, int] = {}
        with psycopg.connect(self.db_url, connect_timeout=3) as conn:
            for name, value in conn.execute("SELECT projection, notification_id FROM rm_tracking").fetchall():
                positions[str(name)] = int(value)
        for worker in WORKER_NAMES:
            path = self.root / worker / "decision-worker.position"
            text = path.read_text().strip() if path.exists() else ""
            positions[f"decision_worker@{worker}"] = int(text or 0)
        return positions

    def tip(self) -> int:
        with psycopg.connect(self.db_url, connect_timeout=3) as conn:
            row = conn.execute("SELECT max(notification_id) FROM kycledger_events").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def stop_all(self) -> None:
        """Stop every child we started (SIGTERM, then SIGKILL), then NATS and PostgreSQL."""
        for child in self.children.values():
            if child.process is not None and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
                try:
                    child.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.process.kill()
                    child.process.wait()
            if child._log is not None:
                child._log.close()
        self.nats.stop()
        self.pg.stop()

    def describe(self) -> dict[str, Any]:
        return {"root": str(self.root), "db": self.db_url, "nats": self.nats.url,
                "apis": self.api_urls(), "grace_s": self.grace_s}
