"""The API gets its media services from the composition root, and maps their errors to stable answers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.media import MsgpackLivenessFramesCodec, OpenCvVideoSampler, PillowImageSanitizer
from api.controllers.product import read_image
from api.deps import ApiDependencies
from api.errors import ApiProblem
from api.media import media
from api.ports import ApiServices, MediaServices
from domain.ports.media import MediaTooLargeError, SampledVideo, SanitizedImage
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime

pytestmark = pytest.mark.unit


class FakeImageSanitizer:
    """Answers every image with a fixed result; ``refuse`` makes it raise instead."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.seen: list[tuple[bytes, str]] = []

    def sanitize(self, data: bytes, field: str, max_side: int | None = None) -> SanitizedImage:
        self.seen.append((data, field))
        if self.refuse:
            raise MediaTooLargeError("image larger than 10 MB", field=field, limit_bytes=1)
        return SanitizedImage(content=b"clean", media_type="image/png", width=20, height=20)


class FakeVideoSampler:
    def sample(self, data: bytes, field: str) -> SampledVideo:
        raise AssertionError("no video in these tests")


@pytest.fixture(scope="module")
def wired(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiDependencies]:
    rt = open_runtime(data_dir=Path(tmp_path_factory.mktemp("media-wiring")), in_memory=True)
    try:
        deps = build_api(rt).state["deps"]
        assert isinstance(deps, ApiDependencies)
        yield deps
    finally:
        rt.close()


def test_the_composition_root_wires_the_real_adapters(wired: ApiDependencies) -> None:
    services = media(wired)
    assert isinstance(services.images, PillowImageSanitizer)
    assert isinstance(services.videos, OpenCvVideoSampler)
    assert isinstance(services.frames, MsgpackLivenessFramesCodec)


def test_routes_use_the_wired_sanitizer_and_map_its_errors(wired: ApiDependencies) -> None:
    fake = FakeImageSanitizer()
    faked = MediaServices(images=fake, videos=FakeVideoSampler(), frames=MsgpackLivenessFramesCodec())
    deps = dataclasses.replace(wired, services=dataclasses.replace(wired.services, media=faked))
    image = read_image(deps, "aGVsbG8=", "selfie")
    assert image is not None and image.content == b"clean" and fake.seen == [(b"hello", "selfie")]
    fake.refuse = True
    with pytest.raises(ApiProblem) as refused:
        read_image(deps, "aGVsbG8=", "selfie")
    assert (refused.value.status, refused.value.code) == (413, "media_too_large")
    assert refused.value.details == {"field": "selfie", "limit_bytes": 1}


def test_missing_wiring_names_the_service(wired: ApiDependencies) -> None:
    bare = dataclasses.replace(wired, services=ApiServices())
    with pytest.raises(LookupError, match=r"'media'"):
        media(bare)
