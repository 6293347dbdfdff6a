"""Liveness adapters: active (MediaPipe FaceLandmarker + SFace) and passive (classical signals)."""
