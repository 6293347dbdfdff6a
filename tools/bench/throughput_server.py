"""The server side of ``tools.bench.verify_throughput``: the real app on uvicorn, on 127.0.0.1.

    python tools/bench/throughput_server.py --tree TREE --data-dir DIR [--port 0]

Run as a file, not a module, so that ``TREE`` (this checkout, or an older one given to the bench
as ``--baseline-tree``) comes first on ``sys.path`` and the app, its models and its pipeline are
that tree's. Builds the app as ``tools.bench.verify_api`` does (SQLite ledger and blobs under
``DIR``, the real models, generous rate limits), creates an enterprise tenant on the default policy and a
second one whose policy accepts a passive liveness pass (``liveness.accept_passive_pass``, for the
``passing`` input set) and prints one JSON line ``{"url", "key_id", "secret", "passive_accepted": {"key_id",
"secret"}, "pid"}`` once uvicorn serves; SIGTERM stops it (uvicorn's own
handler). It imports only what both layouts of the wiring have had (``ops.product_wiring`` now,
``ops.ml_worker`` before).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _tree_first(tree: Path) -> None:
    """Put ``tree`` first on the import path, and drop this file's own checkout when it is another."""
    here = Path(__file__).resolve().parents[2]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() not in (here, here / "tools" / "bench")]
    sys.path.insert(0, str(tree))


def _build_app(data_dir: Path) -> tuple[Any, Any, Any, Any]:
    """(app, runtime, issued key, key of the tenant accepting a passive pass) with the tree's own wiring."""
    from api.deps import ApiSettings
    from domain.audit import PLATFORM_TENANT, audit_context
    from ops.api_wiring import build_api
    from ops.bootstrap import open_runtime
    from policies.document import DEFAULT_POLICY

    try:
        from ops.product_wiring import build_pipeline, product_services
        layout = "services"
    except ImportError:  # the layout before the application layer: product services were extensions
        from ops.ml_worker import build_pipeline, product_services  # type: ignore[no-redef]
        layout = "extensions"
    rt = open_runtime(data_dir=data_dir)
    pipeline = build_pipeline(rt)
    # No worker runs here, so a verification slower than the product's 30 s (the first one loads the models;
    # the shared machine may be loaded) is waited for: a 202 "processing" would end the run without a figure.
    settings = ApiSettings(rate_limit_per_minute=1_000_000, rate_limit_per_day=10_000_000, instant_timeout_s=300.0)
    wired = product_services(rt, pipeline, None)
    wiring: dict[str, Any] = {layout: wired}
    app = build_api(rt, settings=settings, **wiring)
    with audit_context(PLATFORM_TENANT, "operator:bench", "bench-setup"):
        key = rt.ledger.create_tenant("bench", "enterprise")
        opted_in = rt.ledger.create_tenant("bench-passive-accepted", "enterprise")
        policy = dataclasses.replace(DEFAULT_POLICY, accept_passive_liveness=True)
        rt.ledger.activate_policy(opted_in.tenant_id, policy.to_dict(), policy.policy_hash)
    return app, rt, key, opted_in


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    _tree_first(args.tree.resolve())
    import uvicorn

    app, rt, key, opted_in = _build_app(args.data_dir)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", args.port))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           log_config=None, access_log=False, lifespan="on"))

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        print(json.dumps({"url": f"http://127.0.0.1:{port}", "key_id": key.key_id, "secret": key.secret.reveal(),
                          "passive_accepted": {"key_id": opted_in.key_id, "secret": opted_in.secret.reveal()},
                          "pid": os.getpid()}), flush=True)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    finally:
        rt.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
