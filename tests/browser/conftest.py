"""Browser test fixtures: Debian's Chromium driven by Playwright, and the real app on 127.0.0.1.

Chromium is installed by ``tools/install_chromium.sh`` when missing (``tools.browser.ensure_chromium``).
The server is the real litestar app (``ops.api_wiring.build_api``) with the product services, real
models in the pipeline and a real nats-server running kycledger's accounts; the ML worker consumes queued jobs and the
relay publishes every status change to JetStream, from which the pages' live status is fed.
Each test writes a screenshot of every screen it passes through under its tmp dir (``Screens``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from api.deps import ApiSettings
from ops.api_wiring import build_api
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.local_services import accounts_nats
from ops.nats_access import nats_authority
from ops.product_wiring import build_pipeline, product_services
from ops.runners.ml_worker import MlWorkerHandle, start_ml_worker
from ops.runners.relays import start_relays
from tests.browser.server import ThreadedServer
from tools.browser import chromium_args, ensure_chromium

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@dataclass
class WebStack:
    rt: LedgerRuntime
    server: ThreadedServer
    worker: MlWorkerHandle

    @property
    def url(self) -> str:
        return self.server.url


@dataclass
class Screens:
    """Saves numbered screenshots of one test's screens."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def shot(self, page: Page, name: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture(scope="session")
def chromium() -> Path:
    return ensure_chromium()


# Module scope, not session: Playwright's sync API keeps an event loop running in the main thread
# while it is started, which would break every later test that calls asyncio.run().
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


# Its own NATS server and module scope: an ML worker left running on the shared test NATS would
# take other tests' jobs from the common work queue.
@pytest.fixture(scope="module")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    with running_web_stack(tmp_path_factory) as stack:
        yield stack


@contextmanager
def running_web_stack(tmp_path_factory: pytest.TempPathFactory, today: date | None = None) -> Iterator[WebStack]:
    """The app, its ML worker and relays on their own NATS; ``today`` is the day documents are read on."""
    rt = open_runtime(data_dir=tmp_path_factory.mktemp("web-ledger"))
    # kycledger's NATS accounts, as dev runs them: the API, ML worker and relay connect as their own users
    nats_server = accounts_nats(tmp_path_factory.mktemp("web-nats"), nats_authority(rt)).start()
    pipeline = build_pipeline(rt, watchlist_dir=SHARED / "sanctions")
    if today is not None:
        pipeline.today = lambda: today
    app = build_api(rt, settings=ApiSettings(rate_limit_per_minute=10_000, rate_limit_per_day=100_000),
                    services=product_services(rt, pipeline, nats_server.url))
    server = ThreadedServer.start(app)
    worker = start_ml_worker(rt, nats_server.url, pipeline=pipeline)
    relay = start_relays(rt, nats_server.url)  # the pages' live status comes through NATS, as in production
    try:
        yield WebStack(rt, server, worker)
    finally:
        relay.stop()
        worker.stop()
        server.stop()
        rt.close()
        nats_server.stop()


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fake-camera videos of ``capture_steps.build_videos``, built once per module."""
    from tests.browser.capture_steps import build_videos  # it imports this module
    return build_videos(tmp_path_factory.mktemp("videos"))


@pytest.fixture(scope="module")
def live_client(web_stack: WebStack) -> Iterator[Any]:
    """A signed API client of a new tenant's live key."""
    from tests.browser.capture_steps import tenant_client
    client = tenant_client(web_stack, "Browser Test Tenant")
    yield client
    client.close()


@pytest.fixture
def screens(tmp_path: Path) -> Screens:
    folder = tmp_path / "screens"
    folder.mkdir()
    return Screens(folder)


def open_browser(driver: Playwright, chromium: Path, profile: Path, fake_video: Path | None = None,
                 **options: Any) -> BrowserContext:
    """A fresh headless Chromium profile; with ``fake_video`` the camera plays that Y4M file."""
    args = [a for a in chromium_args(profile, fake_video) if not a.startswith(("--user-data-dir", "--headless"))]
    options.setdefault("viewport", {"width": 430, "height": 900})  # a phone-sized screen (requirements/capture §1)
    return driver.chromium.launch_persistent_context(
        str(profile), executable_path=str(chromium), headless=True, args=args, **options)
