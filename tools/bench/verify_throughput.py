"""Benchmark: instant verifications per second, serial and concurrent, and CPU-seconds per verification.

    .venv/bin/python -m tools.bench.verify_throughput [--inputs webcam,passive,passing,photos] [--serial 10]
        [--concurrent 4] [--runs 24] [--warmup 2] [--rounds 1] [--baseline-tree PATH] [--data ../shared/data]
        [--env NAME=VALUE ...] [--baseline-env NAME=VALUE ...]

docs/targets.md §5: the signed ``POST /v1/identity/verify`` against the real app served by uvicorn on
127.0.0.1 (``tools/bench/throughput_server.py``, one process per tree: the in-process test client would
serialise the requests), with each input set of ``tools.bench.bench_inputs`` named in ``--inputs``
(default ``webcam,passive``: a browser capture's webcam frames answering a challenge, and the passive
document + selfie scenario; ``passing`` is that scenario with every check passing, ``photos`` the first
round's set of 3.3-megapixel photos). Each
verification's challenge (active sets) is issued before its phase starts, so a phase times and bills
only the verifications:

- serial: one client, ``--serial`` verifications one after the other;
- concurrent: ``--concurrent`` clients sharing ``--runs`` verifications.

For each it prints verifications per second (completed / wall time of the phase), p50 and p95 of
the answers' latency, and the server process's CPU-seconds (user + system, all its threads) per
verification. With ``--baseline-tree`` (a checkout of an older commit, e.g. a ``git worktree``) the
same client runs against a server built from that tree, both servers up at once and the phases
alternating baseline/current (in ``--rounds`` chunks each), so both see the same machine load; the
ratios are printed after the tables, with the load average. ``--env``/``--baseline-env`` set environment
variables for one server only: the same tree given as both, with another setting (e.g.
``KYC_OPENCV_THREADS``), compares the setting. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from api.client import KycClient
from tools.bench.bench_inputs import INPUT_SETS, InputSet, load_inputs
from tools.bench.verify_api import DEFAULT_DATA, percentile

HERE = Path(__file__).resolve()
CURRENT_TREE = HERE.parents[2]
SERVER_SCRIPT = HERE.with_name("throughput_server.py")


@dataclass
class Server:
    """A running ``throughput_server.py``: its tree, process and signed client."""

    label: str
    process: subprocess.Popen[str]
    url: str
    key_id: str
    secret: str
    passive_accepted: tuple[str, str]  # key id and secret of the tenant whose policy accepts a passive pass
    issued: int = 0

    def client(self, inputs: InputSet | None = None) -> KycClient:
        """A client of the tenant ``inputs`` runs as (the default policy's, unless it needs the other)."""
        key_id, secret = self.passive_accepted if inputs and inputs.passive_accepted else (self.key_id, self.secret)
        return KycClient(self.url, key_id, secret, http=httpx.Client(base_url=self.url, timeout=120))

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)


@dataclass
class Phase:
    """One phase's figures on one server."""

    latencies: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_per_verification(self) -> float:
        return self.cpu_s / self.count if self.count else 0.0


