"""A licence back whose barcode did not decode: the photo says whether to hold the card straight or
to bring it closer."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from domain.ports.document import Guidance
from ml.document.back_guidance import MIN_CARD_PX, back_guidance
from ml.document.images import Image

pytestmark = pytest.mark.unit


def card_on_table(corners: list[list[float]], size: tuple[int, int] = (600, 400)) -> Image:
    """A plain light card drawn through ``corners`` on a dark table ``size`` (width, height) px."""
    table = np.full((size[1], size[0]), 50, dtype=np.uint8)
    cv2.fillConvexPoly(table, np.array(corners, dtype=np.int32), 230)
    return table


def test_a_card_tilted_away_is_told_to_be_held_straight() -> None:
    # Far edge 260 px, near edge 440 px: 0.59 of it.
    assert back_guidance(card_on_table([[170, 60], [430, 60], [520, 320], [80, 320]])) == Guidance.ALIGN_DOCUMENT


def test_a_card_tilted_away_so_far_it_covers_a_sixth_of_the_photo_is_still_told_to_be_held_straight() -> None:
    # The page search wants a fifth of the frame; a steep tilt shrinks the card below that.
    photo = card_on_table([[230, 120], [370, 120], [450, 270], [150, 270]])
    assert 0.1 < (140 + 300) / 2 * 150 / (600 * 400) < 0.2
    assert back_guidance(photo) == Guidance.ALIGN_DOCUMENT


@pytest.mark.parametrize("corners", [
    [[140, 80], [460, 80], [460, 280], [140, 280]],  # held square
    [[180, 40], [480, 120], [420, 340], [120, 260]],  # turned in the frame
    [[160, 80], [440, 80], [455, 280], [145, 280]],  # tilted slightly: far edge 0.95 of the near one
])
def test_a_small_card_held_square_or_only_turned_is_told_to_come_closer(corners: list[list[float]]) -> None:
    assert back_guidance(card_on_table(corners)) == Guidance.MOVE_CLOSER


def test_a_large_card_held_square_gets_no_guidance_from_its_back() -> None:
    # Wide enough and square to the camera: the photo does not say why the symbol did not decode.
    width = MIN_CARD_PX + 60
    photo = card_on_table([[60, 60], [60 + width, 60], [60 + width, 500], [60, 500]], size=(width + 120, 560))
    assert back_guidance(photo) is None
    narrower = card_on_table([[60, 60], [MIN_CARD_PX - 20, 60], [MIN_CARD_PX - 20, 500], [60, 500]],
                             size=(width + 120, 560))
    assert back_guidance(narrower) == Guidance.MOVE_CLOSER


def test_a_photo_without_a_card_outline_gets_no_guidance_from_its_back() -> None:
    assert back_guidance(np.full((400, 600), 50, dtype=np.uint8)) is None
