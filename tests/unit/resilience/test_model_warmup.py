"""A process reports its models as not ready while they load and warm, ready after, and not ready
when loading failed (``ops.warmup``): /readyz keeps verifications away from a cold replica."""

from __future__ import annotations

import dataclasses
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from ml.kya.checker import OfflineKyaChecker
from ops.readiness import run_checks
from ops.sandbox import build_sandbox_services
from ops.warmup import BLANK_FRAME, FACE_CROP, PHOTO_SCALE, ModelWarmup, warm_models
from services.verification.ports import MlServices

pytestmark = pytest.mark.unit


@pytest.mark.timeout(30)
def test_models_are_not_ready_until_loaded_and_warm() -> None:
    release = threading.Event()

    def slow_load() -> MlServices:
        release.wait(20)
        return build_sandbox_services(OfflineKyaChecker(None))

    warmup = ModelWarmup(slow_load).start()
    assert not warmup.ready()
    assert run_checks({"models": warmup.ready}) == {"models": False}  # /readyz: warming
    release.set()
    assert warmup.wait(20)
    assert warmup.ready() and run_checks({"models": warmup.ready}) == {"models": True}


def test_a_warm_up_switched_off_loads_nothing_and_is_ready_at_once() -> None:
    """``KYC_WARM_MODELS=0`` (ops.settings): no model is loaded before ready; the models load at the
    first verification that needs them."""
    loads: list[str] = []

    def load() -> MlServices:
        loads.append("loaded")
        return build_sandbox_services(OfflineKyaChecker(None))

    warmup = ModelWarmup(load, enabled=False).start()
    assert warmup.ready() and run_checks({"models": warmup.ready}) == {"models": True}
    assert warmup.wait(0) and loads == [] and warmup.error is None
    on = ModelWarmup(load).start()  # the default warms
    assert on.wait(20) and on.ready() and loads == ["loaded"]


@pytest.mark.timeout(30)
def test_a_failed_load_is_reported_not_ready() -> None:
    def broken() -> MlServices:
        raise RuntimeError("weights missing")

    warmup = ModelWarmup(broken).start()
    assert warmup.wait(20)
    assert not warmup.ready() and isinstance(warmup.error, RuntimeError)


class _SpyAnalyzer:
    """The face analyzer's surface ``warm_models`` uses, recording what it is given."""

    def __init__(self) -> None:
        self.detector = self
        self.embedder = self
        self.calls: list[Any] = []

    def detect(self, frame: Any) -> list[Any]:
        self.calls.append(("detect", frame.shape))
        return []

    def embed(self, crop: Any) -> None:
        self.calls.append(("embed", crop.shape))

    def observe_faces(self, image: Any, faces: list[Any]) -> None:
        self.calls.append(("observe", image.shape, [face.landmarks.shape for face in faces]))


