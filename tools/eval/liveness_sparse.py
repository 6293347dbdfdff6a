"""Judging fewer frames of an active answer: a study for ``kycledger ml evaluate`` (not what the product does).

The landmarker's own inference is most of an active answer's CPU (about 9 ms a frame of the 10 the
landmarks cost, for 60-120 frames). Measuring only every 2nd frame would halve it; this section shows
what that does to the evaluation's genuine windows and attacks. The answer's timing rules still see
every frame it holds (only the measuring is sparser), and both phases are tried (from the first frame, from
the second), since which frames are skipped decides whether a short blink is seen.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from domain.checks import Outcome
from domain.liveness_challenge import LivenessChallenge
from domain.liveness_verdict import judge_active_response
from domain.ports.liveness import ChallengeResponse, LivenessResult
from ml.face import YuNetSFaceAnalyzer
from ml.face.image import decode_image, downscale
from ml.liveness.active import WORK_MAX_SIDE, MediaPipeActiveLivenessChecker
from tools.eval.liveness_sets import ATTACK_CHALLENGES, GENUINE_WINDOWS, attack_sets, challenge, genuine_answer

STRIDE = 2


def sparse_verdict(active: MediaPipeActiveLivenessChecker, asked: LivenessChallenge, response: ChallengeResponse,
                   selfie: bytes, phase: int, stride: int = STRIDE) -> LivenessResult:
    """The verdict when only every ``stride``-th frame from ``phase`` is decoded and measured; the timing
    rules are judged on all the answer's frame times, as the product does."""
    kept = response.frames[phase::stride]
    frames = [downscale(decode_image(frame.image), WORK_MAX_SIDE)[0] for frame in kept]
    selfie_embedding = active.analyzer.observe_bytes(selfie).embedding
    seen = active.observe(frames, [frame.offset_ms for frame in kept], selfie_embedding)
    seen = replace(seen, offsets_ms=tuple(frame.offset_ms for frame in response.frames))
    return judge_active_response(asked, seen, active.models)


def _row(label: str, data_dir: Path, analyzer: YuNetSFaceAnalyzer, active: MediaPipeActiveLivenessChecker,
         phase: int | None) -> tuple[str, bool]:
    """The table row, and whether every genuine window passed and every attack failed."""
    def verdict(asked: LivenessChallenge, response: ChallengeResponse, selfie: bytes) -> LivenessResult:
        if phase is None:
            return sparse_verdict(active, asked, response, selfie, phase=0, stride=1)
        return sparse_verdict(active, asked, response, selfie, phase)

    started = time.process_time()
    passed, missed = 0, []
    for window in GENUINE_WINDOWS:
        response, selfie = genuine_answer(data_dir, window)
        result = verdict(challenge(window.actions), response, selfie)
        passed += result.outcome is Outcome.PASS
        if result.outcome is not Outcome.PASS:
            missed.append(f"{window.clip} {window.start_ms / 1000:.1f}-{window.end_ms / 1000:.1f} s: "
                          f"{', '.join(result.reasons)} (peak_blink {result.scores.get('peak_blink', 0.0):.2f})")
    failed, total, motion = 0, 0, Counter[str]()
    for _kind, _what, response, selfie in attack_sets(data_dir, analyzer):
        for actions in ATTACK_CHALLENGES:
            result = verdict(challenge(actions), response, selfie)
            total += 1
            failed += result.outcome is not Outcome.PASS
            motion.update(r for r in result.reasons if r in ("motion_discontinuity", "static_frames"))
    cpu = time.process_time() - started
    row = (f"| {label} | {passed}/{len(GENUINE_WINDOWS)} | {'; '.join(missed) or '-'} | {failed}/{total} | "
           f"{motion['motion_discontinuity']}, {motion['static_frames']} | {cpu:.0f} |")
    return row, passed == len(GENUINE_WINDOWS) and failed == total


def sparse_section(data_dir: Path, analyzer: YuNetSFaceAnalyzer, active: MediaPipeActiveLivenessChecker) -> str:
    """Markdown: every frame measured against every 2nd frame (either phase), on the same sets."""
    rows = [_row(label, data_dir, analyzer, active, phase) for label, phase in
            (("every frame (the product)", None), ("every 2nd, from the first", 0), ("every 2nd, from the second", 1))]
    lines = ["### Judging fewer frames (studied, not used)\n",
             "| frames measured | genuine passed | genuine failed | attacks failed | of them on motion "
             "discontinuity, static frames | CPU-s for all answers |", "| --- | --- | --- | --- | --- | --- |",
             *(row for row, _ in rows), ""]
    if all(kept for _, kept in rows):
        lines.append("Every 2nd frame keeps every verdict on these sets; one person's four blinks are too few to "
                     "rely on it, so the product still measures every frame.\n")
    else:
        lines.append("Every 2nd frame changes a verdict on these sets: a blink seen on one frame at 12.5 frames per "
                     "second can fall between the measured frames while its neighbours rise less than the trigger, "
                     "so whether a live person passes would depend on which frames are skipped. The product "
                     "measures every frame it receives (the capture page sends 12.5 a second).\n")
    return "\n".join(lines)
