"""Exceptions raised by Earful.

::

    EarfulError
     ├── ConfigError          bad earful.toml: names the key and the reason
     ├── InputError           bad input data: names the file, line, column or field
     │    └── QueryError      malformed query: names the column
     ├── StoreError           database problems
     └── ConnectorError       talking to a network failed
          ├── AuthError       credentials missing or refused
          └── RateLimited     429; carries when to retry
"""

from __future__ import annotations


class EarfulError(Exception):
    """Base class of every error Earful raises on purpose."""


class ConfigError(EarfulError):
    def __init__(self, key: str, reason: str, path: str | None = None) -> None:
        self.key = key
        self.reason = reason
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(f"{where}config key '{key}': {reason}")


class InputError(EarfulError):
    """Bad input. ``file``/``line``/``column``/``field`` say where (any may be None)."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        where = ", ".join(parts)
        return f"{where}: {self.reason}" if where else self.reason

    def located(self, *, file: str | None = None, line: int | None = None) -> InputError:
        """A copy of this error with the file and line filled in."""
        return type(self)(
            self.reason,
            file=file if file is not None else self.file,
            line=line if line is not None else self.line,
            column=self.column,
            field=self.field,
        )


class QueryError(InputError):
    """A malformed query; ``column`` is 1-based."""


class StoreError(EarfulError):
    pass


class ConnectorError(EarfulError):
    pass


class AuthError(ConnectorError):
    pass


class DeliveryUnknown(ConnectorError):
    """A request that must not be sent twice (creating a post) failed after it may have reached
    the network: a timeout or dropped connection once the request was out, a 5xx, or an
    unreadable success body. It is not retried; whether it took effect is unknown."""


class RateLimited(ConnectorError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)
