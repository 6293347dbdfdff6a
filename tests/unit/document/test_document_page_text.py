"""MRZ band location and the just-enough page read, with a fake OCR (no models)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.documents.validation import CheckStatus, validate_document
from ml.document.images import Image
from ml.document.mrz_band import MRZ_MAX_ASPECT, mrz_band
from ml.document.ocr import OcrLine, TextBox
from ml.document.page_text import read_page_text

pytestmark = pytest.mark.unit

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TODAY = date(2010, 1, 1)
PAGE: Image = np.zeros((800, 1200, 3), dtype=np.uint8)


def box(x: int, y: int, w: int, h: int) -> TextBox:
    quad = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)
    return TextBox(quad, (x, y, w, h))


class FakeTextLineOcr:
    """Detects the given lines and 'recognises' their given text; records what it was asked to read."""

    lines_per_look = 1

    def __init__(self, lines: Sequence[tuple[TextBox, str]]) -> None:
        self._text = {id(b): t for b, t in lines}
        self._boxes = sorted((b for b, _ in lines), key=lambda b: b.reading_key)
        self.recognised: list[TextBox] = []
        self.squeezes: list[float | None] = []
        self.calls: list[list[TextBox]] = []

    def text_of(self, b: TextBox) -> str:
        return self._text[id(b)]

    def detect(self, image: Image) -> list[TextBox]:
        return list(self._boxes)

    def side_by_side(self) -> int:
        return self.lines_per_look

    def recognise(self, image: Image, boxes: Sequence[TextBox], *,
                  max_aspect: float | None = None) -> list[OcrLine]:
        self.recognised += boxes
        self.calls.append(list(boxes))
        self.squeezes.append(max_aspect)
        return [OcrLine(self._text[id(b)], 0.99, b.box) for b in boxes if self._text[id(b)]]


def passport_page(printed: Sequence[str]) -> list[tuple[TextBox, str]]:
    """Printed lines stacked from the top (short boxes, ~0.5 width/height per character), MRZ at the bottom."""
    lines = [(box(300, 40 + 45 * i, 20 * max(1, len(t)), 40), t) for i, t in enumerate(printed)]
    return [*lines, (box(60, 690, 1090, 50), TD3[0]), (box(60, 745, 1090, 52), TD3[1])]


LABELS = ["UTOPIA", "Passport/ Passeport", "Type/ Type", "Country code/ Code du pays", "P", "UTO",
          "Surname/ Nom", "Given names/ Prénoms", "ANNA MARIA", "Nationality/ Nationalité", "UTOPIAN",
          "Date of Birth/ Date de naissance", "12 AUGUST/AOUT 74", "Sex/ Sexe", "F", "ZENITH",
          "Date of issue/ Date de délivrance", "16 APR/AVR 07", "PASSPORT OFFICE", "Holder's signature"]


def agreement(printed: Sequence[str]) -> CheckStatus:
    from domain.documents.mrz import parse_mrz

    checks = validate_document(parse_mrz(TD3), None, tuple(printed), today=TODAY, min_age=0).checks
    return next(c.status for c in checks if c.name == "mrz_vs_printed")


# ---------------------------------------------------------------- MRZ band


def test_band_is_the_bottom_group_of_equally_long_stacked_lines() -> None:
    page = passport_page(LABELS)
    band = mrz_band([b for b, _ in page])
    assert [b.box for b in band] == [(60, 690, 1090, 50), (60, 745, 1090, 52)]


def test_band_keeps_three_lines_for_td1_and_skips_a_long_printed_line_of_another_length() -> None:
    td1 = [box(40, 500 + 42 * i, 620, 40) for i in range(3)]
    address = box(40, 440, 400, 38)  # long and thin, but shorter than the MRZ lines and not stacked
    assert mrz_band([address, *td1]) == td1


def test_band_found_on_a_tilted_page() -> None:
    def tilted(x: float, y: float, length: float, thickness: float, degrees: float = 5.0) -> TextBox:
        a = np.radians(degrees)
        along, across = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
        tl = np.array([x, y])
        quad = np.array([tl, tl + length * along, tl + length * along + thickness * across,
                         tl + thickness * across], dtype=np.float32)
        xs, ys = quad[:, 0], quad[:, 1]
        return TextBox(quad, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min()), int(ys.max() - ys.min())))

    mrz = [tilted(60, 690, 1090, 50), tilted(55, 745, 1090, 52)]  # axis-aligned boxes: only 7.5:1
    assert mrz_band([tilted(300, 100, 200, 40), *mrz]) == mrz


def test_no_band_without_two_long_lines_alike() -> None:
    assert mrz_band([box(300, 40 + 45 * i, 200, 40) for i in range(10)]) == []
    assert mrz_band([box(60, 690, 1090, 50)]) == []  # one long line is not an MRZ
    assert mrz_band([box(60, 600, 1090, 50), box(60, 745, 1090, 52)]) == []  # too far apart


# ---------------------------------------------------------------- just-enough read


def test_reads_the_band_squeezed_then_stops_once_number_and_surname_are_shown() -> None:
    page = passport_page([*LABELS[:8], "ERIKSSON", *LABELS[8:14], "L898902C3", *LABELS[14:]])
    ocr = FakeTextLineOcr(page)
    text = read_page_text(ocr, PAGE, lambda: TODAY)
    assert text.mrz is not None and text.mrz.document_number == "L898902C3" and text.mrz_from_band
    assert ocr.squeezes[0] == MRZ_MAX_ASPECT  # the MRZ band, squeezed
    assert len(ocr.recognised) == text.lines_recognised < text.lines_detected == len(page)
    assert {"ERIKSSON", "L898902C3"} <= set(text.printed)
    reading_order = [t for _, t in page if t in text.printed]
    assert list(text.printed) == reading_order
    assert agreement(text.printed) is CheckStatus.PASS


def test_a_band_read_with_failing_check_digits_gets_a_second_unsqueezed_look() -> None:
    class SqueezeHurts(FakeTextLineOcr):
        def recognise(self, image: Image, boxes: Sequence[TextBox], *,
                      max_aspect: float | None = None) -> list[OcrLine]:
            lines = super().recognise(image, boxes, max_aspect=max_aspect)
            hurt = [OcrLine(ln.text.replace("L898902C36", "L898902C86"), ln.score, ln.box) for ln in lines]
            return hurt if max_aspect else lines

    ocr = SqueezeHurts(passport_page(["ERIKSSON", "L898902C3"]))
    text = read_page_text(ocr, PAGE, lambda: TODAY)
    assert ocr.squeezes[:2] == [MRZ_MAX_ASPECT, None]
    assert text.mrz is not None and text.mrz.check_digits_valid and text.mrz.document_number == "L898902C3"


def test_a_value_split_over_two_lines_reads_every_line_and_keeps_the_domains_verdict() -> None:
    page = passport_page([*LABELS[:6], "ERIKS", "SON", *LABELS[6:], "L898902C3"])
    ocr = FakeTextLineOcr(page)
    text = read_page_text(ocr, PAGE, lambda: TODAY)
    assert text.lines_recognised == len(page)
    assert agreement(text.printed) is agreement([t for _, t in page[:-2]]) is CheckStatus.PASS


def test_a_missing_number_reads_every_line_and_fails_like_a_full_read() -> None:
    page = passport_page([*LABELS, "ERIKSSON"])
    text = read_page_text(FakeTextLineOcr(page), PAGE, lambda: TODAY)
    assert text.lines_recognised == len(page)
    assert agreement(text.printed) is CheckStatus.FAIL


def test_a_split_mrz_line_means_no_band_and_a_full_read() -> None:
    split = [(box(60, 690, 500, 50), TD3[0][:22]), (box(580, 690, 560, 50), TD3[0][22:]),
             (box(60, 745, 1090, 52), TD3[1])]  # line 1 detected in two pieces
    text = read_page_text(FakeTextLineOcr([(box(300, 40, 160, 40), "ERIKSSON"), *split]), PAGE, lambda: TODAY)
    assert not text.mrz_from_band and text.lines_recognised == text.lines_detected == 4
    assert text.mrz is None  # the MRZ parser needs whole lines (as before: a full read finds none either)


def test_a_band_that_does_not_parse_falls_back_to_reading_every_line() -> None:
    page = [(b, "NOT AN MRZ LINE AT ALL, ONLY LONG TEXT") for b, _ in passport_page([])]
    page += [(box(300, 40, 160, 40), "ERIKSSON")]
    text = read_page_text(FakeTextLineOcr(page), PAGE, lambda: TODAY)
    assert text.mrz is None and not text.mrz_from_band
    assert text.lines_recognised == len(page) + 2 and text.printed[0] == "ERIKSSON"


def test_a_long_line_below_the_mrz_is_passed_over() -> None:
    border = (box(60, 700, 1100, 30), "")  # e.g. a guilloche border the detector takes for text
    td1 = [(box(40, 500 + 42 * i, 620, 40), line) for i, line in enumerate(TD1)]
    text = read_page_text(FakeTextLineOcr([border, *td1]), PAGE, lambda: TODAY)
    assert text.mrz is not None and text.mrz.document_number == "D23145890" and text.mrz_from_band


PIECES = ["ERIKSSON", "L898902C3", "ERIKS", "SON", "L898", "902C3", "ERIKSSON L898902C3"]


@settings(max_examples=300, deadline=None)
@example(["ERIKS", "P", "SON", "L898902C3"])  # 'ERIKS'+'SON' read together, 'P' between them unread
@given(st.lists(st.sampled_from([*LABELS[:6], *PIECES]), max_size=14))
def test_the_verdict_is_always_the_one_a_full_read_gives(printed: list[str]) -> None:
    text = read_page_text(FakeTextLineOcr(passport_page(printed)), PAGE, lambda: TODAY)
    assert agreement(text.printed) is agreement(printed)


@pytest.mark.parametrize("side_by_side", [1, 2, 3])
def test_each_look_reads_as_many_lines_as_the_ocr_reads_side_by_side(side_by_side: int) -> None:
    page = passport_page([*LABELS[:8], "ERIKSSON", *LABELS[8:14], "L898902C3", *LABELS[14:]])
    ocr = FakeTextLineOcr(page)
    ocr.lines_per_look = side_by_side
    text = read_page_text(ocr, PAGE, lambda: TODAY)
    printed_looks = ocr.calls[1:]  # the first call read the MRZ band
    assert all(len(look) <= side_by_side for look in printed_looks)
    assert agreement(text.printed) is CheckStatus.PASS
    needed = {"ERIKSSON", "L898902C3"}
    last = printed_looks[-1]
    # The read stops at the look that showed the last needed value: with one line a look, on that line.
    assert needed & {ocr.text_of(b) for b in last}
    if side_by_side == 1:
        shown_before = {ocr.text_of(b) for look in printed_looks[:-1] for b in look}
        assert len(needed - shown_before) == 1
