"""Domain errors. Every error a caller can act on has a stable ``code`` (requirements/platform §14)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of all business-rule violations; ``code`` is stable and safe to show a client."""

    code = "domain_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class AuditContextMissingError(DomainError):
    code = "audit_context_missing"


class NotFoundError(DomainError):
    """The thing does not exist, or belongs to another tenant (the two look the same)."""

    code = "not_found"


class TenantSuspendedError(DomainError):
    code = "tenant_suspended"


class ApiKeyRevokedError(DomainError):
    code = "api_key_revoked"


class InvalidArgumentError(DomainError):
    code = "invalid_argument"


class ConflictError(DomainError):
    code = "conflict"


class SubjectErasedError(DomainError):
    """Personal data of an erased subject was asked for; it no longer exists."""

    code = "subject_erased"
