"""Sino-Korean readings of a name written in Han characters (hanja), for a person who may be Korean.

Korean names have hanja too, and some documents, registries and older records write them so: 金正恩
is Kim Jong Un, not the Mandarin "Jin Zhengen". A name in Han characters alone does not say whether
its bearer is Chinese, Japanese or Korean, so a Han name is read all three ways (``readings`` for
the Chinese and Japanese ones); this module gives the Korean reading in Hangul, which the screener
compares with the lists' Latin names on the Hangul path (McCune-Reischauer keys, ``cross_script``).

- Each character's Sino-Korean sound comes from the hanja table of the ``hanja`` package (Sumin
  Byeon, WTFPL; 27,497 characters in its 0.5 MB table, in the wheel; no download at run time). It
  gives one sound per character, the dictionary sound.
- A few family names are read otherwise than the character's dictionary sound: 金 is "Kim" (김) as a
  family name and "Kum" (금) otherwise, 沈 "Sim" (심) not "Chim" (침), 單 "Son" (선) not "Tan" (단).
- The initial-sound rule (두음법칙): South Korea writes ㄹ at the start of a word as ㅇ or ㄴ, and ㄴ
  before i/y as ㅇ (李 리 -> 이 "Lee", 盧 로 -> 노 "Roh", 柳 류 -> 유 "Yu"), at the start of the family
  name and of the given name; North Korea does not ("Ri", "Ryu", "Ro"). Both spellings are read when
  they differ. The Hangul keys already fold "Ri"/"I", so most names give one key either way.
- The family name is the first character, or the first two for the two-character Korean family names.
"""

from __future__ import annotations

from functools import cache

from ml.screening.romanise import han_characters

_FAMILY_SOUNDS = {"金": "김", "沈": "심", "單": "선"}
_TWO_CHARACTER_FAMILIES = frozenset({"南宮", "諸葛", "皇甫", "鮮于", "獨孤", "司空", "西門", "東方", "司馬",
                                     "南宫", "诸葛", "鲜于", "独孤", "西门", "东方", "司马"})
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_VOWELS_PER_LEAD = 21 * 28
_RIEUL, _NIEUN, _IEUNG = 5, 2, 11
# Vowels (of the 21) before which ㄹ and ㄴ become ㅇ at a word's start: i, y-diphthongs (ㅑ ㅕ ㅖ ㅛ ㅠ ㅣ).
_I_OR_Y = frozenset({2, 3, 6, 7, 12, 17, 20})


@cache
def _table() -> dict[str, str]:  # the hanja package has no type hints
    from hanja.table import hanja_table

    table: dict[str, str] = hanja_table
    return table


def initial_sound_rule(syllable: str) -> str:
    """One Hangul syllable as South Korea writes it at the start of a word: 리 -> 이, 로 -> 노, 녀 -> 여."""
    code = ord(syllable) - _HANGUL_FIRST
    if not 0 <= code <= _HANGUL_LAST - _HANGUL_FIRST:
        return syllable
    lead, rest = divmod(code, _VOWELS_PER_LEAD)
    vowel = rest // 28
    if lead == _RIEUL:
        lead = _IEUNG if vowel in _I_OR_Y else _NIEUN
    elif lead == _NIEUN and vowel in _I_OR_Y:
        lead = _IEUNG
    return chr(_HANGUL_FIRST + lead * _VOWELS_PER_LEAD + rest)


def family_length(chars: str) -> int:
    """How many characters of a Korean name in hanja are its family name."""
    return 2 if chars[:2] in _TWO_CHARACTER_FAMILIES and len(chars) > 2 else 1


def korean_readings(text: str) -> list[str]:
    """The name in Hangul, family name and given name as two words: as North Korea writes it, then as
    South Korea does when the initial-sound rule changes it ("李洙墉" -> ["리 수용", "이 수용"]); [] for a
    name that is not one word of two to four Han characters or has a character the table lacks."""
    words = [han_characters(w) for w in text.split()]
    chars = "".join(words)
    if len(chars) != len("".join(text.split())) or not 2 <= len(chars) <= 4:
        return []
    table = _table()
    if any(ch not in table for ch in chars):
        return []
    family = family_length(chars) if len(words) == 1 else len(words[0])
    sounds = [_FAMILY_SOUNDS.get(ch, table[ch]) if i == 0 else table[ch] for i, ch in enumerate(chars)]
    north = ["".join(sounds[:family]), "".join(sounds[family:])]
    south = [initial_sound_rule(part[0]) + part[1:] for part in north]
    return list(dict.fromkeys(" ".join(parts) for parts in (north, south) if all(parts)))


def load() -> None:
    """Load the hanja table now (about 0.2 s), not in the first screening of a Han name."""
    _table()
