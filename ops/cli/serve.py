"""``kycledger serve``: the HTTP API in production configuration (uvicorn, N worker processes).

Configuration comes from the environment (``KYC_DB_URL`` or ``KYC_DATA_DIR``, ``KYC_KEK``/``KYC_KEK_FILE``,
``KYC_RATE_LIMIT_PER_MINUTE``, ``KYC_RATE_LIMIT_PER_DAY``, ``KYC_MAX_BODY_BYTES``, ``KYC_API_DOCS``,
``KYC_LOG_LEVEL``, ``KYC_NATS_URL`` for the ML work queue, ``KYC_WATCHLIST_DIR``); ``--data-dir``/``--db``
override it. Each worker builds its own app from the same
settings through :func:`app_factory`; the stores they share (replay guard, rate and quota counters,
idempotency) live in the database, so limits hold across workers.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn
from litestar import Litestar

from adapters.telemetry import configure_tracing
from api.logs import configure_logging
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.ml_services import watchlist_dir_from_env
from ops.product_wiring import build_pipeline, product_services
from ops.readiness import readiness_probe
from ops.warmup import ModelWarmup


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="serve the HTTP API (production configuration)")
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--data-dir", help="embedded ledger folder (SQLite); default $KYC_DATA_DIR or .kycledger")
    where.add_argument("--db", help="PostgreSQL URL; default $KYC_DB_URL")
    serve.add_argument("--host", default=os.environ.get("KYC_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("KYC_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("KYC_WORKERS", "1")))
    serve.add_argument("--nats", default=None, help="NATS URL of the ML work queue; default $KYC_NATS_URL")
    serve.set_defaults(func=run_serve)


def app_factory() -> Litestar:
    """One worker's app, from the environment (uvicorn calls this in each worker process)."""
    configure_logging(os.environ.get("KYC_LOG_LEVEL", "INFO"))
    rt = open_runtime()
    nats_url = os.environ.get("KYC_NATS_URL") or None
    pipeline = build_pipeline(rt, watchlist_dir_from_env())
    # Sessions are queued to the ML workers on NATS (``kycledger worker``); instant verify and the
    # standalone modules run in this process, so /readyz waits for its models (``ops.warmup``).
    # Webhooks never go to private addresses here.
    warmup = ModelWarmup(lambda: pipeline.services(sandbox=False), enabled=rt.settings.warm_models).start()
    app = build_api(rt, readiness=readiness_probe(rt, nats_url, models_warm=warmup.ready),
                    services=product_services(rt, pipeline, nats_url, allow_private_webhooks=False))
    app.on_shutdown.append(rt.close)
    provider = configure_tracing()  # KYC_OTEL_EXPORTER; none configured: tracing is a no-op
    if provider is not None:
        app.on_shutdown.append(provider.shutdown)
    return app


def run_serve(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise SystemExit("--workers must be at least 1")
    # Workers are fresh processes: pass the location through the environment they inherit.
    if args.data_dir:
        os.environ["KYC_DATA_DIR"] = args.data_dir
    if args.db:
        os.environ["KYC_DB_URL"] = args.db
    if args.nats:
        os.environ["KYC_NATS_URL"] = args.nats
    configure_logging(os.environ.get("KYC_LOG_LEVEL", "INFO"))
    uvicorn.run("ops.cli.serve:app_factory", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_config=None, access_log=False, proxy_headers=True, lifespan="on")
    return 0
