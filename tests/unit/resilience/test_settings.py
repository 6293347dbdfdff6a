"""The outage and outbox settings are read once, checked, and refused when they cannot work."""

from __future__ import annotations

import pytest

from ops.bootstrap import postgres_env
from ops.settings import Settings

pytestmark = pytest.mark.unit


def test_defaults_keep_the_instant_timeout_below_the_grace() -> None:
    settings = Settings.from_env({})
    assert (settings.db_timeout_s, settings.outbox_grace_s, settings.instant_timeout_s) == (3, 60.0, 30.0)
    assert Settings.from_env({"KYC_OUTBOX_GRACE_S": "10"}).instant_timeout_s == 5.0  # half the grace


@pytest.mark.parametrize("env", [
    {"KYC_OUTBOX_GRACE_S": "10", "KYC_INSTANT_TIMEOUT_S": "10"},  # a slow instant call would be queued twice
    {"KYC_OUTBOX_GRACE_S": "0"},
    {"KYC_DB_TIMEOUT_S": "1.5"},  # libpq counts whole seconds
    {"KYC_DB_TIMEOUT_S": "soon"},
    {"KYC_WARM_MODELS": "no"},  # 1 or 0 only: a typo must not switch the warm-up off unnoticed
])
def test_settings_that_cannot_work_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Settings.from_env(env)


def test_the_models_are_warmed_unless_the_environment_says_0() -> None:
    assert Settings.from_env({}).warm_models is True
    assert Settings.from_env({"KYC_WARM_MODELS": "1"}).warm_models is True
    assert Settings.from_env({"KYC_WARM_MODELS": "0"}).warm_models is False


def test_the_ledger_pool_checks_connections_and_bounds_the_wait() -> None:
    env = postgres_env("postgresql://u:p@db:5432/kyc", timeout_s=4)
    assert env["POSTGRES_PRE_PING"] == "y" and env["POSTGRES_CONNECT_TIMEOUT"] == "4"
