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
