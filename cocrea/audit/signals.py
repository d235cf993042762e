"""Record every ORM write to the audited models: create, update (field by field), delete, M2M.

Attached to ``pre_save``/``post_save``/``post_delete``/``m2m_changed`` so that every path that
writes through the ORM (web, admin, import, commands) is covered. Bulk ``QuerySet.update`` is
not seen by signals; services must not use it on audited models.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from cocrea.audit.context import _current, current_actor
from cocrea.audit.models import AuditEntry

AUDITED_APPS = {"plans", "budget", "participation", "accounts", "drafts", "catalogue"}
IGNORED_FIELDS = {"created_at", "updated_at", "password", "last_login", "sort_key", "content"}
REDACTED_FIELDS = {"email", "phone", "id_number"}


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return f"{value}"
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    return str(value)


def audited(model: type[models.Model]) -> bool:
    return model._meta.app_label in AUDITED_APPS and not model._meta.auto_created


def snapshot(instance: models.Model) -> dict[str, Any]:
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS or field.primary_key:
            continue
        values[field.name] = _value(getattr(instance, field.attname))
    return values


def _redact(name: str, value: Any) -> Any:
    return "•••" if name in REDACTED_FIELDS and value not in (None, "") else value


def _write(instance: models.Model, action: str, changes: dict[str, Any]) -> None:

    actor = current_actor()
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    key = (content_type.pk, str(instance.pk))
    if action != "delete" and key in actor.written:
        entry = AuditEntry.objects.filter(pk=actor.written[key]).first()
        if entry is not None:
            entry._amend(changes)
            return
    entry = AuditEntry.objects.create(
        actor=actor.user,
        actor_label=actor.label[:254],
        source=actor.source,
        action=action,
        content_type=content_type,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
    )
    if _current_scope_is_explicit():
        actor.written[key] = entry.pk


def _current_scope_is_explicit() -> bool:

    return _current.get() is not None


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not audited(sender):
        return
    previous = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._default_manager.filter(pk=instance.pk).first()
        previous = snapshot(old) if old is not None else None
    instance._audit_previous = previous  # type: ignore[attr-defined]


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not audited(sender):
        return
    current = snapshot(instance)
    previous = getattr(instance, "_audit_previous", None)
    if created or previous is None:
        changes = {k: [None, _redact(k, v)] for k, v in current.items() if v not in (None, "", [], {})}
        _write(instance, "create", changes)
        return
    changes = {
        k: [_redact(k, previous.get(k)), _redact(k, v)] for k, v in current.items() if previous.get(k) != v
    }
    if changes:
        _write(instance, "update", changes)


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not audited(sender):
        return
    current = snapshot(instance)
    _write(instance, "delete", {k: [_redact(k, v), None] for k, v in current.items() if v not in (None, "")})


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if reverse or not audited(type(instance)):
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    field = next((f for f in type(instance)._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    if action == "post_clear":
        return  # a clear is always followed by the adds of a set(); the removal is in pre_clear
    names = sorted(str(obj) for obj in model._default_manager.filter(pk__in=pk_set or ()))
    key = "added" if action == "post_add" else "removed"
    _write(instance, "update", {field.name: {key: names}})


def _pre_clear(
    sender: type[models.Model], instance: models.Model, action: str, reverse: bool, **kwargs: Any
) -> None:
    if reverse or action != "pre_clear" or not audited(type(instance)):
        return
    field = next((f for f in type(instance)._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    names = sorted(str(obj) for obj in getattr(instance, field.name).all())
    if names:
        _write(instance, "update", {field.name: {"removed": names}})


def connect() -> None:
    pre_save.connect(_pre_save, dispatch_uid="cocrea_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="cocrea_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="cocrea_audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="cocrea_audit_m2m")
    m2m_changed.connect(_pre_clear, dispatch_uid="cocrea_audit_m2m_clear")


__all__ = ["apps", "connect", "snapshot"]
