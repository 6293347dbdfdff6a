"""Face adapters: YuNet detection + quality, SFace alignment, embedding and matching."""

from ml.face.analyzer import FaceObservation, SFaceMatcher, YuNetSFaceAnalyzer

__all__ = ["FaceObservation", "SFaceMatcher", "YuNetSFaceAnalyzer"]
