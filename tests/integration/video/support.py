"""Short videos built at test time from real face photos (../shared/data/faces), written by OpenCV."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

FACES = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "faces" / "face_recognition"
FOURCC = {"mp4": "mp4v", "webm": "VP80"}


def face_video(out: Path, photo: Path = FACES / "obama.jpg", seconds: float = 2.0, fps: float = 10.0,
               size: tuple[int, int] = (320, 400)) -> bytes:
    """A video of ``photo`` drifting slowly sideways (a head moving a little), as MP4 or WebM by suffix."""
    image = cv2.imread(str(photo))
    assert image is not None, photo
    width, height = size
    base = cv2.resize(image, (width + 40, height))
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*FOURCC[out.suffix[1:]]), fps, (width, height))
    assert writer.isOpened(), f"OpenCV cannot write {out.suffix} here"
    count = round(seconds * fps)
    for i in range(count):
        shift = int(40 * i / max(count - 1, 1))
        writer.write(np.ascontiguousarray(base[:, shift:shift + width]))
    writer.release()
    data = out.read_bytes()
    out.unlink()
    return data
