"""Face ports: find one face, judge its capture quality, and compare two faces.

The flow is requirements/liveness pattern A (quality -> liveness -> face match) with each signal kept separate:
a face quality ``CheckResult`` and a face match ``CheckResult`` are produced independently, and a
poor capture never silently turns into a "no match" (nor a good match hide a poor capture).

Images cross the port as encoded bytes (JPEG/PNG/WebP as uploaded, requirements/platform §11) so the
domain never touches pixels; adapters in ``ml/face`` decode them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.errors import DomainError
from domain.ports.face_quality import FaceQuality

# --- errors -------------------------------------------------------------------------------------


class InvalidImageError(DomainError):
    """The bytes are not a decodable image (or are empty / absurdly small)."""

    code = "invalid_image"


class FaceNotFoundError(DomainError):
    """No face was detected, so no quality, embedding or match can be computed."""

    code = "face_not_found"


class ModelUnavailableError(DomainError):
    """A model's weights are missing or do not match their recorded digest; never guess instead."""

    code = "model_unavailable"


# --- analysis and matching ------------------------------------------------------------------------


@dataclass(frozen=True)
class FaceAnalysis:
    """The main (largest) face of an image: its quality and its identity embedding.

    The embedding is biometric personal data: it stays in memory for matching and is never put
    in a ``CheckResult`` or a log.
    """

    quality: FaceQuality
    embedding: tuple[float, ...]
    models: tuple[ModelProvenance, ...]

    def __repr__(self) -> str:  # keep the embedding out of logs and tracebacks
        return f"FaceAnalysis(quality={self.quality!r}, embedding=<{len(self.embedding)} floats>)"


class FaceAnalyzer(Protocol):
    """Detects the faces of an image, measures capture quality and embeds the main face."""

    def analyze(self, image: bytes) -> FaceAnalysis:
        """Analyse the largest face; raises ``InvalidImageError`` or ``FaceNotFoundError``."""
        ...


class MatchStrength(StrEnum):
    """requirements/liveness step 3: strong match / weak match / no match."""

    STRONG = "strong"
    WEAK = "weak"
    NONE = "none"


_STRENGTH_OUTCOME = {MatchStrength.STRONG: Outcome.PASS, MatchStrength.WEAK: Outcome.UNCERTAIN,
                     MatchStrength.NONE: Outcome.FAIL}


@dataclass(frozen=True)
class FaceMatchResult:
    """A comparison of a probe face (selfie) with a reference face (document portrait)."""

    cosine: float
    similarity: float
    threshold: float
    strength: MatchStrength
    probe_quality: FaceQuality
    reference_quality: FaceQuality
    models: tuple[ModelProvenance, ...]

    @property
    def match(self) -> bool:
        return self.strength is MatchStrength.STRONG

    def to_check_result(self) -> CheckResult:
        """strong/weak/none -> pass/uncertain/fail, with the similarity the policy explains."""
        reasons: tuple[str, ...] = ()
        if self.strength is not MatchStrength.STRONG:
            reasons = (f"similarity_below_threshold_{self.strength.value}",)
        return CheckResult(
            check=CheckType.FACE_MATCH,
            outcome=_STRENGTH_OUTCOME[self.strength],
            scores={"similarity": self.similarity, "threshold": self.threshold, "cosine": self.cosine},
            reasons=reasons,
            details={"strength": self.strength.value,
                     "probe_quality_issues": [i.value for i in self.probe_quality.issues],
                     "reference_quality_issues": [i.value for i in self.reference_quality.issues]},
            models=self.models,
        )

    def to_api(self) -> dict[str, object]:
        """The body of requirements/platform §8.4 (``match``, ``similarity``, ``threshold``) plus context."""
        return {
            "match": self.match,
            "similarity": round(self.similarity, 4),
            "threshold": round(self.threshold, 4),
            "strength": self.strength.value,
            "cosine": round(self.cosine, 4),
            "quality": {"probe": [i.value for i in self.probe_quality.issues],
                        "reference": [i.value for i in self.reference_quality.issues]},
            "models": [{"name": p.name, "version": p.version, "weights_sha256": p.weights_sha256}
                       for p in self.models],
        }


