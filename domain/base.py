"""Base aggregate whose events carry tenant, actor and request id (docs/architecture.md §3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventsourcing.domain import Aggregate

from domain.audit import current_actor, current_request_id, current_tenant_id


class LedgerAggregate(Aggregate):
    """Every kycledger aggregate derives from this; its events record the audit context.

    Subclasses set an explicit ``TOPIC`` and give every event an explicit ``topic`` so that
    stored events survive renames and moves (evolve them with ``class_version`` upcasters).
    """

    @dataclass(frozen=True)
    class Event(Aggregate.Event):
        tenant_id: str = field(default_factory=current_tenant_id, init=False)
        actor: str = field(default_factory=current_actor, init=False)
        request_id: str = field(default_factory=current_request_id, init=False)

    @dataclass(frozen=True)
    class Created(Event, Aggregate.Created):
        pass
