"""An app on a fresh ledger with a settable clock, and signed clients for tenants and roles.

Used by the platform's e2e tests and available to the routes engineer's (``tests/e2e/routes``):
``stack = ApiStack.start(tmp_path)``; ``stack.client(stack.new_tenant())``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from api.client import KycClient
from api.deps import ApiSettings
from api.ports import ApiServices
from api.routes import ROUTE_HANDLERS
from domain.application import IssuedKey
from domain.audit import PLATFORM_TENANT, audit_context
from ops.api_wiring import build_api
from ops.bootstrap import LedgerRuntime, open_runtime


@dataclass
class SettableClock:
    """Wall time plus an offset the test moves."""

    offset: timedelta = field(default_factory=timedelta)
    frozen: datetime | None = None  # when set, time stands still (exact edge tests)

    def __call__(self) -> datetime:
        return (self.frozen or datetime.now(UTC)) + self.offset

    def unix(self) -> float:
        return self().timestamp()


@dataclass
class ApiStack:
    rt: LedgerRuntime
    app: Litestar
    http: TestClient[Litestar]
    clock: SettableClock

    @classmethod
    def start(cls, data_dir: Path, *, in_memory: bool = False, settings: ApiSettings | None = None,
              services: ApiServices | None = None, db_url: str | None = None,
              extra_handlers: Sequence[Any] = ()) -> ApiStack:
        rt = open_runtime(data_dir=data_dir, db_url=db_url, in_memory=in_memory)
        clock = SettableClock()
        app = build_api(rt, settings=settings or ApiSettings(), clock=clock, services=services,
                        route_handlers=(*ROUTE_HANDLERS, *extra_handlers))
        http = TestClient(app, raise_server_exceptions=False)
        http.__enter__()
        return cls(rt=rt, app=app, http=http, clock=clock)

    def close(self) -> None:
        self.http.__exit__(None, None, None)
        self.rt.close()

    def new_tenant(self, plan: str = "pro", name: str = "Test Tenant") -> IssuedKey:
        with audit_context(PLATFORM_TENANT, "operator:test", "test-setup"):
            return self.rt.ledger.create_tenant(name, plan)

    def new_key(self, tenant_id: str, role: str = "client", sandbox: bool = False,
                name: str | None = None) -> IssuedKey:
        """An integration key, or for a person's role a new named member of the tenant with a key of
        that role; ``role="operator"`` makes a platform operator (``tenant_id`` is then ignored)."""
        with audit_context(PLATFORM_TENANT, "operator:test", "test-setup"):
            if role == "client":
                return self.rt.ledger.create_api_key(tenant_id, role, sandbox)
            if role == "operator":
                return self.rt.ledger.create_operator(name or "Test Operator")
            member = self.rt.ledger.add_member(tenant_id, name or f"Test {role.title()}", [role])
            key_role = "client" if role == "agent" else role
            return self.rt.ledger.issue_member_key(tenant_id, member.member_id, key_role, sandbox)

    def new_operator(self, name: str = "Test Operator") -> IssuedKey:
        return self.new_key("", "operator", name=name)

    def client(self, key: IssuedKey) -> KycClient:
        return KycClient("http://testserver", key.key_id, key.secret.reveal(), http=self.http,
                         clock=self.clock.unix)
