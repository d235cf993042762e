"""Importing a work plan into a milestone, and importing it again without losing what people added.

- :mod:`.document`: what a parsed document says, item by item, each with the identifier that
  matches it to its row on the next import (an activity's number, a meeting's kind and number…).
- :mod:`.sync`: the writing. Only rows that came from the document are updated or removed; a
  staff edit of an imported field is kept and reported (unless ``overwrite``); an item the
  document dropped is listed and removed only when the person confirms, and archived instead
  when something hangs from it.
- :mod:`.report`: what an import did or would do (counts, removals, conflicts).

:func:`cocrea.plans.services.import_plan` is the entry point.
"""

from cocrea.plans.importer.report import Conflict, ImportReport, Removal

__all__ = ["Conflict", "ImportReport", "Removal"]
