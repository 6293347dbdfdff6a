"""The shared data's MRZ specimens as the real-image document tests read them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import cv2
import numpy as np

from ml.document.images import Image
from ml.document.mrz_band import mrz_band
from ml.document.ocr_pool import shared_engine

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
IMAGES = json.loads((DATA / "mrz" / "mrz_images.json").read_text(encoding="utf-8"))["images"]
SPECIMEN_DAY = date(2010, 1, 1)  # the Utopia specimens expire on 2012-04-15
TD3_FILE = "images/passporteye/passport-td3.png"


def forged_check_digit(image: Image) -> Image:
    """The TD3 specimen with its document number's check digit (position 10 of line 2) overprinted
    with the line's own "7" (position 14): what a forger who changed the number leaves behind."""
    band = mrz_band(shared_engine().detect(image))
    x, y, w, h = band[1].box
    ink = np.where((cv2.cvtColor(image[y:y + h, x:x + w], cv2.COLOR_BGR2GRAY) < 128).any(axis=0))[0]
    left, pitch = x + int(ink[0]), (int(ink[-1]) - int(ink[0])) / 43.5
    forged = image.copy()
    source, target = round(left + 13 * pitch), round(left + 9 * pitch)
    forged[y:y + h, target:target + round(pitch)] = image[y:y + h, source:source + round(pitch)]
    return forged
