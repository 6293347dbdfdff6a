"""Video files for Chromium's fake camera (``--use-file-for-fake-video-capture``), built from images.

The browser tests build them at test time from ``../shared/data`` (never committed): a document held
to the camera (a real MRZ specimen whose portrait is replaced by a real face photo, so the selfie of
the same person can match it), a face in front of the camera, or any still photo. Chromium plays
Y4M (YUV4MPEG2, 4:2:0) in a loop; a still image is a few identical frames.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from ml.face.detection import DetectedFace, YuNetFaceDetector

Image = NDArray[np.uint8]
DOCUMENT_SIZE = (1280, 960)  # width, height: 4:3 as a phone's rear camera
FACE_SIZE = (640, 480)


class FakeCameraError(ValueError):
    """An input image cannot make the wanted video (unreadable, no face where one is needed)."""


def read_image(path: Path) -> Image:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise FakeCameraError(f"cannot read image {path}")
    return image


def write_y4m(path: Path, frame: Image, frames: int = 10, fps: int = 10) -> Path:
    """A Y4M file showing ``frame`` (BGR, even width and height) for ``frames`` frames."""
    height, width = frame.shape[:2]
    if width % 2 or height % 2:
        raise FakeCameraError("Y4M 4:2:0 needs an even width and height")
    i420 = cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(i420)
    return path


def _main_face(image: Image) -> DetectedFace:
    faces = YuNetFaceDetector().detect(image)
    if not faces:
        raise FakeCameraError("no face found in the image")
    return max(faces, key=lambda f: f.width * f.height)


def _clip_box(image: Image, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    h, w = image.shape[:2]
    return max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))


def _portrait_box(face: DetectedFace) -> tuple[float, float, float, float]:
    # Head and shoulders around the face box, in passport-photo proportions.
    x, y, w, h = (float(v) for v in face.row[:4])
    return x - 0.55 * w, y - 0.6 * h, x + 1.55 * w, y + 1.55 * h


def with_portrait(document: Image, face_photo: Image) -> Image:
    """``document`` with its printed portrait replaced by the head and shoulders of ``face_photo``."""
    target = _clip_box(document, *_portrait_box(_main_face(document)))
    tw, th = target[2] - target[0], target[3] - target[1]
    result = document.copy()
    result[target[1]:target[3], target[0]:target[2]] = portrait_of(face_photo, tw, th)
    return result


def portrait_of(face_photo: Image, width: int, height: int) -> Image:
    """The head and shoulders of ``face_photo``'s main face, cropped to ``width`` x ``height``'s aspect
    ratio around the head and resized to it: a passport portrait."""
    fx0, fy0, fx1, fy1 = _portrait_box(_main_face(face_photo))
    cx, cy, crop_h = (fx0 + fx1) / 2, (fy0 + fy1) / 2, fy1 - fy0
    crop_w = crop_h * width / height
    source = _clip_box(face_photo, cx - crop_w / 2, cy - crop_h / 2, cx + crop_w / 2, cy + crop_h / 2)
    crop = face_photo[source[1]:source[3], source[0]:source[2]]
    return np.asarray(cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8)


def held_document(document: Image, size: tuple[int, int] = DOCUMENT_SIZE) -> Image:
    """The document on a dark desk, filling the capture page's alignment frame (84% x 68% of the view)."""
    width, height = size
    canvas = np.full((height, width, 3), (38, 34, 30), np.uint8)
    scale = min(0.82 * width / document.shape[1], 0.66 * height / document.shape[0])
    resized = cv2.resize(document, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    rh, rw = resized.shape[:2]
    top, left = (height - rh) // 2, (width - rw) // 2
    canvas[top:top + rh, left:left + rw] = resized
    return canvas


def face_in_view(photo: Image, size: tuple[int, int] = FACE_SIZE) -> Image:
    """``photo`` framed so its face sits in the capture page's face oval (centre, ~38% of the height)."""
    width, height = size
    face = _main_face(photo)
    x, y, w, h = (float(v) for v in face.row[:4])
    crop_h = h / 0.38
    crop_w = crop_h * width / height
    pad = int(max(crop_w, crop_h))  # grey margin instead of clipping: the aspect ratio stays true
    padded = cv2.copyMakeBorder(photo, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(128, 128, 128))
    cx, cy = x + w / 2 + pad, y + h / 2 + pad
    x0, y0 = int(cx - crop_w / 2), int(cy - crop_h * 0.48)
    crop = padded[y0:y0 + int(crop_h), x0:x0 + int(crop_w)]
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)


def still_in_view(photo: Image, size: tuple[int, int] = FACE_SIZE) -> Image:
    """A still photo as the camera sees it when it is held up to the lens: the whole picture, resized."""
    return cv2.resize(photo, size, interpolation=cv2.INTER_AREA)


def document_video(specimen: Path, portrait: Path, out: Path) -> Path:
    """The MRZ ``specimen`` carrying ``portrait``'s face, held to the rear camera."""
    return write_y4m(out, held_document(with_portrait(read_image(specimen), read_image(portrait))))


def face_video(photo: Path, out: Path) -> Path:
    """``photo``'s face framed in the front camera's oval."""
    return write_y4m(out, face_in_view(read_image(photo)))


def still_photo_video(photo: Path, out: Path) -> Path:
    """A still photo held to the front camera (a presentation attack)."""
    return write_y4m(out, still_in_view(read_image(photo)))
