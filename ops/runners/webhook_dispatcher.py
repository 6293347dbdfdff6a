"""The webhook dispatcher's loop: schedules and delivers (``services.webhooks.dispatcher``) in a thread.

For ``kycledger dev``: ``handle = start_webhook_dispatcher(runtime, allow_private=False)``;
``handle.stop()``. Tests and local development pass ``allow_private=True`` to reach 127.0.0.1.
"""

from __future__ import annotations

from adapters.webhooks.http_sender import PinnedHttpSender
from ops.bootstrap import LedgerRuntime
from ops.runners.background import BackgroundLoop
from ops.runners.relays import open_read_model_view
from services.webhooks.dispatcher import WebhookDispatcher


def _dispatch_step(dispatcher: WebhookDispatcher) -> int:
    dispatcher.schedule_pending()
    dispatcher.deliver_due()
    return 0  # then wait poll_seconds


def start_webhook_dispatcher(rt: LedgerRuntime, allow_private: bool = False, poll_seconds: float = 0.2,
                             timeout_s: float = 10.0) -> BackgroundLoop:
    """Start the dispatcher in a background thread; ``.stop()`` ends it after the current round.

    A failed round is logged and the next one runs (``BackgroundLoop``): deliveries are rebuilt
    from the ledger, so nothing is lost, and one bad moment never stops webhooks for good.
    """
    sender = PinnedHttpSender(allow_private=allow_private, timeout_s=timeout_s)
    dispatcher = WebhookDispatcher(rt.ledger, open_read_model_view(rt), sender)
    return BackgroundLoop("webhook-dispatcher", lambda: _dispatch_step(dispatcher), idle_seconds=poll_seconds).start()
