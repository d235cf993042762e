"""The participation summary: who took part in each commitment's co-creation, kept up to date on
every write, so that indicator E reads small indexed tables instead of scanning attendance.

Tables (models in :mod:`cocrea.participation.models`):

- ``Participant``: one row per (commitment, canonical person), with the person's first day of
  taking part and their gender, sector and department, copied only while the person has an
  active consent for statistics (blank otherwise), and their public name, only while they
  consent to show it.
- ``ParticipantCount``: the participants counted by (commitment, first day, gender, sector,
  department), changed by the same refresh that changes ``Participant`` (an upsert that adds the
  difference): indicator E reads a few hundred rows whatever the number of people.
- ``ParticipantAffiliation``: one row per (commitment, canonical person, organisation), first day.
- ``ParticipantOrganization``: one row per (commitment, organisation), the earliest of its
  affiliations' first days, with copies of the organisation's kind and name (for the list by kind
  and name; saving an organisation updates them).

The canonical person is ``merged_into`` or the person itself (one level, as in the from-scratch
query), so merged duplicates count once; anonymised people still count. A ``first_day`` is None
when no row of the person has a date (a meeting with neither an actual date nor a planned month).

**Sources.** What counts as taking part comes from a registry of sources: a source is a function
``fn(person_ids, commitment_ids)`` returning rows ``(commitment_id, person_id, organization_id or
None, day or None)``, one per act of taking part by a (raw, possibly merged) person; ``None`` for
an argument means "all". Built in: attendance (day: the meeting's actual date, else its planned
month) and registrations confirmed or on the waiting list (day: the local date of the sign-up,
:func:`local_day`). Other apps add theirs with :func:`register_source`.

**Maintenance: signals for single writes, explicit calls for bulk writes.**

- Every ``save()``/``delete()`` of Attendance, Registration, Consent (and of the model a source
  registers with ``model=``) refreshes the person it belongs to, and the previous one when the
  person changed. Saving a Person refreshes it and whom it was and is merged into; deleting one
  also refreshes the people that were merged into it. A change of a meeting's date or milestone
  refreshes its attendees and registrants; a milestone moved to another commitment rebuilds both
  commitments. Deleting a commitment or an organisation removes its summary rows; saving an
  organisation updates the copies of its kind and name. Signals of raw
  saves (``loaddata``) are ignored: run ``cocrea rebuild-participation`` after loading fixtures.
- Writes that send no signals (``QuerySet.update()``, ``bulk_create()``, raw SQL) must call
  :func:`refresh_people` with the people concerned (or :func:`rebuild`) themselves.
- The refresh runs at once, in the caller's transaction (no ``on_commit``): the summary always
  equals :func:`cocrea.participation.figures.compute_from_scratch`, even before the commit, and
  rolls back with the write. Inside :func:`batch` refreshes are collected and run once, at the
  end of the block (merges and imports use it).
- ``cocrea rebuild-participation`` rebuilds every commitment from scratch.

Refreshing a person recomputes their rows from all sources and writes only the differences;
on PostgreSQL it first locks the people's rows, so that two refreshes of the same person run one
after the other and the second reads what the first committed.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from cocrea.core import pagecache
from cocrea.participation.models import (
    Attendance,
    Consent,
    Meeting,
    Participant,
    ParticipantAffiliation,
    ParticipantCount,
    ParticipantOrganization,
    Person,
    Registration,
)
from cocrea.plans.models import Commitment, Milestone, Organization

Row = tuple[int | None, int | None, int | None, date | None]
Source = Callable[[set[int] | None, set[int] | None], Iterable[Row]]

TAKING_PART = ("confirmed", "waiting")
CHUNK = 500  # ids per ``IN (...)``: well under every backend's parameter limit

_sources: dict[str, Source] = {}
_state = threading.local()


# --- Sources -----------------------------------------------------------------------------------


VERSION_KEY = "participation:version"


def participation_version() -> int:
    """Bumped by every write to participation data (see apps.ready and the summary's refresh)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def bump_participation_version(**kwargs: Any) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def register_source(fn: Source, *, model: Any = None, person_field: str = "person") -> Source:
    """Add a source of taking part. ``fn(person_ids, commitment_ids)`` returns rows
    ``(commitment_id, person_id, organization_id | None, day | None)``; ``None`` for an argument
    means all of them. With ``model``, saving or deleting one of its objects refreshes the person
    in its ``person_field`` (and the previous one when it changed). Registering the same function
    again replaces it. Existing data needs ``cocrea rebuild-participation`` once."""
    _sources[_key(fn)] = fn
    if model is not None:
        watch(model, person_field)
    return fn


def unregister_source(fn: Source, *, model: Any = None) -> None:
    """Remove a source (and stop watching ``model``); the summary keeps its rows until rebuilt."""
    _sources.pop(_key(fn), None)
    if model is not None:
        unwatch(model)


def sources() -> list[Source]:
    return list(_sources.values())


def _key(fn: Source) -> str:
    return f"{fn.__module__}.{getattr(fn, '__qualname__', repr(fn))}"


def local_day(moment: datetime | None) -> date | None:
    """The date of a moment in the platform's time zone (``TIME_ZONE``), as sources report days."""
    if moment is None:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment, timezone.get_default_timezone())
    return moment.date()


