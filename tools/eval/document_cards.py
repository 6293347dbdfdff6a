"""AAMVA payloads rendered as PDF417 cards and read back from the image, flat and damaged.

Every payload of ``pdf417/aamva_expected.json`` that parses as a licence (IdParser's cases and the two
standard examples) is encoded as a PDF417 symbol with zxing-cpp's writer (2 px per module), put on a
light card on a dark table, and photographed in copies made at run time: flat, with a keystone
(the top edge 6 % to 35 % shorter on each side, as a card held tilted away), turned by 10 or 30
degrees, with a Gaussian blur of 1 px, re-encoded as JPEG at quality 60, and combinations of those
(a phone photo of a tilted card is keystoned, then blurred and compressed). A copy counts when the
licence read from the image has the payload's own document number, name and birth date. The 62 real
PDF417 images of ``pdf417/zxing_expected.json`` get the same keystones and turns on a dark table; one
counts when it decodes to the same bytes as the image itself. Each copy is decoded twice in the same
run: by the decoder alone (deskew and enlarge retries, "before") and with the straightened attempts
(``ml/document/straighten.py``, "after").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from domain.documents.aamva import parse_aamva
from domain.documents.aamva_fields import LicenceData, licence_data
from domain.errors import DomainError
from ml.document.images import Image, decode_image
from ml.document.pdf417 import decode_pdf417
from ml.document.reader import read_licence

MODULE_PX = 2


def card(payload: bytes) -> Image:
    symbol = np.asarray(zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.PDF417).to_image(scale=MODULE_PX))
    light = np.pad(symbol, 100, constant_values=235)
    table = np.pad(light, 80, constant_values=60)
    return np.ascontiguousarray(np.repeat(table[:, :, None], 3, axis=2))


def keystone(share: float) -> Callable[[Image], Image]:
    def apply(image: Image) -> Image:
        h, w = image.shape[:2]
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        moved = np.array([[w * share, 0], [w * (1 - share), 0], [w, h], [0, h]], dtype=np.float32)
        matrix = cv2.getPerspectiveTransform(corners, moved)
        return np.asarray(cv2.warpPerspective(image, matrix, (w, h), borderValue=(60, 60, 60)), dtype=np.uint8)
    return apply


def turn(degrees: float) -> Callable[[Image], Image]:
    def apply(image: Image) -> Image:
        h, w = image.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        size = (int(h * sin + w * cos), int(h * cos + w * sin))
        matrix[0, 2] += size[0] / 2 - w / 2
        matrix[1, 2] += size[1] / 2 - h / 2
        return np.asarray(cv2.warpAffine(image, matrix, size, borderValue=(60, 60, 60)), dtype=np.uint8)
    return apply


def on_table(image: Image) -> Image:
    """A real symbol image as a printout lying on a dark table."""
    return np.ascontiguousarray(np.pad(image, ((60, 60), (60, 60), (0, 0)), constant_values=60))


def blur(image: Image) -> Image:
    return np.asarray(cv2.GaussianBlur(image, (0, 0), 1.0), dtype=np.uint8)


def jpeg(image: Image) -> Image:
    _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 60])
    return np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR), dtype=np.uint8)


def _photo(share: float) -> Callable[[Image], Image]:
    return lambda image: jpeg(blur(keystone(share)(image)))


COPIES: dict[str, Callable[[Image], Image]] = {
    "flat": lambda image: image, "keystone 6 %": keystone(0.06), "keystone 10 %": keystone(0.10),
    "keystone 15 %": keystone(0.15), "keystone 30 %": keystone(0.30), "keystone 35 %": keystone(0.35),
    "turned 10 degrees": turn(10), "turned 30 degrees": turn(30),
    "keystone 10 % turned 20 degrees": lambda image: turn(20)(keystone(0.10)(image)),
    "blur 1 px": blur, "JPEG q60": jpeg, "keystone 6 % + blur + JPEG": _photo(0.06),
    "keystone 10 % + blur + JPEG": _photo(0.10), "keystone 12 % + blur + JPEG": _photo(0.12),
    "keystone 15 % + blur + JPEG": _photo(0.15),
}
REAL_COPIES: dict[str, Callable[[Image], Image]] = {
    "on a table": on_table, "keystone 6 %": lambda image: keystone(0.06)(on_table(image)),
    "keystone 10 %": lambda image: keystone(0.10)(on_table(image)),
    "keystone 15 %": lambda image: keystone(0.15)(on_table(image)),
    "turned 20 degrees": lambda image: turn(20)(on_table(image)),
    "keystone 10 % + blur + JPEG": lambda image: _photo(0.10)(on_table(image)),
}


def payloads(data_dir: Path) -> list[tuple[bytes, LicenceData]]:
    """(the bytes a card carries, the licence its payload text gives). The files are the text a scanner
    produced, stored as UTF-8; a card carries single bytes (AAMVA's default charset, Latin-1), so a
    scanner-noise character such as U+0090 is one byte 0x90 on the card, not UTF-8's two. Characters
    beyond Latin-1 - the byte order mark many of the files start with - keep their UTF-8 bytes, as a
    card printed from such a file would carry them."""
    expected = json.loads((data_dir / "pdf417" / "aamva_expected.json").read_text(encoding="utf-8"))
    files = [case["payload_file"] for key in ("idparser", "benhovinga") for case in expected[key]]
    out = []
    for name in files:
        text = (data_dir / "pdf417" / name).read_bytes().decode("utf-8", errors="replace")
        try:
            card_bytes = b"".join(c.encode("latin-1") if ord(c) < 256 else c.encode("utf-8") for c in text)
            out.append((card_bytes, licence_data(parse_aamva(text))))
        except DomainError:
            continue
    return out


def _same(read: LicenceData | None, truth: LicenceData) -> bool:
    return read is not None and (read.id_number, read.last_name, read.birth_date) == (
        truth.id_number, truth.last_name, truth.birth_date)


def _raw(image: Image, straighten: bool) -> list[bytes]:
    return sorted(symbol.raw for symbol in decode_pdf417(image, straighten=straighten))


def report_section(data_dir: Path) -> str:
    """Markdown section: cards read per copy, and real symbol images decoded per copy, before and after
    straightening."""
    cases = payloads(data_dir)
    cards = [(card(raw), truth) for raw, truth in cases]
    lines = ["## Driver licences: PDF417 cards rendered and photographed\n",
             (__doc__ or "").split("\n\n", 1)[1].strip() + "\n",
             "| card copy | read right, decoder alone (before) | read right, straightened (after) |",
             "| --- | --- | --- |"]
    for name, make in COPIES.items():
        copies = [(make(image), truth) for image, truth in cards]
        before = sum(_same(read_licence(image, straighten=False), truth) for image, truth in copies)
        after = sum(_same(read_licence(image), truth) for image, truth in copies)
        lines.append(f"| {name} | {before}/{len(cards)} | {after}/{len(cards)} |")
    listed = json.loads((data_dir / "pdf417" / "zxing_expected.json").read_text(encoding="utf-8"))["images"]
    images = [decode_image((data_dir / "pdf417" / item["image"]).read_bytes()) for item in listed]
    flat = [_raw(image, False) for image in images]
    lines += ["", "| real PDF417 image copy | decoded as the image itself, before | after |", "| --- | --- | --- |"]
    for name, make in REAL_COPIES.items():
        real = [make(image) for image in images]
        before = sum(bool(f) and _raw(c, False) == f for c, f in zip(real, flat, strict=True))
        after = sum(bool(f) and _raw(c, True) == f for c, f in zip(real, flat, strict=True))
        lines.append(f"| {name} | {before}/{len(images)} | {after}/{len(images)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    print(report_section(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")))
