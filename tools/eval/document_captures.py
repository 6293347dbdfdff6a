"""Document reads and the quality gate on degraded copies of the MRZ specimens.

Each specimen image with expected fields (``mrz/mrz_images.json``) is read end to end by the production
reader as it is and as degraded copies made at run time: downscaled (to half, a third, a quarter, a
fifth, a sixth, a seventh, an eighth: the last four about 5, 4.5, 4 and 3 px per MRZ character),
cropped (the right tenth or fifth of the page cut away, through the MRZ), darker (x0.35), lighter
(x1.3: a well-lit light page), washed out (x0.45 + 140: even the ink light grey), with a glare
spot (a blown-out ellipse on the page in room light, x0.8), as a white page in a photo (x0.9: paper
about 229 grey, not blown out) and as that white page with a lamp's specular highlight (a smooth
bright blob whose centre is blown out, about 13 % of the page). A read counts when the MRZ fields are the
source's and the check digits valid; a read whose check digits pass with a value that is not the
source's is counted apart ("wrong"), and must stay at 0; "quality" is the gate's verdict (the guidance codes it gave, or
pass); "hint" is what an unreadable page tells the person (``read_hint``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from ml.document.images import Image, decode_image
from ml.document.reader import OpenCvRapidOcrDocumentReader
from tools.eval.document_mrz import mrz_image_ok

SPECIMEN_DAY = date(2010, 1, 1)  # the Utopia specimens expire on 2012-04-15


def _scaled(factor: float) -> Callable[[Image], Image]:
    return lambda image: np.asarray(cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA))


def _cropped(share: float) -> Callable[[Image], Image]:
    return lambda image: np.ascontiguousarray(image[:, : round(image.shape[1] * (1 - share))])


def _light(gain: float, offset: float = 0.0) -> Callable[[Image], Image]:
    return lambda image: np.clip(image.astype(np.float32) * gain + offset, 0, 255).astype(np.uint8)


def _glare(image: Image) -> Image:
    out = _light(0.8)(image)
    h, w = out.shape[:2]
    cv2.ellipse(out, (w // 2, h // 2), (w // 7, h // 9), 0, 0, 360, (255, 255, 255), -1)
    return out


def white_page(image: Image) -> Image:
    """A white page as a camera sees it: paper about 229 grey, not blown out (x0.9)."""
    return _light(0.9)(image)


def white_page_glare(image: Image) -> Image:
    """The white page with a lamp's specular highlight: a smooth Gaussian blob added to the light
    (sigma 9 % of the page's width, centred a little above the middle), its centre blown out."""
    out = white_page(image).astype(np.float32)
    h, w = out.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    spread = ((xx - 0.5 * w) ** 2 + (yy - 0.45 * h) ** 2) / float(w * w)
    out += 140.0 * np.exp(-spread / (2 * 0.09 ** 2))[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


VARIANTS: dict[str, Callable[[Image], Image]] = {
    "as published": lambda image: image, "downscaled to 1/2": _scaled(0.5), "downscaled to 1/3": _scaled(1 / 3),
    "downscaled to 1/4": _scaled(0.25), "downscaled to 1/5": _scaled(0.2), "downscaled to 1/6": _scaled(1 / 6),
    "downscaled to 1/7": _scaled(1 / 7), "downscaled to 1/8": _scaled(0.125), "right tenth cropped": _cropped(0.1),
    "right fifth cropped": _cropped(0.2),
    "darker (x0.35)": _light(0.35), "lighter (x1.3)": _light(1.3), "washed out": _light(0.45, 140),
    "glare spot": _glare, "white page (x0.9)": white_page, "glare spot on a white page": white_page_glare,
}


def evaluate(data_dir: Path) -> dict[str, tuple[int, int, int, Counter[str], Counter[str]]]:
    """Per variant: (reads right, wrong reads with valid check digits, images, quality verdicts, hints
    of unreadable pages)."""
    images = [i for i in json.loads((data_dir / "mrz" / "mrz_images.json").read_text(encoding="utf-8"))["images"]
              if "expected_fields" in i]
    reader = OpenCvRapidOcrDocumentReader(today=lambda: SPECIMEN_DAY)
    out: dict[str, tuple[int, int, int, Counter[str], Counter[str]]] = {}
    for name, make in VARIANTS.items():
        right, wrong, verdicts, hints = 0, 0, Counter[str](), Counter[str]()
        for item in images:
            image = make(decode_image((data_dir / "mrz" / item["file"]).read_bytes()))
            ok, data = cv2.imencode(".png", image)
            if not ok:
                raise ValueError(f"cannot encode a copy of {item['file']}")
            reading = reader.read(bytes(data.tobytes()), subject_id="eval")
            mrz = reading.mrz
            valid = mrz is not None and mrz.check_digits_valid
            right += bool(valid and mrz_image_ok(mrz, item["expected_fields"]))
            wrong += bool(valid and not mrz_image_ok(mrz, item["expected_fields"]))
            verdicts.update([",".join(i.guidance.value for i in reading.quality.issues) or "pass"])
            # (getattr: the same module also measures readers from before read hints existed)
            hints.update([getattr(reading, "read_hint", None) or "-"] if mrz is None else [])
        out[name] = (right, wrong, len(images), verdicts, hints)
    return out


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items())) or "-"


def report_section(data_dir: Path) -> str:
    """Markdown section: per degraded copy, reads, quality verdicts and hints."""
    load_before = os.getloadavg()[0]
    results = evaluate(data_dir)
    lines = [
        "## Documents: degraded captures of the specimens\n",
        (__doc__ or "").split("\n\n", 1)[1].strip() + "\n",
        "| copy | read right | wrong, check digits valid | quality gate | hint when unread |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, (right, wrong, total, verdicts, hints) in results.items():
        lines.append(f"| {name} | {right}/{total} | {wrong} | {_counts(verdicts)} | {_counts(hints)} |")
    lines.append(f"\n1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.\n")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(report_section(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")))
