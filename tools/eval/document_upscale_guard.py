"""The guards on an upscaled MRZ read, measured: small copies of the specimens read with and without them.

Each specimen image with expected fields (``mrz/mrz_images.json``) is downscaled (``INTER_AREA``) to
every size from a fifth to an eighth of its own, in steps of 0.005 (about 5 to 3 px per MRZ
character), and read twice in the same run:

- "guards on": the production reader (``ml/document/low_resolution.py``: an upscaled read is kept only
  when its check digits pass, the captured characters are at least ``MIN_PITCH_PX`` apart and a
  sharpened second upscale reads the same MRZ; since commit 5713457 a read at the page's own size
  only when its characters are at least ``MIN_PITCH_PX`` apart);
- "guards off": the same reader, except that when it kept no valid MRZ, the page (found and rectified
  as the reader does) is upscaled as the reader does and its read is kept whenever its check digits
  pass, the rule before the guards.

A read is "right" when its fields are the source's, "wrong" when its check digits pass with a value
that is not the source's: the read a forger's document would give, which the guards exist to stop.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import cv2

from domain.documents.mrz import MrzRecord
from ml.document.geometry import find_document, rectify
from ml.document.images import Image, decode_image
from ml.document.low_resolution import upscale_factor, upscaled
from ml.document.ocr_pool import shared_engine
from ml.document.page_text import read_page_text
from ml.document.reader import OpenCvRapidOcrDocumentReader
from tools.eval.document_mrz import mrz_image_ok

SPECIMEN_DAY = date(2010, 1, 1)  # the Utopia specimens expire on 2012-04-15
SCALES = [round(0.2 - 0.005 * step, 3) for step in range(16)]  # 0.2 (1/5) down to 0.125 (1/8)


def unguarded_upscaled_read(frame: Image, today: Callable[[], date] = lambda: SPECIMEN_DAY) -> MrzRecord | None:
    """The MRZ the reader would keep without the guards: the rectified page upscaled (as the reader
    does) and read, kept when its check digits pass."""
    ocr = shared_engine()
    page = rectify(frame, find_document(frame))
    factor = upscale_factor(page, ocr.detect(page))
    if factor is None:
        return None
    mrz = read_page_text(ocr, upscaled(page, factor), today).mrz
    return mrz if mrz is not None and mrz.check_digits_valid else None


def downscaled_png(image: Image, factor: float) -> bytes:
    ok, data = cv2.imencode(".png", cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA))
    if not ok:
        raise ValueError("cannot encode a downscaled copy")
    return bytes(data.tobytes())


def evaluate(data_dir: Path) -> dict[float, tuple[int, int, int, int, int]]:
    """Per scale: (right with guards, wrong with guards, right without, wrong without, images)."""
    images = [i for i in json.loads((data_dir / "mrz" / "mrz_images.json").read_text(encoding="utf-8"))["images"]
              if "expected_fields" in i]
    reader = OpenCvRapidOcrDocumentReader(today=lambda: SPECIMEN_DAY)
    out: dict[float, tuple[int, int, int, int, int]] = {}
    for factor in SCALES:
        counts = [0, 0, 0, 0]
        for item in images:
            png = downscaled_png(decode_image((data_dir / "mrz" / item["file"]).read_bytes()), factor)
            guarded = reader.read(png, subject_id="eval").mrz
            guarded = guarded if guarded is not None and guarded.check_digits_valid else None
            unguarded = guarded or unguarded_upscaled_read(decode_image(png))
            for index, mrz in enumerate((guarded, unguarded)):
                right = mrz_image_ok(mrz, item["expected_fields"])
                counts[2 * index] += right
                counts[2 * index + 1] += mrz is not None and not right
        out[factor] = (counts[0], counts[1], counts[2], counts[3], len(images))
    return out


def report_section(data_dir: Path) -> str:
    """Markdown section: right and wrong reads of the small copies with and without the guards."""
    load_before = os.getloadavg()[0]
    results = evaluate(data_dir)
    lines = ["## Documents: the guards on upscaled MRZ reads\n", (__doc__ or "").split("\n\n", 1)[1].strip() + "\n",
             "| copy | right, guards on | wrong, check digits valid, guards on | right, guards off "
             "| wrong, check digits valid, guards off |", "| --- | --- | --- | --- | --- |"]
    for factor, (right_on, wrong_on, right_off, wrong_off, total) in results.items():
        lines.append(f"| downscaled by {factor:.3f} | {right_on}/{total} | {wrong_on} | {right_off}/{total} "
                     f"| {wrong_off} |")
    lines.append(f"\n1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.\n")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(report_section(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")))
