"""The tenant administrator's settings: the decision policy and the four-eyes review rules.

Both are events (a policy activation carries the whole document, so every decision that names its
hash replays from the ledger; a rules change records what four eyes mean from then on).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, put

from api.dto import Dto
from api.errors import ApiProblem
from api.guards import admin_access
from api.openapi import body, ok
from api.params import Caller, Deps
from domain.sessions.review import ReviewRules
from policies.document import DEFAULT_POLICY, PolicyDocument

_RULES = {"four_eyes_compliance": True, "four_eyes_overturn": True, "four_eyes_all": False}


class ReviewRulesBody(Dto, frozen=True, kw_only=True):
    four_eyes_compliance: bool = True
    four_eyes_overturn: bool = True
    four_eyes_all: bool = False


class PolicyActivation(Dto, frozen=True, kw_only=True):
    """A complete policy document (``kycledger decisions default-policy`` prints the default)."""

    policy: dict[str, Any]


class AdminSettingsController(Controller):
    path = "/v1/admin"
    tags = ("tenant admin",)
    guards = (admin_access,)

    @get("/review-rules", operation_id="getReviewRules", sync_to_thread=True,
         summary="When a review decision needs a second, different reviewer (four eyes)",
         responses=ok(ReviewRulesBody, _RULES))
    def review_rules(self, deps: Deps, principal: Caller) -> ReviewRulesBody:
        return ReviewRulesBody(**deps.ledger.review_rules(principal.tenant_id).to_record())

    @put("/review-rules", operation_id="setReviewRules", sync_to_thread=True,
         summary="Change the four-eyes rules (compliance escalations, overturning a rejection, every review)",
         responses=ok(ReviewRulesBody, {**_RULES, "four_eyes_all": True}))
    def set_review_rules(self, deps: Deps, principal: Caller,
                         data: Annotated[ReviewRulesBody, body({**_RULES, "four_eyes_all": True})],
                         ) -> ReviewRulesBody:
        rules = ReviewRules(four_eyes_compliance=data.four_eyes_compliance, four_eyes_overturn=data.four_eyes_overturn,
                            four_eyes_all=data.four_eyes_all)
        deps.ledger.set_review_rules(principal.tenant_id, rules)
        return ReviewRulesBody(**deps.ledger.review_rules(principal.tenant_id).to_record())

    @get("/policy", operation_id="getActivePolicy", sync_to_thread=True,
         summary="The tenant's active decision policy (the default until one is activated)",
         responses=ok(dict[str, Any], {"policy_hash": "ab" * 32, "active": False, "policy": {"version": 1}}))
    def policy(self, deps: Deps, principal: Caller) -> dict[str, Any]:
        active = deps.ledger.active_policy(principal.tenant_id)
        if active is None:
            return {"policy_hash": DEFAULT_POLICY.policy_hash, "active": False, "policy": DEFAULT_POLICY.to_dict()}
        return {"policy_hash": active[0], "active": True, "policy": active[1]}

    @put("/policy", operation_id="activatePolicy", sync_to_thread=True,
         summary="Activate a policy document for the tenant's next decisions (recorded whole, by its hash)",
         responses=ok(dict[str, Any], {"policy_hash": "ab" * 32, "changed": True}))
    def activate(self, deps: Deps, principal: Caller,
                 data: Annotated[PolicyActivation, body({"policy": {"version": 1}})]) -> dict[str, Any]:
        if not data.policy:
            raise ApiProblem(422, "invalid_policy", "send the whole policy document")
        policy = PolicyDocument.from_dict(data.policy)
        changed = deps.ledger.activate_policy(principal.tenant_id, policy.to_dict(), policy.policy_hash)
        return {"policy_hash": policy.policy_hash, "changed": changed}
