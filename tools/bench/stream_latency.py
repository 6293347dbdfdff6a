"""Benchmark: end-to-end latency from a decision's commit to a NATS subscriber (p50/p99).

    .venv/bin/python -m tools.bench.stream_latency [--decisions 200] [--poll-ms 20]

Embedded stack: a SQLite ledger in a temporary folder, a local nats-server with JetStream, the
relay of ``ops.runners.relays.start_relays``, run twice on the same stack: polling the log every
``--poll-ms`` (the baseline, as before commit signals), then woken by the ledger's commits with
the same poll as its upper bound. For each session the clock starts when ``save`` of the
DecisionMade event returns (committed) and stops when a subscriber on ``kyc.<tenant>.decisions``
receives it. Decisions are spaced out so each is measured on its own (docs/targets.md §5).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import nats
from nats.aio.msg import Msg

from adapters.nats.connection import flush_subscriptions
from domain.audit import audit_context
from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.sessions import SessionConfiguration
from ops.bootstrap import open_runtime
from ops.local_services import LocalNats
from ops.runners.relays import start_relays
from ops.settings import Settings
from policies.document import DEFAULT_POLICY
from policies.process import plan_decision

TENANT = "ten_bench"
MODEL = ModelProvenance("bench", "1", "0" * 64)


class Receiver:
    """A subscriber on its own event loop thread, stamping each decision on arrival."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.arrivals: dict[str, float] = {}
        self.ready = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        nc = await nats.connect(self.url)

        async def on_message(msg: Msg) -> None:
            self.arrivals[json.loads(msg.data)["session_id"]] = time.perf_counter()

        await nc.subscribe(f"kyc.{TENANT}.decisions", cb=on_message)
        await flush_subscriptions(nc)  # the subscription is in effect before the run starts
        self.ready.set()
        while not self.done.is_set():
            await asyncio.sleep(0.01)
        await nc.close()


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


SCORES = {CheckType.FACE_MATCH: {"similarity": 0.9}, CheckType.LIVENESS: {"confidence": 0.9}}


def decide_sessions(rt: Any, receiver: Receiver, count: int) -> dict[str, float]:
    """``count`` decided sessions one after the other; the commit time of each decision."""
    commits: dict[str, float] = {}
    with audit_context(TENANT, "bench", "bench"):
        config = SessionConfiguration.build(checks=["ocr", "face_match", "liveness"]).with_document_validation()
        for _ in range(count):
            sid = rt.ledger.create_session(TENANT, config)
            for check in config.checks:
                result = CheckResult(check, Outcome.PASS, SCORES.get(check, {}), models=(MODEL,))
                rt.ledger.record_check_result(TENANT, sid, 1, result)
            plan = plan_decision(rt.ledger.session_events(TENANT, sid), 1, DEFAULT_POLICY)
            rt.ledger.record_decision(TENANT, sid, 1, plan.policy_hash, plan.inputs, plan.outcome_record)
            commits[str(sid)] = time.perf_counter()
            deadline = time.monotonic() + 5
            while str(sid) not in receiver.arrivals and time.monotonic() < deadline:
                time.sleep(0.001)
    return commits


def summary(label: str, commits: dict[str, float], arrivals: dict[str, float]) -> str:
    latencies = sorted((arrivals[s] - t) * 1000 for s, t in commits.items() if s in arrivals)
    return (f"| {label} | {len(commits)} | {len(latencies)} | {percentile(latencies, 50):.2f} | "
            f"{percentile(latencies, 99):.2f} | {latencies[-1]:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--poll-ms", type=float, default=20.0)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({"KYC_KEK": base64.b64encode(os.urandom(32)).decode()})
        rt = open_runtime(data_dir=Path(tmp) / "data", settings=settings)
        server = LocalNats(Path(tmp) / "nats").start()
        receiver = Receiver(server.url)
        receiver.thread.start()
        receiver.ready.wait(10)
        try:
            with audit_context(TENANT, "bench", "bench"):
                rt.ledger.activate_policy(TENANT, DEFAULT_POLICY.to_dict(), DEFAULT_POLICY.policy_hash)
            for label, wake in ((f"polling every {args.poll_ms:g} ms (before)", False), ("commit signal", True)):
                relay = start_relays(rt, server.url, poll_seconds=args.poll_ms / 1000, wake_on_commit=wake)
                try:
                    rows.append(summary(label, decide_sessions(rt, receiver, args.decisions), receiver.arrivals))
                finally:
                    relay.stop()
        finally:
            receiver.done.set()
            receiver.thread.join(10)
            server.stop()
            rt.close()
    print("| relay | decisions | received | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
