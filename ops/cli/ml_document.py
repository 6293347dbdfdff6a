"""``kycledger ml read-document FRONT [BACK]`` and ``kycledger ml validate-document``.

Offline audit/batch commands printing JSON shaped like requirements/platform §8.2 (document OCR) and §8.3
(document validation). Output holds the document's personal data: it is for the operator's terminal,
never for logs.

``quality.sharpness`` maps the Laplacian variance v to 0-1 as v / (v + 100), so the requirements/pipeline §3
threshold (100) reads 0.5; ``quality.glare`` is the glare area share. Raw measures are included too.
"""

from __future__ import annotations

import argparse
import base64
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from domain.documents.validation import DocumentValidation

DEFAULT_MIN_AGE = 18


def register(sub: Any) -> None:
    read = sub.add_parser("read-document", help="read a document image (front, optional back) -> JSON")
    read.add_argument("front", type=Path)
    read.add_argument("back", type=Path, nargs="?")
    read.add_argument("--today", type=date.fromisoformat, default=None, help="ISO date (default: today)")
    read.add_argument("--min-age", type=int, default=DEFAULT_MIN_AGE)
    read.add_argument("--no-portrait", action="store_true", help="omit the base64 face crop")
    read.set_defaults(func=_read)
    val = sub.add_parser("validate-document", help="validate MRZ text or a PDF417 payload/image -> JSON")
    src = val.add_mutually_exclusive_group(required=True)
    src.add_argument("--mrz", help="MRZ lines separated by newlines or '|'")
    src.add_argument("--barcode", type=Path, help="decoded AAMVA payload (.txt) or barcode image")
    val.add_argument("--today", type=date.fromisoformat, default=None)
    val.add_argument("--min-age", type=int, default=DEFAULT_MIN_AGE)
    val.set_defaults(func=_validate)


def validation_json(validation: DocumentValidation) -> dict[str, Any]:
    """requirements/platform §8.3 shape."""
    return {"document_valid": validation.document_valid,
            "checks": [{"name": c.name, "status": c.status.value} | ({"reason": c.reason} if c.reason else {})
                       for c in validation.checks],
            "confidence": validation.confidence}


def _read(args: argparse.Namespace) -> int:
    from domain.errors import DomainError
    from ml.document.reader import OpenCvRapidOcrDocumentReader
    from ml.document.validator import RuleBasedDocumentValidator

    today = args.today or date.today()
    start = time.perf_counter()
    try:
        reader = OpenCvRapidOcrDocumentReader(today=lambda: today)
        reading = reader.read(args.front.read_bytes(), args.back.read_bytes() if args.back else None,
                              subject_id="cli")
    except (DomainError, OSError) as exc:
        print(json.dumps({"error": {"code": getattr(exc, "code", "io_error"), "message": str(exc)}}))
        return 2
    validation = RuleBasedDocumentValidator().validate(reading, today=today, min_age=args.min_age)
    q = reading.quality
    out = {
        "detected": {"type": reading.detected.type.value, "country": reading.detected.country,
                     "confidence": reading.detected.confidence, "basis": reading.detected.basis},
        "fields": {k: v.value for k, v in reading.fields.items()},
        "images": {} if args.no_portrait or reading.portrait_jpeg is None
        else {"face_crop_base64": base64.b64encode(reading.portrait_jpeg).decode()},
        "quality": {"sharpness": round(q.sharpness / (q.sharpness + 100.0), 3), "glare": q.glare_ratio,
                    "passed": q.passed, "guidance": [i.guidance.value for i in q.issues],
                    "measures": {"laplacian_variance": q.sharpness, "brightness": q.brightness,
                                 "document_found": q.document_found, "skew_degrees": q.skew_degrees,
                                 "frame_coverage": q.frame_coverage}},
        "forensics": [{"name": s.name, "score": s.score, "confidence": s.confidence, "note": s.note}
                      for s in reading.forensics],
        "validation": validation_json(validation),
        "models": [{"name": m.name, "version": m.version, "weights_sha256": m.weights_sha256}
                   for m in reading.models],
        "processing_ms": round((time.perf_counter() - start) * 1000),
        "timings_ms": dict(reading.timings_ms),
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from domain.documents.aamva import parse_aamva
    from domain.documents.aamva_fields import licence_data
    from domain.documents.mrz import parse_mrz
    from domain.documents.validation import validate_document
    from domain.errors import DomainError

    today = args.today or date.today()
    try:
        if args.mrz is not None:
            mrz, licence = parse_mrz(args.mrz.replace("|", "\n").splitlines()), None
        else:
            mrz, licence = None, licence_data(parse_aamva(_barcode_payload(args.barcode)))
    except (DomainError, OSError) as exc:
        print(json.dumps({"document_valid": False, "checks": [],
                          "error": {"code": getattr(exc, "code", "io_error"), "message": str(exc)}}))
        return 2
    result = validate_document(mrz, licence, (), today=today, min_age=args.min_age)
    print(json.dumps(validation_json(result), indent=2))
    return 0


def _barcode_payload(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix.lower() == ".txt":
        return data.decode("utf-8", errors="replace")
    from domain.documents.errors import AamvaFormatError
    from ml.document.images import decode_image
    from ml.document.pdf417 import decode_pdf417

    symbols = decode_pdf417(decode_image(data))
    if not symbols:
        raise AamvaFormatError("no PDF417 symbol found in the image", file=path.name)
    return symbols[0].text
