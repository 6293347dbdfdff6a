"""A PDF417 symbol read codeword by codeword where its pixels are too few to threshold module by module.

zxing-cpp decides each module by thresholding. On a licence back tilted steeply away from the camera
the far rows have about one pixel per module, blurred, and no threshold separates a one-module bar from
its neighbours (ml/EVALUATION.md, "Driver licences"). A codeword, though, is 17 modules drawn from a
codebook: each row uses one of three clusters of 929 bar-space patterns (the row's number mod 3). So
each codeword's slot is sampled from the photo through the symbol's grid (:mod:`ml.document.pdf417_grid`),
averaged over the row's height, and compared with every pattern of its row's cluster blurred as the
photo blurred it there (the blur's spread in modules grows as the keystone narrows the module); the
pattern that matches best is chosen (soft decision). The row indicators, codewords too, give the rows,
columns and error-correction level. A clean symbol is then drawn from the chosen codewords and given
back to zxing-cpp, whose Reed-Solomon error correction fixes the slots chosen wrongly and whose
high-level decoding gives the message; a symbol with more wrong slots than the correction can fix
decodes to nothing, and a licence's content is still checked by the AAMVA parser.

The codeword patterns are pdf417gen's tables (MIT licence).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray
from pdf417gen.codes import CODES

from ml.document.images import Image
from ml.document.pdf417_grid import SymbolGrid, locate_symbol
from ml.document.straighten import Corners

SAMPLES = 4  # samples per module along a row
HEIGHT_SAMPLES = 5  # lines averaged across a row's middle 60 %
START_BITS = tuple(int(b) for b in format(0x1FEA8, "b"))  # 81111113
STOP_BITS = tuple(int(b) for b in format(0x3FA29, "b"))  # 711311121
PATTERNS = np.array([[[int(b) for b in format(code, "017b")] for code in cluster] for cluster in CODES], np.float32)
RENDER_SPREAD = 0.04  # modules^2: the spread a printed, resampled module has before the photo's blur
PIXEL_SPREAD = 1 / 6  # px^2: the spread of sampling the photo by bilinear interpolation
BLURS = (1.0, 0.5, 1.5)  # px: the lens blur's spread, tried in turn (the first also fits the grid)
MIN_AGREEMENT = 0.3  # share of row indicators that must agree for a grid to count as found
CONFIRMED = 0.75  # ... and once the grid is fitted (symbols read: 0.83-1; a sheet of four read as one: 0.33)
STEPS = (1.0, 0.5, 0.25)  # px: the grid's corners are moved by these to fit the photo best
FIT_PASSES = 2  # passes over the corners at each step
SHORTLIST = 8  # codewords per slot still in the running while the grid is fitted
NO_TERM = np.empty((0, 0), np.float32)  # the product's added term: none
QUIET, DRAW_SCALE = 4, 3  # the re-drawn symbol: quiet zone in modules, pixels per module


def _normalised(x: NDArray[np.float32]) -> NDArray[np.float32]:
    x = x - x.mean(axis=-1, keepdims=True)
    return np.asarray(x / (np.linalg.norm(x, axis=-1, keepdims=True) + 1e-9), np.float32)


def _blurred(patterns: NDArray[np.float32], spread: float) -> NDArray[np.float32]:
    """``patterns`` (..., 17) sampled ``SAMPLES`` per module and blurred by a Gaussian of ``spread``
    modules, normalised. The module before a codeword is a space and the one after a bar (every
    codeword starts with a bar and ends with a space); beyond, grey."""
    shape = patterns.shape[:-1]
    left = np.broadcast_to(np.array([0.5, 0.5, 0.0], np.float32), (*shape, 3))
    right = np.broadcast_to(np.array([1.0, 0.5, 0.5], np.float32), (*shape, 3))
    padded = np.repeat(np.concatenate([left, patterns, right], axis=-1), SAMPLES, axis=-1)
    flat = np.ascontiguousarray(padded.reshape(-1, padded.shape[-1]))
    reach = max(1, int(4 * spread * SAMPLES))
    x = np.arange(-reach, reach + 1, dtype=np.float32) / SAMPLES
    kernel = np.exp(-0.5 * (x / max(spread, 1e-3)) ** 2)
    smooth = cv2.filter2D(flat, -1, (kernel / kernel.sum()).reshape(1, -1), borderType=cv2.BORDER_REPLICATE)
    return _normalised(np.asarray(smooth, np.float32).reshape(padded.shape)[..., 3 * SAMPLES: 20 * SAMPLES])


@lru_cache(maxsize=64)
def _codebook(spread: float) -> NDArray[np.float32]:
    """The three clusters' 929 patterns blurred by ``spread`` modules: (3, 929, 17 * SAMPLES)."""
    return np.ascontiguousarray(_blurred(PATTERNS, spread))


