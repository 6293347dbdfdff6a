"""A standalone module call (``/v1/document/ocr``, ``/v1/document/validate``, ``/v1/face/match``,
``/v1/liveness/analyze``, ``/v1/kya/check``) as what it is: one recorded call, not a session.

requirements/platform §3 sells each module on its own, billed per call (§7, §16). A call records its
module, its check results with their model provenance and the personal data it read (sealed under
the call's own data subject, so erasure works as for a session) in one event. It opens no session,
so no session status message, NATS event or ``verification.completed`` webhook follows it; earlier
versions recorded calls as sessions cancelled at once (``module_call_completed``), and those events
stay as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.base import LedgerAggregate
from domain.checks import CheckResult
from domain.errors import InvalidArgumentError
from domain.personal_data import PersonalData
from domain.sessions.guards import require_code
from domain.sessions.values import check_result_to_record
from domain.usage import Module


class ModuleCall(LedgerAggregate):
    """One call of a standalone module: its results and the personal data it read."""

    TOPIC = "kycledger.module.ModuleCall"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.module.ModuleCallRecorded"
        owner_tenant_id: str
        module: str
        results: list[dict[str, Any]]
        extracted: dict[str, PersonalData]

    def __init__(self, owner_tenant_id: str, module: str, results: list[dict[str, Any]],
                 extracted: dict[str, PersonalData]) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.module = module
        self.results = results
        self.extracted_fields = sorted(extracted)  # names only: values stay in the sealed event

    @classmethod
    def record(cls, tenant_id: str, call_id: UUID, module: str, results: Sequence[CheckResult],
               extracted: Mapping[str, PersonalData] | None = None) -> ModuleCall:
        """The call ``call_id`` of ``module`` (a billable module name) with its results."""
        Module(module)  # ValueError is a programming error: routes name their module
        if not results:
            raise InvalidArgumentError("a module call records at least one result", module=module)
        for name, value in (extracted or {}).items():
            require_code("field name", name)
            if not isinstance(value, PersonalData):
                raise InvalidArgumentError("extracted values must be PersonalData", field=name)
        return cls._create(cls.Created, id=call_id, owner_tenant_id=tenant_id, module=module,
                           results=[check_result_to_record(r) for r in results], extracted=dict(extracted or {}))
