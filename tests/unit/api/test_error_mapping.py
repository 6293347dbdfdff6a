"""One table maps every domain error to an HTTP status; none falls through to a 500 by accident."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import domain
from api.errors import STATUS_BY_CODE, status_for
from domain.errors import ConflictError, DomainError, InvalidArgumentError, NotFoundError

pytestmark = pytest.mark.unit


def _all_domain_errors() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    found: list[type[DomainError]] = []
    todo = [DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _instance(cls: type[DomainError]) -> DomainError:
    error = cls.__new__(cls)
    DomainError.__init__(error, "x")
    return error


def test_every_domain_error_has_a_client_status() -> None:
    errors = _all_domain_errors()
    assert len(errors) > 20
    for cls in errors:
        status = status_for(_instance(cls))
        if cls.code == "audit_context_missing":
            assert status == 500  # a programming error, not the caller's
        else:
            assert 400 <= status < 500 or status == 503, (cls, status)


@pytest.mark.parametrize(("family", "status"), [(InvalidArgumentError, 422), (NotFoundError, 404),
                                                 (ConflictError, 409)])
def test_subclasses_inherit_their_family_status(family: type[DomainError], status: int) -> None:
    for cls in _all_domain_errors():
        if issubclass(cls, family) and cls.code not in STATUS_BY_CODE:
            assert status_for(_instance(cls)) == status, cls


def test_codes_in_the_table_are_real() -> None:
    codes = {cls.code for cls in _all_domain_errors()}
    assert set(STATUS_BY_CODE) <= codes
