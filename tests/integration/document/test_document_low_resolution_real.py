"""A small specimen is read from an upscaled copy of its page, and one too small to read says to come
closer: never a wrong value whose check digits pass (real OCR on ../shared/data)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ml.document.reader import OpenCvRapidOcrDocumentReader
from tests.integration.document.specimens import DATA, IMAGES, forged_check_digit
from tests.integration.document.specimens import TD3_FILE as FILE
from tools.eval.document_mrz import mrz_image_ok
from tools.eval.document_upscale_guard import unguarded_upscaled_read

pytestmark = pytest.mark.integration


def _downscaled_png(factor: float, file: str = FILE) -> bytes:
    image = cv2.imread(str(DATA / "mrz" / file))
    assert image is not None
    ok, data = cv2.imencode(".png", cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA))
    assert ok
    return data.tobytes()


def test_a_specimen_at_a_fifth_of_its_size_reads_right(reader: OpenCvRapidOcrDocumentReader) -> None:
    # 267 x 176 px, about 5 px per MRZ character: the detector alone finds no MRZ band on it.
    expected = next(i for i in IMAGES if i["file"] == FILE)["expected_fields"]
    reading = reader.read(_downscaled_png(1 / 5), subject_id="subject-1")
    assert reading.mrz is not None and reading.mrz.check_digits_valid
    assert mrz_image_ok(reading.mrz, expected)


def test_a_specimen_too_small_to_read_asks_to_come_closer(reader: OpenCvRapidOcrDocumentReader) -> None:
    # 167 x 110 px, about 3 px per MRZ character: upscaled reads fail or disagree, and are not kept.
    reading = reader.read(_downscaled_png(1 / 8), subject_id="subject-1")
    assert reading.mrz is None or not reading.mrz.check_digits_valid
    assert reading.read_hint == "move_closer"


def test_a_specimen_at_a_seventh_of_its_size_asks_to_come_closer_not_to_show_a_cropped_mrz(
        reader: OpenCvRapidOcrDocumentReader) -> None:
    # 191 x 126 px: the rectified page is 172 px wide and its MRZ boxes start 1-2 px from its left edge,
    # within the detector's padding; nothing is cropped, the page is too small.
    reading = reader.read(_downscaled_png(1 / 7), subject_id="subject-1")
    assert reading.mrz is None or not reading.mrz.check_digits_valid
    assert reading.read_hint == "move_closer"


def test_an_upscaled_read_whose_check_digits_pass_with_a_wrong_value_is_not_kept(
        reader: OpenCvRapidOcrDocumentReader) -> None:
    # At 0.185 of its size (about 4.6 px per MRZ character) the TD3 specimen, upscaled and read with
    # nothing but its check digits to trust, gives an MRZ whose check digits pass and whose fields are
    # not the specimen's: the read a forged document would give. The reader's guards must not keep it.
    expected = next(i for i in IMAGES if i["file"] == FILE)["expected_fields"]
    png = _downscaled_png(0.185)
    unguarded = unguarded_upscaled_read(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR))
    assert unguarded is not None and unguarded.check_digits_valid and not mrz_image_ok(unguarded, expected)
    reading = reader.read(png, subject_id="subject-1")
    assert reading.mrz is None or not reading.mrz.check_digits_valid or mrz_image_ok(reading.mrz, expected)


def test_a_specimen_too_small_to_read_is_a_retake_closer_never_a_check_digit_failure(
        reader: OpenCvRapidOcrDocumentReader) -> None:
    # The TD2 specimen at 1/8 (about 3 px per MRZ character) used to read as an MRZ failing its check
    # digits, which the policy takes as an invalid document; at that size it is a misread.
    reading = reader.read(_downscaled_png(1 / 8, "images/passporteye/passport-td2.png"), subject_id="subject-1")
    assert reading.mrz is None
    assert "move_closer" in [issue.guidance.value for issue in reading.quality.issues]
    assert reading.read_hint == "move_closer"


@pytest.mark.parametrize(("file", "factor"), [(FILE, 0.17), ("images/passporteye/passport-td2.jpg", 0.14)])
def test_a_page_read_at_its_own_size_from_characters_too_small_to_read_gives_no_wrong_read(
        reader: OpenCvRapidOcrDocumentReader, file: str, factor: float) -> None:
    # About 4.2 px per MRZ character: read at its own size (no upscale, so not the upscale's guards),
    # these copies gave an MRZ whose check digits pass with a wrong name or sex.
    expected = next(i for i in IMAGES if i["file"] == file)["expected_fields"]
    reading = reader.read(_downscaled_png(factor, file), subject_id="subject-1")
    assert reading.mrz is None or not reading.mrz.check_digits_valid or mrz_image_ok(reading.mrz, expected)
    assert reading.read_hint == "move_closer"


def test_a_td2_whose_own_size_read_misreads_a_letter_the_upscaled_look_reads_asks_to_come_closer(
        reader: OpenCvRapidOcrDocumentReader) -> None:
    # At 1/6 (about 5 px per MRZ character, above the pitch rule) the TD2 scan read its document
    # number's "D" as "0" at its own size, a check-digit failure; the upscaled look read "D", and its
    # sharpened twin "0" again. Two looks that disagree are a misread of small print, not a forgery.
    reading = reader.read(_downscaled_png(1 / 6, "images/passporteye/passport-td2.png"), subject_id="subject-1")
    assert reading.mrz is None
    assert [i.measure for i in reading.quality.issues if i.guidance.value == "move_closer"] == [
        "mrz_second_look_differs"]
    assert reading.read_hint == "move_closer"


def test_a_forged_check_digit_on_a_small_page_that_reads_the_same_upscaled_stays_a_check_digit_failure(
        reader: OpenCvRapidOcrDocumentReader) -> None:
    # A quarter of the TD3 specimen's size (6 px per character): small enough for the upscaled look,
    # which reads the overprinted check digit just as the own-size read does. The failure is reported.
    image = cv2.imread(str(DATA / "mrz" / FILE))
    assert image is not None
    forged = cv2.resize(forged_check_digit(image), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".png", forged)
    assert ok
    reading = reader.read(data.tobytes(), subject_id="subject-1")
    assert reading.mrz is not None and reading.mrz.lines[1][9] == "7" and not reading.mrz.check_digits_valid
    assert "move_closer" not in [i.guidance.value for i in reading.quality.issues]
