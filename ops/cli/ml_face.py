"""``kycledger ml face-match A B`` and ``kycledger ml liveness FRAME... [--challenge JSON]``.

JSON shapes follow requirements/platform: §8.4 for face match (``match``, ``similarity``,
``threshold``) and §8.1 for liveness (``is_live``, ``spoof_type``, ``confidence``,
``hints``), plus model provenance. One frame without ``--challenge`` runs the passive checker;
with ``--challenge`` (the issued challenge's JSON record) the frames answer it, ``--interval-ms``
apart unless ``--offsets-ms`` gives their times. Offline, no nonce store exists, so
``--used-nonce`` may name spent nonces and ``--received-at`` replays a past response.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.errors import DomainError, InvalidArgumentError
from domain.liveness_challenge import LivenessChallenge
from domain.ports.liveness import CapturedFrame, ChallengeResponse


def register(sub: Any) -> None:
    match = sub.add_parser("face-match", help="compare the main faces of two images (requirements/platform §8.4)")
    match.add_argument("probe", help="live photo / selfie")
    match.add_argument("reference", help="document portrait or enrolled photo")
    match.add_argument("--threshold", type=float, default=None, help="0-1 similarity (default 0.65)")
    match.set_defaults(func=_face_match)

    live = sub.add_parser("liveness", help="passive (1 frame) or active (--challenge) liveness")
    live.add_argument("frames", nargs="+", help="image files, in capture order")
    live.add_argument("--challenge", help="challenge JSON (a string or a file path)")
    live.add_argument("--selfie", help="the selfie the person must match (active)")
    live.add_argument("--interval-ms", type=int, default=80,
                      help="time between frames (active; the capture page records one every 80 ms)")
    live.add_argument("--offsets-ms", help="comma-separated frame times, overrides --interval-ms")
    live.add_argument("--received-at", help="ISO time the response arrived (default: now)")
    live.add_argument("--used-nonce", action="append", default=[], help="an already spent nonce")
    live.set_defaults(func=_liveness)


def _print(body: dict[str, object]) -> None:
    print(json.dumps(body, indent=2, sort_keys=True))


def _error(exc: DomainError) -> int:
    details = {k: str(v) for k, v in exc.details.items()}
    _print({"error": {"code": exc.code, "message": exc.message, "details": details}})
    return 2


def _face_match(args: argparse.Namespace) -> int:
    from ml.face import SFaceMatcher

    try:
        started = time.perf_counter()
        result = SFaceMatcher().match(Path(args.probe).read_bytes(), Path(args.reference).read_bytes(),
                                      threshold=args.threshold)
        body = result.to_api()
        body["processing_ms"] = round((time.perf_counter() - started) * 1000)
        _print(body)
        return 0
    except DomainError as exc:
        return _error(exc)


def _load_challenge(text: str) -> LivenessChallenge:
    path = Path(text)
    raw = path.read_text(encoding="utf-8") if path.is_file() else text
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(f"--challenge is not JSON: {exc}", field="challenge") from exc
    return LivenessChallenge.from_record(record)


def _liveness(args: argparse.Namespace) -> int:
    try:
        images = [Path(name).read_bytes() for name in args.frames]
        started = time.perf_counter()
        if args.challenge is None:
            from ml.liveness.passive import ClassicalPassiveLivenessChecker

            if len(images) != 1:
                raise InvalidArgumentError("passive liveness takes one frame; pass --challenge for active")
            result = ClassicalPassiveLivenessChecker().check(images[0])
        else:
            from ml.liveness.active import MediaPipeActiveLivenessChecker

            challenge = _load_challenge(args.challenge)
            offsets = ([int(v) for v in args.offsets_ms.split(",")] if args.offsets_ms
                       else [i * args.interval_ms for i in range(len(images))])
            frames = tuple(CapturedFrame(image=b, offset_ms=o) for b, o in zip(images, offsets, strict=True))
            received = datetime.fromisoformat(args.received_at) if args.received_at else datetime.now(UTC)
            selfie = Path(args.selfie).read_bytes() if args.selfie else None
            result = MediaPipeActiveLivenessChecker().check(
                challenge, ChallengeResponse(nonce=challenge.nonce, frames=frames), selfie, received,
                set(args.used_nonce))
        _print(result.to_api(processing_ms=round((time.perf_counter() - started) * 1000)))
        return 0
    except DomainError as exc:
        return _error(exc)
