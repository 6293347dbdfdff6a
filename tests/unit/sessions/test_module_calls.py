"""A standalone module call is recorded as one ModuleCall event, never as a session: no session status
message (so no NATS event and no webhook) follows it."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.audit import audit_context
from domain.checks import CheckResult, CheckType, Outcome
from domain.errors import InvalidArgumentError
from domain.module_calls import ModuleCall
from domain.personal_data import PersonalData
from projections.status_events import status_message
from projections.view import LedgerEntry

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _audited() -> object:
    with audit_context("ten_a", "key:kyck_client", "req-1"):
        yield


def test_a_call_records_its_results_and_sealed_fields_in_one_event() -> None:
    call_id = uuid4()
    name = PersonalData.of(f"ten_a:session:{call_id}", "ERIKSSON")
    call = ModuleCall.record("ten_a", call_id, "ocr", [CheckResult(CheckType.OCR, Outcome.PASS)], {"surname": name})
    events = call.collect_events()
    assert len(events) == 1 and isinstance(events[0], ModuleCall.Created)
    assert events[0].results[0]["check"] == "ocr" and events[0].extracted == {"surname": name}
    assert (call.module, call.extracted_fields, call.id) == ("ocr", ["surname"], call_id)
    assert status_message(events[0], LedgerEntry(1, 1, "00")) is None


@pytest.mark.parametrize(("module", "results", "extracted"), [
    ("ocr", [], None),
    ("ocr", [CheckResult(CheckType.OCR, Outcome.PASS)], {"surname": "plain text"}),
    ("ocr", [CheckResult(CheckType.OCR, Outcome.PASS)], {"Bad Name": PersonalData.of("s", "x")}),
])
def test_bad_calls_are_refused(module: str, results: list[CheckResult], extracted: object) -> None:
    with pytest.raises(InvalidArgumentError):
        ModuleCall.record("ten_a", uuid4(), module, results, extracted)  # type: ignore[arg-type]
