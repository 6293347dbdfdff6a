"""nats-server configuration that gives each tenant read access to its own subjects only.

Rendered from data so the example in ``ACCOUNTS.md`` and the test that enforces it are the same
text. One account (``KYC``) holds the streams; inside it the relay may publish ``kyc.>`` and use
the JetStream API, and each tenant user may only subscribe to ``kyc.<tenant>.>`` (its decisions
and its sessions' status events, live). Tenants publish nothing and have no JetStream API access.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from adapters.nats.streams import token

RELAY_USER = "kyc-relay"


def tenant_permissions(tenant_id: str) -> dict[str, object]:
    """Subscribe to ``kyc.<tenant>.>`` (and reply inboxes) only; publish nothing."""
    tenant = token(tenant_id, "tenant_id")
    return {"publish": {"deny": [">"]}, "subscribe": {"allow": [f"kyc.{tenant}.>", "_INBOX.>"]}}


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
