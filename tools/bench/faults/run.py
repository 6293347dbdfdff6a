"""Fault injection: kill -9 each part of a production-shaped kycledger under load, then check the ledger.

    .venv/bin/python -m tools.bench.faults [--short] [--phase-seconds S] [--down-seconds S] [--threads N]
                                         [--no-warm-models] [--workdir DIR] [--json]

A real PostgreSQL, a nats-server, two ``kycledger serve`` and two ``kycledger worker`` processes
(``FaultCluster``) take a mixed sandbox load (``LoadGenerator``). In turn, api-1, api-2, worker-1,
worker-2, PostgreSQL and NATS are killed with SIGKILL, left down, and started again; after each
restart the time until every follower (read models, NATS relay, webhook dispatcher, both decision
workers) has caught up with the ledger is measured. Then the load stops, the run drains (every
requested attempt decided, every follower at the tip) and ``checks`` reads what must hold. Prints
the figures and exits 1 when anything does not hold. ``--short`` is the form the test suite runs
(tests/e2e/faults, about two to three minutes on two cores).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from domain.audit import PLATFORM_TENANT, audit_context
from ops.bootstrap import open_runtime
from ops.settings import Settings
from tools.bench.faults.checks import (
    gather,
    ledger_verify,
    stranded,
    stream_problems,
    unacknowledged_in_ledger,
    undecided_instant,
)
from tools.bench.faults.cluster import API_NAMES, DEPENDENCY_NAMES, WORKER_NAMES, FaultCluster
from tools.bench.faults.load import Answer, LoadGenerator

ORDER = (*API_NAMES, *WORKER_NAMES, *DEPENDENCY_NAMES)
OUTAGE_ANSWER = "503 dependency_unavailable"  # the only 5xx a kill may cause (api.errors.outage_problem)
FOLLOWERS = ("read_models", "nats_relay", "webhook_dispatcher", *(f"decision_worker@{w}" for w in WORKER_NAMES))


@dataclass
class Profile:
    phase_s: float = 20.0  # load before each kill (and after the last restart)
    down_s: float = 3.0  # how long the killed part stays down
    threads: int = 6
    settle_s: float = 3.0  # after a restart, 5xx still count as the kill's
    catch_up_limit_s: float = 60.0  # followers must reach the ledger's tip within this after a restart
    drain_limit_s: float = 120.0  # after the load: every requested attempt decided within this
    tenants: int = 40  # sandbox calls count against a Free allowance of 100 workflows a month per tenant
    # The load is sandbox-only, so the real models are never used; off, a restarted serve or worker is
    # ready without loading them (KYC_WARM_MODELS=0), and the restarts measure the rest of its start.
    warm_models: bool = True


SHORT = Profile(phase_s=4.0, down_s=1.5, threads=3, catch_up_limit_s=60.0, drain_limit_s=90.0, tenants=12)


@dataclass
class Kill:
    target: str
    killed_at: float
    ready_at: float
    restart_s: float
    caught_up_s: float | None


def _wait(condition: Any, limit_s: float, pause: float = 0.25) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        try:
            if condition():
                return round(time.monotonic() - started, 2)
        except Exception:  # noqa: S110 - the database may be coming back: look again
            pass
        time.sleep(pause)
    return None


def _caught_up(cluster: FaultCluster, tip: int, names: tuple[str, ...]) -> bool:
    positions = cluster.positions()
    return all(positions.get(name, 0) >= tip for name in names)


def inject(cluster: FaultCluster, load: LoadGenerator, profile: Profile) -> list[Kill]:
    kills = []
    for target in ORDER:
        time.sleep(profile.phase_s)
        killed_at = time.monotonic()
        cluster.kill(target)
        time.sleep(profile.down_s)
        cluster.start(target)
        ready_at = time.monotonic()
        tip = cluster.tip()
        caught = _wait(lambda tip=tip: _caught_up(cluster, tip, FOLLOWERS), profile.catch_up_limit_s)
        kills.append(Kill(target, killed_at, ready_at, round(ready_at - killed_at - profile.down_s, 2), caught))
        print(f"  killed {target}: down {profile.down_s:.1f} s, ready {kills[-1].restart_s:.1f} s after restart, "
              f"followers caught up in {caught} s", flush=True)
    time.sleep(profile.phase_s)
    return kills


def _in_window(answer: Answer, kills: list[Kill], settle_s: float) -> bool:
    return any(answer.started <= k.ready_at + settle_s and answer.ended >= k.killed_at for k in kills)


def summarise(answers: list[Answer], kills: list[Kill], settle_s: float) -> dict[str, Any]:
    by_op: dict[str, Counter[str]] = {}
    for a in answers:
        counter = by_op.setdefault(a.op, Counter())
        counter["sent"] += 1
        counter["acknowledged"] += a.acknowledged
        counter["no_answer"] += a.status is None
        counter["5xx"] += a.status is not None and a.status >= 500
        counter["4xx"] += a.status is not None and 400 <= a.status < 500
        if a.op == "instant_verify" and a.status in (200, 202):
            counter[f"answered_{a.status}"] += 1
    server_errors = [a for a in answers if a.status is not None and a.status >= 500]
    outside = [a for a in server_errors if not _in_window(a, kills, settle_s)]
    return {"requests": {op: dict(c) for op, c in sorted(by_op.items())},
            "5xx_in_kill_windows": len(server_errors) - len(outside), "5xx_outside_kill_windows": len(outside),
            "5xx_outside_detail": [{"op": a.op, "status": a.status, "code": (a.body or {}).get("code")}
                                   for a in outside[:20]],
            "5xx_codes": dict(Counter(f"{a.status} {(a.body or {}).get('code')}" for a in server_errors)),
            "4xx_codes": dict(Counter(str((a.body or {}).get("code")) for a in answers
                                      if a.status is not None and 400 <= a.status < 500))}


def sandbox_keys(rt: Any, tenants: int) -> list[tuple[str, str]]:
    """One sandbox key per tenant: sandbox calls count against the Free plan's monthly allowance
    (``domain.usage``), so the load spreads over enough tenants never to meet a quota."""
    keys = []
    with audit_context(PLATFORM_TENANT, "operator:faults", "faults-setup"):
        for n in range(tenants):
            tenant = rt.ledger.create_tenant(f"Fault injection {n}", "enterprise")
            key = rt.ledger.create_api_key(tenant.tenant_id, "client", True)
            keys.append((key.key_id, key.secret.reveal()))
    return keys


def run(root: Path, profile: Profile) -> dict[str, Any]:
    cluster = FaultCluster(root, warm_models=profile.warm_models)
    started = time.monotonic()
    try:
        cluster.start_all()
        rt = open_runtime(db_url=cluster.db_url, settings=Settings.from_env(cluster.env))
        keys = sandbox_keys(rt, profile.tenants)
        print(f"cluster ready in {time.monotonic() - started:.1f} s: {cluster.describe()}", flush=True)
        load = LoadGenerator(cluster.api_urls(), keys, profile.threads).start()
        try:
            kills = inject(cluster, load, profile)
        finally:
            load.stop()
        answers = load.snapshot()
        tip = cluster.tip()
        drained = _wait(lambda: not stranded(rt, gather(rt)) and _caught_up(
            cluster, tip, (*FOLLOWERS, "work_recovery")), profile.drain_limit_s, pause=1.0)
        facts = gather(rt)
        report = {
            "profile": asdict(profile), "seconds": round(time.monotonic() - started, 1),
            **summarise(answers, kills, profile.settle_s),
            "kills": [{"target": k.target, "restart_to_ready_s": k.restart_s, "followers_caught_up_s": k.caught_up_s}
                      for k in kills],
            "drained_after_load_s": drained,
            "ledger": {"sessions": len(facts.sessions), "attempts_requested": len(facts.requested),
                       "decisions": sum(facts.decisions.values()),
                       "duplicate_decisions": sum(1 for n in facts.decisions.values() if n > 1),
                       "duplicate_check_results": sum(1 for n in facts.results.values() if n > 1)},
            "acknowledged_but_missing": unacknowledged_in_ledger(answers, facts)[:20],
            "stranded_sessions": stranded(rt, facts)[:20],
            "undecided_instant_verifications": undecided_instant(answers, facts)[:20],
            "nats": stream_problems(cluster.nats.url, facts),
            "ledger_verify": ledger_verify(cluster.env, cluster.db_url),
        }
        report["failures"] = failures(report, profile)
        rt.close()
        return report
    finally:
        cluster.stop_all()


def failures(report: dict[str, Any], profile: Profile) -> list[str]:
    """What did not hold (empty: the run passed)."""
    found = []
    if report["5xx_outside_kill_windows"]:
        found.append(f"{report['5xx_outside_kill_windows']} 5xx outside the kill windows")
    not_outages = {code: n for code, n in report["5xx_codes"].items() if code != OUTAGE_ANSWER}
    if not_outages:
        found.append(f"5xx other than {OUTAGE_ANSWER} (an outage answers 503, never 500): {not_outages}")
    for key in ("acknowledged_but_missing", "stranded_sessions", "undecided_instant_verifications"):
        if report[key]:
            found.append(f"{key}: {report[key][:3]}")
    if report["ledger"]["duplicate_decisions"] or report["ledger"]["duplicate_check_results"]:
        found.append(f"recorded twice: {report['ledger']}")
    for stream, figures in report["nats"].items():
        if any(figures[k] for k in ("duplicates", "missing", "out_of_order", "unexpected")):
            found.append(f"NATS {stream}: {figures}")
    late = [k["target"] for k in report["kills"] if k["followers_caught_up_s"] is None]
    if late:
        found.append(f"followers not caught up within {profile.catch_up_limit_s:.0f} s after: {late}")
    if report["drained_after_load_s"] is None:
        found.append(f"not drained within {profile.drain_limit_s:.0f} s after the load")
    if not report["ledger_verify"].get("ok") or report["ledger_verify"]["exit_code"] != 0:
        found.append(f"ledger verify: {report['ledger_verify']}")
    if not any(r.get("acknowledged") for r in report["requests"].values()):
        found.append("no request was acknowledged: the load did not run")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.faults", description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the test suite's form (about 2-3 minutes)")
    parser.add_argument("--phase-seconds", type=float)
    parser.add_argument("--down-seconds", type=float)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--no-warm-models", action="store_true",
                        help="start serve and worker with KYC_WARM_MODELS=0 (the load never uses the real models)")
    parser.add_argument("--workdir", type=Path, help="keep everything here (default: a temporary folder, removed)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON only")
    args = parser.parse_args(argv)
    base = SHORT if args.short else Profile()
    profile = Profile(**{**asdict(base), **{k: v for k, v in (("phase_s", args.phase_seconds),
                                                              ("down_s", args.down_seconds),
                                                              ("threads", args.threads)) if v is not None}})
    if args.no_warm_models:
        profile.warm_models = False
    root = args.workdir or Path(tempfile.mkdtemp(prefix="kyc-faults-"))
    try:
        report = run(root, profile)
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(report, indent=None if args.json else 2, default=str))
    if report["failures"]:
        print("FAILED: " + "; ".join(report["failures"]), file=sys.stderr)
        return 1
    print("ok: no acknowledged write lost, no stranded session, nothing recorded twice, NATS once each in "
          "ledger order, followers caught up after every restart, ledger verified", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
