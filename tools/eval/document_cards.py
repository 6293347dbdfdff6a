"""AAMVA payloads rendered as PDF417 cards and read back from the image, flat and damaged.

Every payload of ``pdf417/aamva_expected.json`` that parses as a licence (IdParser's cases and the two
standard examples) is encoded as a PDF417 symbol with zxing-cpp's writer, put on a light card (a
margin of 50 modules) on a dark table, and photographed in copies made at run time: flat, with a
keystone (the top edge 6 % to 40 % shorter on each side, as a card held tilted away), turned by 10 or
30 degrees, with a Gaussian blur of 1 px (or 1.5 px), re-encoded as JPEG at quality 60, and
combinations of those (a phone photo of a tilted card is keystoned, then blurred and compressed).
The cards are rendered at two sizes: 2 px per module (cards 584-720 px wide, about half of the
1280 px frame the capture page asks the camera for: the smallest card the quality gate's distance
rule accepts, docs/requirements/pipeline.md §3) and ``CAPTURE_CARD_PX`` wide (70 % of that frame,
the middle of the gate's 50-90 %; 2.7-3.1 px per module), each rendered at 8 px per module and
reduced by pixel area as a camera's sensor would. A copy counts when the licence read from the image
has the payload's own document number, name and birth date. The 62 real PDF417 images of
``pdf417/zxing_expected.json`` get the same keystones and turns on a dark table; one counts when it
decodes to the same bytes as the image itself. Each copy is decoded in the same run by the decoder
alone (deskew and enlarge retries), then with the straightened attempts
(``ml/document/straighten.py``), then with the deblurred ones (``ml/document/deblur.py``) made only
once zxing-cpp saw a symbol it could not decode (the rule for a page that may carry none), then with
them made whenever everything else failed (the rule for a licence's back), then also read codeword by
codeword (``ml/document/pdf417_codewords.py``, last: the licence back's decoder). The column "keystone undone
exactly" warps each copy that is only keystoned back with the keystone's own inverse (2x, no corner
search) and reads that: what no straightening can beat. "Read, or told exactly what to fix" counts the
copies the licence back's decoder reads plus those it does not read whose photo gets the guidance
that fixes them (``ml/document/back_guidance.py``): ``align_document`` for a keystoned copy,
``move_closer`` for any other. "Wrong values" counts, over every column, the reads that give a licence
other than the card's (for a real image: a message the image itself does not give). A table gives the
width of a module on the symbol's far (top) row.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from domain.documents.aamva import parse_aamva
from domain.documents.aamva_fields import LicenceData, licence_data
from domain.errors import DomainError
from domain.ports.document import Guidance
from ml.document.back_guidance import back_guidance
from ml.document.images import Image, decode_image, to_gray
from ml.document.pdf417 import decode_pdf417
from ml.document.reader import read_licence

MODULE_PX = 2
CAPTURE_CARD_PX = 896  # 70 % of the capture page's 1280 px frame (api/web/static/camera.js)
RENDER_PX = 8  # modules are drawn this wide, then reduced by pixel area to the card's size
PAPER_SHARE = 0.05  # paper around a printed real image: PDF417's quiet zone is 2 modules (ISO 15438)
CARD_MARGIN, TABLE_MARGIN = 50, 40  # modules of light card around the symbol, of table around the card


def card(payload: bytes, width: int | None = None) -> Image:
    """The symbol on a light card on a dark table, ``MODULE_PX`` per module or the card ``width`` px
    wide. (At ``MODULE_PX`` the area reduction of the 8 px render is exactly a 2 px render.)"""
    symbol = np.asarray(zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.PDF417).to_image(scale=RENDER_PX))
    light = np.pad(symbol, CARD_MARGIN * RENDER_PX, constant_values=235)
    factor = MODULE_PX / RENDER_PX if width is None else width / light.shape[1]
    small = cv2.resize(light, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    table = np.pad(small, round(TABLE_MARGIN * RENDER_PX * factor), constant_values=60)
    return np.ascontiguousarray(np.repeat(table[:, :, None], 3, axis=2))


def _keystone_matrix(share: float, w: int, h: int) -> np.ndarray:
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    moved = np.array([[w * share, 0], [w * (1 - share), 0], [w, h], [0, h]], dtype=np.float32)
    return np.asarray(cv2.getPerspectiveTransform(corners, moved))


def keystone(share: float) -> Callable[[Image], Image]:
    def apply(image: Image) -> Image:
        h, w = image.shape[:2]
        matrix = _keystone_matrix(share, w, h)
        return np.asarray(cv2.warpPerspective(image, matrix, (w, h), borderValue=(60, 60, 60)), dtype=np.uint8)
    return apply


def keystone_undone(share: float, image: Image, scale: int = 2) -> Image:
    """A keystoned copy warped back by the keystone's own inverse, ``scale`` times larger (no corner
    search: the upper bound of straightening)."""
    h, w = image.shape[:2]
    matrix = np.diag([scale, scale, 1.0]) @ np.linalg.inv(_keystone_matrix(share, w, h))
    return np.asarray(cv2.warpPerspective(image, matrix, (w * scale, h * scale), flags=cv2.INTER_CUBIC,
                                          borderMode=cv2.BORDER_REPLICATE), dtype=np.uint8)


def far_module_px(share: float, width: int | None, payload: bytes) -> float:
    """Pixels per module along the symbol's top (far) row on a copy keystoned by ``share``."""
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.PDF417).to_image(scale=1)
    plain = card(payload, width)
    h, w = plain.shape[:2]
    module = MODULE_PX if width is None else width / (np.asarray(symbol).shape[1] + 2 * CARD_MARGIN)
    top = (TABLE_MARGIN + CARD_MARGIN) * module
    row = np.array([[[w / 2, top], [w / 2 + module, top]]], dtype=np.float32)
    moved = cv2.perspectiveTransform(row, _keystone_matrix(share, w, h))[0]
    return float(np.linalg.norm(moved[1] - moved[0]))


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
    """A real symbol image as a printout lying on a dark table: white paper around the image
    (``PAPER_SHARE`` of its longer side), as a printer leaves (some of zxing-cpp's images are cut at
    the symbol's own edge, with no quiet zone; on a card the card is that margin)."""
    paper = max(8, round(PAPER_SHARE * max(image.shape[:2])))
    return cut_on_table(np.pad(image, ((paper, paper), (paper, paper), (0, 0)), constant_values=255))


