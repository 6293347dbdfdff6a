"""``YuNetSFaceAnalyzer`` (FaceAnalyzer) and ``SFaceMatcher`` (FaceMatcher).

Detect with YuNet, keep the largest face, measure its quality, align with SFace's ``alignCrop``
and embed (128-d, unit length). Matching is the cosine of two embeddings mapped onto the API's 0-1
similarity by ``domain.ports.face.cosine_to_similarity`` (0.363 cosine -> 0.65 similarity).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from domain.checks import ModelProvenance
from domain.ports.face import (
    DEFAULT_SIMILARITY_THRESHOLD,
    DEFAULT_WEAK_MARGIN,
    FaceAnalysis,
    FaceMatchResult,
    FaceNotFoundError,
    ProbeMatch,
    classify_match,
    cosine_to_similarity,
)
from domain.ports.face_quality import FaceQuality, FaceQualityRules, assess_face_quality
from ml.face.detection import DetectedFace, SFaceEmbedder, Vector, YuNetFaceDetector, cosine
from ml.face.image import BgrImage, decode_image
from ml.face.quality import measure_quality

# Faces this much smaller than the main one (by width) are background faces and not counted as a
# second person in front of the camera (a poster, a document's ghost portrait, a distant face).
SECONDARY_FACE_MIN_WIDTH_RATIO = 0.35
# A second face counts only at this YuNet score: at 0.6-0.76 YuNet fires on paintings and blurred
# backgrounds in ../shared/data/faces (e.g. knn_train_biden_biden2.jpg), while a real second
# person in deepface/img62.jpg scores 0.92.
SECONDARY_FACE_MIN_SCORE = 0.8


@dataclass(frozen=True)
class FaceObservation:
    """The main face of one image, with the arrays other adapters (liveness) reuse."""

    face: DetectedFace
    aligned: BgrImage
    embedding: Vector
    quality: FaceQuality


@dataclass
class _Seen:
    """One image of a ``remembering`` block: its pixels, then its faces and main face when asked."""

    pixels: BgrImage
    faces: list[DetectedFace] | None = None
    observation: FaceObservation | None = None


class YuNetSFaceAnalyzer:
    """FaceAnalyzer on YuNet (detection, 5 landmarks) and SFace (alignment, embedding)."""

    def __init__(self, detector: YuNetFaceDetector | None = None, embedder: SFaceEmbedder | None = None,
                 rules: FaceQualityRules | None = None) -> None:
        self.detector = detector or YuNetFaceDetector()
        self.embedder = embedder or SFaceEmbedder()
        self.rules = rules or FaceQualityRules()
        self._memo = threading.local()

    @property
    def models(self) -> tuple[ModelProvenance, ...]:
        return (self.detector.provenance, self.embedder.provenance)

    def analyze(self, image: bytes) -> FaceAnalysis:
        """Analyse the largest face of encoded image bytes."""
        observation = self.observe(decode_image(image))
        return FaceAnalysis(quality=observation.quality,
                            embedding=tuple(float(v) for v in observation.embedding), models=self.models)

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Within this block, on this thread, each image is decoded, detected and embedded once
        (the selfie shared by liveness and face match: docs/targets.md §5); forgotten at its end,
        so no face outlives the verification that needed it."""
        self._memo.images = {}
        try:
            yield
        finally:
            self._memo.images = None

    def detect_bytes(self, image: bytes) -> tuple[BgrImage, list[DetectedFace]]:
        """The decoded pixels of encoded image bytes and their faces, largest first."""
        seen = self._seen(image)
        if seen is None:
            pixels = decode_image(image)
            return pixels, self.detector.detect(pixels)
        if seen.faces is None:
            seen.faces = self.detector.detect(seen.pixels)
        return seen.pixels, seen.faces

    def observe_bytes(self, image: bytes) -> FaceObservation:
        """``observe`` on encoded image bytes."""
        seen = self._seen(image)
        if seen is None:
            return self.observe(decode_image(image))
        if seen.observation is None:
            if seen.faces is None:
                seen.faces = self.detector.detect(seen.pixels)
            seen.observation = self.observe_faces(seen.pixels, seen.faces)
        return seen.observation

    def _seen(self, image: bytes) -> _Seen | None:
        images: dict[bytes, _Seen] | None = getattr(self._memo, "images", None)
        if images is None:
            return None
        key = hashlib.sha256(image).digest()
        if key not in images:
            images[key] = _Seen(decode_image(image))
        return images[key]

    def observe_located(self, image: bytes, face: Sequence[float]) -> FaceObservation:
        """``observe_bytes`` for an image whose face was found already (a YuNet row of 15 numbers in
        its pixels, e.g. a document's portrait as its reader found it): no detection runs."""
        row = np.asarray(face, dtype=np.float32)
        if row.shape != (15,):
            raise ValueError(f"a face is 15 numbers (box, 5 landmarks, score), got {row.shape}")
        return self.observe_faces(decode_image(image), [DetectedFace(row=row)])

    def observe(self, image: BgrImage) -> FaceObservation:
        """Detect, measure, align and embed the largest face of a decoded image."""
        return self.observe_faces(image, self.detector.detect(image))

    def observe_faces(self, image: BgrImage, faces: list[DetectedFace]) -> FaceObservation:
        """Measure, align and embed the largest of the faces detected on ``image``."""
        if not faces:
            raise FaceNotFoundError("no face detected", height=image.shape[0], width=image.shape[1])
        main = faces[0]
        count = 1 + sum(1 for f in faces[1:] if f.score >= SECONDARY_FACE_MIN_SCORE
                        and f.width >= SECONDARY_FACE_MIN_WIDTH_RATIO * main.width)
        aligned = self.embedder.align(image, main)
        quality = assess_face_quality(measure_quality(image, main, aligned, count), self.rules)
        return FaceObservation(face=main, aligned=aligned, embedding=self.embedder.embed(aligned),
                               quality=quality)


