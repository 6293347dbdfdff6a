"""Per-key rate limits and per-module monthly quotas through the real app (requirements/platform §7, §11, §16)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.deps import ApiSettings
from domain.usage import QuotaThreshold, UsageRecord
from tests.e2e.api.helpers import ApiStack
from tests.e2e.api.probe_routes import ProbeController

pytestmark = pytest.mark.e2e

PER_MINUTE = 5
NOON = datetime(2030, 1, 15, 12, 0, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = ApiStack.start(Path(tmp_path_factory.mktemp("limits")), extra_handlers=[ProbeController],
                       settings=ApiSettings(rate_limit_per_minute=PER_MINUTE, rate_limit_per_day=8))
    # A fixed instant 10 s into a minute at noon: no window rolls over unless a test moves the clock.
    s.clock.frozen = NOON
    try:
        yield s
    finally:
        s.close()


def _events(stack: ApiStack, topic: str, tenant_id: str) -> list[object]:
    notes = stack.rt.ledger.recorder.select_notifications(None, 100_000, topics=[topic])
    events = [stack.rt.ledger.mapper.to_domain_event(n) for n in notes]
    return [e for e in events if getattr(e, "owner_tenant_id", None) == tenant_id]


def test_rate_limit_headers_and_429(limited: ApiStack) -> None:
    client = limited.client(limited.new_tenant())
    answers = [client.get("/v1/probe/whoami") for _ in range(PER_MINUTE + 1)]
    assert [a.status_code for a in answers] == [200] * PER_MINUTE + [429]
    assert [int(a.headers["ratelimit-remaining"]) for a in answers[:PER_MINUTE]] == [4, 3, 2, 1, 0]
    assert all(a.headers["ratelimit-limit"] == str(PER_MINUTE) for a in answers)
    refused = answers[-1]
    assert refused.json()["code"] == "rate_limited"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["retry-after"] == "50" == refused.headers["ratelimit-reset"]


def test_daily_limit_applies_after_the_minute_resets(limited: ApiStack) -> None:
    client = limited.client(limited.new_tenant())
    assert all(client.get("/v1/probe/whoami").status_code == 200 for _ in range(PER_MINUTE))
    limited.clock.frozen = NOON + timedelta(minutes=1)
    try:
        answers = [client.get("/v1/probe/whoami") for _ in range(4)]
    finally:
        limited.clock.frozen = NOON
    assert [a.status_code for a in answers] == [200, 200, 200, 429]  # 8 per day
    assert answers[-1].headers["ratelimit-limit"] == "8"
    assert int(answers[-1].headers["retry-after"]) == 24 * 3600 - (12 * 3600 + 70)


def test_the_first_minute_of_a_day_counts_each_request_once(limited: ApiStack) -> None:
    """The minute and the day window start at the same instant at midnight: each keeps its own count."""
    client = limited.client(limited.new_tenant())
    limited.clock.frozen = datetime(2030, 1, 16, 0, 0, 5, tzinfo=UTC)
    try:
        answers = [client.get("/v1/probe/whoami") for _ in range(PER_MINUTE + 1)]
    finally:
        limited.clock.frozen = NOON
    assert [a.status_code for a in answers] == [200] * PER_MINUTE + [429]
    assert [int(a.headers["ratelimit-remaining"]) for a in answers[:PER_MINUTE]] == [4, 3, 2, 1, 0]


def test_requests_refused_by_the_minute_limit_do_not_use_up_the_day(limited: ApiStack) -> None:
    client = limited.client(limited.new_tenant())
    first = [client.get("/v1/probe/whoami").status_code for _ in range(PER_MINUTE + 3)]
    assert first == [200] * PER_MINUTE + [429] * 3
    limited.clock.frozen = NOON + timedelta(minutes=1)
    try:
        answers = [client.get("/v1/probe/whoami").status_code for _ in range(4)]
    finally:
        limited.clock.frozen = NOON
    assert answers == [200, 200, 200, 429]  # 8 per day: the three refused requests did not count


def test_concurrent_requests_cannot_exceed_the_limit(limited: ApiStack) -> None:
    client = limited.client(limited.new_tenant())
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: client.get("/v1/probe/whoami").status_code, range(24)))
    assert statuses.count(200) == PER_MINUTE
    assert statuses.count(429) == 24 - PER_MINUTE


def test_limits_are_per_key(limited: ApiStack) -> None:
    a, b = limited.client(limited.new_tenant()), limited.client(limited.new_tenant())
    assert all(a.get("/v1/probe/whoami").status_code == 200 for _ in range(PER_MINUTE))
    assert a.get("/v1/probe/whoami").status_code == 429
    assert b.get("/v1/probe/whoami").status_code == 200


def test_quota_events_at_80_and_100_percent_then_429_and_sandbox_not_billed(stack: ApiStack) -> None:
    key = stack.new_tenant(plan="free")  # the Free plan's first key is a sandbox key: 100 per module
    client = stack.client(key)
    used = [client.post("/v1/probe/meter/liveness", {}).json()["used"] for _ in range(79)]
    assert used == list(range(1, 80))
    assert _events(stack, QuotaThreshold.Created.TOPIC, key.tenant_id) == []
    assert client.post("/v1/probe/meter/liveness", {}).json()["used"] == 80
    crossed = _events(stack, QuotaThreshold.Created.TOPIC, key.tenant_id)
    assert [(e.percent, e.used, e.limit, e.sandbox) for e in crossed] == [(80, 80, 100, True)]  # type: ignore[attr-defined]
    for _ in range(20):
        assert client.post("/v1/probe/meter/liveness", {}).status_code == 200
    refused = client.post("/v1/probe/meter/liveness", {})
    assert refused.status_code == 429 and refused.json()["code"] == "quota_exceeded"
    assert int(refused.headers["retry-after"]) > 0
    crossed = _events(stack, QuotaThreshold.Created.TOPIC, key.tenant_id)
    assert [e.percent for e in crossed] == [80, 100]  # type: ignore[attr-defined]
    usage = _events(stack, UsageRecord.Created.TOPIC, key.tenant_id)
    assert len(usage) == 100
    assert all(not e.billed and e.sandbox and e.price_micro_usd == 0 for e in usage)  # type: ignore[attr-defined]
    # other modules have their own quota
    assert client.post("/v1/probe/meter/ocr", {}).status_code == 200


def test_concurrent_metering_never_passes_the_hard_limit(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant(plan="free"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: client.post("/v1/probe/meter/kya", {}).status_code, range(110)))
    assert statuses.count(200) == 100 and statuses.count(429) == 10


def test_live_key_on_pro_plan_is_billed_at_the_pro_price(stack: ApiStack) -> None:
    key = stack.new_tenant(plan="pro")
    r = stack.client(key).post("/v1/probe/meter/face_match", {})
    assert r.status_code == 200 and r.json()["billed"] is True and r.json()["limit"] == 5000
    [event] = _events(stack, UsageRecord.Created.TOPIC, key.tenant_id)
    assert event.price_micro_usd == 50_000 and event.key_id == key.key_id  # type: ignore[attr-defined]


def test_unknown_module_is_a_422_not_a_500(stack: ApiStack) -> None:
    r = stack.client(stack.new_tenant()).post("/v1/probe/meter/telepathy", {})
    assert r.status_code == 422 and r.json()["code"] == "invalid_argument"
