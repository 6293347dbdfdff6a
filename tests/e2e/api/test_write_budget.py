"""One request step, one write: the session flow's ledger transactions, counted on the recorder.

docs/architecture.md §2: one request step is one command and one transaction, so a follower sees all
of a step or none of it. The flow of create, two uploads, complete, the checks and the decision (a
sandbox key over HTTP; the pipeline and the decision in process) commits six transactions in all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.controllers.product import product
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, b64, start_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("write-budget")))
    try:
        yield s
    finally:
        s.close()


class Commits:
    """Counts the ledger's write transactions (``insert_events`` calls) while installed."""

    def __init__(self, recorder: Any) -> None:
        self.count = 0
        self._recorder, self._insert = recorder, recorder.insert_events

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return self._insert(*args, **kwargs)

        recorder.insert_events = counted

    def during(self, step: Callable[[], object]) -> int:
        before = self.count
        step()
        return self.count - before

    def remove(self) -> None:
        del self._recorder.insert_events


def test_the_session_flow_writes_one_transaction_per_step_and_six_in_all(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(stack.new_key(tenant.tenant_id, sandbox=True))
    pipeline = product(stack.app.state.deps).pipeline
    commits = Commits(stack.rt.ledger.recorder)
    sid: list[str] = []
    try:
        def create() -> None:
            answer = client.post("/v1/sessions", {"checks": ["face_match", "liveness", "data_validation"],
                                                  "liveness_type": "passive"})
            assert answer.status_code == 201, answer.text
            sid.append(answer.json()["id"])

        def upload(kind: str) -> Callable[[], None]:
            def step() -> None:
                answer = client.post(f"/v1/sessions/{sid[0]}/documents", {"type": kind, "image_base64": b64(SELFIE)})
                assert answer.status_code == 201, answer.text
            return step

        def complete() -> None:
            answer = client.post(f"/v1/sessions/{sid[0]}/complete")
            assert answer.status_code == 202, answer.text

        def checks() -> None:
            recorded = pipeline.process_session(tenant.tenant_id, UUID(sid[0]), sandbox=True)
            assert sorted(recorded) == ["data_validation", "face_match", "liveness", "quality"]

        def decision() -> None:
            assert pipeline.decide(UUID(sid[0]))

        steps = {"create": create, "upload selfie": upload("selfie"), "upload document": upload("document_front"),
                 "complete": complete, "checks": checks, "decision": decision}
        writes = {name: commits.during(step) for name, step in steps.items()}
    finally:
        commits.remove()
    assert writes == dict.fromkeys(steps, 1)
    assert sum(writes.values()) <= 6


def test_completing_bills_the_workflow_in_the_same_transaction_as_the_check_request(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(stack.new_key(tenant.tenant_id, sandbox=True))
    sid = client.post("/v1/sessions", {"checks": ["face_match"], "liveness_type": "passive"}).json()["id"]
    app = stack.rt.ledger
    commits = Commits(app.recorder)
    try:
        refused = commits.during(lambda: client.post(f"/v1/sessions/{sid}/complete"))  # no captures yet
        for kind in ("selfie", "document_front"):
            assert client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(SELFIE)}
                               ).status_code == 201
        last = app.recorder.max_notification_id() or 0
        completed = commits.during(lambda: client.post(f"/v1/sessions/{sid}/complete"))
        topics = [n.topic for n in app.recorder.select_notifications(last + 1, 100)]
        again = commits.during(lambda: client.post(f"/v1/sessions/{sid}/complete"))
    finally:
        commits.remove()
    assert refused == 0  # a refused complete (409 captures_missing) records nothing and bills nothing
    assert completed == 1 and "kycledger.usage.Recorded" in topics and "kycledger.session.CheckRequested" in topics
    assert again == 1  # completing again requests nothing new and still bills the call, in one write
