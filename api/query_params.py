"""Unknown query parameters are refused, as unknown body fields are (``api.dto.Dto``).

A typo such as ``?perod=2025-09`` was ignored and the route answered for its default (the current
month): a silent default where the caller asked for something else. Every API operation (``/v1``,
``/kyc``, ``/client``) now takes only the query parameters its OpenAPI operation lists; anything else
is a 400 ``query_parameter_unknown`` naming it. HTML pages are not concerned (links may carry
anything).
"""

from __future__ import annotations

import re
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.spec import OpenAPI, Parameter

from api.errors import ApiProblem

API_PREFIXES = ("/v1/", "/kyc/", "/client/")
_TYPED_PARAMETER = re.compile(r"\{(\w+):[^}]+\}")  # litestar's "{id:str}" is the document's "{id}"


class KnownQueryParameters:
    """An app-level guard; ``learn`` gives it the finished document."""

    def __init__(self) -> None:
        self._allowed: dict[tuple[str, str], frozenset[str]] = {}

    def learn(self, doc: OpenAPI) -> None:
        for path, item in (doc.paths or {}).items():
            for method in ("get", "post", "put", "patch", "delete"):
                operation = getattr(item, method, None)
                if operation is not None:
                    names = {p.name for p in operation.parameters or () if isinstance(p, Parameter)
                             and p.param_in == "query"}
                    self._allowed[(method.upper(), path)] = frozenset(names)

    def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not connection.scope["path"].startswith(API_PREFIXES):
            return
        template = _TYPED_PARAMETER.sub(r"{\1}", str(connection.scope.get("path_template", "")))
        allowed = self._allowed.get((str(connection.scope.get("method", "")).upper(), template))
        if allowed is None:
            return  # not an operation of the document (HEAD, OPTIONS): nothing to compare with
        unknown = sorted(set(connection.query_params) - allowed)
        if unknown:
            raise ApiProblem(400, "query_parameter_unknown", "the query has parameters this operation does not take",
                             unknown=[name[:64] for name in unknown[:10]], allowed=sorted(allowed))
