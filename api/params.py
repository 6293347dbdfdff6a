"""Handler parameter types for the app's named dependencies (litestar 2.23+ explicit style).

    def handler(self, deps: Deps, principal: Caller) -> ...   # the names select the dependency

``Deps`` is the process's ``ApiDependencies``; ``Caller`` the authenticated ``Principal``.
"""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar.di import NamedDependency
from litestar.params import HeaderParameter

from api.auth import Principal
from api.client_token import CLIENT_TOKEN_HEADER
from api.deps import ApiDependencies

Deps: TypeAlias = NamedDependency[ApiDependencies]
Caller: TypeAlias = NamedDependency[Principal]
ClientToken: TypeAlias = Annotated[str | None, HeaderParameter(name=CLIENT_TOKEN_HEADER, required=False)]
"""The session-scoped ``X-Client-Token`` of the browser capture routes (optional at the schema level)."""
