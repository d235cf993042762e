"""All-or-nothing writing of validated spreadsheet rows (progress, expenditures, attendance…)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.db import transaction

from cocrea.audit.context import operation
from cocrea.computations.sheets import RowError


class _Rollback(Exception):
    pass


def write_all_or_nothing(
    result: Any,
    write_row: Callable[[Any], object],
    catch: tuple[type[Exception], ...],
    column: str,
) -> Any:
    """Write every row of ``result`` in one transaction; if any row is refused, write none.

    A refused row becomes a ``workflow`` error naming its row, with the refusal's own sentence in
    ``params["reason"]`` (and in ``expected``); the result is returned with those errors (and nothing
    written), or unchanged when everything was written.
    """
    problems: list[RowError] = []
    try:
        with transaction.atomic(), operation("import"):
            for row in result.rows:
                try:
                    write_row(row)
                except catch as error:
                    message = (
                        getattr(error, "message", "")
                        or "; ".join(getattr(error, "messages", []))
                        or str(error)
                    )
                    reason = str(message)
                    problems.append(RowError(row.row, column, "", reason, "workflow", {"reason": reason}))
            if problems:
                raise _Rollback
    except _Rollback:
        return replace(result, errors=tuple(problems))
    return result
