"""``kycledger worker``: the log followers and the ML worker without the API (production).

Run it next to ``kycledger serve`` (stateless API replicas) against the same PostgreSQL and NATS.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Any

from api.logs import configure_logging
from ops.bootstrap import open_runtime
from ops.cli.common import add_location_args
from ops.stack import start_followers, start_ml, start_tracing


def register(sub: Any) -> None:
    worker = sub.add_parser("worker", help="run the ML worker and every log follower (no API)")
    add_location_args(worker)
    worker.add_argument("--nats", required=True, help="NATS URL with JetStream, e.g. nats://10.0.0.5:4222")
    worker.add_argument("--state-dir", default="worker-state", help="where follower positions are kept")
    worker.add_argument("--no-ml", action="store_true", help="followers only; run ML workers elsewhere")
    worker.set_defaults(func=run_worker)


class StopSignal:
    """SIGTERM or SIGINT, seen by the main thread within ``poll_s``.

    The kernel may deliver a process's signal to any of its threads; Python then runs the handler
    only when the main thread next executes bytecode. A main thread blocked in ``Event.wait()``
    never does (and a handler that sets an Event can deadlock on the Event's own lock), so the
    handler only records the signal and the main thread sleeps in short steps.
    """

    def __init__(self, poll_s: float = 0.2) -> None:
        self.received: int | None = None
        self._poll_s = poll_s
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._record)

    def _record(self, signum: int, _frame: Any) -> None:
        self.received = signum

    def wait(self) -> int:
        while self.received is None:
            time.sleep(self._poll_s)
        return self.received


def run_worker(args: argparse.Namespace) -> int:
    stop = StopSignal()
    configure_logging(os.environ.get("KYC_LOG_LEVEL", "INFO"))  # JSON lines on stderr, redacted (api.logs)
    rt = open_runtime(data_dir=args.data_dir, db_url=args.db)
    with contextlib.ExitStack() as stack:
        stack.callback(rt.close)
        start_tracing(stack)
        start_followers(rt, args.nats, Path(args.state_dir), stack, allow_private_webhooks=False)
        if not args.no_ml:
            start_ml(rt, args.nats, stack)
        print(f"kycledger worker running ({rt.backend}, {args.nats})", flush=True)
        stop.wait()
    return 0
