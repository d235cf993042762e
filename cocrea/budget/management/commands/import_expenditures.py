"""``cocrea import-expenditures FILE``: expenditures from a CSV or XLSX, all or nothing.

Columns: ``budget_line,date,amount,description,reference``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from cocrea.budget.services import import_expenditures
from cocrea.plans.management.commands._sheet_import import SheetImportCommand


class Command(SheetImportCommand):
    help = "Importa gastos desde CSV o XLSX (todo o nada)."
    what = gettext_lazy("gastos")

    def run_import(self, milestone: Any, data: bytes, by: Any, write: bool) -> Any:
        return import_expenditures(milestone, data, by=by, write=write)
