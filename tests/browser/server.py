"""The real kycledger app on 127.0.0.1 in a background thread (uvicorn), for the browser tests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import uvicorn
from litestar import Litestar

from ops.local_services import free_port, wait_for_port


@dataclass
class ThreadedServer:
    server: uvicorn.Server
    thread: threading.Thread
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, app: Litestar) -> ThreadedServer:
        port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                                timeout_graceful_shutdown=2)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"web-test-server-{port}", daemon=True)
        thread.start()
        wait_for_port(port)
        deadline = time.monotonic() + 15
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return cls(server, thread, port)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
