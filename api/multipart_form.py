"""The capture form (``multipart/form-data``) read with the capture routes' own rules.

litestar's form reader decides by the part's ``filename``: a part without one is text and is
decoded as UTF-8, so an image sent without a filename (RFC 7578 section 4.2 makes it optional; Go's
``CreateFormField`` and ``curl -F 'image=<photo.jpg'`` send none) failed deep in the parser. Here the
field name decides: ``image`` and ``video`` are always files, with or without a filename; every
other field is text and must decode in its declared charset, else a 400 that names the field.

Runs as the routes' ``before_request`` hook and hands litestar the parsed form through the scope
state that litestar's own form reader fills (``ScopeState.form``), so the handler keeps its typed
``data`` parameter and the OpenAPI document its form schema.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser

from api.errors import ApiProblem

FILE_FIELDS = frozenset({"image", "video"})
MAX_PARTS = 16  # the form has four fields; anything far beyond is not a capture form


async def read_capture_form(request: Request[Any, Any, Any]) -> None:
    """Parse the body into ``ScopeState.form`` unless something already did."""
    state = ScopeState.from_scope(request.scope)
    if state.form is not Empty:
        return
    media_type, options = request.content_type
    if media_type != RequestEncodingType.MULTI_PART:
        raise ApiProblem(415, "unsupported_media_type", "this route takes multipart/form-data",
                         expected=RequestEncodingType.MULTI_PART.value)
    boundary = options.get("boundary", "")
    if not boundary:
        raise ApiProblem(400, "multipart_invalid", "the Content-Type names no multipart boundary")
    state.form = await _parse(await request.body(), boundary)


async def _parse(body: bytes, boundary: str) -> dict[str, Any]:
    fields: defaultdict[str, list[Any]] = defaultdict(list)
    segment: MultipartSegment | None = None
    content: UploadFile | bytearray = bytearray()
    try:
        with PushMultipartParser(boundary, max_segment_count=MAX_PARTS) as parser:
            for chunk in (body, b""):  # an empty chunk tells the parser the body ended
                for part in parser.parse(chunk):
                    if isinstance(part, MultipartSegment):
                        segment, content = part, _new_content(part)
                    elif part:
                        await _append(content, part)
                    elif segment is not None:
                        fields[segment.name or ""].append(await _finished(segment, content))
                        segment, content = None, bytearray()
    except (ParserError, ParserLimitReached) as e:
        await _close(fields, content)
        raise ApiProblem(400, "multipart_invalid", "the body is not a valid multipart/form-data capture form",
                         reason=str(e)[:200]) from None
    except ApiProblem:
        await _close(fields, content)
        raise
    # litestar's shape: one value per field, a list where a field was sent more than once
    return {name: values if len(values) > 1 else values[0] for name, values in fields.items()}


def _new_content(segment: MultipartSegment) -> UploadFile | bytearray:
    if segment.filename or segment.name in FILE_FIELDS:
        return UploadFile(content_type=segment.content_type or "application/octet-stream",
                          filename=segment.filename or segment.name or "upload", headers=dict(segment.headerlist))
    return bytearray()


async def _append(content: UploadFile | bytearray, part: bytes | bytearray) -> None:
    if isinstance(content, UploadFile):
        await content.write(bytes(part))
    else:
        content.extend(part)


async def _finished(segment: MultipartSegment, content: UploadFile | bytearray) -> Any:
    if isinstance(content, UploadFile):
        await content.seek(0)
        return content
    try:
        return content.decode(segment.charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        name = (segment.name or "")[:64]
        raise ApiProblem(400, "form_field_not_text", f"form field {name!r} is not text in its charset",
                         field=name, charset=(segment.charset or "utf-8")[:64]) from None


async def _close(fields: dict[str, list[Any]], content: UploadFile | bytearray) -> None:
    for value in [content, *(v for values in fields.values() for v in values)]:
        if isinstance(value, UploadFile):
            await value.close()
