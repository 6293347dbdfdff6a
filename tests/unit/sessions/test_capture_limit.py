"""An attempt keeps at most MAX_CAPTURES_PER_KIND captures of each kind; a new attempt starts afresh."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.audit import audit_context
from domain.sessions import SessionConfiguration
from domain.sessions.errors import CaptureLimitReachedError
from domain.sessions.guards import MAX_CAPTURES_PER_KIND
from tests.unit.sessions.support import SessionTestLedger

pytestmark = pytest.mark.unit

TENANT = "ten_a"


@pytest.fixture(autouse=True)
def _audit() -> Iterator[None]:
    with audit_context(TENANT, "tester", "req-1"):
        yield


def test_captures_of_one_kind_are_capped_per_attempt() -> None:
    ledger = SessionTestLedger()
    sid = ledger.create_session(TENANT, SessionConfiguration.build(checks=["face_match", "liveness"]))
    for n in range(MAX_CAPTURES_PER_KIND):
        ledger.record_capture(TENANT, sid, "selfie", f"{n:064x}", f"blob://selfie-{n}", {})
    with pytest.raises(CaptureLimitReachedError) as refused:
        ledger.record_capture(TENANT, sid, "selfie", "f" * 64, "blob://one-too-many", {})
    assert refused.value.code == "capture_limit_reached"
    assert refused.value.details == {"kind": "selfie", "limit": MAX_CAPTURES_PER_KIND}
    ledger.record_capture(TENANT, sid, "document_front", "e" * 64, "blob://doc", {})  # other kinds: own count
    ledger.request_retry(TENANT, sid, "selfie", "user_retry")
    ledger.record_capture(TENANT, sid, "selfie", "d" * 64, "blob://next-attempt", {})  # a new attempt: room again
    session = ledger.get_session(TENANT, sid)
    # attempt 2: its own selfie and the document kept from attempt 1 (a selfie retry keeps the scan)
    assert [len(session.captures[a]) for a in (1, 2)] == [MAX_CAPTURES_PER_KIND + 1, 2]
