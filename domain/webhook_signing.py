"""Standard Webhooks signatures (https://www.standardwebhooks.com, spec "Signature scheme").

``webhook-signature`` is a space-separated list of ``v1,<base64 HMAC-SHA256>`` over
``<webhook-id>.<webhook-timestamp>.<body>``, keyed with the base64 part of a ``whsec_`` secret.
With two secrets (rotation overlap) the header carries two signatures and a receiver accepts
either, so it can swap secrets without losing a message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence

from domain.errors import InvalidArgumentError
from domain.webhooks import WEBHOOK_SECRET_PREFIX


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret."""
    if not secret.startswith(WEBHOOK_SECRET_PREFIX):
        raise InvalidArgumentError("webhook secrets start with whsec_")
    try:
        return base64.b64decode(secret[len(WEBHOOK_SECRET_PREFIX):], validate=True)
    except binascii.Error:
        raise InvalidArgumentError("webhook secret is not base64 after whsec_") from None


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_headers(secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers (plus the content type) for one attempt."""
    if not secrets:
        raise InvalidArgumentError("at least one signing secret is needed")
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets),
        "content-type": "application/json",
    }
