"""Where a PDF417 symbol's modules lie on a photographed licence back, to a fraction of a module.

A PDF417 row is a start pattern (a bar 8 modules wide, then 1-module bars and spaces), a left row
indicator, the data codewords, a right row indicator and a stop pattern (a bar 7 modules wide, then
narrow ones), each codeword 17 modules; the rows are several modules tall. On a card tilted away from
the camera, blurred and compressed, the far rows' narrow bars are averaged away (about 1 px per module
or less: ml/EVALUATION.md, "Driver licences"), but the start and stop patterns' wide bars stay clear.
So the symbol is found on the card straightened by its outline (:mod:`ml.document.straighten`): the
wide bars' centres give its left and right ends and the module's width, hence the number of data
columns; the dark band's top and bottom give its height. Its corners are mapped back onto the photo,
so that every module is later sampled from the photo itself (one interpolation).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ml.document.images import Image
from ml.document.straighten import Corners, edge_lengths

LOCATE_SCALE = 2.0  # the straightened card is looked at twice as large as its outline
START_BAR, STOP_BAR = 8, 7  # modules: the wide bar of the start and of the stop pattern
START_TO_STOP = 50.5  # modules between the two wide bars' centres, besides 17 per data column
MAX_COLUMNS = 30  # data columns of the largest PDF417 symbol (ISO 15438)
SOLID = 0.8  # darkness (0 card, 1 darkest ink) of a wide bar's middle
EDGE_LEVEL = 0.75  # darkness at which a wide bar's edge next to narrow bars is taken
ROW_CANDIDATES = 4  # row counts whose row indicators are read
MIN_CONTRAST = 60.0  # grey levels between the card and its darkest print: less is no symbol
BAND = 0.15  # share of dark pixels across a line that belongs to the symbol


@dataclass(frozen=True)
class SymbolGrid:
    """The symbol's outer corners on the photo (tl, tr, br, bl: the start bar's left edge to the stop
    pattern's right edge, the first row's top to the last row's bottom) and its data columns."""

    corners: Corners
    columns: int
    row_counts: tuple[int, ...] = ()  # the likeliest row counts, best first (see :func:`_row_counts`)

    @property
    def width_modules(self) -> int:
        return 69 + 17 * self.columns  # start 17 + two row indicators 34 + stop 18

    def to_photo(self, rows: int) -> NDArray[np.float64]:
        """The homography from (module across, row down) on the symbol to the photo's pixels."""
        source = np.array([[0, 0], [self.width_modules, 0], [self.width_modules, rows], [0, rows]], np.float32)
        return np.asarray(cv2.getPerspectiveTransform(source, self.corners.astype(np.float32)), np.float64)

    def moved(self, corner: int, axis: int, step: float) -> SymbolGrid:
        corners = self.corners.copy()
        corners[corner, axis] += step
        return SymbolGrid(corners, self.columns, self.row_counts)


def _crossing(profile: NDArray[np.float64], start: int, step: int, level: float) -> float | None:
    """Where ``profile`` first crosses ``level`` going from ``start`` by ``step``, interpolated."""
    i = start
    while 0 <= i + step < len(profile):
        a, b = float(profile[i]), float(profile[i + step])
        if (a - level) * (b - level) <= 0 and a != b:
            return i + step * (level - a) / (b - a)
        i += step
    return None


