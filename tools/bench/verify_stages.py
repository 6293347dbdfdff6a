"""Benchmark: one instant verification with the selfie's face analysis beside the document read, and without.

    .venv/bin/python -m tools.bench.verify_stages [--runs 20] [--warmup 2] [--data ../shared/data]

docs/targets.md §2 (independent stages side by side): the same signed ``POST /v1/identity/verify``
as ``tools.bench.verify_api`` (ICAO TD3 specimen passport, an Obama selfie, 10 active-liveness
frames; the real app in-process), alternating two set-ups in one run on one app:

- baseline: the face matcher analyses the selfie only when the portrait is there (the whole
  ``FaceMatcher.match`` after the document read, the pipeline before ``FaceMatcher.with_probe``);
- side by side: the pipeline as it is (the selfie analysed beside the read, then the portrait).

Prints p50/p95/mean wall time of each and their ratio. Asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from litestar.testing import TestClient

from adapters.media import MsgpackLivenessFramesCodec
from api.client import KycClient
from api.deps import ApiSettings
from domain.audit import PLATFORM_TENANT, audit_context
from domain.ports.face import FaceMatcher, FaceMatchResult, ProbeMatch
from domain.sessions.challenges import SessionChallenges
from ml.kya.checker import OfflineKyaChecker
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.ml_services import build_ml_services
from ops.product_wiring import blob_store, product_services
from ops.sandbox import build_sandbox_services
from services.verification.pipeline import VerificationPipeline
from tools.bench.verify_api import DEFAULT_DATA, percentile


class SwitchedMatcher:
    """The real matcher; while ``deferred``, ``with_probe`` analyses nothing until the portrait comes."""

    def __init__(self, inner: FaceMatcher) -> None:
        self.inner = inner
        self.deferred = False

    def match(self, probe: bytes, reference: bytes, threshold: float | None = None) -> FaceMatchResult:
        return self.inner.match(probe, reference, threshold)

    def with_probe(self, probe: bytes) -> ProbeMatch:
        if not self.deferred:
            return self.inner.with_probe(probe)

        def whole_match(reference: bytes, threshold: float | None = None,
                        reference_face: Sequence[float] | None = None) -> FaceMatchResult:
            return self.inner.match(probe, reference, threshold)

        return whole_match


def run(runs: int, warmup: int, data: Path) -> tuple[dict[str, list[float]], dict[str, int]]:
    faces = data / "faces" / "face_recognition"
    document = base64.b64encode((data / "mrz" / "images" / "passporteye" / "passport-td3.jpg").read_bytes()).decode()
    photos = [base64.b64encode((faces / n).read_bytes()).decode() for n in ("obama3.jpg", "obama.jpg", "obama2.jpg")]
    real = build_ml_services()
    matcher = SwitchedMatcher(real.face_matcher)
    services = dataclasses.replace(real, face_matcher=matcher)
    timings: dict[str, list[float]] = {"baseline": [], "side_by_side": []}
    decisions: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        rt = open_runtime(data_dir=Path(tmp))
        pipeline = VerificationPipeline(
            ledger=rt.ledger, blobs=blob_store(rt), real=lambda: services, frames=MsgpackLivenessFramesCodec(),
            sandbox=build_sandbox_services(OfflineKyaChecker(None)),
            challenges=SessionChallenges(rt.kek.derive("liveness-challenge")))
        app = build_api(rt, settings=ApiSettings(rate_limit_per_minute=100_000, rate_limit_per_day=1_000_000),
                        services=product_services(rt, pipeline, None))
        with TestClient(app, timeout=120) as http:
            with audit_context(PLATFORM_TENANT, "operator:bench", "bench-setup"):
                key = rt.ledger.create_tenant("bench", "enterprise")
            client = KycClient("http://testserver", key.key_id, key.secret.reveal(), http=http)
            for i in range(2 * (warmup + runs)):
                mode = "baseline" if i % 2 == 0 else "side_by_side"
                matcher.deferred = mode == "baseline"
                challenge = client.post("/v1/liveness/challenges", {"checks": ["ocr", "face_match", "liveness"],
                                                                   "reference": f"bench-person-{i}"})
                if challenge.status_code != 201:
                    raise SystemExit(f"challenge failed: {challenge.status_code} {challenge.text[:300]}")
                issued = challenge.json()
                body = {"document_front": document, "selfie": photos[0], "challenge_id": issued["challenge_id"],
                        "challenge_nonce": issued["challenge"]["nonce"],
                        "frames_base64": [photos[k % 3] for k in range(10)],
                        "frame_offsets_ms": [k * 300 for k in range(10)]}
                started = time.perf_counter()
                answer = client.post("/v1/identity/verify", body)
                elapsed = time.perf_counter() - started
                if answer.status_code != 200:
                    raise SystemExit(f"verify failed: {answer.status_code} {answer.text[:300]}")
                if i >= 2 * warmup:
                    timings[mode].append(elapsed)
                    decision = answer.json()["decision"]
                    label = f"{mode}:{decision['decision'] if decision else 'none'}"
                    decisions[label] = decisions.get(label, 0) + 1
        rt.close()
    return timings, decisions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools.bench.verify_stages", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed verifications per set-up")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per set-up (model loading, caches)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    timings, decisions = run(args.runs, args.warmup, args.data)
    print("POST /v1/identity/verify  document + selfie + 10 liveness frames, set-ups alternating")
    print("| set-up | runs | p50 s | p95 s | mean s |")
    print("| --- | --- | --- | --- | --- |")
    for mode, values in timings.items():
        print(f"| {mode} | {len(values)} | {statistics.median(values):.3f} | {percentile(values, 95):.3f} | "
              f"{statistics.fmean(values):.3f} |")
    base, now = (statistics.median(timings[m]) for m in ("baseline", "side_by_side"))
    print(f"decisions (the same in both set-ups): {decisions}")
    print(f"p50 side by side / baseline: x{now / base:.2f} ({(base - now) * 1000:.0f} ms saved per verification)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
