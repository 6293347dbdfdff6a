"""Handing recorded work to the ML workers: the ledger is the outbox (docs/architecture.md §1).

Once a route has committed ``CheckRequested``, the work exists whatever happens next: publishing the
job on the JetStream work queue is only the fast path. When NATS is slow or down (or the process has
no queue) the route still answers, and the work-recovery follower of ``kycledger worker``/``dev``
queues the job from the ledger after the grace period (README "What is guaranteed").

The instant API runs the pipeline inline; ``run_or_accept`` keeps its synchronous answer when the
run finishes in time and otherwise answers 202 with the session to poll, never a stranded session.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Response

from api.controllers.product import in_thread, product
from api.errors import status_for
from api.params import Deps
from domain.errors import DomainError

log = logging.getLogger("kycledger.api.work")

PUBLISH_TIMEOUT_S = 2.0
QUEUED = "queued"  # on the work queue now
ACCEPTED = "accepted"  # recorded in the ledger; the work-recovery follower queues it
PROCESSING = "processing"  # the instant call's own run is still going (or will be retried)


async def offer_job(deps: Deps, tenant_id: str, session_id: UUID, attempt: int, sandbox: bool) -> str:
    """Publish the job if NATS takes it within ``PUBLISH_TIMEOUT_S``; ``QUEUED`` or ``ACCEPTED``."""
    queue = product(deps).queue
    if queue is None:
        return ACCEPTED
    try:
        await asyncio.wait_for(queue.enqueue(tenant_id, session_id, attempt, sandbox), PUBLISH_TIMEOUT_S)
    except Exception as error:
        if isinstance(error, TimeoutError) or deps.unavailable_dependency(error) is not None:
            log.warning("ML job %s:%s not published (%s); the work-recovery follower queues it", session_id,
                        attempt, type(error).__name__)
        else:  # not an outage: worth a look, but the committed work is still queued by the follower
            log.exception("ML job %s:%s not published", session_id, attempt)
        return ACCEPTED
    return QUEUED


def _log_late_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("instant run ended in %s after its answer; the follower retries the session",
                    type(task.exception()).__name__)


async def run_or_accept(deps: Deps, tenant_id: str, session_id: UUID, sandbox: bool, timeout_s: float,
                        run: Callable[[], dict[str, Any]], extra: dict[str, Any],
                        started: float) -> Response[dict[str, Any]]:
    """200 with ``run()``'s view when it finishes within ``timeout_s``, else 202 "accepted, processing".

    A run still going at the deadline keeps going (its thread cannot be stopped; recording is exactly
    once, so it and a later retry never both record); a run that failed (model or database hiccup)
    is offered to the work queue at once. Client errors (4xx domain errors) are answered as usual.
    """
    task = asyncio.ensure_future(in_thread(run))
    try:
        view = await asyncio.wait_for(asyncio.shield(task), timeout_s)
    except TimeoutError:
        task.add_done_callback(_log_late_failure)
        log.warning("instant run of %s still going after %.0f s: answered 202", session_id, timeout_s)
        job_status = PROCESSING
    except DomainError as error:
        if status_for(error) < 500:
            raise
        log.warning("instant run of %s failed (%s): answered 202", session_id, error.code)
        job_status = await offer_job(deps, tenant_id, session_id, 1, sandbox)
    except Exception as error:
        if deps.unavailable_dependency(error) is None:
            log.exception("instant run of %s failed: answered 202, the session is retried", session_id)
        else:
            log.warning("instant run of %s failed (%s): answered 202", session_id, type(error).__name__)
        job_status = await offer_job(deps, tenant_id, session_id, 1, sandbox)
    else:
        return Response({**view, "processing_ms": _ms_since(started), **extra}, status_code=200)
    poll = f"/v1/sessions/{session_id}"
    body = {"id": str(session_id), "status": "pending", "job_id": str(session_id), "job_status": job_status,
            "poll_url": poll, "processing_ms": _ms_since(started), **extra}
    return Response(body, status_code=202, headers={"Location": poll})


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