def cut_on_table(image: Image) -> Image:
    """The image itself, cut at its edges, on a dark table."""
    return np.ascontiguousarray(np.pad(image, ((60, 60), (60, 60), (0, 0)), constant_values=60))


def blur(image: Image, sigma: float = 1.0) -> Image:
    return np.asarray(cv2.GaussianBlur(image, (0, 0), sigma), dtype=np.uint8)


def jpeg(image: Image) -> Image:
    _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 60])
    return np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR), dtype=np.uint8)


def _photo(share: float, sigma: float = 1.0) -> Callable[[Image], Image]:
    return lambda image: jpeg(blur(keystone(share)(image), sigma))


COPIES: dict[str, Callable[[Image], Image]] = {
    "flat": lambda image: image, "keystone 6 %": keystone(0.06), "keystone 10 %": keystone(0.10),
    "keystone 15 %": keystone(0.15), "keystone 25 %": keystone(0.25), "keystone 30 %": keystone(0.30),
    "keystone 35 %": keystone(0.35), "keystone 40 %": keystone(0.40),
    "turned 10 degrees": turn(10), "turned 30 degrees": turn(30),
    "keystone 10 % turned 20 degrees": lambda image: turn(20)(keystone(0.10)(image)),
    "blur 1 px": blur, "JPEG q60": jpeg, "keystone 6 % + blur + JPEG": _photo(0.06),
    "keystone 10 % + blur + JPEG": _photo(0.10), "keystone 12 % + blur + JPEG": _photo(0.12),
    "keystone 15 % + blur + JPEG": _photo(0.15), "keystone 20 % + blur + JPEG": _photo(0.20),
    "keystone 25 % + blur + JPEG": _photo(0.25), "keystone 30 % + blur + JPEG": _photo(0.30),
    "keystone 35 % + blur + JPEG": _photo(0.35), "keystone 40 % + blur + JPEG": _photo(0.40),
    "blur 1.5 px + JPEG": _photo(0.0, 1.5), "keystone 12 % + blur 1.5 px + JPEG": _photo(0.12, 1.5),
}
# The keystone of each copy that is only keystoned: the "undone exactly" column warps those copies back
# with the keystone's own inverse, the best any straightening that finds corners could do. (A blurred
# copy is left out: warped 2x, its blur is twice the spreads the deblurring tries, so the column would
# read fewer than the decoder, not bound it.)
KEYSTONES = {name: float(name.split()[1]) / 100 for name in COPIES
             if name.startswith("keystone") and name.endswith("%")}
