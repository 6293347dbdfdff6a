"""Audit routes: signed checkpoints and Merkle proofs of the ledger (docs/architecture.md §4).

For auditors and platform operators, read-only; each read is recorded (``api.access_log``). A
client of the ledger verifies a proof offline against a checkpoint it trusts (``kycledger verify``
does the same).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import QueryParameter

from api.access_log import record_read
from api.dto import Dto
from api.errors import ApiProblem
from api.guards import ledger_access
from api.openapi import ok
from api.params import Caller, Deps

_HEX = "a" * 64
MAX_SIZE = 2**53  # JSON-safe integers only; anything larger is a 400, not an overflow


class Checkpoints(Dto, frozen=True, kw_only=True):
    tree_size: int
    checkpoints: list[str]


class InclusionProof(Dto, frozen=True, kw_only=True):
    position: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    proof: list[str]


class ConsistencyProof(Dto, frozen=True, kw_only=True):
    first_size: int
    second_size: int
    first_root_hash: str
    second_root_hash: str
    proof: list[str]



class LedgerProofController(Controller):
    path = "/v1/ledger"
    tags = ("ledger",)
    guards = (ledger_access,)

    @get("/checkpoints", operation_id="listCheckpoints", sync_to_thread=True,
         summary="Every signed checkpoint (C2SP signed-note text), oldest first",
         responses=ok(Checkpoints, {"tree_size": 42, "checkpoints": [
             "kycledger.local/ledger\n42\nq83vEjxU1A2kB6c3...=\n\n\u2014 kycledger-checkpoint AbCd...==\n"]}))
    def checkpoints(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller) -> Checkpoints:
        if deps.proofs is None:
            raise ApiProblem(503, "proofs_unavailable", "this deployment serves no ledger proofs")
        record_read(deps, request, principal, "ledger_checkpoints", "all")
        return Checkpoints(tree_size=deps.proofs.size(), checkpoints=deps.proofs.checkpoints())

    @get("/inclusion", operation_id="inclusionProof", sync_to_thread=True,
         summary="RFC 9162 inclusion proof of the event at chain position N in the tree of size M",
         responses=ok(InclusionProof, {"position": 3, "tree_size": 8, "leaf_hash": _HEX, "root_hash": _HEX,
                                       "proof": [_HEX, _HEX, _HEX]}))
    def inclusion(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                  position: Annotated[int, QueryParameter(ge=1, le=MAX_SIZE, description="chain position, 1-based")],
                  size: Annotated[int, QueryParameter(ge=1, le=MAX_SIZE, description="tree size")]) -> InclusionProof:
        if deps.proofs is None:
            raise ApiProblem(503, "proofs_unavailable", "this deployment serves no ledger proofs")
        proof = InclusionProof(**deps.proofs.inclusion(position, size))
        record_read(deps, request, principal, "ledger_inclusion", f"{position}/{size}")
        return proof

    @get("/consistency", operation_id="consistencyProof", sync_to_thread=True,
         summary="RFC 9162 consistency proof between trees of size N and M",
         responses=ok(ConsistencyProof, {"first_size": 4, "second_size": 8, "first_root_hash": _HEX,
                                         "second_root_hash": _HEX, "proof": [_HEX]}))
    def consistency(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                    first: Annotated[int, QueryParameter(name="from", ge=0, le=MAX_SIZE, description="older size")],
                    second: Annotated[int, QueryParameter(name="to", ge=0, le=MAX_SIZE, description="newer size")],
                    ) -> ConsistencyProof:
        if deps.proofs is None:
            raise ApiProblem(503, "proofs_unavailable", "this deployment serves no ledger proofs")
        proof = ConsistencyProof(**deps.proofs.consistency(first, second))
        record_read(deps, request, principal, "ledger_consistency", f"{first}/{second}")
        return proof