@contextmanager
def served(label: str, tree: Path, data_dir: Path, watchlists: Path,
           extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start the app of ``tree`` on a free port, screening against ``watchlists`` (unless
    ``KYC_WATCHLIST_DIR`` is set), with ``extra_env`` set; stop it (SIGTERM, then kill) at the end."""
    log = (data_dir / "server.log").open("w")
    command = [sys.executable, str(SERVER_SCRIPT), "--tree", str(tree), "--data-dir", str(data_dir)]
    env = {"KYC_WATCHLIST_DIR": str(watchlists), **os.environ, **(extra_env or {})}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,  # noqa: S603 - our script
                               cwd=str(tree), env=env)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("{"):
                ready = json.loads(line)
                break
        else:
            raise SystemExit(f"{label} server exited ({process.wait()}): see {data_dir / 'server.log'}\n"
                             + (data_dir / "server.log").read_text()[-2000:])
        opted_in = ready["passive_accepted"]
        yield Server(label, process, ready["url"], ready["key_id"], ready["secret"],
                     (opted_in["key_id"], opted_in["secret"]))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def bodies_for(server: Server, client: KycClient, inputs: InputSet, count: int) -> list[dict[str, Any]]:
    """``count`` request bodies, one per new person reference (a person has one open challenge); for an
    active set, each with its challenge issued now."""
    bodies = []
    for _ in range(count):
        server.issued += 1
        reference, issued = f"bench-{server.issued}", None
        if inputs.active:
            answer = client.post("/v1/liveness/challenges", {"checks": inputs.checks, "reference": reference})
            if answer.status_code != 201:
                raise SystemExit(f"{server.label}: challenge failed: {answer.status_code} {answer.text[:300]}")
            issued = answer.json()
        bodies.append(inputs.body(issued, reference))
    return bodies


def verify(client: KycClient, body: dict[str, Any], label: str) -> tuple[float, str]:
    started = time.perf_counter()
    answer = client.post("/v1/identity/verify", body)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"{label}: verify failed: {answer.status_code} {answer.text[:300]}")
    decision = answer.json()["decision"]
    return elapsed, decision["decision"] if decision else "none"


def run_phase(server: Server, inputs: InputSet, runs: int, clients: int) -> Phase:
    """``runs`` verifications by ``clients`` concurrent clients; the server's CPU over the phase."""
    setup = server.client(inputs)
    bodies: queue.Queue[dict[str, Any]] = queue.Queue()
    for prepared in bodies_for(server, setup, inputs, runs):
        bodies.put(prepared)
    setup.close()
    phase = Phase()
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker() -> None:
        client = server.client(inputs)
        try:
            while True:
                try:
                    body = bodies.get_nowait()
                except queue.Empty:
                    return
                elapsed, label = verify(client, body, server.label)
                with lock:
                    phase.latencies.append(elapsed)
                    phase.decisions[label] = phase.decisions.get(label, 0) + 1
        except BaseException as exc:  # reported after the phase: a failed run is no figure
            failures.append(exc)
        finally:
            client.close()

    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.wall_s, phase.cpu_s = time.perf_counter() - started, server.cpu_seconds() - cpu_before
    if failures:
        raise SystemExit(f"{server.label}: {failures[0]}")
    return phase


def split(runs: int, rounds: int) -> list[int]:
    """``runs`` in ``rounds`` near-equal chunks (none empty)."""
    rounds = max(1, min(rounds, runs))
    return [runs // rounds + (1 if i < runs % rounds else 0) for i in range(rounds)]


def merge(into: Phase, chunk: Phase) -> None:
    """Add a chunk's figures to its phase: latencies, wall time, CPU and decisions."""
    into.latencies += chunk.latencies
    into.wall_s += chunk.wall_s
    into.cpu_s += chunk.cpu_s
    for label, count in chunk.decisions.items():
        into.decisions[label] = into.decisions.get(label, 0) + count


def row(key: tuple[str, str, str], phase: Phase) -> str:
    return (f"| {' | '.join(key)} | {phase.count} | {phase.per_second:.2f} | "
            f"{statistics.median(phase.latencies):.3f} | {percentile(phase.latencies, 95):.3f} | "
            f"{phase.cpu_per_verification:.3f} | {phase.decisions} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools.bench.verify_throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", default="webcam,passive",
                        help=f"comma-separated input sets, each run in turn: {', '.join(INPUT_SETS)}")
    parser.add_argument("--serial", type=int, default=10, help="verifications in the serial phase")
    parser.add_argument("--concurrent", type=int, default=4, help="clients in the concurrent phase")
    parser.add_argument("--runs", type=int, default=24, help="verifications in the concurrent phase")
    parser.add_argument("--warmup", type=int, default=2, help="untimed verifications per server and input set first")
    parser.add_argument("--rounds", type=int, default=1,
                        help="split each phase in this many chunks, alternating the servers (a load that drifts "
                             "during the run then weighs on both alike)")
    parser.add_argument("--baseline-tree", type=Path, default=None,
                        help="an older checkout served beside this one (its own app, models and pipeline)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set for the current tree's server (e.g. KYC_OPENCV_THREADS=1); repeatable")
    parser.add_argument("--baseline-env", action="append", default=[], metavar="NAME=VALUE",
                        help="set for the baseline server; repeatable")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    envs = {"baseline": dict(e.split("=", 1) for e in args.baseline_env),
            "current": dict(e.split("=", 1) for e in args.env)}
    input_sets = load_inputs([n.strip() for n in args.inputs.split(",") if n.strip()], args.data)
    trees = ([("baseline", args.baseline_tree.resolve())] if args.baseline_tree else []) + [("current", CURRENT_TREE)]
    load_before = os.getloadavg()
    results: dict[tuple[str, str, str], Phase] = {}
    with ExitStack() as stack:
        servers = [stack.enter_context(served(label, tree, Path(stack.enter_context(tempfile.TemporaryDirectory())),
                                              args.data / "sanctions", envs[label]))
                   for label, tree in trees]
        for inputs in input_sets:
            for server in servers:
                run_phase(server, inputs, args.warmup, 1)
            for mode, runs, clients in (("serial", args.serial, 1), (f"{args.concurrent} concurrent", args.runs,
                                                                       args.concurrent)):
                for chunk in split(runs, args.rounds):
                    for server in servers:
                        merge(results.setdefault((inputs.name, server.label, mode), Phase()),
                              run_phase(server, inputs, chunk, clients))
    load_after = os.getloadavg()
    print("POST /v1/identity/verify over HTTP (uvicorn, 127.0.0.1); input sets: tools/bench/bench_inputs.py")
    for label, tree in trees:
        print(f"  {label}: {tree}" + "".join(f" {k}={v}" for k, v in envs[label].items()))
    print("| inputs | tree | phase | verifications | per s | p50 s | p95 s | server CPU s / verification | decisions |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for key, phase in results.items():
        print(row(key, phase))
    if args.baseline_tree:
        for name, mode in dict.fromkeys((n, m) for n, _, m in results):
            base, now = results[(name, "baseline", mode)], results[(name, "current", mode)]
            print(f"{name}, {mode}: per s x{now.per_second / base.per_second:.2f}, p95 x"
                  f"{percentile(now.latencies, 95) / percentile(base.latencies, 95):.2f}, CPU per verification x"
                  f"{now.cpu_per_verification / base.cpu_per_verification:.2f}")
    print(f"load average (1, 5, 15 min) before {tuple(round(v, 2) for v in load_before)}, "
          f"after {tuple(round(v, 2) for v in load_after)}; {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
