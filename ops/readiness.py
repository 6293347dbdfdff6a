"""``/readyz``: each dependency of this process checked on its own, within a bounded time.

The ledger's database (``postgresql`` or ``sqlite``) through the same pool the routes use, and NATS
JetStream when the process queues work on it. A check that has not answered within the deadline
counts as down, so a load balancer's probe gets its answer in about ``DEADLINE_S`` even while a
dependency hangs, and stops routing to a replica that cannot work (docs/architecture.md §1).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from adapters.nats.accounts import InternalRole
from adapters.nats.connection import jetstream_ready
from adapters.nats.endpoint import NatsTarget
from adapters.nats.work_queue import STREAM as WORK_QUEUE_STREAM
from ops.bootstrap import LedgerRuntime
from ops.nats_access import component_endpoint

log = logging.getLogger("kycledger.readiness")

DEADLINE_S = 2.0
_EXECUTOR = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kycledger-readiness")

Check = Callable[[], bool]


def database_name(rt: LedgerRuntime) -> str:
    return "postgresql" if rt.backend == "postgres" else rt.backend


def database_check(rt: LedgerRuntime) -> Check:
    def check() -> bool:
        rt.chain.chain_size()  # one cheap indexed read through the ledger's own pool
        return True

    return check


def nats_check(target: NatsTarget, timeout_s: float = DEADLINE_S) -> Check:
    """NATS as the API's own user sees it: connected, and the work queue's stream answering."""
    return lambda: asyncio.run(jetstream_ready(target, WORK_QUEUE_STREAM, timeout_s))


def run_checks(checks: dict[str, Check], deadline_s: float = DEADLINE_S) -> dict[str, bool]:
    """Every check at once; a failed, raising or unfinished check is False."""
    futures = {name: _EXECUTOR.submit(check) for name, check in checks.items()}
    wait(futures.values(), timeout=deadline_s)
    results: dict[str, bool] = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = False
            continue
        error = future.exception()
        if error is not None:
            log.warning("readiness: %s is not ready (%s)", name, type(error).__name__)
        results[name] = error is None and bool(future.result())
    return results


def readiness_probe(rt: LedgerRuntime, nats_url: NatsTarget | None,
                    models_warm: Check | None = None) -> Callable[[], dict[str, bool]]:
    """The ``ReadinessProbe`` of an API process: its database, NATS when it has a work queue, and
    ``models`` (false while they are warming: ``ops.warmup``) when it runs verifications itself."""
    checks: dict[str, Check] = {database_name(rt): database_check(rt)}
    if nats_url:
        checks["nats"] = nats_check(component_endpoint(rt, nats_url, InternalRole.API))
    if models_warm is not None:
        checks["models"] = models_warm
    return lambda: run_checks(checks)
