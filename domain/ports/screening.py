"""Sanctions / PEP screening port (requirements/pipeline §7 "Sanctions & PEP screening").

Values shared by list importers and screeners, the two Protocols, and the mapping of a screening
result onto the ``CheckResult`` the policy reads. The customer's name never leaves the query: results
and check details name the list, the entry id and which of the entry's names matched (its kind and
position), never the text that was screened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.errors import DomainError, InvalidArgumentError
from domain.screening_rules import Agreement, ListedBirthDate, MatchLevel, ScreeningThresholds


class WatchlistFormatError(DomainError):
    """A list file is missing, malformed or unsafe (e.g. an XML DOCTYPE); ``details`` say where."""

    code = "watchlist_format_invalid"


class ScreeningQueryError(InvalidArgumentError):
    """The screening request cannot be screened (empty name, bad date, unknown country code)."""

    code = "screening_query_invalid"


class EntityKind(StrEnum):
    """What a list entry designates."""

    INDIVIDUAL = "individual"
    ENTITY = "entity"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"


@dataclass(frozen=True)
class ListedName:
    """One name of a list entry as the list spells it; ``quality`` is the list's own alias grade
    (UN "Good"/"Low", OFAC "aka"/"fka"...), kept for the reviewer."""

    text: str
    kind: NameKind
    quality: str = ""


@dataclass(frozen=True)
class WatchlistEntry:
    """One designated party of one list, as an importer produces it."""

    list_name: str
    entry_id: str
    kind: EntityKind
    names: tuple[ListedName, ...]
    birth_dates: tuple[ListedBirthDate, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO 3166 alpha-3; nationalities and citizenships
    programs: tuple[str, ...] = ()
    address_countries: tuple[str, ...] = ()  # reviewer context only: an address is not a nationality


@dataclass(frozen=True)
class Watchlist:
    """A loaded list snapshot with the provenance recorded in every screening result."""

    entries: tuple[WatchlistEntry, ...]
    provenance: ModelProvenance


class WatchlistImporter(Protocol):
    """Reads one published list format into entries."""

    def load(self, path: Path) -> tuple[WatchlistEntry, ...]:
        """Parse the list file(s) at ``path``; raise ``WatchlistFormatError`` on bad input."""
        ...


@dataclass(frozen=True)
class ScreeningQuery:
    """Who to screen. ``nationality`` is ISO 3166 alpha-3 (as in the MRZ)."""

    name: str
    date_of_birth: date | None = None
    birth_year: int | None = None
    nationality: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ScreeningQueryError("a name to screen is required")
        if self.nationality is not None and (len(self.nationality) != 3 or not self.nationality.isalpha()):
            raise ScreeningQueryError("nationality must be an ISO 3166 alpha-3 code")

    @property
    def year(self) -> int | None:
        return self.date_of_birth.year if self.date_of_birth else self.birth_year

    def __repr__(self) -> str:  # the name is personal data: keep it out of logs and tracebacks
        return f"ScreeningQuery(name=***, year={self.year}, nationality={self.nationality})"


@dataclass(frozen=True)
class ScreeningHit:
    """One list entry whose name scored at or above the near-hit threshold, with the level the rules
    gave it (``CLEARED`` when a disagreeing date of birth or nationality dismissed it: kept for audit)."""

    list_name: str
    entry_id: str
    entity_kind: EntityKind
    matched_name: ListedName  # the list's own spelling: public list data, shown to the reviewer
    matched_name_index: int  # position of that name in the entry's names (0 = primary)
    name_score: float
    birth_date: Agreement
    nationality: Agreement
    level: MatchLevel
    # How the name was compared: "spelled", or a cross-script path ("abjad" consonant keys of Arabic,
    # Hebrew or Thai, "hangul" romanisation keys, "reading": a Latin reading of Han, kana, Greek or
    # Thai letters) whose matches are at most near-hits.
    via: str = "spelled"


@dataclass(frozen=True)
class ScreeningResult:
    """Everything one screening produced; ``hits`` holds every candidate at or above the near-hit
    name score, best first, whatever level the rules gave it."""

    hits: tuple[ScreeningHit, ...]
    thresholds: ScreeningThresholds
    lists: ModelProvenance
    candidates_scored: int = 0
    scorer: Mapping[str, str] = field(default_factory=dict)
    # Near-hits only, found by name alone on a common name or across scripts: the birth date and
    # nationality would settle them (``domain.screening_rules.asks_for_more_data``).
    needs_more_data: bool = False

    @property
    def outcome(self) -> Outcome:
        return screening_outcome(hit.level for hit in self.hits)


class SanctionsScreener(Protocol):
    """Screens a person against sanctions and PEP lists (requirements/pipeline §7)."""

    def screen(self, query: ScreeningQuery) -> ScreeningResult:
        """Score the query against every loaded list; never decide beyond the domain rules."""
        ...


class WatchlistEntryLookup(Protocol):
    """The loaded list entry behind a screening hit (list name and entry id), for the reviewer who
    must judge the hit against the person (requirements/pipeline §7: "compliance review")."""

    def entry(self, list_name: str, entry_id: str) -> WatchlistEntry | None:
        """The entry, or None when the loaded lists no longer hold it."""
        ...


def screening_outcome(levels: Iterable[MatchLevel]) -> Outcome:
    """A hit escalates (fail), a near-hit goes to review (uncertain), nothing clears (pass)."""
    seen = set(levels)
    if MatchLevel.HIT in seen:
        return Outcome.FAIL
    if MatchLevel.NEAR_HIT in seen:
        return Outcome.UNCERTAIN
    return Outcome.PASS


def screening_check_result(result: ScreeningResult) -> CheckResult:
    """Map a screening result onto the policy's ``CheckResult``: list names, entry ids, scores and
    agreement codes only, never a name."""
    outcome = result.outcome
    reasons: list[str] = []
    if outcome is Outcome.FAIL:
        reasons.append("sanctions_hit")
    elif outcome is Outcome.UNCERTAIN:
        reasons.append("sanctions_near_hit")
        if result.needs_more_data:
            reasons.append("sanctions_needs_more_data")
    if any(hit.birth_date is Agreement.MISMATCH for hit in result.hits):
        reasons.append("birth_date_mismatch_lowered_candidate")
    if any(hit.nationality is Agreement.MISMATCH for hit in result.hits):
        reasons.append("nationality_mismatch_lowered_candidate")
    best = max((hit.name_score for hit in result.hits), default=0.0)
    return CheckResult(
        check=CheckType.SCREENING,
        outcome=outcome,
        scores={"best_name_score": round(best, 4)},
        reasons=tuple(reasons),
        details={
            "hits": [
                {
                    "list": hit.list_name,
                    "entry_id": hit.entry_id,
                    "entity_kind": hit.entity_kind.value,
                    "name_kind": hit.matched_name.kind.value,
                    "name_index": hit.matched_name_index,
                    "name_score": round(hit.name_score, 4),
                    "birth_date": hit.birth_date.value,
                    "nationality": hit.nationality.value,
                    "level": hit.level.value,
                    **({"via": hit.via} if hit.via != "spelled" else {}),
                }
                for hit in result.hits
            ],
            "thresholds": {"hit": result.thresholds.hit, "near": result.thresholds.near},
            "candidates_scored": result.candidates_scored,
            **({"scorer": dict(result.scorer)} if result.scorer else {}),
        },
        models=(result.lists,),
    )
