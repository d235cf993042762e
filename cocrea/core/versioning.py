"""Optimistic locking: an edit based on a stale copy is refused, never silently lost.

Every edited model carries an ``edit_version``. A staff edit names the version it started from;
:func:`save_edit` locks the row, compares, applies and bumps the version in one transaction, so
two people saving from the same version cannot both win. The admin does the same check in its
form (:class:`VersionedAdminMixin`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _


class Versioned(models.Model):
    edit_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """Someone else saved the object after this edit began."""

    def __init__(self, current: models.Model, changed: list[tuple[str, Any, Any]]) -> None:
        super().__init__("stale edit")
        self.current = current
        self.changed = changed


def _differences(current: models.Model, basis: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    changed = []
    for name, value in basis.items():
        try:
            field = current._meta.get_field(name)
        except Exception:  # noqa: S112 - not a model field (e.g. a form-only field)
            continue
        if field.many_to_many or field.one_to_many:
            continue
        now = getattr(current, getattr(field, "attname", name), None)
        if now != value:
            changed.append((str(getattr(field, "verbose_name", name)), value, now))
    return changed


@transaction.atomic
def save_edit(
    model: type[models.Model],
    pk: Any,
    expected_version: int,
    changes: dict[str, Any],
    basis: dict[str, Any] | None = None,
) -> models.Model:
    """Apply ``changes`` to the row if it is still at ``expected_version``; else :class:`StaleEdit`.

    ``basis`` holds the values the editor saw, to report what the other person changed.
    """
    current = model._default_manager.select_for_update().get(pk=pk)
    if current.edit_version != expected_version:  # type: ignore[attr-defined]
        raise StaleEdit(current, _differences(current, basis or {}))
    for name, value in changes.items():
        setattr(current, name, value)
    current.edit_version += 1  # type: ignore[attr-defined]
    current.save()
    return current


@transaction.atomic
def save_edit_with_reason(
    model: type[models.Model],
    pk: Any,
    expected_version: int,
    changes: dict[str, Any],
    *,
    reason_field: str,
    reason: str,
    basis: dict[str, Any] | None = None,
) -> models.Model:
    """:func:`save_edit` for a correction that states why: ``reason`` is stored in ``reason_field``
    and the audit entry of this edit always carries it.

    The trail records the fields a save changed; a reason given twice in a row would not change
    the field and would be missing from the second entry. When the stored reason is the same, it is
    first emptied, in the same transaction and audit operation, so that the edit's one entry reads
    ``[reason, reason]`` (entries of one operation are folded together): call it inside
    :func:`cocrea.audit.context.operation`, as services do."""
    current = model._default_manager.select_for_update().get(pk=pk)
    if current.edit_version != expected_version:  # type: ignore[attr-defined]
        raise StaleEdit(current, _differences(current, basis or {}))
    if getattr(current, reason_field) == reason:
        setattr(current, reason_field, "")
        current.save(update_fields=[reason_field])
    return save_edit(model, pk, expected_version, {**changes, reason_field: reason}, basis)


def stale_message(changed: list[tuple[str, Any, Any]]) -> str:
    if not changed:
        return _(
            "Otra persona guardó este registro mientras usted lo editaba. Sus cambios no se "
            "guardaron: vuelva a abrirlo para ver los valores actuales."
        )
    details = "; ".join(
        _("%(field)s: «%(before)s» → «%(after)s»") % {"field": f, "before": b, "after": a}
        for f, b, a in changed
    )
    return _(
        "Otra persona guardó este registro mientras usted lo editaba. Sus cambios no se "
        "guardaron. Lo que cambió: %(details)s."
    ) % {"details": details}


class VersionedAdminMixin:
    """Adds the version the editor started from to the admin form and refuses stale saves."""

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if kwargs.get("fields"):
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "edit_version"]
        base = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]

        class VersionedForm(base):  # type: ignore[misc, valid-type]
            edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, **inner)
                if self.instance.pk:
                    self.fields["edit_version"].initial = self.instance.edit_version
                    self.fields["edit_version"].required = True

            def clean(self) -> Any:
                cleaned = super().clean()
                submitted = cleaned.get("edit_version")
                if self.instance.pk and submitted is not None:
                    current = (
                        type(self.instance)._default_manager.select_for_update().get(pk=self.instance.pk)
                    )
                    if current.edit_version != submitted:
                        raise ValidationError(stale_message(_differences(current, self.initial)))
                return cleaned

        return VersionedForm

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.edit_version += 1
        super().save_model(request, obj, form, change)  # type: ignore[misc]
