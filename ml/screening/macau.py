"""The Macau SAR Government's spelling of Cantonese names, from Jyutping.

Macau prints Chinese names in a Portuguese-based romanisation of their Cantonese reading, each
syllable a word: 何厚鏵 "Ho Hau Wah", 崔世安 "Chui Sai On", 賀一誠 "Ho Iat Seng". It differs from the Hong
Kong Government spelling (``readings.hong_kong``) where Portuguese orthography does: a leading
Jyutping "j" is written "i" ("Iat", not "Yat"), "ing" is "eng" ("Seng",
not "Sing"), "iu" is "io", "oeng" is "eong" ("Leong", not "Leung"), "eon" is "on", "ou" stays "ou"
("Hou", not "Ho"), "ung" is "ong", and a final "k" after a short vowel is "c" ("Tac", "Kuoc").
Unaspirated initials are written as voiceless, as in Hong Kong ("b" "p", "d" "t", "g" "k", "z" "ch").
Some names write "w" as "v" ("Vai", "Vong"); that variant is left to the name comparison's tolerance.
"""

from __future__ import annotations

from ml.screening.jyutping import respell_final, split_initial

_INITIALS = (("gw", "ku"), ("kw", "ku"), ("ng", "ng"), ("b", "p"), ("d", "t"), ("g", "k"), ("z", "ch"),
             ("c", "ch"), ("j", "i"))
# Finals, longest first; a final not listed keeps its Jyutping letters ("ai", "am", "on", "ui").
_FINALS = (("oeng", "eong"), ("oek", "eoc"), ("eoi", "ui"), ("eon", "on"), ("eot", "ot"), ("yun", "un"),
           ("yut", "ut"), ("yu", "u"), ("aa", "a"), ("ing", "eng"), ("ik", "ec"), ("iu", "io"),
           ("ung", "ong"), ("uk", "oc"), ("ak", "ac"), ("ok", "oc"), ("ek", "ec"))


def macau(jyutping: str) -> str:
    """One Jyutping syllable (tone digit allowed) in the Macau spelling ("jat1" -> "iat", "sing4" -> "seng")."""
    initial, final = split_initial(jyutping.rstrip("0123456789"), _INITIALS)
    if initial == "i" and final.startswith("i"):  # "ji" (jyutping "jit", "jing") is one "i"
        final = final[1:]
    return initial + respell_final(final, _FINALS)
