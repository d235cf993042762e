"""Merging the records of one person that the registry holds twice, and undoing a merge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.computations.matching import propose_merges
from cocrea.core.actors import acting_user
from cocrea.participation.models import Attendance, Consent, Membership, Person, PersonMerge, Registration
from cocrea.participation.summary import batch

if TYPE_CHECKING:
    from cocrea.participation.services._checks import Actor


def is_proposed_duplicate(keep: Person, duplicate: Person) -> bool:
    """The comparison that fills the duplicates screen would propose this pair."""
    return bool(
        propose_merges([(keep.pk, keep.name, keep.email), (duplicate.pk, duplicate.name, duplicate.email)])
    )


MERGED_ROWS = ("attendance", "registrations", "memberships", "consents")


@transaction.atomic
def merge_people(keep: Person, duplicate: Person, *, by: Actor | None, confirmed: bool = False) -> Person:
    """Fold ``duplicate`` into ``keep``: attendance, registrations, memberships and consents move;
    the duplicate stays, marked as merged, so the history is kept (and audited), and the merge is
    recorded (:class:`PersonMerge`) so that :func:`unmerge_people` can undo it.

    A person acting (``by``) may merge only a pair the comparison proposes, or one they confirm
    by hand (``confirmed``, administrators and coordinators), and must hold the merge rule. An
    account never moves: the duplicate must not have one (merge the other way round), so nobody's
    account ever shows another person's data. Rows the kept person already has (the same meeting,
    organisation and role) stay on the duplicate; they count once, under the person kept.
    """
    keep, duplicate = (Person.objects.select_for_update().get(pk=p.pk) for p in (keep, duplicate))
    if keep.pk == duplicate.pk or duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("Estas personas no se pueden fusionar."))
    if keep.anonymised_at or duplicate.anonymised_at:
        raise ValidationError(_("Una persona anonimizada no se fusiona."))
    proposed = is_proposed_duplicate(keep, duplicate)
    if by is not None:
        if not by.has_perm("participation.merge_person", keep) or not by.has_perm(
            "participation.merge_person", duplicate
        ):
            raise PermissionDenied
        if not proposed and not confirmed:
            raise ValidationError(
                _(
                    "«%(a)s» y «%(b)s» no parecen la misma persona: solo se fusionan los duplicados "
                    "propuestos, o los que usted confirme expresamente."
                )
                % {"a": keep.name, "b": duplicate.name}
            )
    if duplicate.user_id is not None:
        raise ValidationError(
            _(
                "«%(duplicate)s» tiene una cuenta en Cocrea: una cuenta no pasa a otra persona. "
                "Fusione «%(keep)s» en «%(duplicate)s»."
            )
            % {"duplicate": duplicate.name, "keep": keep.name}
        )
    moved: dict[str, list[int]] = {name: [] for name in MERGED_ROWS}
    copied: dict[str, str] = {}
    # Each save below refreshes the participation summary; the batch does it once, at the end.
    with operation("web"), batch():
        for attendance in duplicate.attendance.all():
            if not keep.attendance.filter(meeting=attendance.meeting_id).exists():
                attendance.person = keep
                attendance.save()
                moved["attendance"].append(attendance.pk)
        for registration in duplicate.registrations.all():
            if not keep.registrations.filter(meeting=registration.meeting_id).exists():
                registration.person = keep
                registration.save()
                moved["registrations"].append(registration.pk)
        for membership in duplicate.memberships.all():
            if not keep.memberships.filter(
                organization=membership.organization_id, role=membership.role
            ).exists():
                membership.person = keep
                membership.save()
                moved["memberships"].append(membership.pk)
        for consent in duplicate.consents.all():
            consent.person = keep
            consent.save()
            moved["consents"].append(consent.pk)
        for field_name in ("email", "phone", "display_name"):
            if not getattr(keep, field_name) and getattr(duplicate, field_name):
                setattr(keep, field_name, getattr(duplicate, field_name))
                copied[field_name] = getattr(duplicate, field_name)
        keep.edit_version += 1
        keep.save()
        duplicate.merged_into = keep
        duplicate.edit_version += 1
        duplicate.save()
        PersonMerge.objects.create(
            keep=keep,
            duplicate=duplicate,
            merged_by=acting_user(by),
            proposed=proposed,
            moved=moved,
            copied=copied,
        )
    return keep


@transaction.atomic
def unmerge_people(duplicate: Person, *, by: Actor | None) -> Person:
    """Undo the last merge of ``duplicate``: the rows that moved go back, the contact fields copied
    onto the person kept are cleared (where nobody changed them since), the duplicate is a person
    of its own again. Recorded on the merge and in the audit trail."""
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    merge = (
        PersonMerge.objects.select_for_update()
        .filter(duplicate=duplicate, undone_at=None)
        .select_related("keep")
        .first()
    )
    if merge is None or duplicate.merged_into_id != merge.keep_id:
        raise ValidationError(_("Esta persona no está fusionada: no hay nada que deshacer."))
    keep = merge.keep
    if by is not None and not (
        by.has_perm("participation.merge_person", keep)
        and by.has_perm("participation.merge_person", duplicate)
    ):
        raise PermissionDenied
    if keep.anonymised_at or duplicate.anonymised_at:
        raise ValidationError(_("Una persona anonimizada no se separa."))
    models: dict[str, type[Attendance | Registration | Membership | Consent]] = {
        "attendance": Attendance,
        "registrations": Registration,
        "memberships": Membership,
        "consents": Consent,
    }
    with operation("web"), batch():
        for name, model in models.items():
            for row in model.objects.filter(pk__in=merge.moved.get(name, []), person=keep):
                row.person = duplicate
                row.save()
        for field_name, value in merge.copied.items():
            if getattr(keep, field_name) == value:
                setattr(keep, field_name, "")
        keep.edit_version += 1
        keep.save()
        duplicate.merged_into = None
        duplicate.edit_version += 1
        duplicate.save()
        merge.undone_at = timezone.now()
        merge.undone_by = acting_user(by)
        merge.save()
    return duplicate