REAL_COPIES: dict[str, Callable[[Image], Image]] = {
    "on a table, cut at the image's edge": cut_on_table, "on a table": on_table,
    "keystone 6 %": lambda image: keystone(0.06)(on_table(image)),
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


def _raw(image: Image, options: dict[str, bool]) -> list[bytes]:
    return sorted(symbol.raw for symbol in decode_pdf417(image, **options))


ATTEMPTS: dict[str, dict[str, bool]] = {
    "decoder alone": {"straighten": False, "deblur": False, "codewords": False},
    "straightened": {"deblur": False, "codewords": False},
    "straightened or deblurred once a symbol is seen": {"symbol_expected": False, "codewords": False},
    "straightened or deblurred": {"codewords": False},
    "or read codeword by codeword": {},
}
UNDONE = "keystone undone exactly (bound)"


TOLD = "read, or told exactly what to fix"
WRONG = "wrong values (every column)"


def expected_guidance(copy: str) -> Guidance:
    """What a person whose back did not decode should be told for ``copy``: hold the card straight
    when it was photographed keystoned, else come closer (ml/document/back_guidance.py)."""
    return Guidance.ALIGN_DOCUMENT if copy.startswith("keystone") else Guidance.MOVE_CLOSER


def _card_rows(data_dir: Path, width: int | None) -> tuple[list[str], dict[str, float]]:
    """The table's rows, and the mean time to read a flat card by each column's attempts (ms)."""
    cases = payloads(data_dir)
    cards = [(card(raw, width), truth) for raw, truth in cases]
    rows, flat_ms = [], {}
    for name, make in COPIES.items():
        copies = [(make(image), truth) for image, truth in cards]
        counts, wrong, told = [], 0, 0
        for column, options in ATTEMPTS.items():
            started = time.perf_counter()
            reads = [read_licence(image, **options) for image, _ in copies]
            if name == "flat":
                flat_ms[column] = (time.perf_counter() - started) * 1000 / len(copies)
            counts.append(f"{sum(_same(read, truth) for read, (_, truth) in zip(reads, copies, strict=True))}"
                          f"/{len(cards)}")
            wrong += sum(read is not None and not _same(read, truth) for read, (_, truth) in zip(reads, copies,
                                                                                                   strict=True))
        # The last column is the licence back's decoder: what it does not read, the back's photo guides.
        told = sum(_same(read, truth) or (read is None and back_guidance(to_gray(image)) == expected_guidance(name))
                   for read, (image, truth) in zip(reads, copies, strict=True))
        share = KEYSTONES.get(name)
        counts.append("-" if share is None else
                      f"{sum(_same(read_licence(keystone_undone(share, image)), truth) for image, truth in copies)}"
                      f"/{len(cards)}")
        counts += [f"{told}/{len(cards)}", str(wrong)]
        rows.append(f"| {name} | " + " | ".join(counts) + " |")
    return rows, flat_ms


def _real_rows(data_dir: Path) -> list[str]:
    listed = json.loads((data_dir / "pdf417" / "zxing_expected.json").read_text(encoding="utf-8"))["images"]
    images = [decode_image((data_dir / "pdf417" / item["image"]).read_bytes()) for item in listed]
    flat = [_raw(image, ATTEMPTS["decoder alone"]) for image in images]
    rows = []
    for name, make in REAL_COPIES.items():
        real = [make(image) for image in images]
        counts, wrong = [], 0
        for options in ATTEMPTS.values():
            reads = [_raw(c, options) for c in real]
            counts.append(sum(bool(f) and read == f for read, f in zip(reads, flat, strict=True)))
            # A message the image itself does not give (fewer messages, on a sheet of several, are no
            # wrong value: they are missed).
            wrong += sum(any(message not in f for message in read) for read, f in zip(reads, flat, strict=True))
        rows.append(f"| {name} | " + " | ".join(f"{n}/{len(images)}" for n in counts) + f" | {wrong} |")
    return rows


def _far_rows(data_dir: Path) -> list[str]:
    payload = payloads(data_dir)[0][0]
    return [f"| {share:.0%} | {far_module_px(share, None, payload):.2f} | "
            f"{far_module_px(share, CAPTURE_CARD_PX, payload):.2f} |" for share in (0.15, 0.20, 0.25, 0.30, 0.35, 0.40)]


def report_section(data_dir: Path) -> str:
    """Markdown section: cards read per copy at two sizes, and real symbol images decoded per copy,
    by each column's attempts (one run), with the time a flat card takes by each."""
    load_before = os.getloadavg()[0]
    header = " | ".join(ATTEMPTS)
    rule = "| --- " * (len(ATTEMPTS) + 4) + "|"
    small_rows, small_ms = _card_rows(data_dir, None)
    capture_rows, capture_ms = _card_rows(data_dir, CAPTURE_CARD_PX)
    lines = ["## Driver licences: PDF417 cards rendered and photographed\n",
             (__doc__ or "").split("\n\n", 1)[1].strip() + "\n",
             f"| card copy, 2 px per module | {header} | {UNDONE} | {TOLD} | {WRONG} |", rule, *small_rows, "",
             f"| card copy, {CAPTURE_CARD_PX} px wide | {header} | {UNDONE} | {TOLD} | {WRONG} |", rule,
             *capture_rows, "",
             "| a flat card read by | 2 px per module | " + f"{CAPTURE_CARD_PX} px wide |", "| --- | --- | --- |",
             *(f"| {column} | {small_ms[column]:.0f} ms | {capture_ms[column]:.0f} ms |" for column in ATTEMPTS), "",
             "| keystone | px per module on the symbol's far row, 2 px per module | "
             f"{CAPTURE_CARD_PX} px wide |", "| --- | --- | --- |", *_far_rows(data_dir)]
    lines += ["", f"| real PDF417 image copy, decoded as the image itself | {header} | {WRONG} |",
              "| --- " * (len(ATTEMPTS) + 2) + "|", *_real_rows(data_dir)]
    lines.append(f"\n1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.\n")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    print(report_section(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")))
