"""Personal data as a value that knows whose it is.

Events hold personal fields as ``PersonalData``; the persistence layer encrypts each one with the
data subject's own key before the event is hashed or stored (docs/architecture.md §5), and
decrypts it on the way back. After the subject's key is destroyed (erasure), the value reads back
as erased: the event still exists and the chain still verifies, but the data is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import SubjectErasedError


@dataclass(frozen=True)
class PersonalData:
    """A personal value (a name, a date of birth, a document number...) of one data subject."""

    subject_id: str
    _value: str | None

    @classmethod
    def of(cls, subject_id: str, value: str) -> PersonalData:
        return cls(subject_id=subject_id, _value=value)

    @classmethod
    def erased(cls, subject_id: str) -> PersonalData:
        return cls(subject_id=subject_id, _value=None)

    @property
    def is_erased(self) -> bool:
        return self._value is None

    @property
    def value(self) -> str:
        if self._value is None:
            raise SubjectErasedError("personal data of an erased subject", subject_id=self.subject_id)
        return self._value

    def __repr__(self) -> str:  # never print the value itself (logs, tracebacks)
        state = "erased" if self.is_erased else "***"
        return f"PersonalData(subject_id={self.subject_id!r}, value={state})"