def test_warming_also_decodes_a_jpeg_and_observes_a_face_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first JPEG decode and the first face quality measurement (OpenCV builds its tables on
    first use) are paid by the warm-up, not by the first verification (docs/targets.md §5)."""
    import ml.face.image

    decoded: list[bytes] = []
    real_decode = ml.face.image.decode_image

    def decode(data: bytes) -> Any:
        decoded.append(data[:3])
        return real_decode(data)

    monkeypatch.setattr(ml.face.image, "decode_image", decode)
    spy = _SpyAnalyzer()
    services = dataclasses.replace(
        build_sandbox_services(OfflineKyaChecker(None)), face_matcher=SimpleNamespace(analyzer=spy)
    )
    warm_models(services)
    assert spy.calls == [
        ("detect", BLANK_FRAME),
        ("embed", FACE_CROP),
        ("observe", BLANK_FRAME, [(5, 2)]),  # one posed face with its 5 landmarks
    ]
    assert decoded == [b"\xff\xd8\xff"]  # the frame went through the JPEG decoder first


class _SpyReader:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.read_jpegs: list[bytes] = []

    def read(self, front: bytes, back: bytes | None = None, *, subject_id: str) -> None:
        self.read_jpegs.append(front[:3])
        if self.fail:
            raise ValueError("no document on this page")


def test_real_services_also_read_a_drawn_passport_page_and_the_sandbox_does_not() -> None:
    sandbox = build_sandbox_services(OfflineKyaChecker(None))
    reader = _SpyReader()
    warm_models(dataclasses.replace(sandbox, document_reader=reader))
    assert reader.read_jpegs == []  # the sandbox has no models: nothing to warm
    warm_models(dataclasses.replace(sandbox, document_reader=reader, sandbox=False))
    assert reader.read_jpegs == [b"\xff\xd8\xff"]  # one JPEG upload, read as a document is


def test_a_drawn_page_the_reader_refuses_only_logs(caplog: pytest.LogCaptureFixture) -> None:
    reader = _SpyReader(fail=True)
    sandbox = build_sandbox_services(OfflineKyaChecker(None))
    services = dataclasses.replace(sandbox, document_reader=reader, sandbox=False)
    warmup = ModelWarmup(lambda: services).start()
    assert warmup.wait(20)
    assert warmup.ready() and reader.read_jpegs
    assert "warming the document reader on a drawn page failed" in caplog.text


class _SpyLandmarker:
    def __init__(self) -> None:
        self.frames: list[tuple[Any, int]] = []

    def measure(self, frame: Any) -> None:
        self.frames.append((frame.shape, threading.get_ident()))


def test_the_drawn_page_is_read_beside_the_selfie_and_frames_work_with_the_uploads_held(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-up does a verification's work as the pipeline does (the document read in one thread,
    the selfie's and the frames' work in another, the uploads decoded and held), so the memory the
    first verification needs is touched before ready (docs/targets.md §7)."""
    import ml.face.image
    from ml.liveness.active import WORK_MAX_SIDE
    from ops.warmup import HELD_FRAMES

    decoded: list[tuple[int, int]] = []
    real_decode = ml.face.image.decode_image
    monkeypatch.setattr(ml.face.image, "decode_image", lambda data: decoded.append(real_decode(data).shape[:2])
                        or real_decode(data))
    reader_threads: list[int] = []

    class Reader(_SpyReader):
        def read(self, front: bytes, back: bytes | None = None, *, subject_id: str) -> None:
            reader_threads.append(threading.get_ident())
            assert len(decoded) >= 1 + HELD_FRAMES  # the uploads are decoded (and held) before the read

    analyzer, landmarker = _SpyAnalyzer(), _SpyLandmarker()
    sandbox = build_sandbox_services(OfflineKyaChecker(None))
    warm_models(dataclasses.replace(sandbox, document_reader=Reader(), sandbox=False,
                                    face_matcher=SimpleNamespace(analyzer=analyzer),
                                    active_liveness=SimpleNamespace(landmarker=landmarker)))
    assert reader_threads == [threading.get_ident()]
    selfie_frames = [shape for shape, thread in landmarker.frames if thread != threading.get_ident()]
    assert len(selfie_frames) == HELD_FRAMES and all(max(s[:2]) == WORK_MAX_SIDE for s in selfie_frames)
    assert (WORK_MAX_SIDE * PHOTO_SCALE * 3 // 4, WORK_MAX_SIDE * PHOTO_SCALE) in decoded  # the phone-sized selfie
    # the blank frame's detection, then the selfie's, shrunk to the models' work size
    assert analyzer.calls.count(("detect", (WORK_MAX_SIDE * 3 // 4, WORK_MAX_SIDE, 3))) == 2


def test_the_process_asks_for_one_malloc_arena_unless_the_environment_says_otherwise() -> None:
    import os
    import subprocess
    import sys

    probe = "from ops.memory import use_one_malloc_arena; print(use_one_malloc_arena())"
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    asked = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert asked.stdout.strip() == "True"
    told = subprocess.run([sys.executable, "-c", probe], env={**env, "MALLOC_ARENA_MAX": "4"},
                          capture_output=True, text=True, check=True)
    assert told.stdout.strip() == "False"
