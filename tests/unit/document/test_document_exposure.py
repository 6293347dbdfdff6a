"""Glare on a white page: a solid blown-out spot fails, white paper and scattered bright pixels do not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ml.document.exposure import MIN_SPOT, GreyLevels, glare_share, specular_share
from ml.document.images import Image

pytestmark = pytest.mark.unit


def printed_page(paper: int) -> Image:
    """A page of ``paper`` grey with rows of dark 'characters' (4 x 8 px strokes, 4 px apart)."""
    page = np.full((400, 600), paper, dtype=np.uint8)
    for top in range(20, 380, 24):
        for left in range(20, 580, 8):
            page[top:top + 8, left:left + 4] = 40
    return page


def with_highlight(page: Image, radius: float) -> Image:
    """A lamp's reflection: a smooth bright blob added to the light, its centre blown out."""
    h, w = page.shape
    yy, xx = np.mgrid[0:h, 0:w]
    blob = 200.0 * np.exp(-((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / (2 * radius ** 2))
    return np.asarray(np.clip(page.astype(np.float32) + blob, 0, 255), dtype=np.uint8)


def test_a_highlight_on_a_white_page_is_glare_although_the_share_rule_misses_it() -> None:
    glared = with_highlight(printed_page(229), radius=60)
    assert glare_share(glared) == 0.0  # the paper is within 30 grey of blown out: the old rule is blind
    assert specular_share(glared) >= MIN_SPOT


def test_a_white_page_without_a_highlight_is_not_glare() -> None:
    assert specular_share(printed_page(229)) == 0.0
    assert specular_share(printed_page(245)) == 0.0


def test_a_page_whose_paper_is_blown_out_is_not_called_glare() -> None:
    # A white scan or a light page in strong light: its paper is at 255 between the print, and readable.
    assert specular_share(printed_page(255)) == 0.0
    assert specular_share(with_highlight(printed_page(255), radius=60)) == 0.0


def test_scattered_blown_out_pixels_are_not_a_spot() -> None:
    page = printed_page(240)
    rng = np.random.default_rng(3)
    ys, xs = rng.integers(0, 400, 6000), rng.integers(0, 600, 6000)
    page[ys, xs] = 255  # 2.5 % of the page blown out, one pixel at a time (sensor noise, sparkle)
    assert float(np.mean(page >= 250)) > MIN_SPOT
    assert specular_share(page) < MIN_SPOT


def test_a_small_highlight_stays_under_the_threshold() -> None:
    assert specular_share(with_highlight(printed_page(229), radius=8)) < MIN_SPOT


@settings(max_examples=300, deadline=None)
@given(pixels=arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40))),
       q=st.sampled_from([0.0, 1.0, 5.0, 50.0, 95.0, 99.0, 100.0]))
def test_grey_levels_give_numpys_order_statistics_exactly(pixels: Image, q: float) -> None:
    levels = GreyLevels.of(pixels)
    assert levels.percentile(q) == float(np.percentile(pixels, q))
    assert levels.median() == float(np.median(pixels))
    assert levels.at_least(250) == np.count_nonzero(pixels >= 250)
    assert levels.at_least(0) == pixels.size
