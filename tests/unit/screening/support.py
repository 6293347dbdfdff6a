"""Unrelated listed people that give a test list the size of a real one: the rarity rules of
``ml.screening.evidence`` weigh a name part by how few of the list's entries share it, which a list of
five entries cannot tell."""

from __future__ import annotations

from domain.ports.screening import EntityKind, ListedName, NameKind, WatchlistEntry

FIRST = ("Anna", "Bruno", "Clara", "Dieter", "Elena", "Fabio", "Greta", "Hugo", "Irene", "Jonas")
LAST = ("Albrecht", "Bianchi", "Dupont", "Fischer", "Garcia", "Hansen", "Keller", "Lambert", "Moreau", "Novak")


def unrelated_entries(list_name: str = "FILLER") -> tuple[WatchlistEntry, ...]:
    """One hundred Latin names built of ten given and ten family names (none Chinese, Japanese or
    Korean)."""
    names = [f"{first} {last}" for first in FIRST for last in LAST]
    return tuple(WatchlistEntry(list_name, f"x{i}", EntityKind.INDIVIDUAL, (ListedName(n, NameKind.PRIMARY),))
                 for i, n in enumerate(names))
