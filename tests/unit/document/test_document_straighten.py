"""Straightening a licence back: a keystoned card outline becomes an upright rectangle again."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ml.document.back_guidance import TILTED_EDGE_RATIO
from ml.document.geometry import find_document
from ml.document.images import Image
from ml.document.straighten import edge_ratio, refined_outline, straightened

pytestmark = pytest.mark.unit


def card_on_table(corners: list[list[float]]) -> Image:
    """A light card with a dark bar along its top edge, on a dark table, drawn through ``corners``."""
    flat = np.full((200, 320), 230, dtype=np.uint8)
    flat[20:40, 20:300] = 0
    table = np.full((400, 600), 50, dtype=np.uint8)
    source = np.array([[0, 0], [319, 0], [319, 199], [0, 199]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, np.array(corners, dtype=np.float32))
    warped = cv2.warpPerspective(flat, matrix, (600, 400), borderMode=cv2.BORDER_TRANSPARENT, dst=table)
    return np.asarray(warped, dtype=np.uint8)


def test_a_keystoned_card_comes_out_upright_with_its_top_bar_level() -> None:
    tilted = card_on_table([[170, 60], [430, 100], [520, 320], [80, 330]])  # tilted away and sideways
    straight = straightened(tilted)
    assert straight is not None
    h, w = straight.shape
    assert w > h > 0
    bar = np.where(straight[: h // 3] < 100)
    # The bar's ends sit at the same height: rows are level again (within 3 % of the card's height).
    rows_left = bar[0][bar[1] < w // 4]
    rows_right = bar[0][bar[1] > 3 * w // 4]
    assert abs(float(np.median(rows_left)) - float(np.median(rows_right))) <= 0.03 * h
    left_span = np.ptp(bar[1][bar[0] == int(np.median(bar[0]))])
    assert left_span >= 0.8 * w  # the bar spans the width at the top, not squeezed to the far edge


def test_an_upright_card_or_a_page_without_an_outline_is_left_alone() -> None:
    assert straightened(card_on_table([[140, 100], [460, 100], [460, 300], [140, 300]])) is None
    assert straightened(np.full((300, 400), 200, dtype=np.uint8)) is None


def test_other_pixels_of_the_same_photo_are_warped_by_the_outline_found_on_the_photo() -> None:
    # (The decoder warps a deblurred copy by the outline of the photo as taken.)
    tilted = card_on_table([[170, 60], [430, 100], [520, 320], [80, 330]])
    negative = (255 - tilted).astype(np.uint8)  # no outline of its own is needed: it is never searched
    straight, warped = straightened(tilted), straightened(tilted, pixels=negative)
    assert straight is not None and warped is not None and warped.shape == straight.shape
    assert float(np.abs(warped.astype(np.int16) + straight.astype(np.int16) - 255).mean()) < 1.0


def test_the_edge_ratio_takes_the_pair_of_opposite_edges_that_differs_more() -> None:
    sideways = np.array([[0, 0], [100, 20], [100, 80], [0, 100]], dtype=np.float32)  # right edge 60 of 100
    assert edge_ratio(sideways) == pytest.approx(0.6, abs=0.01)
    assert edge_ratio(sideways) < TILTED_EDGE_RATIO


def card_drawn_exactly(corners: list[list[float]]) -> Image:
    """A plain light card on a dark table through ``corners`` (pixel centres at integers), drawn 8x
    larger and reduced by pixel area, then blurred by 1 px: its edges are known to a tenth of a pixel."""
    large = np.full((400 * 8, 600 * 8), 50, dtype=np.uint8)
    cv2.fillConvexPoly(large, ((np.array(corners) + 0.5) * 8).astype(np.int32), 230)
    small = cv2.resize(large, (600, 400), interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.GaussianBlur(small, (0, 0), 1.0), dtype=np.uint8)


@pytest.mark.parametrize("corners", [
    [[200, 60], [400, 60], [540, 340], [60, 340]],  # tilted away steeply: far edge 0.42 of the near one
    [[170, 60], [430, 100], [520, 320], [80, 330]],  # tilted away and sideways
    [[220.3, 40.6], [380.2, 40.6], [560.7, 360.1], [40.1, 360.1]],  # corners between pixels
])
def test_the_outline_is_refined_to_the_photo_s_own_edges(corners: list[list[float]]) -> None:
    # The contour search (smoothed, dilated edges, a polygon fitted) misses these corners by 3-5 px;
    # the far rows of a tilted card have modules 1-2 px wide, so the straightening needs them closer.
    photo = card_drawn_exactly(corners)
    truth = np.array(corners, dtype=np.float32)
    found = find_document(photo).corners
    assert found is not None
    assert float(np.abs(found - truth).max()) > 2.0
    assert float(np.abs(refined_outline(photo, found) - truth).max()) < 1.0


def test_an_outline_with_no_edge_to_refine_it_by_is_kept() -> None:
    # A uniform photo shows no step along any edge: the corners given are the best there is.
    corners = np.array([[100, 50], [500, 50], [500, 350], [100, 350]], dtype=np.float32)
    assert np.array_equal(refined_outline(np.full((400, 600), 128, dtype=np.uint8), corners), corners)
