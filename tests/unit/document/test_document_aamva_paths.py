"""AAMVA payloads as real scanners and cards deliver them: an ID (not DL) subfile, whitespace or a byte
order mark before the '@' on the text and the image path, a declared '|' separator, and a version 1
card that carries only the residence address."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import zxingcpp

from domain.documents.aamva import parse_aamva
from domain.documents.aamva_fields import licence_data
from domain.documents.errors import AamvaFormatError
from ml.document.reader import read_licence

pytestmark = pytest.mark.unit

AAMVA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "pdf417" / "aamva"
V10 = (AAMVA / "benhovinga" / "aamva_v10_example.txt").read_bytes()
V1 = (AAMVA / "benhovinga" / "aamva_v1_example.txt").read_bytes()


def test_an_id_card_subfile_is_read_as_an_id_card_with_its_number() -> None:
    id_card = V10.decode().replace("DL00410278", "ID00410278", 1).replace("0008DLDAQ", "0008IDDAQ", 1)
    licence = licence_data(parse_aamva(id_card))
    assert (licence.document_type, licence.id_number, licence.last_name) == ("ID", "T64235789", "SAMPLE")


@pytest.mark.parametrize("prefix", ["  ", "\r\n", "\ufeff", "\ufeff\n", "\u00ef\u00bb\u00bf"])
def test_whitespace_and_a_byte_order_mark_before_the_record_are_skipped(prefix: str) -> None:
    assert licence_data(parse_aamva(prefix + V10.decode())).id_number == "T64235789"


def test_text_before_the_record_is_still_refused() -> None:
    with pytest.raises(AamvaFormatError):
        parse_aamva("x" + V10.decode())


def test_a_byte_order_mark_in_the_barcode_itself_is_skipped_on_the_image_path() -> None:
    symbol = zxingcpp.create_barcode(b"\xef\xbb\xbf" + V10, zxingcpp.BarcodeFormat.PDF417)
    image = np.asarray(symbol.to_image(scale=3))
    framed = np.pad(image, 60, constant_values=255)
    licence = read_licence(np.repeat(framed[:, :, None], 3, axis=2))
    assert licence is not None and licence.id_number == "T64235789"


def test_a_declared_pipe_separator_splits_the_elements() -> None:
    licence = licence_data(parse_aamva((AAMVA / "idparser" / "Licenses" / "MA Piped.txt").read_text()))
    assert (licence.id_number, licence.last_name, licence.first_name, licence.street_1, licence.city) == (
        "S65807412", "SMITH", "ROBERT", "123 MAIN STREET", "BOSTON")


def test_a_version_1_card_with_only_the_residence_address_keeps_its_street() -> None:
    residence = V1.decode()
    for mailing, resident in (("DAG", "DAL"), ("DAI", "DAN"), ("DAJ", "DAO"), ("DAK", "DAP")):
        residence = residence.replace(f"\n{mailing}", f"\n{resident}", 1)
    licence = licence_data(parse_aamva(residence))
    assert (licence.street_1, licence.city, licence.jurisdiction_code) == ("123 MAIN STREET", "ANYTOWN", "VA")
