"""Every AAMVA payload of the shared data, printed as a PDF417 card and read back from the image, flat
and photographed with a keystone, blur and JPEG damage (``tools/eval/document_cards.py``)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from domain.ports.document import Guidance
from ml.document.back_guidance import back_guidance
from ml.document.images import decode_image, to_gray
from ml.document.pdf417 import decode_pdf417
from ml.document.reader import OpenCvRapidOcrDocumentReader, read_licence
from tools.eval.document_cards import (
    CAPTURE_CARD_PX,
    COPIES,
    MODULE_PX,
    TABLE_MARGIN,
    _same,
    card,
    cut_on_table,
    far_module_px,
    keystone_undone,
    payloads,
)

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


@pytest.mark.parametrize("copy", ["flat", "keystone 6 % + blur + JPEG"])
def test_every_rendered_card_reads_back(copy: str) -> None:
    cases = payloads(DATA)
    assert len(cases) == 46
    assert sum(raw.startswith(b"\xef\xbb\xbf") for raw, _ in cases) > 0  # the byte order mark case is in
    missed = [truth.id_number for raw, truth in cases if not _same(read_licence(COPIES[copy](card(raw))), truth)]
    assert missed == []


def test_straightening_reads_tilted_photographed_cards_the_decoder_alone_misses() -> None:
    # A 12 % keystone, then blur and JPEG (a phone photo of a card tilted away): the far rows are
    # squeezed and the decoder alone fails about half of the cards (ml/EVALUATION.md, "Driver licences").
    cases = payloads(DATA)[:16]
    photos = [(COPIES["keystone 12 % + blur + JPEG"](card(raw)), truth) for raw, truth in cases]
    alone = sum(_same(read_licence(photo, straighten=False, deblur=False), truth) for photo, truth in photos)
    straightened = sum(_same(read_licence(photo, deblur=False, codewords=False), truth) for photo, truth in photos)
    assert alone < len(photos) - 3
    assert straightened >= len(photos) - 1


def test_deblurring_reads_the_cards_a_tilt_and_a_slight_defocus_left_unreadable() -> None:
    # A 15 % keystone at 2 px per module squeezes the far rows to 1.4 px per module; the blur then merges
    # narrow bars, which straightening alone cannot separate (ml/EVALUATION.md, "Driver licences").
    cases = payloads(DATA)[:6]
    photos = [(COPIES["keystone 15 % + blur + JPEG"](card(raw)), truth) for raw, truth in cases]
    straightened = sum(_same(read_licence(photo, deblur=False, codewords=False), truth) for photo, truth in photos)
    deblurred = sum(_same(read_licence(photo, codewords=False), truth) for photo, truth in photos)
    assert straightened <= len(photos) // 2
    assert deblurred == len(photos)


def test_a_card_filling_the_capture_frame_reads_even_steeply_tilted_and_blurred() -> None:
    # At the capture page's resolution (a card 70 % of the 1280 px frame) a 30 % keystone with blur and
    # JPEG damage leaves every module about 2 px wide or more.
    cases = payloads(DATA)[:4]
    photos = [(COPIES["keystone 30 % + blur + JPEG"](card(raw, CAPTURE_CARD_PX)), truth) for raw, truth in cases]
    assert [truth.id_number for photo, truth in photos if not _same(read_licence(photo), truth)] == []


def test_a_tilted_blurred_card_no_symbol_is_seen_on_reads_deblurred_as_a_licence_back() -> None:
    # The last card of the shared data at 2 px per module, keystoned 12 %, blurred 1.5 px and
    # compressed: zxing-cpp sees no symbol on the photo nor on its straightened copies, so a rule that
    # deblurs only after a symbol was seen never tries; read as the licence's back, it does and reads.
    raw, truth = payloads(DATA)[45]
    photo = COPIES["keystone 12 % + blur 1.5 px + JPEG"](card(raw))
    assert not _same(read_licence(photo, symbol_expected=False), truth)
    assert _same(read_licence(photo, codewords=False), truth)


@pytest.mark.parametrize(("copy", "cards"), [
    ("keystone 12 % + blur 1.5 px + JPEG", [13, 17, 25]),
    ("keystone 25 % + blur + JPEG", [8, 11, 12]),
])
def test_tilted_blurred_cards_read_straightened_on_refined_corners_enlarged_in_one_warp(
        copy: str, cards: list[int]) -> None:
    # Cards of the smallest size the capture gate accepts that the decoder missed when it straightened
    # on the contour search's corners, enlarged the straightened copy a second time, and deblurred a
    # 1.5 px spread with the 1 px spread's Wiener constant (ml/EVALUATION.md, "Driver licences").
    cases = payloads(DATA)
    missed = [i for i in cards if not _same(read_licence(COPIES[copy](card(cases[i][0]))), cases[i][1])]
    assert missed == []


def test_a_real_symbol_on_a_dark_table_decodes_once_to_its_own_message() -> None:
    # zxing-cpp's scan of a downscaled copy read this symbol a second time, garbled ("MMCKIH^$:]Lf ...");
    # the decoder keeps one message per place, the full-size one.
    image = decode_image((DATA / "pdf417" / "zxing_cpp" / "pdf417-3" / "09.webp").read_bytes())
    expected = (DATA / "pdf417" / "zxing_cpp" / "pdf417-3" / "09.txt").read_bytes()
    assert [symbol.raw for symbol in decode_pdf417(cut_on_table(image))] == [expected]


def _png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    assert ok
    return data.tobytes()


def _blank_card_like(image: np.ndarray) -> np.ndarray:
    """A light card without any print, as large as ``image``'s, on the same dark table."""
    margin = TABLE_MARGIN * MODULE_PX
    blank = np.full_like(image, 60)
    blank[margin:-margin, margin:-margin] = 235
    return blank


