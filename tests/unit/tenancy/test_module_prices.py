"""The same work costs the same on every route: a session's workflow price is the sum of the modules its
checks run, which is what the mobile routes bill check by check (requirements/platform §16)."""

from __future__ import annotations

import pytest

from domain.sessions.configuration import SessionConfiguration
from domain.tenancy import Plan
from domain.usage import WORKFLOW_MODULES, Module, modules_of_checks, price_micro_usd

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("plan", [Plan.PRO, Plan.ENTERPRISE])
def test_the_default_sessions_checks_cost_the_workflow(plan: Plan) -> None:
    checks = [str(c) for c in SessionConfiguration.build().with_document_validation().required_checks]
    modules = modules_of_checks(checks)
    assert set(modules) == set(WORKFLOW_MODULES)
    assert sum(price_micro_usd(plan, m, True) for m in modules) == price_micro_usd(plan, Module.WORKFLOW, True)


def test_pro_workflow_is_021_usd() -> None:
    assert price_micro_usd(Plan.PRO, Module.WORKFLOW, True) == 210_000


def test_checks_without_a_module_bill_nothing_on_their_own_and_modules_count_once() -> None:
    assert modules_of_checks(["fraud", "screening", "age_verification", "quality", "address_proof"]) == ()
    assert modules_of_checks(["liveness", "ocr", "liveness", "kya"]) == (Module.LIVENESS, Module.OCR, Module.KYA)
