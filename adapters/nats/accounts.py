"""nats-server configuration that gives each tenant read access to its own subjects only.

Rendered from data so the example in ``ACCOUNTS.md`` and the test that enforces it are the same
text. One account (``KYC``) holds the streams; inside it the relay may publish ``kyc.>`` and use
the JetStream API, and each tenant user may subscribe to ``kyc.<tenant>.>`` (its decisions and
its sessions' status events, live) and use one durable pull consumer per stream, named after the
tenant and filtered on its own subjects (replay after being offline). Tenants publish nothing into
the streams and have no other JetStream API access.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from adapters.nats.streams import DECISIONS_STREAM, SESSIONS_STREAM, decisions_subject, token

RELAY_USER = "kyc-relay"


def tenant_consumer(tenant_id: str) -> str:
    """The one durable consumer name a tenant may use on each stream: its tenant id."""
    return token(tenant_id, "tenant_id")


def tenant_filters(tenant_id: str) -> dict[str, str]:
    """Stream -> the filter subject of the tenant's durable consumer on it."""
    tenant = token(tenant_id, "tenant_id")
    return {DECISIONS_STREAM: decisions_subject(tenant), SESSIONS_STREAM: f"kyc.{tenant}.sessions.>"}


def tenant_permissions(tenant_id: str) -> dict[str, object]:
    """Live: subscribe to ``kyc.<tenant>.>``. Replay: one durable pull consumer per stream, named
    after the tenant and filtered on its own subjects, so a client app that was offline catches up.

    NATS permissions match whole subject tokens, so the consumer name and its filter are pinned in
    the JetStream API subjects the tenant may use: ``CONSUMER.CREATE.<stream>.<tenant>.<filter>``
    (nats-server 2.10+ refuses a request whose filter differs from the one in its subject), and
    ``INFO``/``MSG.NEXT``/``DELETE``/acks of that consumer only. No stream management, no other
    consumer, no publishing to the streams.
    """
    tenant = token(tenant_id, "tenant_id")
    name = tenant_consumer(tenant)
    api: list[str] = []
    for stream, filter_subject in tenant_filters(tenant).items():
        api += [f"$JS.API.CONSUMER.CREATE.{stream}.{name}.{filter_subject}",
                f"$JS.API.CONSUMER.INFO.{stream}.{name}",
                f"$JS.API.CONSUMER.DELETE.{stream}.{name}",
                f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{name}",
                f"$JS.ACK.{stream}.{name}.>"]
    return {"publish": {"allow": api}, "subscribe": {"allow": [f"kyc.{tenant}.>", "_INBOX.>"]}}


def server_config(port: int, store_dir: Path, relay_password: str, tenants: Mapping[str, str]) -> str:
    """A complete nats-server config (JSON is valid NATS config syntax) for 127.0.0.1:``port``.

    ``tenants`` maps tenant ids to their passwords (use nkeys or bcrypt hashes in production).
    """
    users = [{"user": RELAY_USER, "password": relay_password,
              "permissions": {"publish": {"allow": ["kyc.>", "$JS.API.>"]},
                              "subscribe": {"allow": ["_INBOX.>"]}}}]
    users += [{"user": tenant, "password": password, "permissions": tenant_permissions(tenant)}
              for tenant, password in sorted(tenants.items())]
    config = {
        "listen": f"127.0.0.1:{port}",
        "jetstream": {"store_dir": str(store_dir)},
        "accounts": {"KYC": {"jetstream": "enabled", "users": users}},
    }
    return json.dumps(config, indent=2)
