"""Gwoyeu Romatzyh readings of Han names: the Mandarin reading with its tone spelled into the letters.

Many Taiwanese given names are printed in Gwoyeu Romatzyh (GR), the national romanisation of 1928,
or in personal spellings taken from it, where the tone changes the letters: 釗燮 zhāo xiè is "Jaushieh",
樺 huà "huah", 秀 xiù "shiow", 平 píng "pyng". Pinyin and Wade-Giles drop the tone, so no toneless
reading can give these spellings. The tones come from pypinyin (MIT; the per-character Mandarin
readings of its bundled pinyin-data, with their tones, and its GR converter), loaded from its wheel
with no download at run time. Only its per-character table is loaded: the phrase table serves word
segmentation, which a name does not need, and would cost about 45 MB in every process.

A character with several readings is read as the other Mandarin readings read it (``readings``,
anyascii's choice), with that reading's tone; a GR spelling is a guess at a convention like every
reading, so what it finds is at most a near-hit (docs/requirements/pipeline.md, "Sanctions & PEP
screening").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cache

from anyascii import anyascii

from ml.screening.normalise import fold


@cache
def _tables() -> tuple[Mapping[int, str], Callable[[str], str]]:
    # pypinyin reads these when it is first imported: the per-character table only, used as shipped.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin.constants import PINYIN_DICT, Style
    from pypinyin.style import convert

    def to_gwoyeu(reading: str) -> str:
        return str(convert(reading, Style.GWOYEU, strict=True))

    return PINYIN_DICT, to_gwoyeu


def gwoyeu_syllables(chars: str, toneless: list[str]) -> list[str] | None:
    """The GR spelling of each character, by its reading whose toneless pinyin is ``toneless[i]`` (or its
    first reading when none is), lower case; None when a character has no Mandarin reading."""
    table, to_gwoyeu = _tables()
    syllables = []
    for ch, plain in zip(chars, toneless, strict=True):
        readings = table.get(ord(ch), "").split(",")
        if not readings[0]:
            return None
        reading = next((r for r in readings if fold(anyascii(r)) == plain), readings[0])
        syllables.append(fold(to_gwoyeu(reading)))
    return syllables


def load() -> None:
    """Load the table now (about 0.2 s), not in the first screening of a Han name."""
    _tables()
