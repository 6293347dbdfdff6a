"""JSON request bodies nest at most ``MAX_JSON_DEPTH`` levels; deeper ones are a 400, never a 500.

msgspec decodes recursively and raises ``RecursionError`` somewhere below Python's recursion limit
(about 1000 levels minus the stack already in use), and a body that decodes just under it would
still reach code that walks it recursively (problem details, event encoding of free-form fields
such as a policy document or ``cameraParams``). So the limit is explicit and well below both: no
request of this API needs more than a handful of levels. Every JSON body litestar decodes for a
handler goes through ``DepthLimitedRequest.json``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from api.errors import ApiProblem

MAX_JSON_DEPTH = 32
_CHECKED = "json_depth_checked"


def too_deep(limit: int = MAX_JSON_DEPTH) -> ApiProblem:
    return ApiProblem(400, "json_too_deep", f"the JSON body nests deeper than {limit} levels", max_depth=limit)


def refuse_deep_json(value: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``json_too_deep`` when arrays and objects in ``value`` nest more than ``limit`` deep.

    Iterative, one level at a time, so it never recurses itself; it looks at each value once.
    """
    level = [value] if type(value) in (list, dict) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            raise too_deep(limit)
        below: list[Any] = []
        for container in level:
            items = container.values() if type(container) is dict else container
            below.extend([v for v in items if type(v) is list or type(v) is dict])
        level = below


class DepthLimitedRequest(Request[Any, Any, Any]):
    """The app's request class: litestar's JSON decoding plus the depth limit."""

    async def json(self) -> Any:
        try:
            value = await super().json()
        except RecursionError:
            raise too_deep() from None
        state = self.scope.setdefault("state", {})
        if not state.get(_CHECKED):
            refuse_deep_json(value)
            state[_CHECKED] = True
        return value
