"""Validation messages in the one format authors and editors grep for: `path:line: field: message`."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"  # the file is skipped
    WARNING = "warning"  # the file loads; the author should look


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in one content file."""

    path: str
    line: int | None
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}:1"
        label = "" if self.severity is Severity.ERROR else "warning: "
        return f"{where}: {self.field or '-'}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR
