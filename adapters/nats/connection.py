"""One lazily opened NATS connection per event loop, opened again once it has closed for good.

An API process serves every request from one event loop, so its capture pages' live feeds and its
work-queue publishes share one connection instead of opening one per page. nats-py gives up
reconnecting after ``max_reconnect_attempts`` and leaves the client closed: the next caller then
gets a fresh connection instead of an error until the process restarts. Connections are per loop
because a nats-py client belongs to the loop it was opened in (tests run several loops).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from typing import Any

from nats.js.errors import NotFoundError

from adapters.nats.endpoint import NatsTarget, connect


class LoopConnections:
    """``await connections.get()``: the running loop's open connection to ``target`` (as its user)."""

    def __init__(self, target: NatsTarget, *, name: str, connect_timeout: float = 5.0,
                 max_reconnect_attempts: int = 3) -> None:
        self.target = target
        self.url = str(target)
        self._options: dict[str, Any] = {"name": name, "connect_timeout": connect_timeout,
                                         "max_reconnect_attempts": max_reconnect_attempts}
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()  # loops of different threads may ask at once

    async def get(self) -> Any:
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._locks.get(loop)
            if lock is None:
                lock = self._locks[loop] = asyncio.Lock()
        async with lock:
            client = self._clients.get(loop)
            if client is None or client.is_closed:
                client = await connect(self.target, **self._options)
                self._clients[loop] = client
            return client

    async def aclose(self) -> None:
        """Close the running loop's connection (at application shutdown); a later ``get`` reopens."""
        with self._guard:
            client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None and not client.is_closed:
            await client.close()


async def flush_subscriptions(client: Any) -> None:
    """Return once the server has every command ``client`` sent so far, SUBs included.

    nats-py's ``flush()`` writes its PING straight to the socket, ahead of commands still waiting in
    the client's pending buffer (it only wakes the flusher task), so one flush can come back before
    the server has registered a SUB made just before it: a message published right after is then
    missed (about 1 in 100 on a quiet machine). The first flush wakes the flusher, which writes the
    pending SUB before the PONG can be read; the second PING follows it on the socket, so its PONG
    proves the SUB was processed.
    """
    await client.flush()
    await client.flush()


def reconnect_options(attempts: int) -> dict[str, Any]:
    """nats-py options for ``attempts`` automatic reconnects (2 s apart); 0 = none: the client closes
    as soon as the server goes away (nats-py reads a 0 limit as "unlimited", hence the switch)."""
    if attempts < 0:
        raise ValueError("reconnect attempts cannot be negative")
    return {"allow_reconnect": False} if attempts == 0 else {"max_reconnect_attempts": attempts}


async def close_quietly(client: Any, drain: bool = True) -> None:
    """Drain ``client`` when it is connected (``drain``), else just close it: at shutdown the server
    may already be gone (a service manager signals every process of the group at once), which is
    not an error. A pull consumer should not drain: draining waits for its open fetch (up to 30 s)."""
    if drain and client.is_connected:
        with contextlib.suppress(Exception):
            await client.drain()
    if not client.is_closed:
        with contextlib.suppress(Exception):
            await client.close()


async def jetstream_ready(target: NatsTarget, stream: str, timeout_s: float = 2.0) -> bool:
    """True when the server at ``target`` accepts this process's user and JetStream answers for ``stream``
    (the stream the process works with, which its least-privilege user may look up) within ``timeout_s``.

    A fresh connection each time (readiness probes are rare): a probe must not depend on, or disturb,
    the state of the process's shared connections.
    """
    async def probe() -> bool:
        client = await connect(target, connect_timeout=timeout_s, allow_reconnect=False, name="kycledger-readiness")
        try:
            await client.jetstream(timeout=timeout_s).stream_info(stream)
            return True
        except NotFoundError:
            return True  # JetStream answered; the stream is created on first use
        finally:
            await close_quietly(client, drain=False)

    try:
        return await asyncio.wait_for(probe(), timeout_s)
    except Exception:
        return False
