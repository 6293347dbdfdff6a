"""The console's page and its sign-in routes: ``/console`` and ``/console/api/{sign-in,me,sign-out}``.

People sign in with their login, password and the code of their authenticator app
(``domain.people.console_commands``); the answer sets the session cookie and gives the page its
CSRF token (``api.web.console.cookies``). Outside the HMAC-signed prefixes: the console never
holds an API secret, it acts as the person.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Annotated, Any, cast

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Body

from api.deps import ApiDependencies
from api.dto import Dto
from api.errors import ApiProblem, trace_id_of
from api.params import Deps
from api.web.console.cookies import (
    clearing_header,
    cookie_header,
    csrf_token,
    require_csrf,
    require_same_origin,
    session_of,
)
from api.web.console.sign_in_limits import admit_sign_in
from api.web.pages import PAGE_HEADERS, static_file
from domain.people.console_account import ConsoleSessionEndedError, SignInRefusedError
from domain.people.console_commands import ConsoleAccounts, ConsolePerson

CONSOLE_CSP = ("default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


class SignIn(Dto, frozen=True, kw_only=True):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]


def request_id(request: Request[Any, Any, Any]) -> str:
    """The request's trace id: the request id of every event the request records."""
    return trace_id_of(cast("MutableMapping[str, Any]", request.scope))


def accounts(deps: ApiDependencies) -> ConsoleAccounts:
    found = deps.services.console
    if found is None:
        raise ApiProblem(404, "console_unavailable", "this deployment serves no console")
    return found


def person_view(person: ConsolePerson, token: str) -> dict[str, Any]:
    return {"member_id": person.member_id, "display_name": person.display_name, "tenant_id": person.tenant_id,
            "roles": list(person.roles), "expires_at": person.expires_at.isoformat(), "csrf_token": csrf_token(token)}


def signed_in(request: Request[Any, Any, Any], deps: ApiDependencies) -> tuple[ConsolePerson, str]:
    """The person behind the request's session cookie (401 ``console_session_ended`` otherwise)."""
    found = session_of(request.cookies)
    if found is None:
        raise ApiProblem(401, "console_session_ended", "sign in to the console")
    account_id, token = found
    try:
        return accounts(deps).session(account_id, token, request_id(request)), token
    except ConsoleSessionEndedError as e:
        raise ApiProblem(401, e.code, e.message) from None


class ConsoleController(Controller):
    """The console page and the people's sign-in."""

    path = "/console"
    tags = ("console",)
    include_in_schema = False

    @get("", operation_id="consolePage", sync_to_thread=False)
    def page(self) -> Response[bytes]:
        found = static_file("console.html")
        assert found is not None
        return Response(found[0], media_type=found[1], headers={**PAGE_HEADERS, "Content-Security-Policy": CONSOLE_CSP})

    @post("/api/sign-in", operation_id="consoleSignIn", sync_to_thread=True, status_code=200)
    def sign_in(self, request: Request[Any, Any, Any], deps: Deps,
                data: Annotated[SignIn, Body()]) -> Response[dict[str, Any]]:
        require_same_origin(request.scope)
        admit_sign_in(deps, request.scope, data.login)
        try:
            person, token = accounts(deps).sign_in(data.login, data.password, data.code, request_id(request))
        except SignInRefusedError as e:
            raise ApiProblem(401, e.code, e.message) from None
        return Response(person_view(person, token), headers={"Set-Cookie": cookie_header(request.scope,
                                                                                          person.account_id, token)})

    @get("/api/me", operation_id="consoleMe", sync_to_thread=True)
    def me(self, request: Request[Any, Any, Any], deps: Deps) -> dict[str, Any]:
        person, token = signed_in(request, deps)
        return person_view(person, token)

    @post("/api/sign-out", operation_id="consoleSignOut", sync_to_thread=True, status_code=204)
    def sign_out(self, request: Request[Any, Any, Any], deps: Deps) -> Response[None]:
        found = session_of(request.cookies)
        if found is not None:
            require_csrf(request.scope, found[1])
            accounts(deps).sign_out(found[0], found[1], request_id(request))
        return Response(None, status_code=204, headers={"Set-Cookie": clearing_header(request.scope)})
