"""The drawn passport page of the warm-up and the benchmarks: a valid TD3 zone and the page's parts."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from domain.documents.mrz import parse_mrz
from ops.drawn_passport import PAPER, PORTRAIT_BOX, PORTRAIT_GREY, PassportHolder, draw_passport_page, td3_lines

pytestmark = pytest.mark.unit

HOLDER = PassportHolder(surname="LINDQVIST", given_names="JONAS ERIK", document_number="L7K4M29Q1",
                        nationality="UTO", birth_date=date(1988, 3, 14), sex="M", expiry_date=date(2032, 12, 7),
                        issuing_state="UTO")


def test_the_zone_parses_with_every_check_digit_valid_and_carries_the_holder() -> None:
    record = parse_mrz(list(td3_lines(HOLDER)), repair=False)
    assert all(c.valid for c in record.checks) and len(record.checks) == 5 and not record.repaired
    assert (record.surname, record.given_names, record.document_number) == ("LINDQVIST", "JONAS ERIK", "L7K4M29Q1")
    assert (record.birth_date, record.expiry_date, record.sex, record.nationality) == ("880314", "321207", "M", "UTO")


def test_a_changed_field_breaks_its_check_digit() -> None:
    line1, line2 = td3_lines(HOLDER)
    forged = line2[:13] + "7" + line2[14:]  # birth year 1988 -> 1978, check digit left as drawn
    assert not all(c.valid for c in parse_mrz([line1, forged], repair=False).checks)


def test_a_short_number_is_padded_and_a_long_name_cut_to_44_characters() -> None:
    holder = PassportHolder(surname="VANDERHEIJDEN OKONKWO ABERNATHY", given_names="MARIA ALEXANDRA CHRISTINA",
                            document_number="X12", nationality="UTO", birth_date=date(2001, 2, 3), sex="F",
                            expiry_date=date(2031, 4, 5), issuing_state="UTO")
    lines = td3_lines(holder)
    record = parse_mrz(list(lines), repair=False)
    assert [len(line) for line in lines] == [44, 44] and all(c.valid for c in record.checks)
    assert record.document_number == "X12" and lines[1].startswith("X12<<<<<<")


def test_the_page_carries_the_portrait_in_its_box_or_a_grey_block_without_one() -> None:
    x0, y0, x1, y1 = PORTRAIT_BOX
    portrait = np.full((y1 - y0 + 1, x1 - x0 + 1, 3), (10, 200, 60), dtype=np.uint8)
    with_photo = draw_passport_page(td3_lines(HOLDER), ["Surname: LINDQVIST"], portrait)
    without = draw_passport_page(td3_lines(HOLDER))
    assert (with_photo[y0:y1 + 1, x0:x1 + 1] == (10, 200, 60)).all()
    assert (without[y0:y1 + 1, x0:x1 + 1] == PORTRAIT_GREY).all()
    assert with_photo[0, 0].tolist() == [PAPER] * 3
    printed_rows = slice(250, 300)  # the first printed line, beside the portrait
    assert (with_photo[printed_rows, x1 + 20:] < PAPER).any() and not (without[printed_rows, x1 + 20:] < PAPER).any()
