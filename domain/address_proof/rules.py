"""Does an address document prove the ID holder's address? Pure rules over the lines read from it.

Three conditions, each a stable reason code when it does not hold:

1. the holder's name (from the ID document) is printed on it, e.g. as the addressee;
2. an address line (house number + street, or a postcode) is printed with that name: in the block of
   lines under it, as on an envelope window, so the sender's own address does not count;
3. it is recent: its latest date that is not in the future is within ``MAX_DOCUMENT_AGE_MONTHS``.

Outcome: pass when all three hold; fail when the addressee is read and is clearly someone else (none
of the holder's surnames); uncertain otherwise (unreadable, name not found, a relative's name, no
address, no date, an old date): a person looks at those. Reasons and details are codes and numbers,
never the name, the address or the date (``domain.checks``: nothing personal in a ``CheckResult``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.address_proof.addresses import AddressEvidence, address_evidence
from domain.address_proof.dates import document_date, months_before
from domain.address_proof.names import HolderName, NameMatch, looks_like_personal_name
from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.ports.address_proof import PrintedLine

# Product default, not from the requirements: the common KYC rule (e.g. UK JMLSG guidance, most banks' lists of
# acceptable documents) takes a utility bill, bank statement or tax letter issued in the last 3 months.
MAX_DOCUMENT_AGE_MONTHS = 3
MIN_READABLE_LINES = 3  # fewer text lines than a letterhead, a name and an address: nothing to judge
BLOCK_DEPTH_LINES = 8  # an addressee block: up to this many line heights under the name
ALIGN_LINE_HEIGHTS = 2.0  # lines of one block start within this many line heights of each other
NAME_LOOKUP_LINES = 4  # from an address line, how many lines up its addressee may be


@dataclass(frozen=True)
class AddressProofAssessment:
    """The verdict and its grounds. ``address`` is personal: seal it, never log or record it as is."""

    outcome: Outcome
    reasons: tuple[str, ...]
    name: str  # NameMatch value, or "unavailable" / "unreadable"
    name_coverage: float
    evidence: tuple[AddressEvidence, ...]
    age_days: int | None
    lines_read: int
    address: str | None

    def __repr__(self) -> str:
        return f"AddressProofAssessment(outcome={self.outcome.value}, reasons={self.reasons})"

    def to_check_result(self, models: tuple[ModelProvenance, ...],
                        max_age_months: int = MAX_DOCUMENT_AGE_MONTHS) -> CheckResult:
        """The recorded check: codes and numbers only."""
        return CheckResult(
            check=CheckType.ADDRESS_PROOF, outcome=self.outcome, reasons=self.reasons,
            scores={"name_token_coverage": round(self.name_coverage, 4)},
            details={"name": self.name, "address_evidence": [str(e) for e in self.evidence],
                     "document_age_days": self.age_days, "max_age_months": max_age_months,
                     "lines_read": self.lines_read},
            models=models)


def _aligned(head: PrintedLine, line: PrintedLine) -> bool:
    return abs(line.left - head.left) <= ALIGN_LINE_HEIGHTS * head.height


def block_under(lines: Sequence[PrintedLine], head: PrintedLine) -> list[PrintedLine]:
    """``head`` and the lines aligned with it in the next ``BLOCK_DEPTH_LINES`` line heights."""
    below = [line for line in lines if line is not head and _aligned(head, line)
             and 0 < line.top - head.top <= BLOCK_DEPTH_LINES * head.height]
    return [head, *sorted(below, key=lambda line: line.top)]


def addressee_of(lines: Sequence[PrintedLine], address_line: PrintedLine) -> PrintedLine | None:
    """The personal-name line of the block an address line belongs to, walking up a few lines."""
    current = address_line
    for _ in range(NAME_LOOKUP_LINES):
        above = [line for line in lines if _aligned(current, line)
                 and 0 < current.top - line.top <= 2.5 * current.height]
        if not above:
            return None
        current = max(above, key=lambda line: line.top)
        if looks_like_personal_name(current.text):
            return current
    return None


def _address_in(block: Sequence[PrintedLine]) -> tuple[tuple[AddressEvidence, ...], str | None]:
    found = [(line, address_evidence(line.text)) for line in block]
    hits = [(line, kind) for line, kind in found if kind is not None]
    if not hits:
        return (), None
    kinds = tuple(sorted({kind for _, kind in hits}))
    first = block.index(hits[0][0])
    last = block.index(hits[-1][0])
    return kinds, ", ".join(line.text.strip() for line in block[first:last + 1])


def _other_addressee(lines: Sequence[PrintedLine], holder: HolderName) -> NameMatch | None:
    """The strongest relation to the holder of any addressee above a street line, if one is read.

    Only street lines: a name sits right above them in every layout, while above a postcode line
    there is usually the town, which would read as a stranger's name.
    """
    verdicts = set()
    for line in lines:
        if address_evidence(line.text) is not AddressEvidence.STREET:
            continue
        addressee = addressee_of(lines, line)
        if addressee is not None:
            verdicts.add(holder.compare(addressee.text)[0])
    for verdict in (NameMatch.MATCH, NameMatch.PARTIAL, NameMatch.NONE):
        if verdict in verdicts:
            return verdict
    return None


def _name_and_address(lines: Sequence[PrintedLine], holder: HolderName | None
                      ) -> tuple[str, float, tuple[AddressEvidence, ...], str | None]:
    if holder is None:
        return "unavailable", 0.0, (), None
    best_coverage, matched = 0.0, False
    evidence: tuple[AddressEvidence, ...] = ()
    address: str | None = None
    for line in lines:
        verdict, coverage = holder.compare(line.text)
        if verdict is not NameMatch.MATCH:
            continue
        matched = True
        kinds, text = _address_in(block_under(lines, line))
        if text is not None and (address is None or coverage > best_coverage):
            evidence, address = kinds, text
        best_coverage = max(best_coverage, coverage)
    if matched:
        return NameMatch.MATCH.value, best_coverage, evidence, address
    other = _other_addressee(lines, holder)
    return ("not_found" if other is None else other.value), 0.0, (), None


def assess_address_proof(lines: Sequence[PrintedLine], holder: HolderName | None, today: date,
                         max_age_months: int = MAX_DOCUMENT_AGE_MONTHS) -> AddressProofAssessment:
    """Judge the lines read from an address document against the ID holder's name (see module doc)."""
    readable = [line for line in lines if line.text.strip()]
    if len(readable) < MIN_READABLE_LINES:
        return AddressProofAssessment(Outcome.UNCERTAIN, ("address_proof_unreadable",), "unreadable", 0.0, (),
                                      None, len(readable), None)
    name, coverage, evidence, address = _name_and_address(readable, holder)
    issued = document_date((line.text for line in readable), today)
    age_days = (today - issued).days if issued else None
    if name == NameMatch.NONE:
        return AddressProofAssessment(Outcome.FAIL, ("holder_name_mismatch",), name, coverage, evidence,
                                      age_days, len(readable), None)
    reasons: list[str] = []
    if name != NameMatch.MATCH:
        reasons.append({"unavailable": "identity_name_unavailable", NameMatch.PARTIAL.value: "holder_name_partial"}
                       .get(name, "holder_name_not_found"))
    elif address is None:
        reasons.append("address_not_found")
    if issued is None:
        reasons.append("document_date_not_found")
    elif issued < months_before(today, max_age_months):
        reasons.append("document_date_too_old")
    outcome = Outcome.UNCERTAIN if reasons else Outcome.PASS
    return AddressProofAssessment(outcome, tuple(reasons), name, coverage, evidence, age_days, len(readable),
                                  address)
