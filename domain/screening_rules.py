"""Pure rules that turn name-match scores into a screening outcome.

requirements/pipeline §7 ("Sanctions & PEP Screening"): a fuzzy name-matching engine searches the lists with the
customer's name, date of birth and nationality; no hits -> clear, a potential match -> fuzzy-match
review, an exact match -> alert and immediate escalation. requirements/pipeline §9 routes a sanctions/PEP hit
to compliance escalation, never to an automatic decision. Here:

- a candidate whose name score reaches ``thresholds.hit`` is a *hit* (outcome ``fail``: escalate);
- one that reaches ``thresholds.near`` is a *near-hit* (outcome ``uncertain``: manual review);
- the date of birth and the nationality, when both the query and the list entry have them, "cut false
  hits" (requirements/pipeline §7): each one that clearly disagrees lowers the candidate by one level
  (hit -> near-hit -> cleared). Agreement never raises a level: the name decides, secondary
  identifiers only dismiss;
- a match on an alias the list itself grades as weak (the UN's "Low" quality aliases, which the UN
  describes as not sufficient on their own to identify a person) is at most a near-hit;
- a near-hit found by name alone, when the name is a common one or was matched across scripts, asks
  for the birth date and nationality that would settle it (``asks_for_more_data``) instead of counting
  as a potential match: such names resemble many listed people and those identifiers "cut false hits".

The adapter computes scores; only these functions decide (docs/architecture.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidArgumentError

# Lists record many birth years as approximate ("APPROXIMATELY", "circa"); documents are exact. A year
# of slack on exact list dates absorbs off-by-one transcriptions, more on approximate ones.
EXACT_YEAR_TOLERANCE = 1
APPROXIMATE_YEAR_TOLERANCE = 3


class Agreement(StrEnum):
    """How a secondary identifier (date of birth, nationality) compares with a list entry."""

    MATCH = "match"
    MISMATCH = "mismatch"
    UNKNOWN = "unknown"  # the query or the list entry does not have it


class MatchLevel(StrEnum):
    """What one candidate amounts to after the rules."""

    HIT = "hit"
    NEAR_HIT = "near_hit"
    CLEARED = "cleared"


@dataclass(frozen=True)
class ScreeningThresholds:
    """Name-score thresholds in [0, 1]; ``near <= hit``.

    The defaults come from ``tools/eval/screening.py``'s tuning rule applied to the *tune* split only
    (3,000 generated non-listed names, seed 1): the lowest hit score with at most 1 false hit per 1,000
    (requirements/pipeline §9: sanctions escalations < 0.1% of cases) and the lowest near-hit score with at most
    20 per 1,000. Recall and false hits are reported on the other split. Re-tune when the scorer or
    the lists change; tenants may configure their own."""

    hit: float = 0.91
    near: float = 0.805

    def __post_init__(self) -> None:
        if not 0.0 < self.near <= self.hit <= 1.0:
            raise InvalidArgumentError(
                "screening thresholds must satisfy 0 < near <= hit <= 1", hit=self.hit, near=self.near
            )


@dataclass(frozen=True)
class ListedBirthDate:
    """A date of birth as a list records it: a year range (equal ends for one year), an optional
    month and day, and whether the list calls it approximate."""

    year_from: int
    year_to: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False


def birth_date_agreement(query_year: int | None, listed: tuple[ListedBirthDate, ...]) -> Agreement:
    """Compare the customer's birth year with every birth date the entry lists (lists often give
    several). Year-level only: month/day swaps and partial dates are too common in lists to dismiss
    a candidate on them."""
    if query_year is None or not listed:
        return Agreement.UNKNOWN
    for date in listed:
        slack = APPROXIMATE_YEAR_TOLERANCE if date.approximate else EXACT_YEAR_TOLERANCE
        if date.year_from - slack <= query_year <= date.year_to + slack:
            return Agreement.MATCH
    return Agreement.MISMATCH


def nationality_agreement(query_alpha3: str | None, listed_alpha3: tuple[str, ...]) -> Agreement:
    """Compare the customer's nationality (ISO 3166 alpha-3) with the entry's nationalities and
    citizenships. Any one in common is a match (dual nationals are listed under several)."""
    if not query_alpha3 or not listed_alpha3:
        return Agreement.UNKNOWN
    return Agreement.MATCH if query_alpha3.upper() in listed_alpha3 else Agreement.MISMATCH


WEAK_ALIAS_QUALITIES = frozenset({"low"})


def is_weak_alias(quality: str) -> bool:
    return quality.strip().lower() in WEAK_ALIAS_QUALITIES


def match_level(
    name_score: float,
    birth_date: Agreement,
    nationality: Agreement,
    thresholds: ScreeningThresholds,
    weak_alias: bool = False,
) -> MatchLevel:
    """The level of one candidate: name score against the thresholds (a weak alias reaches at most
    a near-hit), lowered one level per disagreeing secondary identifier."""
    if name_score >= thresholds.hit and not weak_alias:
        level = 2
    elif name_score >= thresholds.near:
        level = 1
    else:
        level = 0
    level -= sum(1 for agreement in (birth_date, nationality) if agreement is Agreement.MISMATCH)
    if level >= 2:
        return MatchLevel.HIT
    if level == 1:
        return MatchLevel.NEAR_HIT
    return MatchLevel.CLEARED


def asks_for_more_data(
    levels: tuple[MatchLevel, ...], settles_without_identifiers: tuple[bool, ...], identifiers_given: bool
) -> bool:
    """Whether a screening with near-hits only should ask for the birth date and nationality.

    ``levels`` are the candidates' levels; ``settles_without_identifiers[i]`` is False when candidate
    ``i`` matched on a common name or across scripts, where the name alone cannot settle it. The
    question is asked only when the query lacked an identifier, nothing is a hit, and every near-hit
    is of that kind."""
    if identifiers_given or MatchLevel.HIT in levels:
        return False
    near = [settles for level, settles in zip(levels, settles_without_identifiers, strict=True)
            if level is MatchLevel.NEAR_HIT]
    return bool(near) and not any(near)
