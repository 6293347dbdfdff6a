"""Billable usage, monthly quotas and prices (requirements/platform §3, §7, §15 and §16).

Each billable call is a ``UsageRecord`` (one aggregate per call, id derived from the tenant, the
request and the module, so a retried recording cannot count twice). Crossing 80% or 100% of a
monthly quota is a ``QuotaThreshold`` aggregate whose id is derived from tenant, month, module,
environment and threshold, so however many workers race past the line the ledger holds it once.
Sandbox calls are recorded with ``billed=False`` and never priced (docs/architecture.md §9, "Sandbox keys").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from domain.base import LedgerAggregate
from domain.errors import InvalidArgumentError
from domain.tenancy import LEDGER_NAMESPACE, Plan


class Module(StrEnum):
    """Billable modules: requirements/platform §15 ``module`` enum, plus KYA (§3.6, billable)."""

    LIVENESS = "liveness"
    OCR = "ocr"
    VALIDATE = "validate"
    FACE_MATCH = "face_match"
    WORKFLOW = "workflow"
    KYA = "kya"


QUOTA_THRESHOLDS_PERCENT: tuple[int, ...] = (80, 100)  # requirements/platform §7: soft-limit events

# Monthly hard limits per plan and module. requirements/platform §7 gives "5k liveness / month" as the
# example quota; Free (sandbox) gets a small evaluation allowance; Enterprise is sized per contract,
# so its default is large rather than unlimited (an operator can still see it coming via the events).
_FREE = 100
_PRO = 5_000
_ENTERPRISE = 1_000_000
MONTHLY_QUOTAS: dict[Plan, dict[Module, int]] = {
    Plan.FREE: dict.fromkeys(Module, _FREE),
    Plan.PRO: dict.fromkeys(Module, _PRO),
    Plan.ENTERPRISE: dict.fromkeys(Module, _ENTERPRISE),
}


@dataclass(frozen=True)
class PriceRange:
    """A module's list price range in micro-USD (integers: no float money)."""

    low_micro_usd: int
    high_micro_usd: int


# requirements/platform §16. Pro pays the top of each range, Enterprise the bottom (volume tier); the page
# lists no KYA price, so KYA is priced like Validation (both are light formal checks). Workflow is
# "sum of modules": computed in ``price_micro_usd`` from the four modules it runs.
PRICE_TABLE: dict[Module, PriceRange] = {
    Module.LIVENESS: PriceRange(10_000, 30_000),
    Module.OCR: PriceRange(50_000, 120_000),
    Module.VALIDATE: PriceRange(10_000, 10_000),
    Module.FACE_MATCH: PriceRange(20_000, 50_000),
    Module.KYA: PriceRange(10_000, 10_000),
}
WORKFLOW_MODULES: tuple[Module, ...] = (Module.LIVENESS, Module.OCR, Module.VALIDATE, Module.FACE_MATCH)

# The module a check's work is sold as (requirements/platform §3): a route that runs checks one by one
# (the mobile ``/kyc/*`` routes) bills these, so the same work costs the same as a session's workflow.
# Checks without a module of their own (fraud, age, screening, quality, address proof) are part of the
# workflow's price, as in a session.
CHECK_MODULES: dict[str, Module] = {"ocr": Module.OCR, "data_validation": Module.VALIDATE,
                                    "face_match": Module.FACE_MATCH, "liveness": Module.LIVENESS, "kya": Module.KYA}


def modules_of_checks(checks: Iterable[str]) -> tuple[Module, ...]:
    """The billable modules of ``checks``, once each, in the order of ``checks``."""
    return tuple(dict.fromkeys(CHECK_MODULES[c] for c in checks if c in CHECK_MODULES))


def parse_module(value: str) -> Module:
    try:
        return Module(value)
    except ValueError:
        raise InvalidArgumentError("unknown module", module=value, allowed=[m.value for m in Module]) from None