def attendance_rows(person_ids: set[int] | None, commitment_ids: set[int] | None) -> Iterable[Row]:
    """Attendance: the meeting's actual date, else its planned month."""

    rows = Attendance.objects.all()
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    if commitment_ids is not None:
        rows = rows.filter(meeting__milestone__commitment_id__in=commitment_ids)
    found = (
        rows.annotate(day=Coalesce("meeting__actual_date", "meeting__planned_month"))
        .order_by()
        .values_list("meeting__milestone__commitment_id", "person_id", "organization_id", "day")
    )
    return found.iterator(chunk_size=5000) if person_ids is None else found


def registration_rows(person_ids: set[int] | None, commitment_ids: set[int] | None) -> Iterable[Row]:
    """Registrations confirmed or on the waiting list: the local date of the sign-up."""

    rows = Registration.objects.filter(status__in=TAKING_PART)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    if commitment_ids is not None:
        rows = rows.filter(meeting__milestone__commitment_id__in=commitment_ids)
    found = rows.order_by().values_list(
        "meeting__milestone__commitment_id", "person_id", "organization_id", "created_at"
    )
    for commitment, person, organization, created_at in (
        found.iterator(chunk_size=5000) if person_ids is None else found
    ):
        yield commitment, person, organization, local_day(created_at)


BUILT_IN = (attendance_rows, registration_rows)
for _source in BUILT_IN:
    register_source(_source)


def _rows(person_ids: set[int] | None, commitment_ids: set[int] | None) -> Iterator[Row]:
    for source in sources():
        yield from source(person_ids, commitment_ids)


def _earliest(known: dict[Any, date | None], key: Any, day: date | None) -> None:
    if key not in known:
        known[key] = day
    elif day is not None:
        current = known[key]
        known[key] = day if current is None or day < current else current


def _collect(
    rows: Iterable[Row], canonical: dict[int, int]
) -> tuple[dict[tuple[int, int], date | None], dict[tuple[int, int, int], date | None]]:
    """First days per (commitment, canonical person) and per (commitment, person, organisation),
    from source rows; rows of people outside ``canonical`` (raw → canonical) are skipped."""
    people: dict[tuple[int, int], date | None] = {}
    affiliations: dict[tuple[int, int, int], date | None] = {}
    for commitment, person, organization, day in rows:
        canon = canonical.get(person) if person is not None else None
        if canon is None or commitment is None:
            continue
        _earliest(people, (commitment, canon), day)
        if organization is not None:
            _earliest(affiliations, (commitment, canon, organization), day)
    return people, affiliations


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _delete(model: Any, pks: list[int]) -> None:
    """Delete summary rows by primary key without the ORM's collector (no signals, no audit:
    these rows are derived data)."""
    for chunk in _chunks(pks):
        query = model.objects.filter(pk__in=chunk)
        query._raw_delete(query.db)


# --- Refreshing people -------------------------------------------------------------------------


def refresh_people(person_ids: Iterable[int | None]) -> None:
    """Recompute the summary rows of these people (and of whom they are merged into) from all
    sources; inside :func:`batch`, at the end of the block."""
    ids = {int(pk) for pk in person_ids if pk is not None}
    if not ids:
        return
    if getattr(_state, "depth", 0):
        _state.pending |= ids
        return
    with transaction.atomic(savepoint=False):
        changed = False
        for chunk in _chunks(ids):
            changed = _refresh(set(chunk)) or changed
    if changed:
        _bump()


