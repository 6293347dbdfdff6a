"""Releasing a claimed review: only the holder gives the case back, another reviewer may then claim
it, the release is on the record, and the read models show the case as free again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.audit import audit_context
from domain.sessions import SessionConfiguration, SessionStatus
from domain.sessions.errors import ReviewAlreadyClaimedError, ReviewNotClaimedError
from projections.read_models import process_event
from projections.view import LedgerEntry
from tests.unit.sessions.support import SessionTestLedger, decide, face, liveness, reviewer, validation

pytestmark = pytest.mark.unit
TENANT = "ten_release"


@pytest.fixture
def ledger() -> Iterator[SessionTestLedger]:
    with audit_context(TENANT, "key:kyck_integration", "req"):
        yield SessionTestLedger()


def _in_review(ledger: SessionTestLedger) -> object:
    sid = ledger.create_session(TENANT, SessionConfiguration.build(checks=["face_match", "liveness"], max_retries=0))
    for check in (face(0.5), liveness(), validation()):
        ledger.record_check_result(TENANT, sid, 1, check)
    decide(ledger, TENANT, sid)
    assert ledger.get_session(TENANT, sid).status == SessionStatus.MANUAL_REVIEW
    return sid


def test_only_the_holder_releases_and_another_reviewer_then_claims(ledger: SessionTestLedger) -> None:
    sid = _in_review(ledger)
    riley, sam = reviewer("mem_riley", compliance=False), reviewer("mem_sam", compliance=False)
    with pytest.raises(ReviewNotClaimedError):
        ledger.release_review(TENANT, sid, riley)  # nobody holds it
    ledger.claim_review(TENANT, sid, riley)
    with pytest.raises(ReviewAlreadyClaimedError):
        ledger.claim_review(TENANT, sid, sam)
    with pytest.raises(ReviewNotClaimedError):
        ledger.release_review(TENANT, sid, sam)  # not theirs to release
    ledger.release_review(TENANT, sid, riley)
    session = ledger.get_session(TENANT, sid)
    assert session.reviewer is None and session.status == SessionStatus.MANUAL_REVIEW
    assert [s["step"] for s in session.review_history] == ["claimed", "released"]
    ledger.claim_review(TENANT, sid, sam)
    assert ledger.get_session(TENANT, sid).reviewer == "mem_sam"


class _Rows:
    """The few ``ViewTransaction`` calls the review-queue handlers make, over dicts."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[tuple[str, ...], dict[str, object]]] = {}

    def get(self, table: object, key: tuple[str, ...]) -> dict[str, object] | None:
        return self.tables.get(table.name, {}).get(key)  # type: ignore[attr-defined]

    def upsert(self, table: object, row: dict[str, object]) -> None:
        key = tuple(str(row[k]) for k in table.key)  # type: ignore[attr-defined]
        self.tables.setdefault(table.name, {})[key] = dict(row)  # type: ignore[attr-defined]

    def delete(self, table: object, where: dict[str, object]) -> int:
        rows = self.tables.get(table.name, {})  # type: ignore[attr-defined]
        doomed = [k for k, r in rows.items() if all(r.get(c) == v for c, v in where.items())]
        for k in doomed:
            del rows[k]
        return len(doomed)


def test_the_review_queue_read_model_frees_a_released_case(ledger: SessionTestLedger) -> None:
    sid = _in_review(ledger)
    riley = reviewer("mem_riley", compliance=False)
    ledger.claim_review(TENANT, sid, riley)
    ledger.release_review(TENANT, sid, riley)
    rows = _Rows()
    for position, event in enumerate(ledger.session_events(TENANT, sid), start=1):
        process_event(event, LedgerEntry(position, position, "00" * 32), rows)
    queue = next(iter(rows.tables["rm_review_queue"].values()))
    assert queue["claimed_by"] is None
    session_row = next(iter(rows.tables["rm_sessions"].values()))
    assert session_row["review"]["claimed_by"] is None  # type: ignore[index]
