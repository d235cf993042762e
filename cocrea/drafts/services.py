"""Writes to co-creation: documents, versions and their text, contributions, responses, follows.

Every function is one atomic operation, audited through the ORM signals (the per-paragraph rows of
a version are written in bulk; the version's full Markdown, saved with it, carries the audit of
the text). Emails go out after the transaction commits.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.computations.draftdiff import match_paragraphs
from cocrea.computations.drafttext import (
    MAX_PARAGRAPHS,
    MAX_TEXT_CHARS,
    TABULAR_EXTENSIONS,
    DraftFormatError,
    ParsedDraft,
    looks_tabular,
    parse_markdown,
    render_markdown,
    to_markdown,
)
from cocrea.core.uploads import MAX_UPLOAD_BYTES
from cocrea.drafts import workflow
from cocrea.drafts.models import (
    CARRIED,
    AbuseReport,
    Contribution,
    Decision,
    Document,
    DocumentVersion,
    Follow,
    Paragraph,
    Response,
    Section,
    VersionState,
)
from cocrea.plans.models import Milestone

# Sent with {old paragraph pk: new paragraph pk} when a paragraph's text is carried into a new
# version or into a rewritten draft; the catalogue copies its links along.
paragraphs_carried = Signal()

TEXT_LIMIT = 10_000
OFFSET = 1_000_000
REMINDER_BEFORE = timedelta(days=2)
# A draft's file (DOCX or Markdown), on the staff import screen and with ``cocrea import-draft``: the
# upload limit. The text inside has its own limits (drafttext.MAX_PARAGRAPHS, MAX_TEXT_CHARS).
MAX_DRAFT_FILE_BYTES = MAX_UPLOAD_BYTES

# Codes of DraftFormatError that a limit raises: the editor's forms check them before anything else.
LIMIT_CODES = frozenset(
    {"too_many_paragraphs", "text_too_long", "docx_too_many_paragraphs", "file_too_large"}
)


def _number(value: int) -> str:
    from django.utils.formats import number_format

    return str(number_format(value, force_grouping=True))


def draft_error_message(error: DraftFormatError) -> str:
    """The sentence for a person, in the active language, for a draft that cannot be read.

    The limits and the refusal of data files are worded here by their code; other codes keep the
    reader's own (Spanish) sentence.
    """
    details = error.details
    figures: dict[str, Any] = {name: _number(value) for name, value in details.items()}
    if error.code == "too_many_paragraphs":
        message = _(
            "El texto tiene más de %(limit)s párrafos, el máximo de una versión: divídalo en varios "
            "documentos."
        )
    elif error.code == "text_too_long" and "found" in details:
        message = _(
            "El texto tiene %(found)s caracteres; el máximo de una versión es %(limit)s: divídalo en "
            "varios documentos."
        )
    elif error.code == "text_too_long":
        message = _(
            "El texto tiene más de %(limit)s caracteres, el máximo de una versión: divídalo en varios "
            "documentos."
        )
    elif error.code == "docx_too_many_paragraphs":
        message = _(
            "El documento tiene más de %(limit)s párrafos de Word (contando los vacíos y las celdas "
            "de las tablas): divídalo en partes más pequeñas."
        )
    elif error.code == "file_too_large":
        message = _("El archivo pesa %(size)s MB; el máximo es %(max)s MB.")
        figures = {
            "size": round(details.get("found", 0) / 1_048_576, 1),
            "max": details.get("limit", 0) // 1_048_576,
        }
    elif error.code == "tabular":
        message = _(
            "El archivo es una tabla de datos (CSV o parecido), no un borrador: importe el texto del "
            "documento como DOCX o Markdown."
        )
    else:
        return error.message
    return str(message) % figures


def _translated(error: DraftFormatError) -> DraftFormatError:
    return DraftFormatError(draft_error_message(error), error.code, error.details)


# --- documents and their text ------------------------------------------------------------------


def _unique_slug(milestone: Milestone, title: str) -> str:
    base = slugify(title)[:70] or "documento"
    slug, n = base, 2
    while Document.objects.filter(milestone=milestone, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _kind_from_title(title: str) -> str:
    words = slugify(title)
    if "marco" in words and "conceptual" in words:
        return Document.Kind.CONCEPTUAL_FRAMEWORK
    if "implementacion" in words or "implementation" in words:
        return Document.Kind.IMPLEMENTATION_PLAN
    if "estrategia" in words or "strategy" in words:
        return Document.Kind.STRATEGY
    return Document.Kind.OTHER


@transaction.atomic
def create_document(
    milestone: Milestone, title: str, *, kind: str | None = None, description: str = "", activity: Any = None
) -> Document:
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("El documento necesita un título."))
    with operation("web"):
        return Document.objects.create(
            milestone=milestone,
            title=title[:300],
            slug=_unique_slug(milestone, title),
            kind=kind or _kind_from_title(title),
            description=description,
            activity=activity,
        )


# "Estrategia … — Borrador 2", "Marco conceptual (versión final)", "Strategy, draft 3": the
# document's title, and the version's name.
VERSION_SUFFIX = re.compile(
    r"[\s\-–—:,.(\[]*\b((?:borrador|versi[oó]n|draft|version)\s*(?:n[oº°]?\.?\s*)?(?:\d+|final|preliminar))"
    r"[)\]]?\s*$",
    re.IGNORECASE,
)


def split_version_title(title: str) -> tuple[str, str]:
    """A file's title without the version it names, and that version's name ("" when none)."""
    title = " ".join(title.split())
    found = VERSION_SUFFIX.search(title)
    if not found or not title[: found.start()].strip():
        return title, ""
    label = found.group(1)
    return title[: found.start()].strip(), label[:1].upper() + label[1:]


def find_document(milestone: Milestone, title: str) -> Document | None:
    """The milestone's document with this title (case, accents and spacing ignored)."""
    wanted = slugify(title)
    for document in milestone.documents.all():
        if slugify(document.title) == wanted:
            return document
    return None