@lru_cache(maxsize=64)
def _edges(spread: float) -> NDArray[np.float32]:
    """The start pattern and the stop pattern's first 17 modules, blurred: (2, 17 * SAMPLES)."""
    return _blurred(np.array([START_BITS, STOP_BITS[:17]], np.float32), spread)


def _profiles(gray: NDArray[np.float32], grid: SymbolGrid, rows: int,
              slots: NDArray[np.int_]) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
    """(darkness along each row's ``slots`` (0 start, 1 left indicator, ..., columns + 3 stop), sampled from
    the photo and averaged over the row's middle: (rows, slots, 17 * SAMPLES); px per module per row)."""
    homography = grid.to_photo(rows)
    across = (slots[:, None] * 17 + (np.arange(17 * SAMPLES)[None, :] + 0.5) / SAMPLES).ravel()
    down = (np.arange(rows)[:, None] + np.linspace(0.2, 0.8, HEIGHT_SAMPLES)[None, :]).ravel()
    u, v = np.meshgrid(across, down)
    points = cv2.perspectiveTransform(np.stack([u, v], -1).reshape(-1, 1, 2), homography)
    points = points.reshape(len(down), len(across), 2).astype(np.float32)
    values = cv2.remap(gray, points[..., 0], points[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    darkness = (255.0 - values).reshape(rows, HEIGHT_SAMPLES, len(slots), 17 * SAMPLES).mean(axis=1)
    middle = np.stack([np.full(rows, grid.width_modules / 2), np.arange(rows) + 0.5], -1).reshape(-1, 1, 2)
    one_module_on = np.concatenate([middle, middle + np.array([1.0, 0.0])])
    ends = cv2.perspectiveTransform(one_module_on, homography).reshape(2, rows, 2)
    return darkness.astype(np.float32), np.linalg.norm(ends[1] - ends[0], axis=1)


def _spread(px_per_module: float, blur: float) -> float:
    """The blur's spread in modules on a row of ``px_per_module``, rounded to share codebooks."""
    spread = np.sqrt(RENDER_SPREAD + (blur ** 2 + PIXEL_SPREAD) / px_per_module ** 2)
    return round(float(spread) * 20) / 20


def _groups(profiles: NDArray[np.float32], scale: NDArray[np.float64], blur: float,
            one_spread: bool) -> Iterator[tuple[list[int], float, NDArray[np.float32]]]:
    """For each group of rows sharing a cluster and a blur's spread: (the rows, the spread, every
    codeword slot's correlation with each of the cluster's 929 patterns: (rows * slots, 929))."""
    rows, slots = profiles.shape[0], profiles.shape[1] - 2
    spreads = [_spread(float(np.median(scale)) if one_spread else s, blur) for s in scale]
    for spread in sorted(set(spreads)):
        for cluster in range(3):
            if chosen := [r for r in range(rows) if spreads[r] == spread and r % 3 == cluster]:
                # OpenCV's product, not numpy's: these small products run one per thread here, and
                # OpenBLAS's threads, on a loaded machine, made them ten times slower.
                found = cv2.gemm(np.ascontiguousarray(_normalised(profiles[chosen][:, 1:-1]).reshape(-1, 17 * SAMPLES)),
                                 _codebook(spread)[cluster], 1.0, NO_TERM, 0.0, flags=cv2.GEMM_2_T)
                yield chosen, spread, np.asarray(found, np.float32).reshape(len(chosen) * slots, 929)


def _decide(profiles: NDArray[np.float32], scale: NDArray[np.float64], blur: float,
            *, one_spread: bool = False) -> NDArray[np.int_]:
    """The best codeword of each codeword slot of ``profiles`` (rows, start + slots + stop).
    ``one_spread``: every row compared with the blur of the median row (a quicker, rougher look)."""
    words = np.zeros((profiles.shape[0], profiles.shape[1] - 2), int)
    for chosen, _, found in _groups(profiles, scale, blur, one_spread):
        words[chosen] = found.argmax(axis=1).reshape(len(chosen), -1)
    return words


def _shortlist(profiles: NDArray[np.float32], scale: NDArray[np.float64], blur: float) -> NDArray[np.float32]:
    """(rows, start + slots + stop, SHORTLIST, 17 * SAMPLES): the blurred patterns of each codeword
    slot's ``SHORTLIST`` best codewords, and the start and stop patterns (repeated) at theirs."""
    rows, width = profiles.shape[:2]
    out = np.zeros((rows, width, SHORTLIST, 17 * SAMPLES), np.float32)
    for chosen, spread, found in _groups(profiles, scale, blur, False):
        best = np.argpartition(-found, SHORTLIST, axis=1)[:, :SHORTLIST]
        cluster = chosen[0] % 3
        out[chosen, 1:-1] = _codebook(spread)[cluster][best].reshape(len(chosen), width - 2, SHORTLIST, -1)
        out[chosen, 0], out[chosen, -1] = _edges(spread)[0], _edges(spread)[1]
    return out


def _match(profiles: NDArray[np.float32], shortlist: NDArray[np.float32]) -> float:
    """How well the whole symbol matches: the sum over every slot of its best correlation with a
    pattern of its shortlist (the start and stop patterns included)."""
    return float(np.einsum("rsd,rskd->rsk", _normalised(profiles), shortlist).max(axis=2).sum())


def _indicator_fields(words: NDArray[np.int_]) -> tuple[Counter[int], Counter[int], Counter[int]]:
    """Votes of the row indicators (first and last column of ``words``) for the fields that encode the
    rows ((rows - 1) // 3), the columns (columns - 1) and the error-correction level (3 * level +
    (rows - 1) % 3); an indicator whose row group (its value // 30) is not its row's does not vote."""
    fields: tuple[Counter[int], Counter[int], Counter[int]] = (Counter(), Counter(), Counter())
    for row in range(words.shape[0]):
        for value, kinds in ((int(words[row, 0]), (0, 2, 1)), (int(words[row, -1]), (1, 0, 2))):
            if value // 30 == row // 3:
                fields[kinds[row % 3]][value % 30] += 1
    return fields


def _agreement(words: NDArray[np.int_], rows: int, columns: int) -> tuple[float, int]:
    """(the share of row indicators that agree with ``rows`` and ``columns``, the level they vote)."""
    row_votes, column_votes, level_votes = _indicator_fields(words)
    levels = {field: n for field, n in level_votes.items() if field % 3 == (rows - 1) % 3}
    level = max(levels, key=lambda field: levels[field], default=3 * 2 + (rows - 1) % 3) // 3
    agreeing = row_votes[(rows - 1) // 3] + column_votes[columns - 1] + sum(levels.values())
    return agreeing / (2 * rows), level


def _rows(gray: NDArray[np.float32], grid: SymbolGrid) -> int | None:
    """The row count the symbol's row indicators agree with best, or ``None`` when too few agree at
    any count: no symbol there (the indicators' row groups and fields are read on their own, with
    the median row's blur: a quick look)."""
    slots = np.array([0, 1, grid.columns + 2, grid.columns + 3])
    best: tuple[float, int] | None = None
    for rows in grid.row_counts:
        profiles, scale = _profiles(gray, grid, rows, slots)
        share = _agreement(_decide(profiles, scale, BLURS[0], one_spread=True), rows, grid.columns)[0]
        if best is None or share > best[0]:
            best = (share, rows)
    return None if best is None or best[0] < MIN_AGREEMENT else best[1]


def _fitted(gray: NDArray[np.float32], grid: SymbolGrid, rows: int) -> SymbolGrid:
    """``grid`` with each corner moved, by steps down to a quarter pixel, while the codewords match
    the photo better: the card's outline leaves the far rows' modules a pixel or so off."""
    slots = np.arange(grid.columns + 4)
    for step in STEPS:
        # The codewords in the running are those the grid as it stands ranks best; the corners are
        # then moved while the best of them match the photo better.
        shortlist = _shortlist(*_profiles(gray, grid, rows, slots), BLURS[0])
        best = _match(_profiles(gray, grid, rows, slots)[0], shortlist)
        moved = True
        for _ in range(FIT_PASSES):
            if not moved:
                break
            moved = False
            for corner, axis, sign in ((c, a, s) for c in range(4) for a in range(2) for s in (-1, 1)):
                candidate = grid.moved(corner, axis, sign * step)
                if (score := _match(_profiles(gray, candidate, rows, slots)[0], shortlist)) > best:
                    grid, best, moved = candidate, score, True
    return grid


def _drawn(words: NDArray[np.int_], columns: int, level: int) -> Image:
    """A clean symbol of ``words``' data codewords, its row indicators written from the rows, columns
    and ``level`` (so that a misread indicator does not spoil it)."""
    rows = words.shape[0]
    fields = ((rows - 1) // 3, 3 * level + (rows - 1) % 3, columns - 1)
    lines = []
    for row in range(rows):
        cluster, group = row % 3, 30 * (row // 3)
        codes = [group + fields[cluster], *(int(w) for w in words[row, 1:-1]), group + fields[(cluster + 2) % 3]]
        bits = [*START_BITS, *(b for code in codes for b in PATTERNS[cluster][code].astype(int)), *STOP_BITS]
        lines += [bits] * 3
    modules = np.pad(np.array(lines, np.uint8), QUIET)
    picture = np.where(modules > 0, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.repeat(np.repeat(picture, DRAW_SCALE, axis=0), DRAW_SCALE, axis=1))


def codeword_redraws(gray: Image, outline: Corners) -> Iterator[Image]:
    """Clean symbols drawn from the codewords chosen on the photo ``gray`` of a card whose outline is
    ``outline``, one per lens blur of ``BLURS`` (each made only when the previous one is asked past);
    none for a choice whose row indicators do not agree (``CONFIRMED``) or whose data is one codeword
    over and over (:func:`_uniform`), and none when no symbol is found."""
    if (located := locate_symbol(gray, outline)) is None:
        return
    photo = np.ascontiguousarray(gray, dtype=np.float32)
    if (rows := _rows(photo, located)) is None:
        return
    grid = _fitted(photo, located, rows)
    profiles, scale = _profiles(photo, grid, rows, np.arange(grid.columns + 4))
    for blur in BLURS:
        words = _decide(profiles, scale, blur)
        agreeing, level = _agreement(words, rows, grid.columns)
        if agreeing >= CONFIRMED and not _uniform(words):
            yield _drawn(words, grid.columns, level)


def _uniform(words: NDArray[np.int_]) -> bool:
    """Whether one codeword fills over half of the data slots: what a blank or evenly grey region
    matches, not a message. (All zeros is a valid Reed-Solomon word: drawn, it decodes to "AAAA...";
    a sheet of four symbols read as one gave that: ml/EVALUATION.md, "Driver licences".)"""
    data = words[:, 1:-1].ravel()
    return bool(np.bincount(data).max() > data.size / 2)
