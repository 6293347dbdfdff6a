"""``kycledger dev``: the whole embedded stack in the foreground.

SQLite ledger, a local nats-server with JetStream, the HTTP API, the ML worker on the JetStream
work queue, and the log followers: checkpoint signer, decision worker, read models, NATS relay and
account sync, webhook dispatcher and retention sweeper. The nats-server runs kycledger's accounts
(``adapters/nats/ACCOUNTS.md``), as in production: anonymous clients are refused, every component
connects as its own user, and tenants connect with ``kycledger nats credentials``.

Prints ``kycledger ready: http://127.0.0.1:PORT nats://127.0.0.1:NPORT`` once it serves; SIGTERM
or Ctrl-C stops everything it started, in reverse order.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from api.logs import configure_logging
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.local_services import LocalNats, accounts_nats, free_port
from ops.nats_access import nats_authority
from ops.product_wiring import product_services
from ops.readiness import readiness_probe
from ops.runners.nats_account_sync import LedgerRevocations
from ops.settings import DEFAULT_DATA_DIR
from ops.stack import start_followers, start_ml, start_tracing


def register(sub: Any) -> None:
    dev = sub.add_parser("dev", help="run the embedded stack in the foreground")
    dev.add_argument("--data-dir", default=None, help=f"where everything is kept (default {DEFAULT_DATA_DIR})")
    dev.add_argument("--port", type=int, default=None, help="HTTP port on 127.0.0.1 (default: a free one)")
    dev.add_argument("--nats-port", type=int, default=None)
    dev.add_argument("--json", action="store_true",
                     help='the ready line as JSON: {"ready": true, "api": URL, "nats": URL, "data_dir": DIR}')
    dev.set_defaults(func=run_dev)


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def run_dev(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else DEFAULT_DATA_DIR
    port = args.port or free_port()
    if not _port_is_free(port):
        print(f"error: port {port} on 127.0.0.1 is in use", file=sys.stderr)
        return 2
    configure_logging(os.environ.get("KYC_LOG_LEVEL", "INFO"))  # JSON lines on stderr, redacted (api.logs)
    rt = open_runtime(data_dir=data_dir)
    local_nats = _local_nats(rt, data_dir / "nats", args.nats_port or 0)
    with contextlib.ExitStack() as stack:
        stack.callback(rt.close)
        start_tracing(stack)
        local_nats.start()
        stack.callback(local_nats.stop)
        # Local development may deliver webhooks to 127.0.0.1; production never does.
        start_followers(rt, local_nats.url, data_dir, stack, allow_private_webhooks=True)
        pipeline = start_ml(rt, local_nats.url, stack)
        app = build_api(rt, readiness=readiness_probe(rt, local_nats.url),
                        services=product_services(rt, pipeline, local_nats.url,
                                                               allow_private_webhooks=True))
        # uvicorn's own plain-text access log is off: the API logs each request itself, as JSON.
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               log_config=None, access_log=False, lifespan="on"))
        threading.Thread(target=_announce, args=(server, port, local_nats.url, data_dir if args.json else None),
                         daemon=True).start()
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler
        # it found; make that handler unwind this stack so NATS and the rest stop too.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        with contextlib.suppress(SystemExit, KeyboardInterrupt):
            server.run()
    return 0


def _local_nats(rt: Any, nats_dir: Path, port: int) -> LocalNats:
    """The dev nats-server, configured with kycledger's operator and the revocations due now."""
    revoked = LedgerRevocations(rt.ledger).now(rt.ledger.clock())
    return accounts_nats(nats_dir, nats_authority(rt), port, revoked)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _announce(server: uvicorn.Server, port: int, nats_url: str, json_for: Path | None) -> None:
    """The ready line; as JSON when ``json_for`` (the data folder) is given (``dev --json``)."""
    while not server.started and not server.should_exit:
        time.sleep(0.02)
    if server.started and json_for is not None:
        print(json.dumps({"ready": True, "api": f"http://127.0.0.1:{port}", "nats": nats_url,
                          "data_dir": str(json_for)}), flush=True)
    elif server.started:
        print(f"kycledger ready: http://127.0.0.1:{port} {nats_url}", flush=True)
