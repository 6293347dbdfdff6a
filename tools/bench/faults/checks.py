"""What must hold after the faults, read from the ledger, the NATS streams and ``ledger verify``.

- every acknowledged request is in the ledger (sessions, captures by content hash, check requests);
- no session is left unprocessed: every attempt whose checks were requested is decided (or the
  session ended another way), and every acknowledged instant verification is decided;
- nothing is recorded twice: one decision per attempt, one result per check of an attempt;
- the NATS streams hold every status and decision message of the ledger once each, in ledger order;
- ``kycledger ledger verify`` recomputes the chain, the Merkle roots and the checkpoint signatures.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import nats
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ConsumerConfig, DeliverPolicy

import ops.stack  # noqa: F401 - imports every persisted event class (usage, webhooks, retention): their topics
from adapters.nats.streams import DECISIONS_STREAM, SESSIONS_STREAM
from domain.sessions.aggregate import VerificationSession
from domain.sessions.status import SessionStatus
from ops.bootstrap import LedgerRuntime
from projections.log_follower import LogFollower
from projections.status_events import status_message
from tools.bench.faults.cluster import REPO
from tools.bench.faults.load import Answer

# The session's event classes are made by eventsourcing's ``event()`` when the aggregate class is
# created: mypy cannot see them as attributes, so they are looked up on an untyped alias.
SESSION_EVENTS: Any = VerificationSession


@dataclass
class LedgerFacts:
    """The session facts of the whole log, gathered once."""

    sessions: set[str] = field(default_factory=set)
    captures: set[tuple[str, str]] = field(default_factory=set)  # (session, content sha256)
    requested: set[tuple[str, int]] = field(default_factory=set)  # (session, attempt)
    decisions: Counter[tuple[str, int]] = field(default_factory=Counter)
    results: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    expected_sessions_stream: list[str] = field(default_factory=list)  # Nats-Msg-Id, ledger order
    expected_decisions_stream: list[str] = field(default_factory=list)


def gather(rt: LedgerRuntime) -> LedgerFacts:
    facts, follower, position = LedgerFacts(), LogFollower(rt.ledger, batch_size=500), 0
    while (page := follower.next_batch(position)) is not None:
        batch, position = page
        for event, entry in batch:
            sid = str(event.originator_id)
            if isinstance(event, VerificationSession.Created):
                facts.sessions.add(sid)
            elif isinstance(event, SESSION_EVENTS.CaptureRecorded):
                facts.captures.add((sid, event.content_sha256))
            elif isinstance(event, SESSION_EVENTS.CheckRequested):
                facts.requested.add((sid, int(event.attempt)))
            elif isinstance(event, SESSION_EVENTS.CheckCompleted):
                facts.results[(sid, int(event.attempt), str(event.result["check"]))] += 1
            elif isinstance(event, SESSION_EVENTS.DecisionMade):
                facts.decisions[(sid, int(event.attempt))] += 1
            message = status_message(event, entry)
            if message is not None:
                facts.expected_sessions_stream.append(message.event_id)
                if message.is_decision:
                    facts.expected_decisions_stream.append(message.event_id)
    return facts


def stranded(rt: LedgerRuntime, facts: LedgerFacts) -> list[str]:
    """Sessions whose current attempt was requested and is still pending without a decision."""
    found = []
    for sid in sorted({s for s, _ in facts.requested}):
        session = rt.ledger.find(UUID(sid), VerificationSession)
        assert session is not None
        if session.status == SessionStatus.PENDING and (sid, session.attempt) in facts.requested \
                and session.attempt not in session.decisions:
            found.append(sid)
    return found


def unacknowledged_in_ledger(answers: list[Answer], facts: LedgerFacts) -> list[str]:
    """Acknowledged requests the ledger does not show (must be empty)."""
    missing = []
    for a in answers:
        if not a.acknowledged or a.op == "get_session":
            continue
        if a.session_id is None or a.session_id not in facts.sessions:
            missing.append(f"{a.op}: session {a.session_id} not in the ledger")
        elif a.op.startswith("upload_") and (a.session_id, a.content_sha256) not in facts.captures:
            missing.append(f"{a.op}: capture {a.content_sha256} of {a.session_id} not in the ledger")
        elif a.op in ("complete", "instant_verify") and (a.session_id, 1) not in facts.requested:
            missing.append(f"{a.op}: no check requested for {a.session_id}")
    return missing


def undecided_instant(answers: list[Answer], facts: LedgerFacts) -> list[str]:
    return [a.session_id or "?" for a in answers if a.op == "instant_verify" and a.acknowledged
            and not facts.decisions.get((a.session_id or "", 1))]


async def _stream_ids(url: str, stream: str) -> list[str]:
    client = await nats.connect(url, connect_timeout=5)
    try:
        js = client.jetstream()
        config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=60.0)
        subscription = await js.pull_subscribe(">", stream=stream, config=config)
        ids: list[str] = []
        while True:
            try:
                batch = await subscription.fetch(500, timeout=2)
            except (TimeoutError, NatsTimeoutError):
                return ids
            for message in batch:
                ids.append((message.headers or {}).get("Nats-Msg-Id", ""))
                await message.ack()
    finally:
        await client.close()


def stream_problems(nats_url: str, facts: LedgerFacts) -> dict[str, Any]:
    """Per stream: messages, duplicates, missing and out-of-order ones against the ledger."""
    report: dict[str, Any] = {}
    for stream, expected in ((SESSIONS_STREAM, facts.expected_sessions_stream),
                             (DECISIONS_STREAM, facts.expected_decisions_stream)):
        got = asyncio.run(_stream_ids(nats_url, stream))
        duplicates = [i for i, n in Counter(got).items() if n > 1]
        missing = sorted(set(expected) - set(got))
        rank = {event_id: n for n, event_id in enumerate(expected)}
        ranks = [rank[i] for i in got if i in rank]
        out_of_order = sum(1 for a, b in itertools.pairwise(ranks) if b <= a)
        report[stream] = {"messages": len(got), "expected": len(expected), "duplicates": len(duplicates),
                          "missing": len(missing), "out_of_order": out_of_order,
                          "unexpected": len(set(got) - set(expected))}
    return report


def ledger_verify(env: dict[str, str], db_url: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "ops.cli", "ledger", "verify", "--db", db_url, "--json"],  # noqa: S603
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {"ok": False, "reason": (done.stderr or done.stdout)[-500:]}
    return {"exit_code": done.returncode, **report}
