"""Every AAMVA payload of the shared data, printed as a PDF417 card and read back from the image, flat
and photographed with a keystone, blur and JPEG damage (``tools/eval/document_cards.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.document.reader import read_licence
from tools.eval.document_cards import COPIES, _same, card, payloads

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
    alone = sum(_same(read_licence(photo, straighten=False), truth) for photo, truth in photos)
    straightened = sum(_same(read_licence(photo), truth) for photo, truth in photos)
    assert alone < len(photos) - 3
    assert straightened >= len(photos) - 1