@dataclass
class _Block:
    section: int  # index into the parsed sections
    text: str


def _blocks(parsed: ParsedDraft) -> list[_Block]:
    return [_Block(i, text) for i, section in enumerate(parsed.sections) for text in section.paragraphs]


def _fit(text: str, limit: int) -> str:
    """A title that fits its column (PostgreSQL refuses longer ones), cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _previous(document: Document, before: int) -> DocumentVersion | None:
    return document.versions.filter(number__lt=before).order_by("-number").first()


def _write_content(version: DocumentVersion, parsed: ParsedDraft) -> None:
    """Make the version's sections and paragraphs those of ``parsed``, keeping identities.

    A block takes the key of the paragraph it matches, first among this version's own paragraphs
    (a draft being rewritten), then among the previous version's (a new version); otherwise it is
    new. Sections match by title, else by where most of their paragraphs came from.
    """
    own = list(version.paragraphs.select_related("section").order_by("position"))
    previous_version = _previous(version.document, version.number)
    earlier = (
        list(previous_version.paragraphs.select_related("section").order_by("position"))
        if previous_version
        else []
    )
    blocks = _blocks(parsed)
    texts = [b.text for b in blocks]
    keys: list[uuid.UUID | None] = [None] * len(blocks)
    origin: dict[int, Paragraph] = {}  # block index -> the paragraph it continues
    for new_index, old_index in match_paragraphs([p.text for p in own], texts).items():
        keys[new_index] = own[old_index].key
        origin[new_index] = own[old_index]
    taken = {k for k in keys if k is not None}
    rest = [i for i, k in enumerate(keys) if k is None]
    candidates = [p for p in earlier if p.key not in taken]
    if rest and candidates:
        found = match_paragraphs([p.text for p in candidates], [texts[i] for i in rest])
        for local, old_index in found.items():
            keys[rest[local]] = candidates[old_index].key
            origin[rest[local]] = candidates[old_index]
    keys = [k or uuid.uuid4() for k in keys]

    # Sections: by title among this version's, then the previous one's; else by majority of origin.
    own_sections = list(version.sections.all())
    earlier_sections = list(previous_version.sections.all()) if previous_version else []
    section_keys: list[uuid.UUID] = []
    used: set[uuid.UUID] = set()
    for index, parsed_section in enumerate(parsed.sections):
        title = " ".join(parsed_section.title.split()).casefold()
        key = next(
            (
                s.key
                for s in [*own_sections, *earlier_sections]
                if s.key not in used and " ".join(s.title.split()).casefold() == title
            ),
            None,
        )
        if key is None:
            votes = Counter(
                origin[i].section.key
                for i, b in enumerate(blocks)
                if b.section == index and i in origin and origin[i].section.key not in used
            )
            key = votes.most_common(1)[0][0] if votes else uuid.uuid4()
        used.add(key)
        section_keys.append(key)

    # Move the existing rows out of the way of the unique positions, then upsert.
    version.sections.update(position=F("position") + OFFSET)
    version.paragraphs.update(position=F("position") + OFFSET)
    existing_sections = {s.key: s for s in own_sections}
    sections: list[Section] = []
    for position, (parsed_section, key) in enumerate(zip(parsed.sections, section_keys, strict=True), 1):
        section = existing_sections.get(key) or Section(version=version, key=key)
        section.position, section.level = position, parsed_section.level
        section.title = _fit(parsed_section.title, Section._meta.get_field("title").max_length or 500)
        sections.append(section)
    Section.objects.bulk_update([s for s in sections if s.pk], ["position", "level", "title"])
    Section.objects.bulk_create([s for s in sections if not s.pk])
    sections = list(version.sections.filter(key__in=section_keys))
    by_key = {s.key: s for s in sections}

    existing = {p.key: p for p in own}
    numbers: Counter[int] = Counter()
    paragraphs: list[Paragraph] = []
    for position, (block, key) in enumerate(zip(blocks, keys, strict=True), 1):
        section = by_key[section_keys[block.section]]
        numbers[block.section] += 1
        paragraph = existing.get(key) or Paragraph(version=version, key=key)
        paragraph.section, paragraph.position, paragraph.number = section, position, numbers[block.section]
        if paragraph.text != block.text or not paragraph.html:
            paragraph.text, paragraph.html = block.text, render_markdown(block.text)
        paragraphs.append(paragraph)
    Paragraph.objects.bulk_update(
        [p for p in paragraphs if p.pk], ["section", "position", "number", "text", "html"], batch_size=500
    )
    Paragraph.objects.bulk_create([p for p in paragraphs if not p.pk], batch_size=500)
    version.paragraphs.exclude(key__in=keys).delete()
    version.sections.exclude(key__in=section_keys).delete()

    carried = {}
    new_ids = dict(version.paragraphs.values_list("key", "pk"))
    for index, source in origin.items():
        if source.version_id != version.pk:
            carried[source.pk] = new_ids[keys[index]]
    if carried:
        paragraphs_carried.send(sender=Paragraph, carried=carried)


def _next_label(document: Document, number: int) -> str:
    """Stored data, so in the site's language whatever language the request is in."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return _("Borrador %(number)s") % {"number": number}


