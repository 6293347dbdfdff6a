"""A licence back read attempt by attempt: a symbol that is not an AAMVA record does not end the search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ml.document import reader
from ml.document.pdf417 import Pdf417Symbol

pytestmark = pytest.mark.unit

AAMVA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "pdf417" / "aamva"
V10 = (AAMVA / "benhovinga" / "aamva_v10_example.txt").read_bytes()
# What zxing-cpp's error correction settled on for a card keystoned 12 %, blurred 1.5 px and compressed,
# read deblurred with too small a spread (ml/EVALUATION.md, "Driver licences"): a valid PDF417 message,
# not the card's.
GARBLED = b"ROZDFFNNTB CBA*pws29++\t*\t2407\t^%\rDL3.31/145DLD 92265808\nDCSTWKLES\nDBn\"iszbo ly\nddfn"


def _symbol(raw: bytes) -> Pdf417Symbol:
    return Pdf417Symbol(raw, raw.decode("latin-1"), 0, 0, raw)


def test_a_garbled_message_from_one_attempt_gives_way_to_the_licence_a_later_attempt_reads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def reads(image: np.ndarray, **options: bool) -> Iterator[list[Pdf417Symbol]]:
        attempts.append("garbled")
        yield [_symbol(GARBLED)]
        attempts.append("licence")
        yield [_symbol(V10)]
        attempts.append("beyond")  # never asked for: the licence was read

    monkeypatch.setattr(reader, "pdf417_reads", reads)
    licence = reader.read_licence(np.zeros((10, 10), dtype=np.uint8))
    assert licence is not None and licence.id_number == "T64235789"
    assert attempts == ["garbled", "licence"]


def test_no_attempt_reading_a_licence_reads_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def reads(image: np.ndarray, **options: bool) -> Iterator[list[Pdf417Symbol]]:
        yield [_symbol(GARBLED)]
        yield [_symbol(b"not a licence either")]

    monkeypatch.setattr(reader, "pdf417_reads", reads)
    assert reader.read_licence(np.zeros((10, 10), dtype=np.uint8)) is None
