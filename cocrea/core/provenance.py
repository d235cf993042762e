"""Where a row of a work plan came from, and archiving instead of deleting.

A work plan is imported from a document (``cocrea import-plan``) and then lived in: staff add
meetings, people register for them, progress and spending are recorded. A re-import must change
only what came from the document, so each row says where it came from (:class:`FromDocument`,
``origin``): the importer writes ``document``; anything else (a screen, the admin, a sample) is
``staff`` by default, and an import never removes it.

An item that the document no longer lists, and that has something hanging from it
(registrations, progress reports, expenditures…), is archived rather than deleted
(:class:`Archivable`): ``archived_at`` and ``archived_by`` are set, its page and its history stay,
and the lists of its parent (``milestone.meetings``, ``milestone.activities``…: every related
manager) leave it out, so current lists, the schedule and the figures do not count it.
``Model.objects`` itself still finds it (a page by its id, the audit trail, the edit lock);
ask ``Model.objects.current()`` for the current ones in a query that does not go through a
parent.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    DOCUMENT = "document", _("Documento del plan")
    STAFF = "staff", _("Personal")


class FromDocument(models.Model):
    """A row that an import may have written: ``origin`` says whether it did."""

    origin = models.CharField(
        _("origen"), max_length=10, choices=Origin.choices, default=Origin.STAFF, editable=False
    )

    class Meta:
        abstract = True

    @property
    def from_document(self) -> bool:
        return self.origin == Origin.DOCUMENT


_M = TypeVar("_M", bound=models.Model)
_Q = TypeVar("_Q", bound="ArchivableQuerySet[Any]")


class ArchivableQuerySet(models.QuerySet[_M]):
    def current(self: _Q) -> _Q:
        """The rows that are not archived."""
        return self.filter(archived_at=None)

    def archived(self: _Q) -> _Q:
        return self.exclude(archived_at=None)


class ArchivableManager(models.Manager[_M]):
    """``Model.objects`` finds every row; a related manager (``milestone.meetings``, which Django
    builds from this class) lists only the current ones. Each archivable model declares
    ``objects = ArchivableManager.from_queryset(ItsQuerySet)()``."""

    def get_queryset(self) -> models.QuerySet[_M]:
        queryset = super().get_queryset()
        if hasattr(self, "core_filters"):  # a related manager: the rows of one parent
            return queryset.filter(archived_at=None)
        return queryset


class Archivable(models.Model):
    """A row that can be archived: kept, with its page and history, out of the current lists."""

    archived_at = models.DateTimeField(_("archivado"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("archivado por"),
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
