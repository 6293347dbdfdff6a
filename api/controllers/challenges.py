"""Opening sessions that carry an active-liveness challenge, within the person's allowance.

``domain.liveness_allowance`` bounds the challenges one person (the tenant's ``reference``) is given:
one open at a time (409 ``liveness_challenge_open``, with the open challenge so the client goes on
with it) and at most 5 an hour (429 ``liveness_challenge_rate_limited`` with Retry-After). A client
therefore cannot ask again and again until an easier challenge comes up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from api.controllers.product import product
from api.errors import ApiProblem
from api.params import Caller, Deps
from domain.liveness_allowance import ChallengeRateLimitedError, ChallengeStillOpenError
from domain.sessions.challenges import session_challenge
from domain.sessions.configuration import LivenessType, SessionConfiguration


def issues_challenge(configuration: SessionConfiguration) -> bool:
    """Whether a session of this configuration is given an active-liveness challenge."""
    return configuration.liveness_type is LivenessType.ACTIVE and any(str(c) == "liveness"
                                                                       for c in configuration.checks)


def environment_of(principal: Caller) -> str:
    return "sandbox" if principal.sandbox else "live"


@contextmanager
def _allowance_problems(deps: Deps, principal: Caller) -> Iterator[None]:
    try:
        yield
    except ChallengeStillOpenError as exc:
        open_id = UUID(str(exc.details["challenge_id"]))
        session = deps.ledger.get_session(principal.tenant_id, open_id)
        challenge = session_challenge(product(deps).challenges, session, deps.ledger.events.get(open_id))
        raise ApiProblem(409, exc.code, "this person has an unanswered challenge: answer it, or cancel its "
                         "session, before asking for another", challenge_id=str(open_id),
                         challenge=challenge.to_record() if challenge else None) from None
    except ChallengeRateLimitedError as exc:
        wait = int(str(exc.details["retry_after_s"]))
        raise ApiProblem(429, exc.code, exc.message, headers={"Retry-After": str(wait)},
                         retry_after_s=wait) from None


def admit(deps: Deps, principal: Caller, configuration: SessionConfiguration, reference: str | None) -> None:
    """Refuse now (before anything is registered) when the person may not get another challenge."""
    if reference is not None and issues_challenge(configuration):
        with _allowance_problems(deps, principal):
            deps.ledger.admit_challenge(principal.tenant_id, reference, environment_of(principal))


def open_session(deps: Deps, principal: Caller, configuration: SessionConfiguration, reference: str | None,
                 session_id: UUID) -> UUID:
    """Create the session; with a challenge and a reference, counted in the person's allowance."""
    if reference is not None and issues_challenge(configuration):
        with _allowance_problems(deps, principal):
            return deps.ledger.create_challenged_session(principal.tenant_id, configuration, reference,
                                                         environment_of(principal), session_id)
    return deps.ledger.create_session(principal.tenant_id, configuration, reference, session_id)