def test_a_card_tilted_beyond_what_a_threshold_can_carry_reads_codeword_by_codeword() -> None:
    # A 35 % keystone of the smallest card the capture gate accepts: the symbol's far row is under one
    # pixel per module, so even the keystone undone exactly does not decode module by module; matched
    # codeword by codeword on the photo, it reads (ml/EVALUATION.md, "Driver licences").
    raw, truth = payloads(DATA)[0]
    back = COPIES["keystone 35 %"](card(raw))
    assert far_module_px(0.35, None, raw) < 1.0
    assert read_licence(keystone_undone(0.35, back)) is None
    assert read_licence(back, codewords=False) is None
    assert _same(read_licence(back), truth)


def test_a_card_tilted_beyond_what_its_pixels_can_carry_asks_to_be_held_straight(
        reader: OpenCvRapidOcrDocumentReader) -> None:
    # A 40 % keystone of the smallest card: the far row at 0.55 px per module reads by no attempt. The
    # person is told to hold the card straight, not to show a data page.
    raw = payloads(DATA)[0][0]
    back = COPIES["keystone 40 %"](card(raw))
    front = _png(_blank_card_like(card(raw)))
    reading = reader.read(front, _png(back), subject_id="subject-1")
    assert reading.licence is None
    assert reading.read_hint == "align_document"
    # A back held square that does not decode (no barcode on it) is not told to straighten.
    blank = reader.read(front, front, subject_id="subject-1")
    assert blank.licence is None and blank.read_hint not in (None, "align_document")


def test_a_card_tilted_so_far_it_covers_under_a_fifth_of_its_photo_is_told_to_be_held_straight() -> None:
    # A 40 % keystone of the smallest card: far row 0.55 px per module, and the card, 17 % of the photo,
    # is below the page search's fifth; the back's own search still finds it tilted.
    raw = payloads(DATA)[0][0]
    back = COPIES["keystone 40 %"](card(raw))
    assert read_licence(back) is None
    assert back_guidance(to_gray(back)) == Guidance.ALIGN_DOCUMENT


def test_a_card_too_small_to_read_is_told_to_come_closer() -> None:
    # The card 300 px wide (modules about 0.9 px): flat and square, it does not decode.
    raw = payloads(DATA)[0][0]
    back = card(raw, 300)
    assert read_licence(back) is None
    assert back_guidance(to_gray(back)) == Guidance.MOVE_CLOSER
