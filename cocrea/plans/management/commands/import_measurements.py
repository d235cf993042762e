"""``cocrea import-measurements FILE``: measurements of the indicators measured by hand, from a CSV
or XLSX, all or nothing.

Columns: ``indicator,date,value,evidence,note``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from cocrea.plans.management.commands._sheet_import import SheetImportCommand
from cocrea.plans.measurements import import_measurements


class Command(SheetImportCommand):
    help = "Importa mediciones de indicadores medidos a mano desde CSV o XLSX (todo o nada)."
    what = gettext_lazy("mediciones")

    def run_import(self, milestone: Any, data: bytes, by: Any, write: bool) -> Any:
        return import_measurements(milestone, data, by=by, write=write)
