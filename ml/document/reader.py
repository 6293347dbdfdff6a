"""``DocumentReader`` adapter: OpenCV rectification + quality, rapidocr OCR, ICAO MRZ, zxing PDF417/AAMVA,
YuNet portrait, forensic signals. Parsing and validation rules are the domain's; this only reads."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from domain.documents import dates
from domain.documents.aamva import parse_aamva
from domain.documents.aamva_fields import LicenceData, licence_data
from domain.documents.mrz import MrzRecord
from domain.errors import DomainError
from domain.personal_data import PersonalData
from domain.ports.document import DocumentReading, Guidance, QualityIssue, QualityReport
from ml.document.back_guidance import back_guidance
from ml.document.classify import classify
from ml.document.forensics import forensic_signals
from ml.document.geometry import find_document, rectify
from ml.document.images import Image, decode_image, to_gray
from ml.document.low_resolution import (
    MIN_PITCH_PX,
    UpscaledLook,
    captured_pitch,
    confirmed_by,
    look_upscaled,
    too_small_to_read,
    upscale_factor,
)
from ml.document.mrz_band import mrz_band
from ml.document.ocr import RapidOcrEngine, TextBox
from ml.document.ocr_pool import RapidOcrEnginePool, shared_engine
from ml.document.orientation import (
    SIDEWAYS,
    UPSIDE_DOWN,
    standing_lines,
    turned,
    turns_to_try,
    upright_turn,
)
from ml.document.page_text import PageText, read_page_text
from ml.document.pdf417 import pdf417_reads
from ml.document.portrait import YuNetPortraitExtractor, shared_portrait_extractor
from ml.document.quality import assess_quality

ROTATE_DOCUMENT = "rotate_document"
MRZ_CROPPED = "mrz_cropped"
EDGE_MARGIN = 0.01  # an MRZ line this close to the image's left or right edge runs off it
SHOW_DATA_PAGE = "show_data_page"


def read_licence(image: Image, *, straighten: bool = True, deblur: bool = True, symbol_expected: bool = True,
                 codewords: bool = True) -> LicenceData | None:
    """The AAMVA licence in a PDF417 symbol of the image; ``None`` when none decodes as AAMVA.
    ``symbol_expected=False`` for an image that may carry no barcode (see :func:`decode_pdf417`).
    An attempt whose symbols are not an AAMVA licence does not end the search: on a badly blurred
    card zxing-cpp's error correction can settle on another, garbled message, and a later attempt
    (deblurred, straightened) reads the licence (ml/EVALUATION.md, "Driver licences")."""
    for symbols in pdf417_reads(image, straighten=straighten, deblur=deblur, symbol_expected=symbol_expected,
                                codewords=codewords):
        for symbol in symbols:
            try:
                return licence_data(parse_aamva(symbol.text))
            except DomainError:
                continue
    return None


def _mrz_fields(mrz: MrzRecord, today: date) -> dict[str, str]:
    birth = dates.birth_date(mrz.birth_date, today)
    expiry = dates.expiry_date(mrz.expiry_date, today) if mrz.expiry_date else None
    fields = {"surname": mrz.surname, "given_names": mrz.given_names, "document_number": mrz.document_number,
              "nationality": mrz.nationality, "sex": mrz.sex, "issuing_country": mrz.issuing_state,
              "birth_date": birth.isoformat() if birth else "",
              "expiry_date": expiry.isoformat() if expiry else "",
              "personal_number": mrz.personal_number, "mrz": "\n".join(mrz.lines)}
    return {k: v for k, v in fields.items() if v}


def _licence_fields(lic: LicenceData) -> dict[str, str]:
    given = " ".join(n for n in (lic.first_name, lic.middle_name) if n)
    fields = {"surname": lic.last_name, "given_names": given,
              "document_number": lic.id_number, "sex": lic.sex, "birth_date": lic.birth_date.isoformat(),
              "expiry_date": lic.expiry_date.isoformat(),
              "issue_date": lic.issue_date.isoformat() if lic.issue_date else None,
              "address": ", ".join(p for p in (lic.street_1, lic.street_2, lic.city, lic.jurisdiction_code,
                                               lic.postal_code) if p),
              "issuing_country": lic.country, "issuing_jurisdiction": lic.jurisdiction_code}
    return {k: v for k, v in fields.items() if v}


class OpenCvRapidOcrDocumentReader:
    """Reads passports, ID cards (MRZ) and North American licences (PDF417 on the back).

    ``printed_text`` holds printed lines outside the MRZ, top to bottom: all of them when the page has
    no MRZ; with an MRZ, the lines read until its number and surname were each seen on a line (all of
    them when they were not). That is what the MRZ-vs-printed check needs, with the verdict a full read
    gives, at a fraction of the cost (see :mod:`ml.document.page_text`). ``timings_ms`` splits the OCR
    into ``ocr_detect_ms``, ``ocr_band_ms`` and ``ocr_printed_ms`` (or ``ocr_all_lines_ms``).
    """

    def __init__(self, *, today: Callable[[], date] = date.today,
                 ocr: RapidOcrEngine | RapidOcrEnginePool | None = None,
                 portraits: YuNetPortraitExtractor | None = None) -> None:
        self._today = today
        self._ocr = ocr or shared_engine()
        self._portraits = portraits or shared_portrait_extractor()

    def _read_upright(self, document: Image) -> tuple[Image, PageText, int, bool]:
        """(page, its text, quarter turns applied, whether turns were tried). A page whose lines stand
        upright, or that shows no MRZ band, is tried turned before it is read in full; a band that reads
        as no MRZ is tried upside down (ml/document/orientation.py)."""
        boxes: list[TextBox] | None = self._ocr.detect(document)
        quarter_turns, tried = 0, False
        if boxes is not None and (turns_to_try(boxes) == SIDEWAYS or not mrz_band(boxes)):
            tried, turn = True, upright_turn(self._ocr, document, turns_to_try(boxes))
            if turn is not None:
                quarter_turns, document, boxes = turn, turned(document, turn), None
        text = read_page_text(self._ocr, document, self._today, boxes, full_read=tried)
        if not tried and text.mrz is None:
            tried, turn = True, upright_turn(self._ocr, document, UPSIDE_DOWN)
            if turn is not None:
                quarter_turns, document, boxes = turn, turned(document, turn), None
            text = read_page_text(self._ocr, document, self._today, boxes)
        return document, text, quarter_turns, tried

    def read(self, front: bytes, back: bytes | None = None, *, subject_id: str) -> DocumentReading:
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round((now - clock) * 1000, 1)
            clock = now

        frame = decode_image(front)
        region = find_document(frame)
        document = rectify(frame, region)
        quality = assess_quality(frame, document, region, photo=region.corners is not None)
        lap("rectify_quality_ms")
        document, text, quarter_turns, tried = self._read_upright(document)
        own_size, look = text, UpscaledLook(None)
        if text.mrz is None or not text.mrz.check_digits_valid:
            look = look_upscaled(self._ocr, document, list(text.boxes), self._today)
            text = look.kept or text
        mrz = text.mrz
        if text is own_size and (too_small := _print_too_small(text) or _misread(text, look)) is not None:
            # Characters this small are guessed: a passing check digit proves little (names have none),
            # and a failing one is a misread, not a fraud signal. (An upscaled read has its own guards.)
            mrz, quality = None, _with_print_issue(quality, too_small)
        lap("ocr_mrz_ms")
        timings |= text.timings_ms
        back_image = decode_image(back) if back is not None else None
        licence = read_licence(back_image) if back_image is not None else None
        if licence is None and mrz is None:
            licence = read_licence(document, symbol_expected=False)
        lap("pdf417_ms")
        if not tried and licence is None and (mrz is None or not mrz.check_digits_valid):
            turn = upright_turn(self._ocr, document, UPSIDE_DOWN)
            if turn is not None:
                quarter_turns, document = turn, turned(document, turn)
                text = read_page_text(self._ocr, document, self._today)
                mrz = text.mrz
            lap("orientation_ms")
        portrait = self._portraits.extract_with_face(document)
        signals = forensic_signals(frame, front)
        lap("portrait_forensics_ms")
        printed = text.printed
        # The MRZ wins over the barcode where both exist: it is check-digit protected.
        values = _licence_fields(licence) if licence else {}
        values |= _mrz_fields(mrz, self._today()) if mrz else {}
        return DocumentReading(
            detected=classify(mrz, licence, printed), quality=quality,
            fields={k: PersonalData.of(subject_id, v) for k, v in values.items()},
            mrz=mrz, licence=licence, printed_text=printed, forensics=signals,
            portrait_jpeg=portrait.jpeg if portrait else None, portrait_face=portrait.face if portrait else None,
            models=(*self._ocr.provenance, self._portraits.provenance), timings_ms=timings,
            turned_degrees=90 * quarter_turns,
            read_hint=None if mrz is not None or licence is not None
            else _back_hint(back_image) or _read_hint(text.boxes, quality, document.shape[1],
                                                      small=upscale_factor(document, list(text.boxes)) is not None),
        )


def _print_too_small(text: PageText) -> QualityIssue | None:
    """A ``move_closer`` quality issue for a page read at its own size whose MRZ characters are closer
    than ``MIN_PITCH_PX``: no read there can be trusted (the specimens read names and fields wrong
    with valid check digits at 3.4-4.2 px per character), so the capture is retaken closer
    (docs/requirements/pipeline.md §3) instead of reporting what was read, right, wrong or failing its
    check digits."""
    band = mrz_band(list(text.boxes))
    characters = len(text.mrz.lines[0]) if text.mrz is not None else None
    if not too_small_to_read(band, characters):
        return None
    return QualityIssue("mrz_character_pitch", round(captured_pitch(band, characters), 2),
                        f">= {MIN_PITCH_PX:g} px", Guidance.MOVE_CLOSER)


def _misread(text: PageText, look: UpscaledLook) -> QualityIssue | None:
    """A ``move_closer`` quality issue for an own-size MRZ read that fails its check digits on a small
    page whose upscaled second look read other lines: two looks at the same print disagree, so the
    failure is a misread of small characters (ml/document/low_resolution.py), not the check-digit
    failure a forged document shows, which reads the same every time (docs/requirements/pipeline.md §3:
    a capture that cannot be read is retaken)."""
    mrz = text.mrz
    if mrz is None or mrz.check_digits_valid or confirmed_by(look, mrz.lines):
        return None
    band = mrz_band(list(text.boxes))
    return QualityIssue("mrz_second_look_differs", round(captured_pitch(band, len(mrz.lines[0])), 2),
                        "the same MRZ read again upscaled", Guidance.MOVE_CLOSER)


def _with_print_issue(quality: QualityReport, issue: QualityIssue) -> QualityReport:
    """``quality`` with the print-size ``issue`` added, less a ``move_further``: a small image the page
    fills has too few pixels, and moving further would make its print smaller still."""
    kept = tuple(i for i in quality.issues if i.guidance != Guidance.MOVE_FURTHER)
    return replace(quality, issues=(*kept, issue))


def _back_hint(back: Image | None) -> str | None:
    """What the photo of a licence's back whose barcode did not decode shows to change
    (ml/document/back_guidance.py): hold the card straight when it is tilted away, come closer when it
    is small in the frame; ``None`` when no back was sent or the photo does not say."""
    guidance = back_guidance(to_gray(back)) if back is not None else None
    return None if guidance is None else guidance.value


def _read_hint(boxes: tuple[TextBox, ...], quality: QualityReport, width: int, *, small: bool = False) -> str:
    """What the person should do when nothing machine-readable was read: turn the document when its
    lines stand upright (no turn read); come closer when the MRZ's characters are too small to read
    (nor to tell whether a line reaches the edge); show the whole MRZ when its lines run off the
    image's edge; come closer when the page or its MRZ is too small to read even upscaled; else the
    capture's first quality guidance; else photograph the data page (docs/requirements/capture.md:
    guidance instead of a bare failure)."""
    standing, lying = standing_lines(boxes)
    if standing > lying:
        return ROTATE_DOCUMENT
    band = mrz_band(list(boxes))
    if too_small_to_read(band):
        return Guidance.MOVE_CLOSER.value
    margin = max(2, int(EDGE_MARGIN * width))
    if any(b.box[0] <= margin or b.box[0] + b.box[2] >= width - margin for b in band):
        return MRZ_CROPPED
    if small:
        return Guidance.MOVE_CLOSER.value
    if quality.issues:
        return quality.issues[0].guidance.value
    return SHOW_DATA_PAGE
