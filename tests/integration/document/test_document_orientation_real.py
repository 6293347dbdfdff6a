"""A specimen photographed sideways or upside down, without an EXIF tag, reads as well as upright; one
that cannot be read says what to do (rotate, show the whole MRZ); one whose check digit is wrong says so."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from domain.ports.document import to_check_results
from ml.document.reader import MRZ_CROPPED, ROTATE_DOCUMENT, OpenCvRapidOcrDocumentReader
from ml.document.validator import RuleBasedDocumentValidator
from tests.integration.document.specimens import DATA, IMAGES, SPECIMEN_DAY, forged_check_digit
from tests.integration.document.specimens import TD3_FILE as FILE
from tools.eval.document_mrz import mrz_image_ok

pytestmark = pytest.mark.integration


def _turned_png(quarter_turns: int) -> bytes:
    image = cv2.imread(str(DATA / "mrz" / FILE))
    ok, data = cv2.imencode(".png", np.ascontiguousarray(np.rot90(image, quarter_turns)))
    assert ok
    return data.tobytes()


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_a_turned_specimen_reads_with_valid_check_digits(reader: OpenCvRapidOcrDocumentReader,
                                                          quarter_turns: int) -> None:
    expected = next(i for i in IMAGES if i["file"] == FILE)["expected_fields"]
    reading = reader.read(_turned_png(quarter_turns), subject_id="subject-1")
    assert mrz_image_ok(reading.mrz, expected)
    assert reading.mrz is not None and reading.mrz.check_digits_valid
    assert reading.turned_degrees == 90 * ((4 - quarter_turns) % 4)
    validation = RuleBasedDocumentValidator().validate(reading, today=SPECIMEN_DAY, min_age=18)
    assert validation.document_valid, validation.checks


def test_an_unreadable_sideways_page_asks_to_rotate(reader: OpenCvRapidOcrDocumentReader) -> None:
    # Sideways text with the MRZ cut away: no turn reads an MRZ, and the reason says what to do.
    image = cv2.imread(str(DATA / "mrz" / FILE))
    top = image[: image.shape[0] * 2 // 3]
    ok, data = cv2.imencode(".png", np.ascontiguousarray(np.rot90(top, 1)))
    assert ok
    reading = reader.read(data.tobytes(), subject_id="subject-1")
    assert reading.mrz is None and reading.read_hint == ROTATE_DOCUMENT
    validation = RuleBasedDocumentValidator().validate(reading, today=SPECIMEN_DAY, min_age=18)
    ocr = to_check_results(reading, validation)[1]
    assert ocr.reasons == ("no_machine_readable_zone", "read_hint:rotate_document")


def test_a_specimen_with_the_right_fifth_cut_off_is_reported_as_a_cropped_mrz(
    reader: OpenCvRapidOcrDocumentReader,
) -> None:
    image = cv2.imread(str(DATA / "mrz" / FILE))
    ok, data = cv2.imencode(".png", image[:, : image.shape[1] * 4 // 5])
    assert ok
    reading = reader.read(data.tobytes(), subject_id="subject-1")
    assert reading.mrz is None and reading.read_hint == MRZ_CROPPED


def test_a_wrong_check_digit_is_reported_as_one_not_turned_or_repaired(reader: OpenCvRapidOcrDocumentReader) -> None:
    # The document number's check digit (position 10 of line 2) overprinted with the line's own "7".
    ok, data = cv2.imencode(".png", forged_check_digit(cv2.imread(str(DATA / "mrz" / FILE))))
    assert ok
    reading = reader.read(data.tobytes(), subject_id="subject-1")
    assert reading.mrz is not None and reading.turned_degrees == 0
    assert reading.mrz.lines[1][9] == "7" and not reading.mrz.check_digits_valid
    validation = RuleBasedDocumentValidator().validate(reading, today=SPECIMEN_DAY, min_age=18)
    data_check = to_check_results(reading, validation)[2]
    assert any(r.startswith("mrz_checksum:check_digit_mismatch:document_number") for r in data_check.reasons)
