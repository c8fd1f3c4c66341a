"""Errors raised on bad input: each names the file, the row and the field at fault."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """A user-supplied file or value cannot be used.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    path : str or Path, optional
        The file at fault.
    row : int, optional
        1-based data row (header excluded) at fault.
    field : str, optional
        Column or key at fault.

    Examples
    --------
    >>> str(InputError("expected a number", path="calls.csv", row=3, field="anchorage_h"))
    "calls.csv, row 3, field 'anchorage_h': expected a number"
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.row = row
        self.field = field
        self.reason = message
        where = [part for part in (self.path,) if part]
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
