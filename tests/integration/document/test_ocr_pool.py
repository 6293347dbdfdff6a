"""A read's lines spread over the idle OCR engines: the same texts as one engine alone, never a wait."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ml.document.geometry import find_document, rectify
from ml.document.images import Image, decode_image
from ml.document.ocr import OcrLine, TextBox
from ml.document.ocr_pool import RapidOcrEnginePool, shares
from tests.integration.document.specimens import DATA

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pool() -> RapidOcrEnginePool:
    return RapidOcrEnginePool(engines=2, threads=1)


@pytest.fixture(scope="module")
def page() -> Image:
    image = decode_image((DATA / "mrz" / "images" / "passporteye" / "passport-td3.jpg").read_bytes())
    return rectify(image, find_document(image))


def _texts(lines: list[OcrLine]) -> list[tuple[str, tuple[int, int, int, int]]]:
    return [(line.text, line.box) for line in lines]


class _Lending:
    """Counts the engines lent to a read (the pool's only way to get an engine without waiting)."""

    def __init__(self, pool: RapidOcrEnginePool) -> None:
        self.lent: list[int] = []
        self._own = pool.engines.idle_now

    def __call__(self, most: int) -> list:  # type: ignore[type-arg]
        engines = self._own(most)
        self.lent.append(len(engines))
        return engines


@pytest.fixture()
def lending(pool: RapidOcrEnginePool, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Lending]:
    spy = _Lending(pool)
    monkeypatch.setattr(pool.engines, "idle_now", spy)
    yield spy


def test_lines_read_on_two_engines_read_as_on_one_engine_alone(pool: RapidOcrEnginePool, page: Image,
                                                               lending: _Lending) -> None:
    boxes = pool.detect(page)
    alone = [line for b in boxes for line in pool.engines.copies[0].recognise(page, [b])]
    spread = pool.recognise(page, boxes)
    assert lending.lent == [1]  # the other engine was idle, so it read a share of the lines
    assert _texts(spread) == _texts(alone) and len(spread) > 10


def test_a_read_never_waits_for_an_engine_another_read_holds(pool: RapidOcrEnginePool, page: Image,
                                                             lending: _Lending) -> None:
    boxes = pool.detect(page)[:6]
    with pool.engines.borrowed():  # another verification's read holds one engine for as long as it takes
        done = threading.Event()
        result: list[OcrLine] = []
        reader = threading.Thread(target=lambda: (result.extend(pool.recognise(page, boxes)), done.set()))
        reader.start()
        assert done.wait(timeout=60), "a read waited for an engine another read holds"
        reader.join()
    assert lending.lent == [0] and len(result) == len([b for b in boxes if pool.engines.copies[0].recognise(page, [b])])


def test_shares_are_balanced_by_width_and_never_empty(pool: RapidOcrEnginePool, page: Image) -> None:
    boxes: list[TextBox] = pool.detect(page)
    parts = shares(boxes, 2)
    assert sorted(map(id, boxes)) == sorted(id(b) for part in parts for b in part)
    widths = [sum(b.length / b.thickness for b in part) for part in parts]
    widest = max(b.length / b.thickness for b in boxes)
    assert all(parts) and abs(widths[0] - widths[1]) <= widest
    assert len(shares(boxes[:1], 4)) == 1