class SFaceMatcher:
    """FaceMatcher: SFace cosine of the two main faces, on the API's similarity scale."""

    def __init__(self, analyzer: YuNetSFaceAnalyzer | None = None,
                 default_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
                 weak_margin: float = DEFAULT_WEAK_MARGIN) -> None:
        self.analyzer = analyzer or YuNetSFaceAnalyzer()
        self.default_threshold = default_threshold
        self.weak_margin = weak_margin

    def match(self, probe: bytes, reference: bytes, threshold: float | None = None) -> FaceMatchResult:
        """Compare the main face of ``probe`` (selfie) with that of ``reference`` (document)."""
        return self.with_probe(probe)(reference, threshold)

    def with_probe(self, probe: bytes) -> ProbeMatch:
        """Detect and embed the probe's main face now; the returned call analyses the reference
        (aligned on ``reference_face`` when the caller found it already: the document's portrait)."""
        observed = self.analyzer.observe_bytes(probe)

        def against(reference: bytes, threshold: float | None = None,
                    reference_face: Sequence[float] | None = None) -> FaceMatchResult:
            seen = (self.analyzer.observe_bytes(reference) if reference_face is None
                    else self.analyzer.observe_located(reference, reference_face))
            return self.match_observations(observed, seen, threshold)

        return against

    def match_observations(self, probe: FaceObservation, reference: FaceObservation,
                           threshold: float | None = None) -> FaceMatchResult:
        limit = self.default_threshold if threshold is None else threshold
        score = cosine(probe.embedding, reference.embedding)
        similarity = cosine_to_similarity(score)
        return FaceMatchResult(
            cosine=score,
            similarity=similarity,
            threshold=limit,
            strength=classify_match(similarity, limit, self.weak_margin),
            probe_quality=probe.quality,
            reference_quality=reference.quality,
            models=self.analyzer.models,
        )
