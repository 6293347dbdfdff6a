"""Document evaluation, image part: zxing-cpp PDF417 images decoded exactly, and full document reads
(rectify + OCR + MRZ + portrait + forensics) of the MRZ specimen images, both with their latency.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

from tools.eval.document_mrz import mrz_image_ok
from tools.eval.document_tally import Tally


def evaluate_pdf417_images(data_dir: Path) -> tuple[Tally, list[float]]:
    """Images decoded to exactly the expected text/bytes, and per-image decode time in ms."""
    from ml.document.images import decode_image
    from ml.document.pdf417 import Pdf417Symbol, decode_pdf417, merge_structured_append

    root = data_dir / "pdf417"
    doc = json.loads((root / "zxing_expected.json").read_text(encoding="utf-8"))
    tally, times = Tally(), []
    decoded: dict[str, list[Pdf417Symbol]] = {}
    for item in doc["images"]:
        image = decode_image((root / item["image"]).read_bytes())
        start = time.perf_counter()
        decoded[item["image"]] = decode_pdf417(image)
        times.append((time.perf_counter() - start) * 1000)
    for item in doc["images"]:
        expected_text = (root / item["expected_text_file"]).read_text(encoding="utf-8") \
            if item["expected_text_file"] else None
        expected_bytes = (root / item["expected_bytes_file"]).read_bytes() if item["expected_bytes_file"] else None
        if "StructuredAppend" in item["folder_rule"]:
            # NN-MM images are parts of one message: join all parts of NN in image then reading order.
            folder, name = item["image"].rsplit("/", 1)
            prefix = f"{folder}/{name.split('-')[0]}-"
            parts = [s for other in sorted(decoded) if other.startswith(prefix) for s in decoded[other]]
            ok = (merge_structured_append(parts) == expected_text) if expected_text is not None \
                else b"".join(p.raw for p in parts) == expected_bytes
        else:
            symbols = decoded[item["image"]]
            ok = any((s.text == expected_text) if expected_text is not None else s.raw == expected_bytes
                     for s in symbols)
        tally.add(ok, f"{item['image']}: {len(decoded[item['image']])} symbol(s), content differs or none")
    return tally, times


READ_ROUNDS = 3  # every MRZ image is read this many times for the latency figures (after one warm-up)


def evaluate_mrz_images(data_dir: Path) -> tuple[Tally, list[float]]:
    """Full document reads (rectify + OCR + MRZ) of the MRZ specimen images: fields right and timing."""
    from ml.document.reader import OpenCvRapidOcrDocumentReader

    doc = json.loads((data_dir / "mrz" / "mrz_images.json").read_text(encoding="utf-8"))
    reader = OpenCvRapidOcrDocumentReader(today=lambda: date(2010, 1, 1))
    tally, times = Tally(), []
    items = [i for i in doc["images"] if "expected_fields" in i]
    reader.read((data_dir / "mrz" / items[0]["file"]).read_bytes(), subject_id="eval")  # warm-up
    for item in items:
        front = (data_dir / "mrz" / item["file"]).read_bytes()
        for _ in range(READ_ROUNDS):
            start = time.perf_counter()
            reading = reader.read(front, subject_id="eval")
            times.append((time.perf_counter() - start) * 1000)
        tally.add(mrz_image_ok(reading.mrz, item["expected_fields"]), f"{item['file']}: MRZ fields differ")
    return tally, times


