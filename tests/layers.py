"""Database states built once per test process and put in place for each test in a few statements.

Importing the seed plan through the real service takes about a quarter of a second, and the sample
co-creation a second and a half; most database tests want the first, a few dozen the second. A
:class:`Layer` records what building a state changed in the database (the rows added, changed and
removed, table by table) so that the state can be put in place, or taken away, with plain INSERT,
UPDATE and DELETE statements instead of running the services again.

Rows go in raw, as fixtures do: no signals (so no audit entries beyond those the real build wrote,
which are rows of the layer themselves), no ``auto_now`` stamping, the same primary keys. Foreign
keys to content types and permissions are kept by natural key, because Django creates those rows
again, with new ids, when it empties the database after a transactional test.

The conftest builds the seed once per process, right after the test database is created, and
commits it; each test then runs in its own transaction as before. See ``tests/conftest.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.sql import InsertQuery

T = TypeVar("T")
Row = dict[str, Any]
Rows = dict[type[models.Model], dict[Any, Row]]

# Rows Django itself creates again (new ids) after emptying the database: referred to by natural key.
BY_NATURAL_KEY: tuple[type[models.Model], ...] = (ContentType, Permission)
CHUNK = 500  # primary keys per DELETE ... IN (...), under SQLite's limit on parameters


def _models() -> list[type[models.Model]]:
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model not in BY_NATURAL_KEY
    ]
    for model in found:
        assert not model._meta.parents, f"{model.__name__}: multi-table inheritance is not handled here"
    return found


def _natural_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one and f.related_model in BY_NATURAL_KEY  # type: ignore[attr-defined]
    ]


def every_row(using: str = DEFAULT_DB_ALIAS) -> Rows:
    """Every row of every table of the project's models, keyed by primary key."""
    rows: Rows = {}
    for model in _models():
        names = [f.attname for f in model._meta.concrete_fields]
        pk = model._meta.pk.attname  # type: ignore[union-attr]
        table = {row[pk]: row for row in model._base_manager.using(using).values(*names)}
        for f in _natural_fields(model):
            keys = _natural_keys(f.related_model, using)  # type: ignore[arg-type]
            for row in table.values():
                if row[f.attname] is not None:
                    row[f.attname] = ("natural key", keys[row[f.attname]])
        rows[model] = table
    return rows


def _natural_keys(model: type[models.Model], using: str) -> dict[Any, tuple[Any, ...]]:
    objects: Any = model._base_manager.using(using)
    if model is Permission:
        objects = objects.select_related("content_type")
    return {obj.pk: obj.natural_key() for obj in objects}


@dataclass
class Layer:
    """What building a state changed: rows added, changed (before, after) and removed, per model."""

    added: dict[type[models.Model], list[Row]] = field(default_factory=dict)
    changed: dict[type[models.Model], list[tuple[Row, Row]]] = field(default_factory=dict)
    removed: dict[type[models.Model], list[Row]] = field(default_factory=dict)

    @classmethod
    def record(cls, build: Callable[[], T], using: str = DEFAULT_DB_ALIAS) -> tuple[Layer, T]:
        before = every_row(using)
        result = build()
        after = every_row(using)
        layer = cls()
        for model, rows in after.items():
            old = before[model]
            if added := [row for pk, row in rows.items() if pk not in old]:
                layer.added[model] = added
            if changed := [(old[pk], row) for pk, row in rows.items() if pk in old and old[pk] != row]:
                layer.changed[model] = changed
            if removed := [row for pk, row in old.items() if pk not in rows]:
                layer.removed[model] = removed
        return layer, result

    def present(self, using: str = DEFAULT_DB_ALIAS) -> bool:
        """Whether the layer's rows are in the database (one query: its first added row)."""
        model, rows = next(iter(self.added.items()))
        return model._base_manager.using(using).filter(pk=rows[0][model._meta.pk.attname]).exists()  # type: ignore[union-attr]

    def apply(self, using: str = DEFAULT_DB_ALIAS) -> None:
        """Put the state in place (on the state the layer was recorded from)."""
        after = {model: [a for _b, a in pairs] for model, pairs in self.changed.items()}
        _put(insert=self.added, update=after, delete=self.removed, using=using)

    def undo(self, using: str = DEFAULT_DB_ALIAS) -> None:
        """Take the state away: back to what the layer was recorded from."""
        before = {model: [b for b, _a in pairs] for model, pairs in self.changed.items()}
        _put(insert=self.removed, update=before, delete=self.added, using=using)


def _resolved(model: type[models.Model], row: Row) -> Row:
    fields = _natural_fields(model)
    if not fields:
        return row
    row = dict(row)
    for f in fields:
        value = row[f.attname]
        if value is not None:
            target: Any = f.related_model
            row[f.attname] = target._default_manager.get_by_natural_key(*value[1]).pk
    return row


def _put(
    *,
    insert: dict[type[models.Model], list[Row]],
    update: dict[type[models.Model], list[Row]],
    delete: dict[type[models.Model], list[Row]],
    using: str,
) -> None:
    """Delete, update, insert; in one transaction (a savepoint inside a test's), so that the foreign
    keys, which Django declares deferred, are checked once everything is in place."""
    connection = connections[using]
    with transaction.atomic(using=using):
        for model, rows in delete.items():
            pk = model._meta.pk.attname  # type: ignore[union-attr]
            keys = [row[pk] for row in rows]
            for start in range(0, len(keys), CHUNK):
                model._base_manager.using(using).filter(pk__in=keys[start : start + CHUNK])._raw_delete(using)
        for model, rows in update.items():
            pk = model._meta.pk.attname  # type: ignore[union-attr]
            for row in rows:
                row = _resolved(model, row)
                values = {name: value for name, value in row.items() if name != pk}
                model._base_manager.using(using).filter(pk=row[pk]).update(**values)
        for model, rows in insert.items():
            fields = list(model._meta.concrete_fields)
            objects = [model(**_resolved(model, row)) for row in rows]
            batch = max(1, connection.ops.bulk_batch_size(fields, objects))
            for start in range(0, len(objects), batch):
                query = InsertQuery(model)
                query.insert_values(fields, objects[start : start + batch], raw=True)
                query.get_compiler(using=using).execute_sql()


@contextmanager
def rolled_back(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction that is always rolled back (Django's test transactions are built the same way)."""
    atomic = transaction.atomic(using=using)
    atomic._from_testcase = True  # type: ignore[attr-defined]  # durable blocks may nest, as in a test
    with atomic:
        try:
            yield
        finally:
            transaction.set_rollback(True, using=using)


def copies(*objects: Any) -> Any:
    """Independent copies of the objects a build returned (shared references kept shared)."""
    return copy.deepcopy(objects)


def cache_contents() -> tuple[dict[str, Any], dict[str, Any]] | None:
    """What the default cache holds, when it is the in-process one (the tests' default); else None."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    backend = caches["default"]
    if not isinstance(backend, LocMemCache):
        return None
    with backend._lock:
        return dict(backend._cache), dict(backend._expire_info)


def restore_cache(contents: tuple[dict[str, Any], dict[str, Any]] | None) -> None:
    """Put back what :func:`cache_contents` read (on top of what the cache holds now)."""
    from django.core.cache import caches

    if contents is None:
        return
    backend: Any = caches["default"]
    values, expiry = contents
    with backend._lock:
        backend._cache.update(values)
        backend._expire_info.update(expiry)
