"""``YuNetSFaceAnalyzer`` (FaceAnalyzer) and ``SFaceMatcher`` (FaceMatcher).

Detect with YuNet, keep the largest face, measure its quality, align with SFace's ``alignCrop``
and embed (128-d, unit length). Matching is the cosine of two embeddings mapped onto the API's 0-1
similarity by ``domain.ports.face.cosine_to_similarity`` (0.363 cosine -> 0.65 similarity).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.checks import ModelProvenance
from domain.ports.face import (
    DEFAULT_SIMILARITY_THRESHOLD,
    DEFAULT_WEAK_MARGIN,
    FaceAnalysis,
    FaceMatchResult,
    FaceNotFoundError,
    FaceQuality,
    FaceQualityRules,
    ProbeMatch,
    assess_face_quality,
    classify_match,
    cosine_to_similarity,
)
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


class YuNetSFaceAnalyzer:
    """FaceAnalyzer on YuNet (detection, 5 landmarks) and SFace (alignment, embedding)."""

    def __init__(self, detector: YuNetFaceDetector | None = None, embedder: SFaceEmbedder | None = None,
                 rules: FaceQualityRules | None = None) -> None:
        self.detector = detector or YuNetFaceDetector()
        self.embedder = embedder or SFaceEmbedder()
        self.rules = rules or FaceQualityRules()

    @property
    def models(self) -> tuple[ModelProvenance, ...]:
        return (self.detector.provenance, self.embedder.provenance)

    def analyze(self, image: bytes) -> FaceAnalysis:
        """Analyse the largest face of encoded image bytes."""
        observation = self.observe(decode_image(image))
        return FaceAnalysis(quality=observation.quality,
                            embedding=tuple(float(v) for v in observation.embedding), models=self.models)

    def observe_bytes(self, image: bytes) -> FaceObservation:
        """``observe`` on encoded image bytes."""
        return self.observe(decode_image(image))

    def observe(self, image: BgrImage) -> FaceObservation:
        """Detect, measure, align and embed the largest face of a decoded image."""
        faces = self.detector.detect(image)
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
        """Detect and embed the probe's main face now; the returned call analyses the reference."""
        observed = self.analyzer.observe(decode_image(probe))

        def against(reference: bytes, threshold: float | None = None) -> FaceMatchResult:
            return self.match_observations(observed, self.analyzer.observe(decode_image(reference)), threshold)

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
