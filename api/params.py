"""Handler parameter types for the app's named dependencies (litestar 2.23+ explicit style).

    def handler(self, deps: Deps, principal: Caller) -> ...   # the names select the dependency

``Deps`` is the process's ``ApiDependencies``; ``Caller`` the authenticated ``Principal``.
"""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency

from api.auth import Principal
from api.deps import ApiDependencies

Deps: TypeAlias = NamedDependency[ApiDependencies]
Caller: TypeAlias = NamedDependency[Principal]
