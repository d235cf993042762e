"""What an import did or would do, in whole sentences of the reader's language (CLI and screens)."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.plans.importer.report import ARCHIVED, Conflict, ImportReport, Removal


def named(label: str, shown: str, title: str) -> str:
    """``Actividad 05 «Elaboración del Plan de Trabajo.»``; a meeting by its title alone."""
    if shown:
        return _("%(kind)s %(identifier)s «%(title)s»") % {
            "kind": capfirst(label),
            "identifier": shown,
            "title": title,
        }
    return _("%(kind)s «%(title)s»") % {"kind": capfirst(label), "title": title}


def counts(report: ImportReport) -> str:
    totals = report.totals()
    return (
        _("%(created)s creados, %(updated)s actualizados, %(deleted)s eliminados, %(archived)s archivados.")
        % totals
    )


def what_hangs(removal: Removal) -> str:
    """``inscripciones: 1, asistencia: 2; datos del personal: lugar`` or ``nada``."""
    parts = [
        _("%(what)s: %(count)s") % {"what": what, "count": count}
        for what, count in removal.dependents.items()
    ]
    if removal.staff_fields:
        parts.append(_("datos del personal: %(fields)s") % {"fields": ", ".join(removal.staff_fields)})
    return "; ".join(parts) if parts else _("nada")


def removal_line(removal: Removal) -> str:
    """One line of a list of removals: what it is, what hangs from it, what happens (or happened)."""
    values = {"item": named(removal.label, removal.shown, removal.title), "held": what_hangs(removal)}
    if removal.applied and removal.action == ARCHIVED:
        return _("%(item)s (tiene %(held)s): se archivó; su página y su historial se conservan.") % values
    if removal.applied:
        return _("%(item)s: se eliminó.") % values
    if removal.action == ARCHIVED:
        return (
            _(
                "%(item)s (tiene %(held)s): si se confirma, se archivará; "
                "su página y su historial se conservan."
            )
            % values
        )
    return _("%(item)s (no tiene registros): si se confirma, se eliminará.") % values


def pending_sentence(report: ImportReport, confirm_with: str) -> str:
    """Said when items the document dropped were left in place; ``confirm_with`` says how to
    confirm (the CLI option, or the screen's button)."""
    count = len(report.pending)
    return ngettext(
        "%(count)s elemento ya no está en el documento y se dejó en su lugar: %(how)s",
        "%(count)s elementos ya no están en el documento y se dejaron en su lugar: %(how)s",
        count,
    ) % {"count": count, "how": confirm_with}


def conflict_line(conflict: Conflict) -> str:
    values = {
        "item": named(conflict.label, conflict.shown, conflict.title),
        "field": conflict.field_label,
        "staff": conflict.staff_value,
        "document": conflict.document_value,
    }
    if not conflict.field:
        if conflict.overwritten:
            return _("%(item)s: el personal lo eliminó; se creó de nuevo desde el documento.") % values
        return _("%(item)s: el personal lo eliminó; el documento lo incluye («%(document)s»).") % values
    if conflict.overwritten:
        return (
            _(
                "%(item)s, %(field)s: el personal puso «%(staff)s»; se reemplazó por lo "
                "que dice el documento, «%(document)s»."
            )
            % values
        )
    return _("%(item)s, %(field)s: el personal puso «%(staff)s», el documento dice «%(document)s».") % values


def conflicts_heading(report: ImportReport) -> str:
    count = len(report.conflicts)
    if any(c.overwritten for c in report.conflicts):
        return ngettext(
            "%(count)s diferencia entre lo que registró el personal y el documento: se aplicó el documento.",
            "%(count)s diferencias entre lo que registró el personal y el documento: se aplicó el documento.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)s diferencia entre lo que registró el personal y el documento: se conservó el valor "
        "del personal.",
        "%(count)s diferencias entre lo que registró el personal y el documento: se conservaron los "
        "valores del personal.",
        count,
    ) % {"count": count}


def removal_consequence(removal: Removal) -> str:
    """What confirming does to one item, for the confirmation page."""
    values = {"item": named(removal.label, removal.shown, removal.title), "held": what_hangs(removal)}
    if removal.action == ARCHIVED:
        return (
            _(
                "%(item)s: se archivará, porque tiene %(held)s. Deja las "
                "listas, el cronograma y las cifras; su página y su historial se conservan."
            )
            % values
        )
    return _("%(item)s: se eliminará (no tiene registros).") % values
