"""Who may do what is documented in ONE table: the README and the OpenAPI description carry it as is."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.app import API_DESCRIPTION
from api.roles_doc import ROLES, ROLES_TABLE
from domain.members import MemberRole
from domain.tenancy import KeyRole

pytestmark = pytest.mark.unit
README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_and_openapi_carry_the_same_roles_table() -> None:
    assert ROLES_TABLE in README.read_text(encoding="utf-8")
    assert ROLES_TABLE in API_DESCRIPTION


def test_the_table_names_every_role_a_key_or_a_person_can_hold() -> None:
    text = " ".join(cell for row in ROLES for cell in row)
    for role in {*KeyRole, *MemberRole} - {KeyRole.OPERATOR, KeyRole.CLIENT}:
        assert f"`{role}`" in text, role
    assert "platform operator" in text and "`client`" in text
