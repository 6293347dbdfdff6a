"""The shared data's MRZ specimens as the real-image document tests read them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
IMAGES = json.loads((DATA / "mrz" / "mrz_images.json").read_text(encoding="utf-8"))["images"]
SPECIMEN_DAY = date(2010, 1, 1)  # the Utopia specimens expire on 2012-04-15
TD3_FILE = "images/passporteye/passport-td3.png"
