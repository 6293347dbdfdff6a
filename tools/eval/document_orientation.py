"""Document reads of the MRZ specimens photographed the wrong way up (no EXIF orientation tag).

Each specimen image with expected fields (``mrz/mrz_images.json``) is turned by 0, 90, 180 and 270
degrees, encoded as PNG (so no EXIF tag can say which way is up) and read end to end by the production
reader. A read counts when the MRZ fields are the source's (``eval_document_mrz.mrz_image_ok``) and its
check digits are valid; a read that gives an MRZ whose check digits fail is counted apart, because that
is what a forged document looks like.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from ml.document.images import decode_image
from ml.document.reader import OpenCvRapidOcrDocumentReader
from tools.eval.document_mrz import mrz_image_ok

SPECIMEN_DAY = date(2010, 1, 1)  # the Utopia specimens expire on 2012-04-15
TURNS = (0, 1, 2, 3)


def turned_png(path: Path, quarter_turns: int) -> bytes:
    image = decode_image(path.read_bytes())
    ok, data = cv2.imencode(".png", np.ascontiguousarray(np.rot90(image, quarter_turns)))
    if not ok:
        raise ValueError(f"cannot encode {path}")
    return bytes(data.tobytes())


def evaluate(data_dir: Path) -> dict[int, tuple[int, int, int, list[float]]]:
    """Per turn: (reads right, reads with failing check digits, images, read times in ms)."""
    images = [i for i in json.loads((data_dir / "mrz" / "mrz_images.json").read_text(encoding="utf-8"))["images"]
              if "expected_fields" in i]
    reader = OpenCvRapidOcrDocumentReader(today=lambda: SPECIMEN_DAY)
    reader.read(turned_png(data_dir / "mrz" / images[0]["file"], 0), subject_id="warm-up")
    out: dict[int, tuple[int, int, int, list[float]]] = {}
    for quarter_turns in TURNS:
        right = forged_looking = 0
        times: list[float] = []
        for item in images:
            data = turned_png(data_dir / "mrz" / item["file"], quarter_turns)
            started = time.perf_counter()
            reading = reader.read(data, subject_id="eval")
            times.append(1000 * (time.perf_counter() - started))
            mrz = reading.mrz
            right += bool(mrz is not None and mrz.check_digits_valid and mrz_image_ok(mrz, item["expected_fields"]))
            forged_looking += bool(mrz is not None and not mrz.check_digits_valid)
        out[quarter_turns] = (right, forged_looking, len(images), times)
    return out


def report_section(data_dir: Path) -> str:
    """Markdown section: reads per turn, with the time each took."""
    load_before = os.getloadavg()[0]
    results = evaluate(data_dir)
    load = f"1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores"
    lines = [
        "## Documents photographed the wrong way up\n",
        (__doc__ or "").split("\n\n", 1)[1].strip() + "\n",
        "| turned by | read right (valid check digits) | read as an MRZ failing its check digits "
        "| read time p50 / max |",
        "| --- | --- | --- | --- |",
    ]
    for quarter_turns, (right, forged_looking, total, times) in results.items():
        lines.append(f"| {90 * quarter_turns} degrees | {right}/{total} | {forged_looking}/{total} "
                     f"| {statistics.median(times):.0f} / {max(times):.0f} ms |")
    lines.append(f"\nTimes are wall-clock on a shared machine ({load}).\n")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(report_section(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")))