@contextmanager
def batch() -> Iterator[None]:
    """Collect the refreshes asked for in the block and run them once at its end, in the same
    transaction (the block is atomic: if it fails, nothing was written, summary included)."""
    with transaction.atomic():
        depth = getattr(_state, "depth", 0)
        if not depth:
            _state.pending = set()
        _state.depth = depth + 1
        try:
            yield
        finally:
            _state.depth = depth
        if not depth:
            pending, _state.pending = _state.pending, set()
            refresh_people(pending)


def _details_of(
    canonical: set[int],
) -> dict[int, tuple[str, str, str, str]]:
    """What a canonical person's Participant rows copy: gender, sector and department (only with
    consent for statistics) and the public name (only with consent, if neither merged nor
    anonymised). People without either consent are left out (all blank)."""

    details: dict[int, tuple[str, str, str, str]] = {}
    for chunk in _chunks(canonical, 5000):
        consents = set(
            Consent.objects.filter(
                person__in=chunk,
                purpose__in=(Consent.Purpose.STATISTICS, Consent.Purpose.PUBLIC_NAME),
                withdrawn_at=None,
            ).values_list("person_id", "purpose")
        )
        if not consents:
            continue
        for pk, gender, sector, department, display_name, merged_into, anonymised_at in Person.objects.filter(
            pk__in={person for person, _ in consents}
        ).values_list(
            "pk", "gender", "sector", "department", "display_name", "merged_into_id", "anonymised_at"
        ):
            statistics = (pk, Consent.Purpose.STATISTICS) in consents
            public = (
                (pk, Consent.Purpose.PUBLIC_NAME) in consents and merged_into is None and not anonymised_at
            )
            details[pk] = (
                gender if statistics else "",
                sector if statistics else "",
                department if statistics else "",
                display_name if public else "",
            )
    return details


BLANK = ("", "", "", "")
PARTICIPANT_FIELDS = ["first_day", "gender", "sector", "department", "public_name"]


def _count_key(commitment: int, values: tuple[Any, ...]) -> tuple[int, date, str, str, str]:

    day, gender, sector, department = values[:4]
    return commitment, day if day is not None else ParticipantCount.UNDATED, gender, sector, department


def _participant(key: tuple[int, int], values: tuple[Any, ...]) -> Any:

    return Participant(
        commitment_id=key[0], person_id=key[1], **dict(zip(PARTICIPANT_FIELDS, values, strict=True))
    )


