"""Benchmark: the first instant verification after start against the tenth, with and without warm-up.

    .venv/bin/python -m tools.bench.first_verify [--runs 10] [--data ../shared/data]

docs/targets.md §5: the first verification after a process says ready is no slower than the tenth.
Each mode runs in a fresh Python process (models load once per process): "lazy" builds the app as
before ``ops.warmup`` (the models load inside the first request), "warmed" waits for
``ModelWarmup`` first, as ``dev``, ``worker`` and a ready ``serve`` now do. The clock of the first
run starts when the app would say ready. Beside the seconds it prints the process's CPU-seconds and
minor page faults of the first and the tenth verification: on a busy machine the seconds vary more
than the difference sought, the CPU and the faults do not. Same inputs as ``tools.bench.verify_api``;
asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def _body(data: Path) -> dict[str, Any]:
    faces = data / "faces" / "face_recognition"
    photos = [base64.b64encode((faces / n).read_bytes()).decode() for n in ("obama3.jpg", "obama.jpg", "obama2.jpg")]
    document = (data / "mrz" / "images" / "passporteye" / "passport-td3.jpg").read_bytes()
    return {
        "document_front": base64.b64encode(document).decode(),
        "selfie": photos[0],
        "frames_base64": [photos[i % 3] for i in range(10)],
        "frame_offsets_ms": [k * 300 for k in range(10)],
    }


def measure(mode: str, runs: int, data: Path) -> list[list[float]]:
    """Seconds, CPU-seconds (user + system) and minor page faults of each of ``runs`` instant
    verifications in this process, the first one first."""
    import resource

    from litestar.testing import TestClient

    from api.client import KycClient
    from api.deps import ApiSettings
    from domain.audit import PLATFORM_TENANT, audit_context
    from ops.api_wiring import build_api
    from ops.bootstrap import open_runtime
    from ops.product_wiring import build_pipeline, product_services
    from ops.warmup import ModelWarmup

    body = _body(data)
    timings: list[list[float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rt = open_runtime(data_dir=Path(tmp))
        pipeline = build_pipeline(rt)
        if mode == "warmed":
            ModelWarmup(lambda: pipeline.services(sandbox=False)).start().wait()
        app = build_api(
            rt,
            settings=ApiSettings(rate_limit_per_minute=100_000, rate_limit_per_day=1_000_000),
            services=product_services(rt, pipeline, None),
        )
        with TestClient(app, timeout=300) as http:
            with audit_context(PLATFORM_TENANT, "operator:bench", "bench-setup"):
                key = rt.ledger.create_tenant("bench", "enterprise")
            client = KycClient("http://testserver", key.key_id, key.secret.reveal(), http=http)
            for run in range(runs):
                issued = client.post(
                    "/v1/liveness/challenges",
                    {"checks": ["ocr", "face_match", "liveness"], "reference": f"bench-person-{run}"},
                ).json()
                before = resource.getrusage(resource.RUSAGE_SELF)
                started = time.perf_counter()
                answer = client.post(
                    "/v1/identity/verify",
                    {**body, "challenge_id": issued["challenge_id"], "challenge_nonce": issued["challenge"]["nonce"]},
                )
                seconds = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_SELF)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                timings.append([seconds, cpu, after.ru_minflt - before.ru_minflt])
                if answer.status_code != 200:
                    raise SystemExit(f"verify failed: {answer.status_code} {answer.text[:300]}")
        rt.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools.bench.first_verify", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--mode", choices=["lazy", "warmed"], help=argparse.SUPPRESS)  # one child process
    args = parser.parse_args(argv)
    if args.mode:
        print(json.dumps(measure(args.mode, args.runs, args.data)))
        return 0
    print("| models | first verification s | tenth s | median of 2nd-10th s | first / tenth | CPU s first / tenth | "
          "page faults first / tenth |\n|---|---|---|---|---|---|---|")
    for mode, label in (("lazy", "loaded by the first request (before)"), ("warmed", "warmed before ready")):
        child = subprocess.run(  # noqa: S603 - this interpreter and this module, fixed arguments
            [
                sys.executable,
                "-m",
                "tools.bench.first_verify",
                "--mode",
                mode,
                "--runs",
                str(args.runs),
                "--data",
                str(args.data),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        runs = json.loads(child.stdout.strip().splitlines()[-1])
        timings = [run[0] for run in runs]
        (_, first_cpu, first_faults), (_, last_cpu, last_faults) = runs[0], runs[-1]
        print(
            f"| {label} | {timings[0]:.3f} | {timings[-1]:.3f} | {statistics.median(timings[1:]):.3f} | "
            f"x{timings[0] / timings[-1]:.2f} | {first_cpu:.3f} / {last_cpu:.3f} (x{first_cpu / last_cpu:.2f}) | "
            f"{first_faults:.0f} / {last_faults:.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
