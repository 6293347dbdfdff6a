"""A licence back read codeword by codeword where its far rows have about a pixel per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from pdf417gen.encoding import encode

from ml.document import pdf417
from ml.document.images import Image, decode_image, to_gray
from ml.document.pdf417_codewords import PATTERNS, _drawn, codeword_redraws
from ml.document.pdf417_grid import locate_symbol
from ml.document.reader import read_licence
from ml.document.straighten import Corners, card_outline
from tools.eval.document_cards import COPIES, MODULE_PX, REAL_COPIES, TABLE_MARGIN, card

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "pdf417"
AAMVA = DATA / "aamva"
V10 = (AAMVA / "benhovinga" / "aamva_v10_example.txt").read_bytes()
# The smallest card the capture gate accepts (2 px per module) keystoned 30 %, blurred 1 px and saved
# as JPEG: the symbol's far row has 1.0 px per module (ml/EVALUATION.md, "Driver licences").
STEEP = "keystone 30 % + blur + JPEG"


def _words(message: bytes, columns: int, level: int) -> np.ndarray:
    """The codewords (row indicators included) pdf417gen encodes ``message`` to."""
    index = [{tuple(p.astype(int)): w for w, p in enumerate(cluster)} for cluster in PATTERNS]
    rows = encode(message, columns=columns, security_level=level, encoding="latin-1")
    return np.array([[index[r % 3][tuple(int(b) for b in format(code, "017b"))] for code in row[1:-1]]
                     for r, row in enumerate(rows)])


def _decoded(image: Image) -> list[bytes]:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.PDF417),
                                   text_mode=zxingcpp.TextMode.Plain)
    return [result.bytes for result in found]


def test_a_steeply_keystoned_blurred_card_that_the_other_attempts_miss_is_read_codeword_by_codeword() -> None:
    photo = COPIES[STEEP](card(V10))
    assert pdf417.decode_pdf417(photo, codewords=False) == []
    assert [symbol.raw for symbol in pdf417.decode_pdf417(photo)] == [V10]
    licence = read_licence(photo)
    assert licence is not None and licence.id_number == "T64235789"


def test_the_symbol_s_columns_are_found_from_its_codeword_boundaries() -> None:
    gray = to_gray(COPIES[STEEP](card(V10)))
    outline = card_outline(gray)
    assert outline is not None
    located = locate_symbol(gray, outline)
    truth = zxingcpp.create_barcode(V10, zxingcpp.BarcodeFormat.PDF417).to_image(scale=1)
    assert located is not None and located.width_modules == np.asarray(truth).shape[1] - 4  # less the quiet zone


def test_slots_chosen_wrongly_are_fixed_by_the_error_correction_up_to_its_capacity_and_no_further() -> None:
    # Level 2: 8 correction codewords fix 3 wrong slots; with 6 wrong the drawn symbol decodes to nothing,
    # never to another message.
    message = b"@\n\x1e\nANSI 636000090002DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDDEN\n"
    words = _words(message, columns=6, level=2)
    rng = np.random.default_rng(7)
    slots = [(r, c) for r in range(words.shape[0]) for c in range(1, words.shape[1] - 1)]
    chosen = rng.choice(len(slots), 6, replace=False)
    wrong = words.copy()
    for k, pick in enumerate(chosen):
        r, c = slots[pick]
        wrong[r, c] = (wrong[r, c] + 1 + 97 * k) % 929
    fixed = wrong.copy()
    for pick in chosen[3:]:
        fixed[slots[pick]] = words[slots[pick]]
    assert _decoded(_drawn(words, 6, 2)) == [message]
    assert _decoded(_drawn(fixed, 6, 2)) == [message]
    assert _decoded(_drawn(wrong, 6, 2)) == []


def test_a_symbol_that_is_no_licence_read_codeword_by_codeword_is_not_returned_as_a_licence() -> None:
    message = b"Not a licence: a PDF417 symbol of the same size with another text in it. " * 4
    photo = COPIES[STEEP](card(message))
    gray = to_gray(photo)
    outline = card_outline(gray)
    assert outline is not None
    assert message in [m for drawn in codeword_redraws(gray, outline) for m in _decoded(drawn)]  # read: that text
    assert read_licence(photo) is None


def test_a_flat_card_reads_on_the_first_attempt_without_the_codeword_search(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[int] = []

    def counted(gray: Image, outline: Corners) -> Iterator[Image]:
        searched.append(1)
        yield from codeword_redraws(gray, outline)

    monkeypatch.setattr(pdf417, "codeword_redraws", counted)
    assert [symbol.raw for symbol in pdf417.decode_pdf417(card(V10))] == [V10]
    assert searched == []


def test_a_back_with_no_symbol_gives_no_codeword_attempt() -> None:
    blank = card(V10)
    table = TABLE_MARGIN * MODULE_PX
    inside = blank[table:-table, table:-table]
    inside[inside < 128] = 235  # the symbol's bars painted over: a plain light card on the dark table
    gray = to_gray(COPIES["keystone 25 %"](blank))
    outline = card_outline(gray)
    assert outline is not None
    assert list(codeword_redraws(gray, outline)) == []


def test_a_sheet_of_several_symbols_is_not_read_as_one_uniform_symbol() -> None:
    # Four dense symbols on one sheet, keystoned 6 %: located as one symbol three rows high, every data
    # slot matched codeword 0, and all zeros is a valid Reed-Solomon word (drawn, it decodes to "AAAA...").
    assert _decoded(_drawn(np.zeros((3, 16), int), 14, 2))[0].startswith(b"AAAA")
    sheet = decode_image((DATA / "zxing_cpp" / "pdf417-4" / "02-01.webp").read_bytes())
    gray = to_gray(REAL_COPIES["keystone 6 %"](sheet))
    outline = card_outline(gray)
    assert outline is not None
    assert list(codeword_redraws(gray, outline)) == []