def _refresh(ids: set[int]) -> bool:

    canonical = ids | set(
        Person.objects.filter(pk__in=ids).exclude(merged_into=None).values_list("merged_into_id", flat=True)
    )
    if connection.features.has_select_for_update:
        # Refreshes of the same people wait for each other, and then read what the other committed
        # (SQLite needs nothing: its write transactions run one at a time).
        list(
            Person.objects.select_for_update(no_key=True)
            .filter(pk__in=canonical)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    contributors: dict[int, int] = {}  # raw person → canonical person
    for pk, merged_into in Person.objects.filter(
        Q(pk__in=canonical) | Q(merged_into__in=canonical)
    ).values_list("pk", "merged_into_id"):
        if (merged_into or pk) in canonical:
            contributors[pk] = merged_into or pk
    if contributors:
        people, affiliations = _collect(_rows(set(contributors), None), contributors)
    else:
        people, affiliations = {}, {}
    details = _details_of({person for _, person in people})

    wanted = {key: (day, *details.get(key[1], BLANK)) for key, day in people.items()}
    existing = {
        (commitment, person): (pk, tuple(values))
        for pk, commitment, person, *values in Participant.objects.filter(person__in=canonical).values_list(
            "pk", "commitment_id", "person_id", *PARTICIPANT_FIELDS
        )
    }
    counts: Counter[tuple[int, date, str, str, str]] = Counter()
    for key, (_, values) in existing.items():
        if wanted.get(key) != values:
            counts[_count_key(key[0], values)] -= 1
    for key, values in wanted.items():
        if key not in existing or existing[key][1] != values:
            counts[_count_key(key[0], values)] += 1
    changed = _apply(Participant, existing, wanted, _participant, PARTICIPANT_FIELDS)
    _add_counts(counts)

    existing_affiliations = {
        (commitment, person, organization): (pk, (day,))
        for pk, commitment, person, organization, day in ParticipantAffiliation.objects.filter(
            person__in=canonical
        ).values_list("pk", "commitment_id", "person_id", "organization_id", "first_day")
    }
    wanted_affiliations = {key: (day,) for key, day in affiliations.items()}
    touched = {
        key
        for key in existing_affiliations.keys() | wanted_affiliations.keys()
        if (existing_affiliations[key][1] if key in existing_affiliations else None)
        != wanted_affiliations.get(key)
    }
    if touched:
        _apply(
            ParticipantAffiliation,
            existing_affiliations,
            wanted_affiliations,
            lambda key, values: ParticipantAffiliation(
                commitment_id=key[0], person_id=key[1], organization_id=key[2], first_day=values[0]
            ),
            ["first_day"],
        )
        _refresh_organizations({(commitment, organization) for commitment, _, organization in touched})
    return changed or bool(touched)


def _apply(
    model: Any,
    existing: dict[Any, tuple[int, tuple[Any, ...]]],
    wanted: dict[Any, tuple[Any, ...]],
    build: Callable[[Any, tuple[Any, ...]], Any],
    fields: list[str],
) -> bool:
    """Write the differences between the rows there are and the rows there should be."""
    gone = [pk for key, (pk, _) in existing.items() if key not in wanted]
    updated = []
    for key, values in wanted.items():
        if key in existing and existing[key][1] != values:
            row = build(key, values)
            row.pk = existing[key][0]
            updated.append(row)
    new = [build(key, values) for key, values in wanted.items() if key not in existing]
    if gone:
        _delete(model, gone)
    if updated:
        model.objects.bulk_update(updated, fields, batch_size=CHUNK)
    if new:
        model.objects.bulk_create(new, batch_size=CHUNK)
    return bool(gone or updated or new)


def _add_counts(counts: Counter[tuple[int, date, str, str, str]]) -> None:
    """Add to the participant counts in one statement (an upsert: concurrent refreshes add up),
    then drop the counts that fell to zero."""

    rows = [key for key, people in counts.items() if people]
    if not rows:
        return
    table = connection.ops.quote_name(ParticipantCount._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 100):
            chunk = rows[start : start + 100]
            cursor.execute(
                f"INSERT INTO {table} (commitment_id, first_day, gender, sector, department, people) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s)'] * len(chunk))} "
                "ON CONFLICT (commitment_id, first_day, gender, sector, department) "
                f"DO UPDATE SET people = {table}.people + excluded.people",
                [
                    value
                    for commitment, day, gender, sector, department in chunk
                    for value in (
                        commitment,
                        adapt(day),
                        gender,
                        sector,
                        department,
                        counts[commitment, day, gender, sector, department],
                    )
                ],
            )
    query = ParticipantCount.objects.filter(commitment__in={key[0] for key in rows}, people=0)
    query._raw_delete(query.db)


def _refresh_organizations(pairs: set[tuple[int, int]]) -> None:
    """Recompute (commitment, organisation) rows from their affiliations."""

    commitments = {commitment for commitment, _ in pairs}
    for chunk in _chunks({organization for _, organization in pairs}):
        labels = {
            pk: (kind, name)
            for pk, kind, name in Organization.objects.filter(pk__in=chunk).values_list("pk", "kind", "name")
        }
        wanted = {
            (commitment, organization): (day, *labels[organization])
            for commitment, organization, day in ParticipantAffiliation.objects.filter(
                organization__in=chunk, commitment__in=commitments
            )
            .values_list("commitment_id", "organization_id")
            .annotate(day=Min("first_day"))
            .order_by()
            if (commitment, organization) in pairs and organization in labels
        }
        existing = {
            (commitment, organization): (pk, tuple(values))
            for pk, commitment, organization, *values in ParticipantOrganization.objects.filter(
                organization__in=chunk, commitment__in=commitments
            ).values_list("pk", "commitment_id", "organization_id", *ORGANIZATION_FIELDS)
            if (commitment, organization) in pairs
        }
        _apply(
            ParticipantOrganization,
            existing,
            wanted,
            lambda key, values: ParticipantOrganization(
                commitment_id=key[0],
                organization_id=key[1],
                **dict(zip(ORGANIZATION_FIELDS, values, strict=True)),
            ),
            ORGANIZATION_FIELDS,
        )


ORGANIZATION_FIELDS = ["first_day", "kind", "name"]


def _bump() -> None:

    bump_participation_version()
    # The summary is written in bulk (no signals): the pages that count people are old.
    pagecache.bump(pagecache.PEOPLE)


# --- Rebuilding from scratch -------------------------------------------------------------------

SUMMARY_MODELS = ("Participant", "ParticipantCount", "ParticipantAffiliation", "ParticipantOrganization")


def _insert(model: Any, fields: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert many rows at once (``executemany``: far quicker than ``bulk_create`` for a rebuild)."""

    columns = [model._meta.get_field(name) for name in fields]
    adapt = connection.ops.adapt_datefield_value
    dates = [i for i, field in enumerate(columns) if field.get_internal_type() == "DateField"]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(connection.ops.quote_name(field.column) for field in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for i in dates:
                values[i] = adapt(values[i])
            batch.append(values)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def rebuild(commitment_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Recompute the summary of these commitments (all of them by default) from all sources."""

    commitments = None if commitment_ids is None else set(commitment_ids)
    with transaction.atomic():
        rows = list(_rows(None, commitments))
        canonical: dict[int, int] = {}
        for chunk in _chunks({person for _, person, _, _ in rows if person is not None}, 5000):
            for pk, merged_into in Person.objects.filter(pk__in=chunk).values_list("pk", "merged_into_id"):
                canonical[pk] = merged_into or pk
        people, affiliations = _collect(rows, canonical)
        del rows
        details = _details_of({person for _, person in people})
        organizations: dict[tuple[int, int], date | None] = {}
        for (commitment, _, organization), day in affiliations.items():
            _earliest(organizations, (commitment, organization), day)
        counts: Counter[tuple[int, date, str, str, str]] = Counter(
            _count_key(commitment, (day, *details.get(person, BLANK)))
            for (commitment, person), day in people.items()
        )

        for name in SUMMARY_MODELS:
            query = apps.get_model("participation", name).objects.all()
            if commitments is not None:
                query = query.filter(commitment__in=commitments)
            query._raw_delete(query.db)
        _insert(
            Participant,
            ["commitment", "person", *PARTICIPANT_FIELDS],
            (
                (commitment, person, day, *details.get(person, BLANK))
                for (commitment, person), day in people.items()
            ),
        )
        _insert(
            ParticipantCount,
            ["commitment", "first_day", "gender", "sector", "department", "people"],
            ((*key, number) for key, number in counts.items()),
        )
        _insert(
            ParticipantAffiliation,
            ["commitment", "person", "organization", "first_day"],
            ((*key, day) for key, day in affiliations.items()),
        )
        labels: dict[int, tuple[str, str]] = {}
        for chunk in _chunks({organization for _, organization in organizations}, 5000):
            for pk, kind, name in Organization.objects.filter(pk__in=chunk).values_list("pk", "kind", "name"):
                labels[pk] = (kind, name)
        _insert(
            ParticipantOrganization,
            ["commitment", "organization", *ORGANIZATION_FIELDS],
            ((*key, day, *labels[key[1]]) for key, day in organizations.items() if key[1] in labels),
        )
    _bump()
    return {
        "participants": len(people),
        "affiliations": len(affiliations),
        "organizations": len(organizations),
    }


def _forget(field: str, pk: int, names: tuple[str, ...] = SUMMARY_MODELS) -> None:

    for name in names:
        query = apps.get_model("participation", name).objects.filter(**{field: pk})
        query._raw_delete(query.db)
    _bump()


# --- Signals -----------------------------------------------------------------------------------


def watch(model: Any, person_field: str = "person") -> None:
    """Refresh the person of every saved or deleted ``model`` object (and the previous person)."""
    attname = model._meta.get_field(person_field).attname
    uid = f"participation-summary-{model._meta.label_lower}"

    def before(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        instance._summary_previous_person = None
        if not raw and instance.pk is not None and not instance._state.adding:
            instance._summary_previous_person = (
                sender._default_manager.filter(pk=instance.pk).values_list(attname, flat=True).first()
            )

    def after(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if not raw:
            refresh_people({getattr(instance, attname), getattr(instance, "_summary_previous_person", None)})

    pre_save.connect(before, sender=model, dispatch_uid=f"{uid}-pre", weak=False)
    post_save.connect(after, sender=model, dispatch_uid=f"{uid}-save", weak=False)
    post_delete.connect(after, sender=model, dispatch_uid=f"{uid}-delete", weak=False)


def unwatch(model: Any) -> None:
    uid = f"participation-summary-{model._meta.label_lower}"
    pre_save.disconnect(sender=model, dispatch_uid=f"{uid}-pre")
    post_save.disconnect(sender=model, dispatch_uid=f"{uid}-save")
    post_delete.disconnect(sender=model, dispatch_uid=f"{uid}-delete")


def _person_before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    instance._summary_previous_merge = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._summary_previous_merge = (
            sender._default_manager.filter(pk=instance.pk).values_list("merged_into_id", flat=True).first()
        )


def _person_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not created:  # a new person has taken part in nothing yet
        refresh_people(
            {instance.pk, instance.merged_into_id, getattr(instance, "_summary_previous_merge", None)}
        )


def _person_before_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    # These people's merged_into is about to be set to NULL: they become canonical themselves.
    instance._summary_merged = list(
        sender._default_manager.filter(merged_into=instance.pk).values_list("pk", flat=True)
    )


def _person_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    refresh_people({instance.pk, instance.merged_into_id, *getattr(instance, "_summary_merged", [])})


DATE_FIELDS = ("milestone_id", "actual_date", "planned_month")


def _meeting_before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    instance._summary_previous_day = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._summary_previous_day = (
            sender._default_manager.filter(pk=instance.pk).values_list(*DATE_FIELDS).first()
        )


def _meeting_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:

    previous = getattr(instance, "_summary_previous_day", None)
    if raw or created or previous is None:
        return
    if tuple(previous) != tuple(getattr(instance, name) for name in DATE_FIELDS):
        refresh_people(
            set(Attendance.objects.filter(meeting=instance.pk).values_list("person_id", flat=True))
            | set(Registration.objects.filter(meeting=instance.pk).values_list("person_id", flat=True))
        )


def _milestone_before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    instance._summary_previous_commitment = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._summary_previous_commitment = (
            sender._default_manager.filter(pk=instance.pk).values_list("commitment_id", flat=True).first()
        )


def _milestone_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    previous = getattr(instance, "_summary_previous_commitment", None)
    if not raw and not created and previous is not None and previous != instance.commitment_id:
        rebuild({previous, instance.commitment_id})


def _commitment_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _forget("commitment_id", instance.pk)


def _organization_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:

    if not created:  # the copies of its kind and name
        ParticipantOrganization.objects.filter(organization=instance.pk).exclude(
            kind=instance.kind, name=instance.name
        ).update(kind=instance.kind, name=instance.name)


def _organization_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Every source row naming the organisation was set to NULL, or deleted, with it.
    _forget("organization_id", instance.pk, ("ParticipantAffiliation", "ParticipantOrganization"))


def connect() -> None:
    """Connect the signals that keep the summary up to date (from ParticipationConfig.ready)."""

    for model in (Attendance, Registration, Consent):
        watch(model)
    pre_save.connect(_person_before_save, sender=Person, dispatch_uid="participation-summary-person-pre")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="participation-summary-person")
    pre_delete.connect(
        _person_before_delete, sender=Person, dispatch_uid="participation-summary-person-pre-d"
    )
    post_delete.connect(_person_deleted, sender=Person, dispatch_uid="participation-summary-person-d")
    pre_save.connect(_meeting_before_save, sender=Meeting, dispatch_uid="participation-summary-meeting-pre")
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="participation-summary-meeting")
    pre_save.connect(
        _milestone_before_save, sender=Milestone, dispatch_uid="participation-summary-milestone-pre"
    )
    post_save.connect(_milestone_saved, sender=Milestone, dispatch_uid="participation-summary-milestone")
    post_delete.connect(
        _commitment_deleted, sender=Commitment, dispatch_uid="participation-summary-commitment"
    )
    post_delete.connect(
        _organization_deleted, sender=Organization, dispatch_uid="participation-summary-organization"
    )
    post_save.connect(
        _organization_saved, sender=Organization, dispatch_uid="participation-summary-organization-saved"
    )