def parse_plan(value: str) -> Plan:
    try:
        return Plan(value)
    except ValueError:
        raise InvalidArgumentError("unknown plan", plan=value, allowed=[p.value for p in Plan]) from None


def price_micro_usd(plan: Plan, module: Module, billed: bool) -> int:
    """What one call costs the tenant; 0 when not billed (sandbox) or on the Free plan."""
    if not billed or plan is Plan.FREE:
        return 0
    if module is Module.WORKFLOW:
        return sum(price_micro_usd(plan, m, billed) for m in WORKFLOW_MODULES)
    price = PRICE_TABLE[module]
    return price.high_micro_usd if plan is Plan.PRO else price.low_micro_usd


def monthly_quota(plan: Plan, module: Module) -> int:
    return MONTHLY_QUOTAS[plan][module]


def billing_period(at: datetime) -> str:
    """The month a use counts in, ``YYYY-MM`` in UTC."""
    if at.tzinfo is None:
        raise InvalidArgumentError("usage time must be timezone-aware")
    return f"{at.year:04d}-{at.month:02d}"


def threshold_counts(limit: int) -> dict[int, int]:
    """The use count at which each threshold is crossed: ``{80: ceil(0.8 * limit), 100: limit}``."""
    return {pct: max(1, -(-limit * pct // 100)) for pct in QUOTA_THRESHOLDS_PERCENT}


def usage_record_uuid(tenant_id: str, request_id: str, module: str) -> UUID:
    return uuid5(LEDGER_NAMESPACE, f"usage/{tenant_id}/{request_id}/{module}")


def quota_threshold_uuid(tenant_id: str, period: str, module: str, sandbox: bool, percent: int) -> UUID:
    env = "sandbox" if sandbox else "live"
    return uuid5(LEDGER_NAMESPACE, f"quota/{tenant_id}/{period}/{module}/{env}/{percent}")


class UsageRecord(LedgerAggregate):
    """One billable call (requirements/platform §7: "usage-based (metered events table)")."""

    TOPIC = "kycledger.usage.UsageRecord"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.usage.Recorded"
        owner_tenant_id: str
        key_id: str
        module: str
        period: str
        sandbox: bool
        billed: bool
        price_micro_usd: int
        used_in_period: int
        call_id: str

    def __init__(self, owner_tenant_id: str, key_id: str, module: str, period: str, sandbox: bool,
                 billed: bool, price_micro_usd: int, used_in_period: int, call_id: str) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.key_id = key_id
        self.module = module
        self.period = period
        self.sandbox = sandbox
        self.billed = billed
        self.price_micro_usd = price_micro_usd
        self.used_in_period = used_in_period
        self.call_id = call_id

    @classmethod
    def create_id(cls, owner_tenant_id: str, key_id: str, module: str, period: str, sandbox: bool,
                  billed: bool, price_micro_usd: int, used_in_period: int, call_id: str) -> UUID:
        return usage_record_uuid(owner_tenant_id, call_id, module)


class QuotaThreshold(LedgerAggregate):
    """A tenant crossed ``percent`` of a module's monthly quota (requirements/platform §7: 80% and 100%)."""

    TOPIC = "kycledger.usage.QuotaThreshold"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "kycledger.usage.QuotaThresholdReached"
        owner_tenant_id: str
        module: str
        period: str
        sandbox: bool
        percent: int
        used: int
        limit: int

    def __init__(self, owner_tenant_id: str, module: str, period: str, sandbox: bool, percent: int,
                 used: int, limit: int) -> None:
        self.owner_tenant_id = owner_tenant_id
        self.module = module
        self.period = period
        self.sandbox = sandbox
        self.percent = percent
        self.used = used
        self.limit = limit

    @classmethod
    def create_id(cls, owner_tenant_id: str, module: str, period: str, sandbox: bool, percent: int,
                  used: int, limit: int) -> UUID:
        return quota_threshold_uuid(owner_tenant_id, period, module, sandbox, percent)