@transaction.atomic
def create_version(
    document: Document,
    parsed: ParsedDraft,
    *,
    by: Any,
    source: str = "",
    label: str = "",
    notes: str = "",
) -> DocumentVersion:
    """The document's next version, in draft, with its text; identities carried from the last one."""
    if not parsed.sections or not any(s.paragraphs or s.title for s in parsed.sections):
        raise ValidationError(_("El texto no tiene secciones ni párrafos."))
    if sum(len(s.paragraphs) for s in parsed.sections) > MAX_PARAGRAPHS:
        error = DraftFormatError("", "too_many_paragraphs", {"limit": MAX_PARAGRAPHS})
        raise ValidationError(draft_error_message(error), code=error.code)
    markdown = to_markdown(parsed)
    if len(markdown) > MAX_TEXT_CHARS:
        error = DraftFormatError("", "text_too_long", {"limit": MAX_TEXT_CHARS, "found": len(markdown)})
        raise ValidationError(draft_error_message(error), code=error.code)
    Document.objects.select_for_update().filter(pk=document.pk).first()  # one numbering at a time
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    with operation("web"):
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            label=(label or _next_label(document, number))[:120],
            markdown=markdown,
            notes=notes,
            source=source[:120],
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        _write_content(version, parsed)
    return version


@transaction.atomic
def revise_draft(version: DocumentVersion, markdown: str, *, expected_version: int | None = None) -> None:
    """Rewrite a version that is still being drafted, from the editor's Markdown."""
    from cocrea.core.versioning import StaleEdit

    current = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(current, [])
    if current.state != VersionState.DRAFT:
        raise ValidationError(_("Solo se edita el texto de una versión en redacción."))
    try:
        parsed = parse_markdown(markdown)  # DraftFormatError for a text without blocks, or too long
    except DraftFormatError as error:
        raise _translated(error) from error
    with operation("web"):
        current.markdown = markdown
        current.version += 1
        current.save()
        _write_content(current, parsed)
    version.refresh_from_db()


