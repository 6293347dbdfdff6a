"""``kycledger decisions ...``: re-run recorded decisions from the ledger alone (docs/architecture.md §6).

replay   re-runs every recorded decision from the events it names under the policy it names; exits 0
         only if each reproduces exactly, else prints each session with its differences and exits 1.
what-if  evaluates another policy document over the same recorded inputs; writes nothing.
default-policy / activate-policy  print the default drawn from the requirements; make a document a tenant's policy
         (an event carrying the document, so later decisions under it stay replayable).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.errors import InvalidArgumentError, NotFoundError
from ops.cli.common import add_location_args, guarded, operator_context, print_json, runtime_from_args
from policies.document import DEFAULT_POLICY, PolicyDocument
from policies.inputs import TOPIC_CREATED
from policies.replay import replay_session, what_if_session


def register(sub: Any) -> None:
    decisions = sub.add_parser("decisions", help="replay recorded decisions or try another policy on them")
    d_sub = decisions.add_subparsers(dest="decisions_command", required=True)

    replay = d_sub.add_parser("replay", help="re-run recorded decisions; exit 1 if any does not reproduce")
    _add_selection(replay)
    replay.set_defaults(func=guarded(_replay))

    what_if = d_sub.add_parser("what-if", help="show how decisions would change under another policy")
    what_if.add_argument("--policy", required=True, type=Path, help="policy document (JSON)")
    _add_selection(what_if)
    what_if.set_defaults(func=guarded(_what_if))

    show = d_sub.add_parser("default-policy", help="print the default policy document (a starting point)")
    show.set_defaults(func=guarded(_default_policy))

    activate = d_sub.add_parser("activate-policy", help="make a policy document a tenant's active policy")
    activate.add_argument("--tenant", required=True)
    activate.add_argument("--policy", required=True, type=Path, help="policy document (JSON)")
    add_location_args(activate)
    activate.set_defaults(func=guarded(_activate_policy))


def _add_selection(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--session", help="one session id")
    which.add_argument("--all", action="store_true", help="every session in the ledger")
    add_location_args(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _session_ids(ledger: Any, args: argparse.Namespace) -> Iterator[UUID]:
    if args.session:
        try:
            yield UUID(args.session)
        except ValueError:
            raise InvalidArgumentError("--session must be a session UUID") from None
        return
    start = 1
    while batch := ledger.notification_log.select(start, ledger.log_section_size, topics=[TOPIC_CREATED]):
        for notification in batch:
            yield UUID(str(notification.originator_id))
        start = batch[-1].id + 1


def _session_events(ledger: Any, session_id: UUID) -> list[Any]:
    events = list(ledger.events.get(session_id))
    if not events or type(events[0]).TOPIC != TOPIC_CREATED:
        raise NotFoundError("session not found", session_id=str(session_id))
    return events


def _policy_lookup(ledger: Any, tenant: str) -> Any:
    def lookup(policy_hash: str) -> dict[str, Any]:
        document: dict[str, Any] = ledger.policy_document(tenant, policy_hash)
        return document

    return lookup


def _replay(args: argparse.Namespace) -> int:
    sessions = decisions = 0
    failures: list[dict[str, Any]] = []
    with runtime_from_args(args) as runtime:
        ledger = runtime.ledger
        for session_id in _session_ids(ledger, args):
            events = _session_events(ledger, session_id)
            sessions += 1
            try:
                results = replay_session(events, _policy_lookup(ledger, events[0].tenant))
            except NotFoundError as exc:
                failures.append({"session": str(session_id), "attempt": None, "differences": [exc.message]})
                continue
            decisions += len(results)
            failures += [
                {"session": r.session_id, "attempt": r.attempt, "differences": list(r.differences)}
                for r in results
                if not r.reproduced
            ]
    summary = {"sessions": sessions, "decisions": decisions, "reproduced": decisions - len(failures),
               "failed": len(failures)}
    if args.json:
        print_json({**summary, "failures": failures})
    else:
        for failure in failures:
            print(f"session {failure['session']} attempt {failure['attempt']}: NOT reproduced")
            for difference in failure["differences"]:
                print(f"  {difference}")
        print(json.dumps(summary, sort_keys=True))
    return 1 if failures else 0


def _read_policy(path: Path) -> PolicyDocument:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidArgumentError(f"cannot read policy file: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidArgumentError("a policy file holds one JSON object")
    return PolicyDocument.from_dict(document)


def _default_policy(args: argparse.Namespace) -> int:
    print_json(DEFAULT_POLICY.to_dict())
    return 0


def _activate_policy(args: argparse.Namespace) -> int:
    policy = _read_policy(args.policy)
    with runtime_from_args(args) as runtime, operator_context("decisions-activate-policy"):
        changed = runtime.ledger.activate_policy(args.tenant, policy.to_dict(), policy.policy_hash)
    print_json({"tenant": args.tenant, "policy_hash": policy.policy_hash, "changed": changed})
    return 0


def _what_if(args: argparse.Namespace) -> int:
    policy = _read_policy(args.policy)
    rows: list[dict[str, Any]] = []
    transitions: Counter[str] = Counter()
    with runtime_from_args(args) as runtime:
        for session_id in _session_ids(runtime.ledger, args):
            for result in what_if_session(_session_events(runtime.ledger, session_id), policy):
                before, after = result.recorded, result.proposed
                transitions[f"{before['decision']}->{after['decision']}"] += 1
                if result.changed:
                    rows.append({
                        "session": result.session_id, "attempt": result.attempt,
                        "recorded": {k: before[k] for k in ("decision", "route", "score")},
                        "proposed": {k: after[k] for k in ("decision", "route", "score")},
                        "proposed_reason_codes": after["reason_codes"],
                    })
    summary = {"policy_hash": policy.policy_hash, "decisions": sum(transitions.values()), "changed": len(rows),
               "transitions": dict(sorted(transitions.items()))}
    if args.json:
        print_json({**summary, "changes": rows})
    else:
        for row in rows:
            r, p = row["recorded"], row["proposed"]
            print(f"session {row['session']} attempt {row['attempt']}: {r['decision']}/{r['route']} "
                  f"({r['score']}) -> {p['decision']}/{p['route']} ({p['score']})")
        print(json.dumps(summary, sort_keys=True))
    return 0
