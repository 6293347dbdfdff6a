"""Who may do what on kycledger's NATS: the permissions of each user, as NATS JWT claims (ACCOUNTS.md).

One account (``KYC``) holds the streams. kycledger's own components each connect as their own
user with the least they need:

- the relay publishes the tenants' decision and session subjects and manages those two streams;
- the ML worker reads the work queue through its one durable consumer;
- the API queues ML jobs and follows sessions' status subjects for the capture page's live feed;

and each tenant has one user that may subscribe to ``kyc.<tenant>.>`` (its decisions and its
sessions' status events, live) and use one durable pull consumer per stream, named after the
tenant and filtered on its own subjects (replay after being offline). Tenants publish nothing into
the streams and have no other JetStream API access. Every user has its own reply inbox prefix
(``_INBOX.<user>``): a subscription to every ``_INBOX.>`` would see the replies and pull-consumer
deliveries of everyone else in the account, other tenants' decisions included.
"""

from __future__ import annotations

from enum import StrEnum

from adapters.nats import work_queue
from adapters.nats.streams import DECISIONS_STREAM, SESSIONS_STREAM, decisions_subject, token

Permissions = dict[str, dict[str, list[str]]]
ENSURE_ONLY = ("INFO", "CREATE")  # the work queue's stream is created if missing, never changed


class InternalRole(StrEnum):
    """kycledger's own NATS users; the value is the user's name (and its inbox token)."""

    RELAY = "kyc-relay"
    ML_WORKER = "kyc-ml-worker"
    API = "kyc-api"


ACCOUNT_SYNC_USER = "kyc-accounts"  # the system-account user that pushes the KYC account's JWT
RELAY_USER = InternalRole.RELAY.value


def inbox_prefix(user: str) -> str:
    """The reply-subject prefix a user must connect with (nats-py ``inbox_prefix=``)."""
    return f"_INBOX.{token(user, 'nats_user')}"


def tenant_consumer(tenant_id: str) -> str:
    """The one durable consumer name a tenant may use on each stream: its tenant id."""
    return token(tenant_id, "tenant_id")


def tenant_filters(tenant_id: str) -> dict[str, str]:
    """Stream -> the filter subject of the tenant's durable consumer on it."""
    tenant = token(tenant_id, "tenant_id")
    return {DECISIONS_STREAM: decisions_subject(tenant), SESSIONS_STREAM: f"kyc.{tenant}.sessions.>"}


def _consumer_api(stream: str, name: str, filter_subject: str) -> list[str]:
    """One named consumer: create it with exactly this filter, read its info, pull and ack its messages.

    NATS permissions match whole subject tokens, so the name and the filter are pinned in the subject
    (``CONSUMER.CREATE.<stream>.<name>.<filter>``; nats-server 2.10+ refuses a request whose body names
    another filter than its subject).
    """
    return [f"$JS.API.CONSUMER.CREATE.{stream}.{name}.{filter_subject}",
            f"$JS.API.CONSUMER.INFO.{stream}.{name}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{name}",
            f"$JS.ACK.{stream}.{name}.>"]


def tenant_permissions(tenant_id: str) -> Permissions:
    """Live: subscribe to ``kyc.<tenant>.>``. Replay: one durable pull consumer per stream, named
    after the tenant and filtered on its own subjects, which it may also delete (to start over).
    No stream management, no other consumer, no publishing to the streams."""
    tenant = token(tenant_id, "tenant_id")
    name = tenant_consumer(tenant)
    api: list[str] = []
    for stream, filter_subject in tenant_filters(tenant).items():
        api += [*_consumer_api(stream, name, filter_subject), f"$JS.API.CONSUMER.DELETE.{stream}.{name}"]
    return {"pub": {"allow": api}, "sub": {"allow": [f"kyc.{tenant}.>", f"{inbox_prefix(tenant)}.>"]}}


def _stream_management(*streams: str, verbs: tuple[str, ...] = ("INFO", "CREATE", "UPDATE")) -> list[str]:
    return [f"$JS.API.STREAM.{verb}.{stream}" for stream in streams for verb in verbs]


def internal_permissions(role: InternalRole) -> Permissions:
    """The least each of kycledger's components needs (see the module docstring)."""
    inbox = f"{inbox_prefix(role.value)}.>"
    if role is InternalRole.RELAY:
        return {"pub": {"allow": ["kyc.*.decisions", "kyc.*.sessions.>",
                                  *_stream_management(DECISIONS_STREAM, SESSIONS_STREAM)]},
                "sub": {"allow": [inbox]}}
    if role is InternalRole.ML_WORKER:
        return {"pub": {"allow": [*_stream_management(work_queue.STREAM, verbs=ENSURE_ONLY),
                                  *_consumer_api(work_queue.STREAM, work_queue.DURABLE, work_queue.SUBJECT)]},
                "sub": {"allow": [inbox]}}
    return {"pub": {"allow": [work_queue.SUBJECT, *_stream_management(work_queue.STREAM, verbs=ENSURE_ONLY)]},
            "sub": {"allow": ["kyc.*.sessions.>", inbox]}}


def account_sync_permissions() -> Permissions:
    """The system-account user that publishes the KYC account's JWT (with its revocations)."""
    return {"pub": {"allow": ["$SYS.REQ.CLAIMS.UPDATE"]}, "sub": {"allow": [f"{inbox_prefix(ACCOUNT_SYNC_USER)}.>"]}}
