"""Events written the way earlier versions wrote them, to test that upgrades read them right.

``legacy_events`` takes events the current code would record, strips the fields a later class
version added (and the ``class_version`` marker), and stores them as version-1 events through the
ledger's own recorder, so the hash chain covers them like any other event.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain.audit import PLATFORM_TENANT, audit_context
from domain.credentials import KEY_ID_PREFIX, new_secret
from domain.tenancy import ApiKey
from ops.bootstrap import LedgerRuntime


def store_as_v1(rt: LedgerRuntime, aggregate: Any, drop: Mapping[str, Iterable[str]]) -> None:
    """Record ``aggregate``'s pending events as version 1: for each topic in ``drop``, without those fields."""
    stored: list[StoredEvent] = []
    for domain_event in aggregate.collect_events():
        event = rt.ledger.mapper.to_stored_event(domain_event)
        fields = set(drop.get(event.topic, ()))
        if fields:
            state = json.loads(event.state)
            for name in (*fields, "class_version"):
                state.pop(name, None)
            event = StoredEvent(originator_id=event.originator_id, originator_version=event.originator_version,
                                topic=event.topic, state=json.dumps(state, separators=(",", ":")).encode())
        stored.append(event)
    rt.ledger.recorder.insert_events(stored)


def legacy_key(rt: LedgerRuntime, tenant_id: str, role: str) -> tuple[str, str]:
    """An API key as versions before named people wrote it: (key id, secret)."""
    with audit_context(PLATFORM_TENANT, "operator:cli:earlier-version", "legacy-setup"):
        # ids of earlier versions name no environment: kyck_<24 hex digits>
        key = ApiKey(key_id=KEY_ID_PREFIX + secrets.token_hex(12), owner_tenant_id=tenant_id, role=role,
                     sandbox=False, secret=new_secret(), member_id=None)
    store_as_v1(rt, key, {"kycledger.tenant.ApiKeyCreated": ["member_id"]})
    return key.key_id, key.secret.reveal()
