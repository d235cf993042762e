"""All-or-nothing writing of validated spreadsheet rows (progress, expenditures, attendance…)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.db import transaction

from cocrea.audit.context import operation
from cocrea.computations.sheets import RowError
from cocrea.core.jobs import progress


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
    written), or unchanged when everything was written. The error names ``column`` by its header as
    written in the file (``params["header"]``), or no column when the file has none of that name.
    """
    problems: list[RowError] = []
    headings = getattr(result, "headings", None) or {}
    where = {"header": headings[column]} if column in headings else {}
    named = column if not headings or column in headings else ""
    try:
        with transaction.atomic(), operation("import"):
            total = len(result.rows)
            for number, row in enumerate(result.rows, 1):
                progress(number, total)  # a background job's page, or a command's progress bar
                try:
                    write_row(row)
                except catch as error:
                    message = (
                        getattr(error, "message", "")
                        or "; ".join(getattr(error, "messages", []))
                        or str(error)
                    )
                    reason = str(message)
                    problems.append(
                        RowError(row.row, named, "", reason, "workflow", {"reason": reason, **where})
                    )
            if problems:
                raise _Rollback
    except _Rollback:
        return replace(result, errors=tuple(problems))
    return result


def refuse_what_they_may_not_change(
    result: Any, by: Any, action: str, target: Callable[[Any], Any], column: str, reason: Callable[[Any], str]
) -> Any:
    """Each row whose ``target`` (an activity, a budget line) ``by`` may not change (the rule
    ``action``) becomes a ``workflow`` error naming ``column``; the result is unchanged when there is
    none, or ``by`` is None (the command line). The rule is asked once per target."""
    if by is None:
        return result
    allowed: dict[Any, bool] = {}
    headings = getattr(result, "headings", None) or {}
    where = {"header": headings[column]} if column in headings else {}
    problems: list[RowError] = []
    for row in result.rows:
        found = target(row)
        if found.pk not in allowed:
            allowed[found.pk] = bool(by.has_perm(action, found))
        if not allowed[found.pk]:
            text = reason(found)
            problems.append(RowError(row.row, column, "", text, "workflow", {"reason": text, **where}))
    return replace(result, errors=tuple(problems)) if problems else result


class _Rehearsed(Exception):
    def __init__(self, result: Any) -> None:
        super().__init__("rehearsed")
        self.result = result


def rehearse_all(
    result: Any,
    write_row: Callable[[Any], object],
    catch: tuple[type[Exception], ...],
    column: str,
) -> Any:
    """:func:`write_all_or_nothing`, then everything rolled back: the problems the writing finds
    (a refused row), for a preview, and nothing written."""
    try:
        with transaction.atomic():
            raise _Rehearsed(write_all_or_nothing(result, write_row, catch, column))
    except _Rehearsed as rehearsed:
        return rehearsed.result
