"""``cocrea import-progress FILE``: progress reports from a CSV or XLSX, all or nothing.

Columns: ``activity,date,percent_complete,status,actual_start,actual_end,note``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from cocrea.plans.execution import import_progress
from cocrea.plans.management.commands._sheet_import import SheetImportCommand


class Command(SheetImportCommand):
    help = "Importa reportes de avance desde CSV o XLSX (todo o nada)."
    what = gettext_lazy("avance")

    def run_import(self, milestone: Any, data: bytes, by: Any, write: bool) -> Any:
        return import_progress(milestone, data, by=by, write=write)
