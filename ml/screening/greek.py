"""Latin readings of Greek names: ELOT 743 (the Greek passport standard) and the spoken spelling.

A letter-by-letter transliteration (anyascii) writes υ as "y" everywhere ("Papandreoy") and keeps
digraphs apart, while Greek passports follow ELOT 743 (ου -> "ou", αυ/ευ -> "av"/"ev" or "af"/"ef"
before a voiceless consonant, γγ/γκ -> "ng", initial μπ/ντ/γκ -> "b"/"d"/"g") and people often
spell their names as spoken: γι before a vowel is "y" ("Yanis"), μπ "b", ντ "d", γκ "g" inside a word
too ("Bakoyannis"), and υ alone "i". Both readings are screened like Latin names; as readings of
another script they give at most a near-hit.
"""

from __future__ import annotations

import re
import unicodedata

_LETTERS = {"α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
            "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s",
            "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o"}
_VOICELESS = "θκξπστφχψ"
_DIGRAPHS = ((re.compile("ου"), "ou"), (re.compile(f"([αε])υ(?=[{_VOICELESS}]|$)"), r"\1f"),
             (re.compile("([αεη])υ"), r"\1v"), (re.compile("γγ"), "ng"), (re.compile("γξ"), "nx"),
             (re.compile("γχ"), "nch"))
_ELOT_INITIAL = ((re.compile(r"^μπ"), "b"), (re.compile(r"^ντ"), "d"), (re.compile(r"^γκ"), "g"),
                 (re.compile("γκ"), "ng"))
_SPOKEN = ((re.compile("μπ"), "b"), (re.compile("ντ"), "d"), (re.compile("γκ"), "g"),
           (re.compile("γι(?=[αεοωo])"), "y"), (re.compile("γ(?=[ιεη])"), "y"), (re.compile("υ"), "ι"))


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters(word: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    for pattern, latin in (*_DIGRAPHS, *rules):
        word = pattern.sub(latin, word)
    return "".join(_LETTERS.get(ch, ch) for ch in word)


def greek_readings(text: str) -> list[str]:
    """ELOT 743 and spoken readings of a Greek name ("Γιάνης Βαρουφάκης" -> ["gianis varoufakis",
    "yanis varoufakis"])."""
    words = [_plain(w) for w in text.split()]
    elot = " ".join(_letters(w, _ELOT_INITIAL) for w in words)
    spoken = " ".join(_letters(w, _SPOKEN) for w in words)
    return list(dict.fromkeys((elot, spoken)))