def _straightened(gray: Image, outline: Corners) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """(the card straightened as darkness 0..1, the homography from the photo to it); ``None`` for a
    card with no print dark enough to be a symbol."""
    top, bottom, left, right = edge_lengths(outline)
    width, height = int(max(top, bottom) * LOCATE_SCALE), int(max(left, right) * LOCATE_SCALE)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(outline.astype(np.float32), target)
    card = cv2.warpPerspective(gray, matrix, (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE).astype(np.float64)
    border = int(0.03 * min(width, height))
    inner = card[border:height - border, border:width - border]
    light, ink = float(np.percentile(inner, 90)), float(np.percentile(inner, 2))
    if light - ink < MIN_CONTRAST:
        return None
    darkness = np.zeros_like(card)
    darkness[border:height - border, border:width - border] = np.clip((light - inner) / max(light - ink, 1.0), 0, 1.2)
    return darkness, np.asarray(matrix, np.float64)


def _wide_bars(across: NDArray[np.float64]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """(left, right) edges of the start pattern's and the stop pattern's wide bars on the darkness
    averaged down the symbol's columns ``across``: the two longest solid runs, taken at
    ``EDGE_LEVEL``. (Averaged over the rows no data column stays solid that wide; the narrow bars
    next to the wide ones, unresolved, average to about half dark, hence the level.)"""
    solid = np.concatenate([[False], across >= SOLID, [False]])
    changes = np.flatnonzero(np.diff(solid.astype(np.int8)))
    runs = sorted(zip(changes[::2], changes[1::2], strict=True), key=lambda run: run[0] - run[1])[:2]
    if len(runs) < 2:
        return None
    edges = []
    for start, end in sorted(runs):
        first, last = _crossing(across, int(start), -1, EDGE_LEVEL), _crossing(across, int(end) - 1, 1, EDGE_LEVEL)
        if first is None or last is None:
            return None
        edges.append((first, last))
    return edges[0], edges[1]


def _boundary_contrast(across: NDArray[np.float64], start_centre: float, centres: float, columns: int) -> float:
    """How dark the first module of each codeword is against the last module of the one before, on
    the darkness averaged down the columns, were the symbol ``columns`` data columns wide: every
    codeword starts with a bar and ends with a space, in every row, so at the right module width these
    boundaries stand out even where single modules are blurred away."""
    module = centres / (17 * columns + START_TO_STOP)
    x0 = start_centre - START_BAR / 2 * module
    boundaries = x0 + 17 * np.arange(1, columns + 4) * module
    positions = np.arange(len(across), dtype=np.float64)
    return float(np.mean(np.interp(boundaries + 0.5 * module, positions, across)
                         - np.interp(boundaries - 0.5 * module, positions, across)))


def locate_symbol(gray: Image, outline: Corners) -> SymbolGrid | None:
    """The symbol on the card whose outline is ``outline``; ``None`` when no start and stop pattern
    are found (a back with no symbol, or one too degraded)."""
    if (straight := _straightened(gray, outline)) is None:
        return None
    darkness, matrix = straight
    dark = darkness > 0.5
    rows, columns = np.where(dark.mean(axis=1) > BAND)[0], np.where(dark.mean(axis=0) > BAND)[0]
    if len(rows) < 4 or len(columns) < 4:
        return None
    top, bottom = int(rows.min()), int(rows.max())
    height = bottom - top
    across = darkness[top + height // 10: bottom - height // 10].mean(axis=0)
    bars = _wide_bars(across)
    if bars is None:
        return None
    (left, start_end), (stop_start, stop_end) = bars
    centres = (stop_start + stop_end) / 2 - (left + start_end) / 2
    rough = ((start_end - left) + (stop_end - stop_start)) / (START_BAR + STOP_BAR)
    guess = round((centres / rough - START_TO_STOP) / 17)
    candidates = [c for c in range(guess - 3, guess + 4) if 1 <= c <= MAX_COLUMNS]
    if not candidates:
        return None
    columns_count = max(candidates, key=lambda c: _boundary_contrast(across, (left + start_end) / 2, centres, c))
    module = centres / (17 * columns_count + START_TO_STOP)
    x0 = (left + start_end) / 2 - START_BAR / 2 * module  # from the bar's centre: a blur widens its edges
    x1 = x0 + (69 + 17 * columns_count) * module
    along = darkness[:, int(x0 + 2 * module): int(x1 - 2 * module)].mean(axis=1)
    middle = (top + bottom) // 2
    level = 0.5 * float(along[middle - height // 4: middle + height // 4].mean())
    y0, y1 = _crossing(along, middle, -1, level), _crossing(along, middle, 1, level)
    if y0 is None or y1 is None:
        return None
    box = np.array([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]], np.float64)
    corners = cv2.perspectiveTransform(box, np.linalg.inv(matrix)).reshape(4, 2).astype(np.float32)
    changes = np.abs(np.diff(darkness[:, int(x0 + 17 * module): int(x1 - 18 * module)], axis=0)).mean(axis=1)
    return SymbolGrid(corners, columns_count, _row_counts(changes, y0, y1, module))


def _row_counts(changes: NDArray[np.float64], y0: float, y1: float, module: float) -> tuple[int, ...]:
    """The ``ROW_CANDIDATES`` row counts whose row boundaries fall where the straightened symbol
    changes most from one line to the next against their rows' middles (``changes``: the mean change
    between line y and y + 1 across the codewords): rows from 1.5 to 8 modules tall (ISO 15438 asks
    for at least 3; a photo's foreshortening is allowed for)."""
    height = y1 - y0
    positions = np.arange(len(changes), dtype=np.float64) + 0.5
    counts = range(max(3, int(height / (8 * module))), min(90, int(height / (1.5 * module))) + 1)

    def contrast(rows: int) -> float:
        pitch = height / rows
        boundaries = y0 + pitch * np.arange(1, rows)
        return float(np.mean(np.interp(boundaries, positions, changes))
                     - np.mean(np.interp(boundaries - pitch / 2, positions, changes)))

    return tuple(sorted(counts, key=contrast, reverse=True)[:ROW_CANDIDATES])
