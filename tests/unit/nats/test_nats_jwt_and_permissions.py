"""NATS JWTs signed by kycledger's keys, and the permissions each user gets (ACCOUNTS.md)."""

from __future__ import annotations

import pytest

from adapters.crypto.kek import KeyEncryptionKey
from adapters.nats.accounts import InternalRole, internal_permissions, tenant_permissions
from adapters.nats.authority import NatsAuthority
from adapters.nats.jwt import ACCOUNT, USER, InvalidNkeyError, NKey, check_public_key, decode_claims

pytestmark = pytest.mark.unit

AUTHORITY = NatsAuthority.from_kek(KeyEncryptionKey(bytes(range(32))))


def test_keys_derive_from_the_kek_and_differ_per_purpose_and_per_kek() -> None:
    again = NatsAuthority.from_kek(KeyEncryptionKey(bytes(range(32))))
    other = NatsAuthority.from_kek(KeyEncryptionKey(bytes(32)))
    assert again.account.public_key == AUTHORITY.account.public_key
    assert len({AUTHORITY.operator.public_key, AUTHORITY.account.public_key,
                AUTHORITY.system_account.public_key}) == 3
    assert other.account.public_key != AUTHORITY.account.public_key
    assert AUTHORITY.operator.public_key.startswith("O") and AUTHORITY.account.public_key.startswith("A")
    assert AUTHORITY.account.seed not in repr(AUTHORITY)


def test_the_chain_of_signatures_operator_account_user_verifies_and_tampering_does_not() -> None:
    user = NKey.generate(USER)
    user_jwt = AUTHORITY.user_jwt("ten_a", user.public_key, tenant_permissions("ten_a"))
    claims = decode_claims(user_jwt, AUTHORITY.account.public_key)
    assert claims["sub"] == user.public_key and claims["name"] == "ten_a"
    assert claims["nats"]["type"] == "user" and claims["nats"]["sub"]["allow"] == ["kyc.ten_a.>", "_INBOX.ten_a.>"]
    account = decode_claims(AUTHORITY.account_jwt({user.public_key: 1_700_000_000}), AUTHORITY.operator.public_key)
    assert account["nats"]["revocations"] == {user.public_key: 1_700_000_000}
    assert account["nats"]["limits"]["disk_storage"] == -1  # JetStream enabled for the KYC account
    operator = decode_claims(AUTHORITY.operator_jwt(), AUTHORITY.operator.public_key)
    assert operator["nats"]["system_account"] == AUTHORITY.system_account.public_key
    header, body, signature = user_jwt.split(".")
    forged_body = body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB")
    with pytest.raises(ValueError, match="signature"):
        decode_claims(f"{header}.{forged_body}.{signature}", AUTHORITY.account.public_key)
    with pytest.raises(ValueError, match="signature"):
        decode_claims(user_jwt, AUTHORITY.operator.public_key)


def test_public_keys_are_checked_for_role_and_checksum() -> None:
    key = NKey.generate(USER).public_key
    assert check_public_key(key, USER) == key
    flipped = key[:10] + ("A" if key[10] != "A" else "B") + key[11:]
    for bad, role in ((flipped, USER), (key, ACCOUNT), ("U" + "A" * 55, USER), ("", USER)):
        with pytest.raises(InvalidNkeyError):
            check_public_key(bad, role)


def test_a_tenant_may_read_only_its_own_subjects_and_publish_only_its_consumers_api() -> None:
    allowed = tenant_permissions("ten_a")
    published = allowed["pub"]["allow"]
    assert all(subject.startswith(("$JS.API.CONSUMER.", "$JS.ACK.")) for subject in published)
    assert all(".ten_a" in subject for subject in published)
    assert not any(subject.startswith("kyc.") for subject in published)
    assert allowed["sub"]["allow"] == ["kyc.ten_a.>", "_INBOX.ten_a.>"]


def test_component_users_have_disjoint_jobs() -> None:
    relay, api, worker = (internal_permissions(role) for role in (InternalRole.RELAY, InternalRole.API,
                                                                    InternalRole.ML_WORKER))
    assert "kyc.ml.jobs" not in relay["pub"]["allow"] and relay["sub"]["allow"] == ["_INBOX.kyc-relay.>"]
    assert "kyc.ml.jobs" in api["pub"]["allow"] and not any("decisions" in s for s in api["pub"]["allow"])
    assert not any(s.startswith("kyc.") for s in worker["pub"]["allow"] + worker["sub"]["allow"])


def test_endpoint_reprs_and_strings_never_show_the_credentials() -> None:
    endpoint = AUTHORITY.internal_endpoint("nats://127.0.0.1:4222", InternalRole.API)
    assert endpoint.credentials is not None and "SEED" in endpoint.credentials
    assert str(endpoint) == "nats://127.0.0.1:4222" and "SU" not in repr(endpoint)
    assert f"{endpoint}" == "nats://127.0.0.1:4222"