@transaction.atomic
def transition_version(
    version: DocumentVersion,
    to: str,
    *,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> DocumentVersion:
    """Move the version through its workflow (see :mod:`cocrea.drafts.workflow`); audited.

    With ``expected_version``, a step decided on a stale page is refused (:class:`StaleEdit`)."""
    from cocrea.core.versioning import StaleEdit

    now = now or timezone.now()
    current = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(current, [])
    other_open = current.document.versions.filter(state=VersionState.OPEN).exclude(pk=current.pk).exists()
    try:
        workflow.check_transition(
            current.state, to, opens_at=opens_at, closes_at=closes_at, now=now, other_open=other_open
        )
    except workflow.WorkflowError as error:
        raise ValidationError(error.message) from error
    with operation("web"):
        previous = current.state
        current.state = to
        if to == VersionState.OPEN:
            current.opens_at, current.closes_at = opens_at or now, closes_at
            current.closed_at = None
            current.closing_reminder_sent_at = None
        elif to == VersionState.CLOSED:
            current.closed_at = now
            if current.closes_at is None or current.closes_at > now:
                current.closes_at = now
        elif to == VersionState.APPROVED:
            current.approved_at = now
        current.version += 1
        current.save()
    if to == VersionState.OPEN and previous == VersionState.DRAFT:
        transaction.on_commit(lambda: notify_followers_opened(current))
    version.refresh_from_db()
    return current


def close_due_consultations(now: datetime | None = None) -> int:
    """Close the consultations whose closing date has passed (the nightly command calls it)."""
    now = now or timezone.now()
    closed = 0
    for version in DocumentVersion.objects.filter(state=VersionState.OPEN, closes_at__lte=now):
        with operation("system"):
            transition_version(version, VersionState.CLOSED, now=now)
        closed += 1
    return closed


# --- contributions -----------------------------------------------------------------------------


def _clean_text(text: str, field: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise ValidationError({field: _("Escriba su aporte.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            {field: _("El texto es demasiado largo (máximo %(limit)s caracteres).") % {"limit": TEXT_LIMIT}}
        )
    return text


def represented_organizations(person: Any, day: Any = None) -> list[Any]:
    """The organisations the person represents on ``day`` (their memberships in force)."""
    from django.db.models import Q

    from cocrea.plans.models import Organization

    day = day or timezone.localdate()
    return list(
        Organization.objects.filter(
            Q(members__until=None) | Q(members__until__gte=day),
            Q(members__since=None) | Q(members__since__lte=day),
            members__person=person,
        )
        .distinct()
        .order_by("name")
    )


def is_open_now(version: DocumentVersion, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        version.state == VersionState.OPEN
        and (version.opens_at is None or version.opens_at <= now)
        and (version.closes_at is None or now < version.closes_at)
    )


@transaction.atomic
def contribute(
    version: DocumentVersion,
    person: Any,
    text: str,
    *,
    kind: str = Contribution.Kind.COMMENT,
    paragraph: Paragraph | None = None,
    section: Section | None = None,
    proposed_text: str = "",
    organization: Any = None,
    parent: Contribution | None = None,
) -> Contribution:
    """A comment (on the version, a section or a paragraph), a proposal, or a reply to either."""
    if not is_open_now(version):
        raise ValidationError(_("Esta versión no está abierta a consulta."))
    if person is None or person.anonymised_at is not None:
        raise ValidationError(_("Solo las personas registradas pueden aportar."))
    text = _clean_text(text, "text")
    if kind not in Contribution.Kind.values:
        raise ValidationError({"kind": _("Tipo de aporte desconocido.")})
    if paragraph is not None and paragraph.version_id != version.pk:
        raise ValidationError(_("El párrafo no pertenece a esta versión."))
    if section is not None and section.version_id != version.pk:
        raise ValidationError(_("La sección no pertenece a esta versión."))
    if paragraph is not None:
        section = None
    if parent is not None:
        if parent.version_id != version.pk or parent.parent_id is not None:
            raise ValidationError(_("Solo se responde a un aporte de primer nivel de esta versión."))
        if kind != Contribution.Kind.COMMENT:
            raise ValidationError({"kind": _("Una respuesta es un comentario.")})
        paragraph, section = parent.paragraph, parent.section
    if kind == Contribution.Kind.PROPOSAL:
        if paragraph is None:
            raise ValidationError({"kind": _("Una propuesta de redacción se hace sobre un párrafo.")})
        proposed_text = _clean_text(proposed_text, "proposed_text")
    else:
        proposed_text = ""
    if organization is not None and organization not in represented_organizations(person):
        raise ValidationError(
            {"organization": _("Solo puede hablar en nombre de una organización que representa.")}
        )
    with operation("web"):
        return Contribution.objects.create(
            version=version,
            paragraph=paragraph,
            section=section,
            parent=parent,
            kind=kind,
            text=text,
            proposed_text=proposed_text,
            person=person,
            organization=organization,
        )


@transaction.atomic
def report_abuse(contribution: Contribution, user: Any, reason: str) -> AbuseReport:
    reason = " ".join((reason or "").split())[:1000]
    if not reason:
        raise ValidationError({"reason": _("Indique por qué reporta este aporte.")})
    with operation("web"):
        report, _created = AbuseReport.objects.get_or_create(
            contribution=contribution, reporter=user, defaults={"reason": reason}
        )
    return report


@transaction.atomic
def hide_contribution(contribution: Contribution, *, by: Any, reason: str) -> Contribution:
    """A moderator hides a contribution; the reason is public, the text is no longer shown."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("El motivo es obligatorio y se muestra en público.")})
    with operation("web"):
        contribution.hidden_at, contribution.hidden_reason, contribution.hidden_by = (
            timezone.now(),
            reason,
            by,
        )
        contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        _resolve_reports(contribution)
    return contribution


@transaction.atomic
def restore_contribution(contribution: Contribution) -> Contribution:
    with operation("web"):
        contribution.hidden_at, contribution.hidden_reason, contribution.hidden_by = None, "", None
        contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    return contribution


def _resolve_reports(contribution: Contribution) -> int:
    """Each open report resolved with its own save, so that the audit trail records it."""
    reports = list(contribution.reports.filter(resolved_at=None))
    for report in reports:
        report.resolved_at = timezone.now()
        report.save(update_fields=["resolved_at"])
    return len(reports)


@transaction.atomic
def dismiss_reports(contribution: Contribution) -> int:
    """The moderator keeps the contribution visible: its open reports are resolved."""
    with operation("web"):
        return _resolve_reports(contribution)


# --- responses ---------------------------------------------------------------------------------


@transaction.atomic
def respond_to_contribution(
    contribution: Contribution,
    decision: str,
    reason: str,
    *,
    by: Any,
    resulting_paragraphs: Iterable[Paragraph] = (),
    expected_version: int | None = None,
) -> Response:
    """The reasoned response; accepted or partly accepted ones link the paragraphs that carry them."""
    from cocrea.core.versioning import StaleEdit

    if contribution.parent_id is not None:
        raise ValidationError(_("Se responde a los aportes de primer nivel, no a las respuestas del hilo."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Elija una decisión.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("La razón de la decisión es obligatoria.")})
    paragraphs = list(resulting_paragraphs)
    if paragraphs and decision not in CARRIED:
        raise ValidationError(
            {"resulting_paragraphs": _("Solo un aporte aceptado o aceptado en parte lleva a un cambio.")}
        )
    source = contribution.version
    for paragraph in paragraphs:
        if paragraph.version.document_id != source.document_id or paragraph.version.number <= source.number:
            raise ValidationError(
                {"resulting_paragraphs": _("Los párrafos deben ser de una versión posterior del documento.")}
            )
    with operation("web"):
        response = Response.objects.select_for_update().filter(contribution=contribution).first()
        first = response is None
        if response is None:
            response = Response(contribution=contribution)
        elif expected_version is not None and response.version != expected_version:
            raise StaleEdit(response, [])
        else:
            response.version += 1
        response.decision, response.reason = decision, reason
        response.responded_by = by if getattr(by, "is_authenticated", False) else None
        response.save()
        response.resulting_paragraphs.set(paragraphs)
    if first:
        transaction.on_commit(lambda: notify_answered(response))
    return response


# --- follows and emails ------------------------------------------------------------------------


@transaction.atomic
def follow_document(document: Document, user: Any) -> Follow:
    with operation("web"):
        found, _created = Follow.objects.get_or_create(document=document, user=user)
    return found


@transaction.atomic
def unfollow_document(document: Document, user: Any) -> None:
    with operation("web"):
        Follow.objects.filter(document=document, user=user).delete()


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(subject: str, body: str, recipients: Sequence[str]) -> int:
    from django.core.mail import EmailMessage, get_connection

    messages = [EmailMessage(subject, body, None, [to]) for to in recipients if to]
    if not messages:
        return 0
    return get_connection(fail_silently=True).send_messages(messages) or 0


def _followers(version: DocumentVersion) -> list[str]:
    return sorted(
        {
            email
            for email in version.document.followers.values_list("user__email", flat=True)
            if email and "@" in email
        }
    )


def _when(moment: datetime | None) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


def notify_followers_opened(version: DocumentVersion) -> int:
    return _send(
        _("Nueva versión abierta a consulta: %(document)s — %(version)s")
        % {"document": version.document.title, "version": version.label},
        _(
            "«%(version)s» de «%(document)s» está abierta a consulta hasta el %(closes)s. "
            "Lea el texto y deje sus comentarios: %(url)s"
        )
        % {
            "version": version.label,
            "document": version.document.title,
            "closes": _when(version.closes_at),
            "url": _absolute(version.get_absolute_url()),
        },
        _followers(version),
    )


def notify_answered(response: Response) -> int:
    contribution = response.contribution
    person = contribution.person
    email = person.email or (person.user.email if person.user_id else "")
    if person.anonymised_at or not email:
        return 0
    return _send(
        _("Su aporte recibió respuesta: %(document)s") % {"document": contribution.version.document.title},
        _("Decisión: %(decision)s.\n\n%(reason)s\n\nVea la respuesta: %(url)s")
        % {
            "decision": response.get_decision_display(),
            "reason": response.reason,
            "url": _absolute(contribution.get_absolute_url()),
        },
        [email],
    )


def send_closing_reminders(now: datetime | None = None) -> int:
    """Followers of a document hear, once, that its consultation closes within two days."""
    now = now or timezone.now()
    sent = 0
    due = DocumentVersion.objects.closing_between(now, now + REMINDER_BEFORE).filter(
        closing_reminder_sent_at=None
    )
    for version in due.select_related("document__milestone__commitment__action_plan"):
        sent += _send(
            _("La consulta cierra pronto: %(document)s — %(version)s")
            % {"document": version.document.title, "version": version.label},
            _("La consulta de «%(version)s» cierra el %(closes)s. Aún puede comentar: %(url)s")
            % {
                "version": version.label,
                "closes": _when(version.closes_at),
                "url": _absolute(version.get_absolute_url()),
            },
            _followers(version),
        )
        DocumentVersion.objects.filter(pk=version.pk).update(closing_reminder_sent_at=now)
    return sent


# --- importing a draft -------------------------------------------------------------------------


@dataclass
class DraftImport:
    document: Document
    version: DocumentVersion
    created_document: bool
    warnings: tuple[str, ...]
    kept: int  # paragraphs that continue one of the previous version
    new: int


def read_draft(data: bytes, filename: str = "") -> ParsedDraft:
    """A DOCX file (recognised by its content) or Markdown/plain text; DraftFormatError otherwise,
    its message in the active language for the limits (:func:`draft_error_message`).

    Refused: a file over :data:`MAX_DRAFT_FILE_BYTES`; a table of data given as text (a ``.csv`` or
    ``.tsv`` name, or content that :func:`~cocrea.computations.drafttext.looks_tabular`).
    """
    try:
        return _read_draft(data, filename)
    except DraftFormatError as error:
        raise _translated(error) from error


def _read_draft(data: bytes, filename: str) -> ParsedDraft:
    from pathlib import PurePath

    from cocrea.computations.drafttext import read_docx

    if len(data) > MAX_DRAFT_FILE_BYTES:
        raise DraftFormatError(
            "El archivo es demasiado grande.",
            "file_too_large",
            {"limit": MAX_DRAFT_FILE_BYTES, "found": len(data)},
        )
    if data.startswith(b"PK\x03\x04"):
        return read_docx(data)
    tabular = DraftFormatError("El archivo es una tabla de datos, no un borrador.", "tabular")
    if PurePath(filename).suffix.lower() in TABULAR_EXTENSIONS:
        raise tabular
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode": UTF-16 with its mark
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise DraftFormatError(_("El archivo no es un DOCX ni un texto Markdown."), "not_text") from error
    if b"\x00" in data:  # binary, and PostgreSQL cannot store NUL
        raise DraftFormatError(_("El archivo no es un DOCX ni un texto Markdown."), "not_text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # bytes that Windows-1252 leaves undefined
        raise DraftFormatError(_("El archivo no es un DOCX ni un texto Markdown."), "not_text")
    if looks_tabular(text):
        raise tabular
    return parse_markdown(text)


@transaction.atomic
def import_draft(
    milestone: Milestone,
    data: bytes,
    *,
    by: Any,
    filename: str = "",
    document_title: str = "",
    label: str = "",
    notes: str = "",
) -> DraftImport:
    """Import a draft: the document is found by its title (``document_title``, else the file's own
    title, else the file name); each import of the same document adds its next version."""
    from pathlib import PurePath

    parsed = read_draft(data, filename)
    title = (
        document_title.strip() or (parsed.title or "").strip() or PurePath(filename).stem.replace("-", " ")
    )
    title, named = split_version_title(title)
    if not title.strip():
        raise ValidationError(_("Indique el título del documento: el archivo no lo dice."))
    label = label or named
    document = find_document(milestone, title)
    created = document is None
    if document is None:
        document = create_document(milestone, title)
    previous_keys = set(
        Paragraph.objects.filter(version__document=document).values_list("key", flat=True).distinct()
    )
    version = create_version(
        document, parsed, by=by, source=PurePath(filename).name if filename else "", label=label, notes=notes
    )
    keys = list(version.paragraphs.values_list("key", flat=True))
    kept = sum(1 for key in keys if key in previous_keys)
    return DraftImport(document, version, created, parsed.warnings, kept, len(keys) - kept)