class ProbeMatch(Protocol):
    """A probe face already analysed, waiting for its reference: ``FaceMatcher.with_probe``."""

    def __call__(self, reference: bytes, threshold: float | None = None,
                 reference_face: Sequence[float] | None = None) -> FaceMatchResult:
        """Compare the probe with the main face of ``reference``; same result as ``FaceMatcher.match``.

        ``reference_face`` is that face when the caller already found it (a document reader's
        portrait: ``DocumentReading.portrait_face``, in ``reference``'s pixels); the matcher then
        aligns on it instead of detecting the face again (docs/targets.md §5).
        """
        ...


class FaceMatcher(Protocol):
    """Compares a live photo with a document (or enrolled) photo: requirements/platform §3.4."""

    def match(self, probe: bytes, reference: bytes, threshold: float | None = None) -> FaceMatchResult:
        """Compare the main faces; ``threshold`` is on the API's 0-1 similarity scale."""
        ...

    def with_probe(self, probe: bytes) -> ProbeMatch:
        """Analyse ``probe`` now (the selfie, beside the document read) and match it later.

        Raises for the probe what ``match`` raises for it (``InvalidImageError``,
        ``FaceNotFoundError``); ``with_probe(p)(r, t)`` equals ``match(p, r, t)``.
        """
        ...


# --- the cosine -> similarity scale ---------------------------------------------------------------

SFACE_PUBLISHED_COSINE_THRESHOLD = 0.363
"""OpenCV Zoo's published SFace operating point (cosine, LFW); never re-tuned on our test pairs."""

DEFAULT_SIMILARITY_THRESHOLD = 0.65
"""requirements/pipeline §1 default ``face_match_threshold``; maps to cosine 0.363."""

DEFAULT_WEAK_MARGIN = 0.10
"""Similarities within this margin below the threshold are a weak match (review), not a no match."""


def cosine_to_similarity(cosine: float) -> float:
    """Map an SFace cosine to the API's 0-1 ``similarity``: piecewise linear and monotonic.

    Knots: cosine <= 0 -> 0.0; cosine 0.363 (published SFace threshold) -> 0.65 (requirements/pipeline §1 default
    threshold); cosine 1 -> 1.0. So the default API threshold *is* the model's published operating
    point, and a tenant threshold of 0.75 (requirements/platform §8.4 example) means cosine ~0.545.
    """
    c = min(max(cosine, 0.0), 1.0)
    t, s = SFACE_PUBLISHED_COSINE_THRESHOLD, DEFAULT_SIMILARITY_THRESHOLD
    if c <= t:
        return c * s / t
    return s + (c - t) * (1.0 - s) / (1.0 - t)


def similarity_to_cosine(similarity: float) -> float:
    """Inverse of ``cosine_to_similarity`` on [0, 1] (used to show thresholds in cosine terms)."""
    if not 0.0 <= similarity <= 1.0:
        raise InvalidThresholdError("similarity must lie in [0, 1]", similarity=similarity)
    t, s = SFACE_PUBLISHED_COSINE_THRESHOLD, DEFAULT_SIMILARITY_THRESHOLD
    if similarity <= s:
        return similarity * t / s
    return t + (similarity - s) * (1.0 - t) / (1.0 - s)


class InvalidThresholdError(DomainError):
    """A face match threshold outside the 0-1 similarity scale."""

    code = "invalid_threshold"


def classify_match(similarity: float, threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
                   weak_margin: float = DEFAULT_WEAK_MARGIN) -> MatchStrength:
    """strong at or above the threshold, weak within ``weak_margin`` below it, none otherwise."""
    if not 0.0 < threshold <= 1.0:
        raise InvalidThresholdError("threshold must lie in (0, 1]", threshold=threshold)
    if similarity >= threshold:
        return MatchStrength.STRONG
    if similarity >= threshold - weak_margin:
        return MatchStrength.WEAK
    return MatchStrength.NONE
